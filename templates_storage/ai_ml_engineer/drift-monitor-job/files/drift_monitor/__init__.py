"""Data-drift monitor for {{ job_name }}: compares a current sample with a reference sample."""

__version__ = "1.0.0"
