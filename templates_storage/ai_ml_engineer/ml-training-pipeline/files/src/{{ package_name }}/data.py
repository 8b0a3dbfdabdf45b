"""Loading, feature preparation and deterministic train/validation/test splits."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .config import DataConfig, Task

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Split:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    classes: list[object] | None  # original label values, index = encoded class id


def make_synthetic(n_samples: int, task: Task, seed: int, n_features: int = 8) -> pd.DataFrame:
    """A learnable dataset with a non-linear interaction, for smoke runs and tests."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_samples, n_features))
    weights = rng.normal(size=n_features)
    signal = x @ weights + 0.75 * x[:, 0] * x[:, 1]
    if task == "classification":
        target = (signal + rng.normal(scale=0.5, size=n_samples) > 0).astype(int)
    else:
        target = signal + rng.normal(scale=0.3, size=n_samples)
    frame = pd.DataFrame(x, columns=[f"f{i}" for i in range(n_features)])
    frame["target"] = target
    return frame


def load_frame(config: DataConfig, task: Task, seed: int) -> pd.DataFrame:
    path = Path(config.path)
    if path.exists():
        frame = pd.read_csv(path)
        logger.info("loaded %d rows from %s", len(frame), path)
        return frame
    if config.synthetic_samples > 0:
        logger.warning("%s not found: using %d synthetic rows", path, config.synthetic_samples)
        return make_synthetic(config.synthetic_samples, task, seed)
    raise FileNotFoundError(f"training data not found: {path}")


def prepare_features(
    frame: pd.DataFrame, target: str, feature_names: list[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """One-hot encode text columns; align to `feature_names` when given (inference)."""
    features = pd.get_dummies(frame.drop(columns=[target], errors="ignore"), dtype=float)
    if feature_names is not None:
        features = features.reindex(columns=feature_names, fill_value=0.0)
    if features.isna().to_numpy().any():
        raise ValueError("features contain missing values: impute them before training")
    return features.to_numpy(dtype=np.float32), [str(c) for c in features.columns]


def split(frame: pd.DataFrame, config: DataConfig, task: Task, seed: int) -> Split:
    if config.target not in frame.columns:
        raise KeyError(f"target column {config.target!r} not in data columns {list(frame.columns)}")
    x, feature_names = prepare_features(frame, config.target)
    raw_target = frame[config.target].to_numpy()
    classes: list[object] | None = None
    if task == "classification":
        labels, y = np.unique(raw_target, return_inverse=True)
        classes = labels.tolist()
        y = y.astype(np.int64)
    else:
        y = raw_target.astype(np.float32)

    order = np.random.default_rng(seed).permutation(len(frame))
    n_test = round(len(frame) * config.test_fraction)
    n_val = round(len(frame) * config.val_fraction)
    test, val, train = order[:n_test], order[n_test : n_test + n_val], order[n_test + n_val :]
    if min(len(train), len(val), len(test)) == 0:
        raise ValueError(f"{len(frame)} rows are too few for the configured split fractions")
    return Split(x[train], y[train], x[val], y[val], x[test], y[test], feature_names, classes)
