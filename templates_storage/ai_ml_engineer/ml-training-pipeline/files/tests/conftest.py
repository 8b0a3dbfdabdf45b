"""Fixtures: a small, fast configuration that writes into a temporary directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from {{ package_name }}.config import Config


@pytest.fixture
def small_config(tmp_path: Path) -> Config:
    return Config.from_dict(
        {
            "seed": {{ random_seed }},
            "task": "{{ task }}",
            "output_dir": str(tmp_path / "outputs"),
            "data": {
                "path": str(tmp_path / "missing.csv"),
                "synthetic_samples": 600,
                "val_fraction": 0.2,
                "test_fraction": 0.2,
            },
{%- if framework == 'sklearn' %}
            "model": {"max_iter": 100},
{%- else %}
            "model": {"hidden_sizes": [32]},
            "training": {"epochs": 25, "batch_size": 32, "learning_rate": 0.01},
{%- endif %}
{%- if use_mlflow %}
            "mlflow": {"tracking_uri": (tmp_path / "mlruns").as_uri(), "experiment": "tests"},
{%- endif %}
        }
    )
