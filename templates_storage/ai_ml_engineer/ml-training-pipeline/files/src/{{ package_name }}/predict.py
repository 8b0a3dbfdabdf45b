"""Batch inference with a saved model artifact; see `main()` for the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

{% if framework == 'sklearn' -%}
import joblib
{% endif -%}
import numpy as np
import pandas as pd
{%- if framework == 'pytorch' %}
import torch
{%- endif %}

from .data import prepare_features
{%- if framework == 'pytorch' %}
from .model import MLP
{%- endif %}


def predict(model_path: str | Path, frame: pd.DataFrame, target: str = "target") -> np.ndarray:
    """Predict for every row of `frame`; a target column, if present, is ignored."""
{%- if framework == 'sklearn' %}
    artifact = joblib.load(model_path)
    x, _ = prepare_features(frame, target, artifact["feature_names"])
    predictions = artifact["model"].predict(x)
{%- else %}
    artifact = torch.load(model_path, map_location="cpu", weights_only=True)
    x, _ = prepare_features(frame, target, artifact["feature_names"])
    x = (x - artifact["mean"].numpy()) / artifact["std"].numpy()
    model = MLP(
        artifact["in_features"],
        tuple(artifact["hidden_sizes"]),
        artifact["out_features"],
        artifact["dropout"],
    )
    model.load_state_dict(artifact["state_dict"])
    model.eval()
    with torch.no_grad():
        outputs = model(torch.from_numpy(x.astype(np.float32)))
    if artifact["task"] == "classification":
        predictions = outputs.argmax(dim=1).numpy()
    else:
        predictions = outputs.squeeze(1).numpy()
{%- endif %}
    if artifact["task"] == "classification" and artifact["classes"] is not None:
        return np.asarray(artifact["classes"], dtype=object)[np.asarray(predictions, dtype=int)]
    return np.asarray(predictions)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Predict with a trained {{ project_name }} model.")
    parser.add_argument("--model", required=True, help="model artifact written by training")
    parser.add_argument("--input", required=True, help="CSV with the same feature columns")
    parser.add_argument("--output", default="predictions.csv")
    parser.add_argument("--target", default="target", help="target column to ignore if present")
    args = parser.parse_args(argv)
    frame = pd.read_csv(args.input)
    predictions = predict(args.model, frame, args.target)
    frame.assign(prediction=predictions).to_csv(args.output, index=False)
    print(f"wrote {len(frame)} predictions to {args.output}")


if __name__ == "__main__":
    main()
