"""Reading numbers and summarising them: the tool's own logic, free of any I/O policy."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, TextIO


class InvalidNumber(ValueError):
    """A line that is neither a number, a comment nor blank."""

    def __init__(self, source: str, line_number: int, text: str) -> None:
        super().__init__(f"{source}:{line_number}: not a number: {text!r}")
        self.source = source
        self.line_number = line_number


def read_numbers(stream: TextIO, source: str, skip_invalid: bool = False) -> Iterable[float]:
    """Numbers one per line; blank lines and lines starting with # are ignored."""
    for line_number, raw in enumerate(stream, 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            value = float(text)
        except ValueError:
            if skip_invalid:
                continue
            raise InvalidNumber(source, line_number, text) from None
        # nan and inf parse as floats but would poison every statistic.
        if not math.isfinite(value):
            if skip_invalid:
                continue
            raise InvalidNumber(source, line_number, text)
        yield value


def percentile(ordered: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (the default of numpy and spreadsheets)."""
    if not ordered:
        raise ValueError("percentile of no values")
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True)
class Summary:
    count: int
    minimum: float
    maximum: float
    mean: float
    percentiles: dict[float, float]

    def as_dict(self, precision: int) -> dict[str, object]:
        return {
            "count": self.count,
            "min": round(self.minimum, precision),
            "max": round(self.maximum, precision),
            "mean": round(self.mean, precision),
            "percentiles": {f"p{p:g}": round(v, precision) for p, v in self.percentiles.items()},
        }


def summarise(values: Iterable[float], percentiles: Iterable[float]) -> Summary:
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no numbers to summarise")
    return Summary(
        count=len(ordered),
        minimum=ordered[0],
        maximum=ordered[-1],
        mean=math.fsum(ordered) / len(ordered),
        percentiles={p: percentile(ordered, p) for p in percentiles},
    )
