{% if framework == 'sklearn' -%}
"""Model factory: histogram gradient boosting, strong on tabular data without scaling."""

from __future__ import annotations

from sklearn.ensemble import HistGradientBoosting{% if task == 'classification' %}Classifier{% else %}Regressor{% endif %}

from .config import ModelConfig


def build_model(config: ModelConfig, seed: int) -> HistGradientBoosting{% if task == 'classification' %}Classifier{% else %}Regressor{% endif %}:
    return HistGradientBoosting{% if task == 'classification' %}Classifier{% else %}Regressor{% endif %}(
        max_iter=config.max_iter,
        learning_rate=config.learning_rate,
        max_leaf_nodes=config.max_leaf_nodes,
        l2_regularization=config.l2_regularization,
        random_state=seed,
    )
{%- else -%}
"""Model definition: a multi-layer perceptron with a task-specific output layer."""

from __future__ import annotations

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(
        self, in_features: int, hidden_sizes: tuple[int, ...], out_features: int, dropout: float
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        previous = in_features
        for size in hidden_sizes:
            layers += [nn.Linear(previous, size), nn.ReLU(), nn.Dropout(dropout)]
            previous = size
        layers.append(nn.Linear(previous, out_features))
        self.net = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x)
{%- endif %}
