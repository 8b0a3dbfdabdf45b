"""A/B analysis for the {{ experiment_name }} experiment."""
