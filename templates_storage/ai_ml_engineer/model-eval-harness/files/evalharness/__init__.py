"""Offline evaluation and release gates for {{ model_name }}."""
