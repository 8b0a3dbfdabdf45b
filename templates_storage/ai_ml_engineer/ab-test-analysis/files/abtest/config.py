"""The experiment's analysis plan, fixed before the data is looked at."""

EXPERIMENT = "{{ experiment_name }}"
METRIC = "{{ metric_type }}"
ALPHA = {{ alpha }}
POWER = {{ power }}
ALTERNATIVE = "{{ alternative }}"
CORRECTION = "{{ correction }}"
CONTROL = "control"
# Below this p-value the observed split is too far from the plan to trust any result.
SRM_ALPHA = 0.001
