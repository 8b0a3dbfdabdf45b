"""Batch scoring runner for {{ job_name }}."""
