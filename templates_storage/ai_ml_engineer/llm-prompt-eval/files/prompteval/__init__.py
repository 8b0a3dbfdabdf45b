"""Prompt regression suite for {{ suite_name }}."""
