"""Ingestion of documents into the {{ collection }} collection."""
