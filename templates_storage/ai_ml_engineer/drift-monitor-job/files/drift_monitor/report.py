"""Loading the two samples and comparing them feature by feature."""

from __future__ import annotations

import csv
import io
import urllib.request
from dataclasses import asdict, dataclass, field

from .stats import METHODS, categorical_drift, numeric_drift


@dataclass
class FeatureDrift:
    feature: str
    kind: str
    statistic: float
    drifted: bool
    reference_rows: int
    current_rows: int


@dataclass
class DriftReport:
    method: str
    threshold: float
    features: list[FeatureDrift] = field(default_factory=list)

    @property
    def drifted(self) -> list[str]:
        return [f.feature for f in self.features if f.drifted]

    def as_dict(self) -> dict:
        return {
            "method": self.method,
            "threshold": self.threshold,
            "drifted_features": self.drifted,
            "drift_share": len(self.drifted) / len(self.features) if self.features else 0.0,
            "features": [asdict(f) for f in self.features],
        }


def read_rows(location: str) -> list[dict[str, str]]:
    """Rows of a CSV file given as a path or an http(s) URL (a signed object-store URL works)."""
    if location.startswith(("http://", "https://")):
        with urllib.request.urlopen(location, timeout=60) as response:  # noqa: S310 - the URL is configuration
            text = response.read().decode("utf-8")
        return list(csv.DictReader(io.StringIO(text)))
    with open(location, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _as_floats(values: list[str]) -> list[float] | None:
    try:
        return [float(v) for v in values]
    except ValueError:
        return None


def compare(
    reference: list[dict[str, str]],
    current: list[dict[str, str]],
    *,
    method: str,
    threshold: float,
    bins: int,
    features: list[str] | None = None,
) -> DriftReport:
    """Drift of every feature (every shared column unless `features` names some).

    A column is numeric when every non-empty value in both samples parses as a number;
    otherwise its values are categories. Empty cells are left out (missingness drift is a
    separate check: compare the share of empty cells if it matters for your model).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    if not reference or not current:
        raise ValueError("both samples need at least one row")
    columns = features or [c for c in reference[0] if c in current[0]]
    report = DriftReport(method=method, threshold=threshold)
    for column in columns:
        ref_values = [row[column] for row in reference if row.get(column, "") != ""]
        cur_values = [row[column] for row in current if row.get(column, "") != ""]
        if not ref_values or not cur_values:
            continue
        ref_numbers, cur_numbers = _as_floats(ref_values), _as_floats(cur_values)
        if ref_numbers is not None and cur_numbers is not None:
            kind, value = "numeric", numeric_drift(method, ref_numbers, cur_numbers, bins)
        else:
            kind, value = "categorical", categorical_drift(method, ref_values, cur_values)
        report.features.append(
            FeatureDrift(column, kind, round(value, 6), value > threshold, len(ref_values), len(cur_values))
        )
    return report
