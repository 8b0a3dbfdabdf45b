"""Retraining and promotion policy for {{ model_name }}: plain Python, no Airflow import."""
