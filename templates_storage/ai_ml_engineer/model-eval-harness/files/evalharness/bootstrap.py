"""Percentile bootstrap intervals: resample rows with replacement, recompute, take quantiles."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence


def bootstrap_interval(
    metric: Callable[[Sequence, Sequence], float],
    y: Sequence,
    predicted: Sequence,
    *,
    samples: int = {{ bootstrap_samples }},
    confidence: float = 0.95,
    seed: int = 0,
) -> tuple[float, float]:
    rng = random.Random(seed)  # fixed: the same predictions always give the same report
    n = len(y)
    values = []
    for _ in range(samples):
        idx = [rng.randrange(n) for _ in range(n)]
        value = metric([y[i] for i in idx], [predicted[i] for i in idx])
        if not math.isnan(value):
            values.append(value)
    if not values:
        return math.nan, math.nan
    values.sort()
    tail = (1 - confidence) / 2
    low = values[int(math.floor(tail * (len(values) - 1)))]
    high = values[int(math.ceil((1 - tail) * (len(values) - 1)))]
    return low, high
