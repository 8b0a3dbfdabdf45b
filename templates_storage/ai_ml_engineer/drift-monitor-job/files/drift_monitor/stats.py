"""Drift statistics in the standard library only, so the job image needs no wheels.

Every function takes two samples (reference, current) and returns a number where 0 means
"same distribution". Numeric features are binned on the reference's quantiles, so each bin
holds about the same share of the reference and a shift shows in every method alike.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter
from collections.abc import Sequence

# Empty bins would make PSI infinite (log of 0); a tiny floor keeps the statistic finite
# while still penalising a bin the reference never saw.
EPSILON = 1e-4


def quantile_edges(reference: Sequence[float], bins: int) -> list[float]:
    """Inner cut points splitting the sorted reference into `bins` groups of equal size.

    Duplicate edges (a feature with few distinct values) are dropped, so there may be
    fewer bins than asked for, never empty ones by construction.
    """
    if bins < 2:
        raise ValueError("bins must be at least 2")
    if not reference:
        raise ValueError("the reference sample is empty")
    ordered = sorted(reference)
    edges: list[float] = []
    for i in range(1, bins):
        edge = ordered[min(len(ordered) - 1, (i * len(ordered)) // bins)]
        if not edges or edge > edges[-1]:
            edges.append(edge)
    return edges


def bin_shares(values: Sequence[float], edges: Sequence[float]) -> list[float]:
    """Share of `values` in each bin delimited by `edges` (len(edges) + 1 bins), floored at EPSILON."""
    counts = [0] * (len(edges) + 1)
    for value in values:
        counts[bisect.bisect_right(edges, value)] += 1
    return _shares(counts)


def category_shares(reference: Sequence[str], current: Sequence[str]) -> tuple[list[float], list[float]]:
    """Shares of every category seen in either sample, in one order for both."""
    ref_counts, cur_counts = Counter(reference), Counter(current)
    categories = sorted(set(ref_counts) | set(cur_counts))
    return (
        _shares([ref_counts[c] for c in categories]),
        _shares([cur_counts[c] for c in categories]),
    )


def _shares(counts: Sequence[int]) -> list[float]:
    total = sum(counts)
    if total == 0:
        raise ValueError("cannot compute shares of an empty sample")
    shares = [max(c / total, EPSILON) for c in counts]
    norm = sum(shares)
    return [s / norm for s in shares]


def psi_from_shares(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index: sum of (actual - expected) * ln(actual / expected)."""
    return sum((a - e) * math.log(a / e) for e, a in zip(expected, actual, strict=True))


def js_from_shares(p: Sequence[float], q: Sequence[float]) -> float:
    """Jensen-Shannon distance (square root of the divergence, log base 2): in [0, 1]."""
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]

    def kl(x: Sequence[float], y: Sequence[float]) -> float:
        return sum(a * math.log2(a / b) for a, b in zip(x, y) if a > 0)

    divergence = (kl(p, m) + kl(q, m)) / 2
    return math.sqrt(max(divergence, 0.0))


def ks_statistic(reference: Sequence[float], current: Sequence[float]) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical CDFs."""
    if not reference or not current:
        raise ValueError("both samples must be non-empty")
    a, b = sorted(reference), sorted(current)
    i = j = 0
    gap = 0.0
    while i < len(a) and j < len(b):
        value = min(a[i], b[j])
        while i < len(a) and a[i] == value:
            i += 1
        while j < len(b) and b[j] == value:
            j += 1
        gap = max(gap, abs(i / len(a) - j / len(b)))
    return gap


def total_variation(p: Sequence[float], q: Sequence[float]) -> float:
    """Half the L1 distance between two category distributions: the categorical analogue of KS."""
    return sum(abs(a - b) for a, b in zip(p, q, strict=True)) / 2


def numeric_drift(method: str, reference: Sequence[float], current: Sequence[float], bins: int) -> float:
    if method == "ks":
        return ks_statistic(reference, current)
    edges = quantile_edges(reference, bins)
    expected, actual = bin_shares(reference, edges), bin_shares(current, edges)
    return psi_from_shares(expected, actual) if method == "psi" else js_from_shares(expected, actual)


def categorical_drift(method: str, reference: Sequence[str], current: Sequence[str]) -> float:
    expected, actual = category_shares(reference, current)
    if method == "psi":
        return psi_from_shares(expected, actual)
    if method == "jensen_shannon":
        return js_from_shares(expected, actual)
    return total_variation(expected, actual)


METHODS = ("psi", "ks", "jensen_shannon")
