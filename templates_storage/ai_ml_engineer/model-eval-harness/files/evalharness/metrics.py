"""Evaluation metrics in the standard library, written from their definitions.

Classification scores are the predicted probability of the positive class (binary) or the
predicted label (multiclass); regression predictions are numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

# Metrics where lower is better: the gates flip their comparisons for these.
ERROR_METRICS = {"log_loss", "brier", "ece", "mae", "rmse", "mape"}


def roc_auc(y: Sequence[int], score: Sequence[float]) -> float:
    """Probability that a random positive outranks a random negative (ties count half)."""
    pairs = sorted(zip(score, y))
    positives = sum(y)
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2  # average rank of a tie group
        rank_sum += mid_rank * sum(label for _, label in pairs[i:j])
        i = j
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def average_precision(y: Sequence[int], score: Sequence[float]) -> float:
    """Area under the precision-recall curve as the mean precision at each positive."""
    ranked = sorted(zip(score, y), key=lambda p: -p[0])
    hits, total = 0, 0.0
    for k, (_, label) in enumerate(ranked, 1):
        if label:
            hits += 1
            total += hits / k
    return total / hits if hits else math.nan


def log_loss(y: Sequence[int], score: Sequence[float], eps: float = 1e-15) -> float:
    return -sum(t * math.log(max(p, eps)) + (1 - t) * math.log(max(1 - p, eps)) for t, p in zip(y, score)) / len(y)


def brier(y: Sequence[int], score: Sequence[float]) -> float:
    return sum((p - t) ** 2 for t, p in zip(y, score)) / len(y)


def ece(y: Sequence[int], score: Sequence[float], bins: int = 10) -> float:
    """Expected calibration error over equal-width probability bins."""
    groups: dict[int, list[tuple[int, float]]] = {}
    for t, p in zip(y, score):
        groups.setdefault(min(int(p * bins), bins - 1), []).append((t, p))
    return sum(
        len(g) / len(y) * abs(sum(t for t, _ in g) / len(g) - sum(p for _, p in g) / len(g)) for g in groups.values()
    )


def binary_at_threshold(y: Sequence[int], score: Sequence[float], threshold: float = 0.5) -> dict[str, float]:
    tp = sum(1 for t, p in zip(y, score) if t and p >= threshold)
    fp = sum(1 for t, p in zip(y, score) if not t and p >= threshold)
    fn = sum(1 for t, p in zip(y, score) if t and p < threshold)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = sum(1 for t, p in zip(y, score) if (p >= threshold) == bool(t)) / len(y)
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}


def binary_metrics(y: Sequence[int], score: Sequence[float]) -> dict[str, float]:
    return {
        "roc_auc": roc_auc(y, score),
        "average_precision": average_precision(y, score),
        "log_loss": log_loss(y, score),
        "brier": brier(y, score),
        "ece": ece(y, score),
        **binary_at_threshold(y, score),
    }


def multiclass_metrics(y: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    labels = sorted(set(y) | set(predicted))
    f1s, weights = [], []
    support = Counter(y)
    for label in labels:
        tp = sum(1 for t, p in zip(y, predicted) if t == label and p == label)
        fp = sum(1 for t, p in zip(y, predicted) if t != label and p == label)
        fn = sum(1 for t, p in zip(y, predicted) if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
        weights.append(support[label])
    return {
        "accuracy": sum(1 for t, p in zip(y, predicted) if t == p) / len(y),
        "macro_f1": sum(f1s) / len(f1s),
        "weighted_f1": sum(f * w for f, w in zip(f1s, weights)) / len(y),
    }


def regression_metrics(y: Sequence[float], predicted: Sequence[float]) -> dict[str, float]:
    n = len(y)
    errors = [p - t for t, p in zip(y, predicted)]
    mean = sum(y) / n
    total = sum((t - mean) ** 2 for t in y)
    nonzero = [(t, p) for t, p in zip(y, predicted) if t != 0]
    return {
        "mae": sum(abs(e) for e in errors) / n,
        "rmse": math.sqrt(sum(e * e for e in errors) / n),
        "r2": 1 - sum(e * e for e in errors) / total if total else math.nan,
        "mape": sum(abs((p - t) / t) for t, p in nonzero) / len(nonzero) if nonzero else math.nan,
    }


TASK_METRICS = {"binary": binary_metrics, "multiclass": multiclass_metrics, "regression": regression_metrics}

# Single metrics the bootstrap can compute alone (thousands of resamples: skip the rest).
SINGLE_METRICS = {
    "roc_auc": roc_auc,
    "average_precision": average_precision,
    "log_loss": log_loss,
    "brier": brier,
    "ece": ece,
    "mae": lambda y, p: sum(abs(b - a) for a, b in zip(y, p)) / len(y),
    "rmse": lambda y, p: math.sqrt(sum((b - a) ** 2 for a, b in zip(y, p)) / len(y)),
}
