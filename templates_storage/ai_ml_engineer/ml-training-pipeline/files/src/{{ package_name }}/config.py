"""Typed training configuration loaded from YAML and validated before any work starts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class DataConfig:
    path: str = "data/raw/dataset.csv"
    target: str = "target"
    synthetic_samples: int = 2000
    val_fraction: float = 0.15
    test_fraction: float = 0.15

    def __post_init__(self) -> None:
        for name in ("val_fraction", "test_fraction"):
            value = getattr(self, name)
            if not 0.0 < value < 0.5:
                raise ValueError(f"data.{name} must be in (0, 0.5), got {value}")
        if self.synthetic_samples < 0:
            raise ValueError("data.synthetic_samples must be >= 0")

{% if framework == 'sklearn' %}
@dataclass(frozen=True)
class ModelConfig:
    max_iter: int = 300
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    l2_regularization: float = 0.0

    def __post_init__(self) -> None:
        if self.max_iter < 1 or self.max_leaf_nodes < 2:
            raise ValueError("model.max_iter must be >= 1 and model.max_leaf_nodes >= 2")
        if self.learning_rate <= 0:
            raise ValueError("model.learning_rate must be positive")
{% else %}
@dataclass(frozen=True)
class ModelConfig:
    hidden_sizes: tuple[int, ...] = (64, 32)
    dropout: float = 0.1

    def __post_init__(self) -> None:
        object.__setattr__(self, "hidden_sizes", tuple(int(h) for h in self.hidden_sizes))
        if not self.hidden_sizes or min(self.hidden_sizes) < 1:
            raise ValueError("model.hidden_sizes must be a non-empty list of positive integers")
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError("model.dropout must be in [0, 1)")


@dataclass(frozen=True)
class TrainingConfig:
    epochs: int = {{ epochs }}
    batch_size: int = 64
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    early_stopping_patience: int = 5

    def __post_init__(self) -> None:
        if self.epochs < 1 or self.batch_size < 1 or self.early_stopping_patience < 1:
            raise ValueError("training.epochs, batch_size and early_stopping_patience must be >= 1")
        if self.learning_rate <= 0:
            raise ValueError("training.learning_rate must be positive")
{% endif %}
{%- if use_mlflow %}

@dataclass(frozen=True)
class MlflowConfig:
    tracking_uri: str = "mlruns"
    experiment: str = "{{ project_name }}"
{% endif %}

@dataclass(frozen=True)
class Config:
    seed: int = {{ random_seed }}
    task: Task = "{{ task }}"
    output_dir: str = "outputs"
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
{%- if framework == 'pytorch' %}
    training: TrainingConfig = field(default_factory=TrainingConfig)
{%- endif %}
{%- if use_mlflow %}
    mlflow: MlflowConfig = field(default_factory=MlflowConfig)
{%- endif %}

    def __post_init__(self) -> None:
        if self.task not in ("classification", "regression"):
            raise ValueError(f"task must be classification or regression, got {self.task!r}")

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> Config:
        known = {"seed", "task", "output_dir", "data", "model"{% if framework == 'pytorch' %}, "training"{% endif %}{% if use_mlflow %}, "mlflow"{% endif %}}
        unknown = set(raw) - known
        if unknown:
            raise ValueError(f"unknown configuration keys: {sorted(unknown)}")
        return cls(
            seed=int(raw.get("seed", {{ random_seed }})),
            task=raw.get("task", "{{ task }}"),
            output_dir=str(raw.get("output_dir", "outputs")),
            data=DataConfig(**raw.get("data", {})),
            model=ModelConfig(**raw.get("model", {})),
{%- if framework == 'pytorch' %}
            training=TrainingConfig(**raw.get("training", {})),
{%- endif %}
{%- if use_mlflow %}
            mlflow=MlflowConfig(**raw.get("mlflow", {})),
{%- endif %}
        )

    @classmethod
    def from_yaml(cls, path: str | Path) -> Config:
        with open(path, encoding="utf-8") as handle:
            return cls.from_dict(yaml.safe_load(handle) or {})

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
