"""End-to-end smoke test: train on synthetic data, check quality, reload the artifact."""

import json

from {{ package_name }} import data
from {{ package_name }}.config import Config
from {{ package_name }}.predict import predict
from {{ package_name }}.train import train


def test_training_learns_and_writes_artifacts(small_config: Config) -> None:
    result = train(small_config)

    assert (result.run_dir / "metrics.json").exists()
    assert (result.run_dir / "config.yaml").exists()
    saved = json.loads((result.run_dir / "metrics.json").read_text())
    assert saved == result.metrics
{%- if task == 'classification' %}
    assert result.metrics["test"]["accuracy"] > 0.75
{%- else %}
    assert result.metrics["test"]["r2"] > 0.6
{%- endif %}

    model_path = next(result.run_dir.glob("model.*"))
    rows = data.make_synthetic(20, "{{ task }}", seed=99)
    predictions = predict(model_path, rows)
    assert len(predictions) == 20
{%- if task == 'classification' %}
    assert set(predictions) <= {0, 1}
{%- endif %}
