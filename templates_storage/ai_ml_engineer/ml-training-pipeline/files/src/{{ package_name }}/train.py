"""Train, evaluate and save a model.

Usage: python -m {{ package_name }}.train --config configs/default.yaml
"""

from __future__ import annotations

import argparse
import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

{% if framework == 'sklearn' -%}
import joblib
{% endif -%}
{% if use_mlflow -%}
import mlflow
{% endif -%}
import numpy as np
{%- if framework == 'pytorch' %}
import torch
{%- endif %}
import yaml
{%- if framework == 'pytorch' %}
from torch import nn
from torch.utils.data import DataLoader, TensorDataset
{%- endif %}

from . import data, metrics
from .config import Config
{%- if framework == 'sklearn' %}
from .model import build_model
{%- else %}
from .model import MLP
{%- endif %}

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunResult:
    run_dir: Path
    metrics: dict[str, dict[str, float]]


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002  (libraries that still use the global RNG)
{%- if framework == 'pytorch' %}
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
{%- endif %}

{% if framework == 'sklearn' %}
def fit(config: Config, split: data.Split) -> tuple[object, dict[str, dict[str, float]]]:
    model = build_model(config.model, config.seed)
    model.fit(split.x_train, split.y_train)
    scores = {
        "val": metrics.compute(config.task, split.y_val, model.predict(split.x_val)),
        "test": metrics.compute(config.task, split.y_test, model.predict(split.x_test)),
    }
    return model, scores


def save_model(model: object, split: data.Split, config: Config, run_dir: Path) -> Path:
    path = run_dir / "model.joblib"
    artifact = {
        "model": model,
        "task": config.task,
        "feature_names": split.feature_names,
        "classes": split.classes,
    }
    joblib.dump(artifact, path)
    return path
{% else %}
def _device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _predict(model: MLP, x: np.ndarray, task: str, device: torch.device) -> np.ndarray:
    model.eval()
    with torch.no_grad():
        outputs = model(torch.from_numpy(x).to(device))
    if task == "classification":
        return outputs.argmax(dim=1).cpu().numpy()
    return outputs.squeeze(1).cpu().numpy()


def fit(config: Config, split: data.Split) -> tuple[dict[str, object], dict[str, dict[str, float]]]:
    device = _device()
    mean = split.x_train.mean(axis=0)
    std = split.x_train.std(axis=0) + 1e-8
    x_train, x_val, x_test = ((x - mean) / std for x in (split.x_train, split.x_val, split.x_test))

    classification = config.task == "classification"
    out_features = len(split.classes or []) if classification else 1
    model = MLP(x_train.shape[1], config.model.hidden_sizes, out_features, config.model.dropout)
    model.to(device)
    loss_fn: nn.Module = nn.CrossEntropyLoss() if classification else nn.MSELoss()
    optimizer = torch.optim.AdamW(
        model.parameters(),
        lr=config.training.learning_rate,
        weight_decay=config.training.weight_decay,
    )
    targets = torch.from_numpy(split.y_train if classification else split.y_train[:, None])
    loader = DataLoader(
        TensorDataset(torch.from_numpy(x_train), targets),
        batch_size=config.training.batch_size,
        shuffle=True,
        generator=torch.Generator().manual_seed(config.seed),
    )
    val_x = torch.from_numpy(x_val).to(device)
    val_y = torch.from_numpy(split.y_val if classification else split.y_val[:, None]).to(device)

    best_loss, best_state, stale_epochs = float("inf"), None, 0
    for epoch in range(1, config.training.epochs + 1):
        model.train()
        for batch_x, batch_y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(batch_x.to(device)), batch_y.to(device))
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = loss_fn(model(val_x), val_y).item()
        logger.info("epoch %d val_loss %.5f", epoch, val_loss)
        if val_loss < best_loss - 1e-6:
            best_loss, stale_epochs = val_loss, 0
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        else:
            stale_epochs += 1
            if stale_epochs >= config.training.early_stopping_patience:
                logger.info("early stopping after epoch %d", epoch)
                break
    if best_state is not None:
        model.load_state_dict(best_state)

    scores = {
        "val": metrics.compute(
            config.task, split.y_val, _predict(model, x_val, config.task, device)
        ),
        "test": metrics.compute(
            config.task, split.y_test, _predict(model, x_test, config.task, device)
        ),
    }
    checkpoint = {
        "state_dict": model.cpu().state_dict(),
        "in_features": int(x_train.shape[1]),
        "hidden_sizes": list(config.model.hidden_sizes),
        "out_features": out_features,
        "dropout": config.model.dropout,
        "mean": torch.from_numpy(mean),
        "std": torch.from_numpy(std),
    }
    return checkpoint, scores


def save_model(
    checkpoint: dict[str, object], split: data.Split, config: Config, run_dir: Path
) -> Path:
    path = run_dir / "model.pt"
    torch.save(
        {
            **checkpoint,
            "task": config.task,
            "feature_names": split.feature_names,
            "classes": split.classes,
        },
        path,
    )
    return path
{% endif %}

def train(config: Config) -> RunResult:
    set_seed(config.seed)
    frame = data.load_frame(config.data, config.task, config.seed)
    split = data.split(frame, config.data, config.task, config.seed)
    logger.info(
        "train/val/test rows: %d/%d/%d, features: %d",
        len(split.y_train),
        len(split.y_val),
        len(split.y_test),
        len(split.feature_names),
    )
    model, scores = fit(config, split)

    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    run_dir = Path(config.output_dir) / run_id
    run_dir.mkdir(parents=True, exist_ok=False)
    model_path = save_model(model, split, config, run_dir)
    (run_dir / "metrics.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    (run_dir / "config.yaml").write_text(yaml.safe_dump(config.to_dict()), encoding="utf-8")
{%- if use_mlflow %}

    mlflow.set_tracking_uri(config.mlflow.tracking_uri)
    mlflow.set_experiment(config.mlflow.experiment)
    with mlflow.start_run(run_name=run_id):
        mlflow.log_params(
            {
                "seed": config.seed,
                "task": config.task,
                **{f"model.{k}": v for k, v in vars(config.model).items()},
            }
        )
        for split_name, values in scores.items():
            mlflow.log_metrics({f"{split_name}_{name}": value for name, value in values.items()})
        mlflow.log_artifact(str(model_path))
        mlflow.log_artifact(str(run_dir / "config.yaml"))
{%- endif %}

    logger.info("saved %s; metrics %s", model_path, json.dumps(scores))
    return RunResult(run_dir=run_dir, metrics=scores)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the {{ project_name }} model.")
    parser.add_argument("--config", default="configs/default.yaml", help="YAML configuration file")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(message)s")
    result = train(Config.from_yaml(args.config))
    print(json.dumps({"run_dir": str(result.run_dir), "metrics": result.metrics}, indent=2))


if __name__ == "__main__":
    main()
