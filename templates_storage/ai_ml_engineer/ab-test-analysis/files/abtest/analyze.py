"""Reading per-unit outcomes and turning them into a decision report."""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass

from . import config
from .stats import Comparison, adjust, cuped, sample_ratio_mismatch, two_proportion_test, welch_test


@dataclass
class Result:
    variant: str
    units: int
    comparison: Comparison
    adjusted_p: float

    @property
    def significant(self) -> bool:
        return self.adjusted_p < config.ALPHA


@dataclass
class Analysis:
    srm_p: float
    results: list[Result]
    control_units: int

    @property
    def trustworthy(self) -> bool:
        return self.srm_p >= config.SRM_ALPHA


def load(path: str) -> dict[str, list[dict[str, str]]]:
    """Rows of the export grouped by variant. Columns: unit_id, variant, {% if metric_type == 'conversion' %}converted (0/1){% else %}value and optionally pre_value (the same metric before the experiment){% endif %}."""
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    with open(path, newline="", encoding="utf-8") as handle:
        seen: set[str] = set()
        for row in csv.DictReader(handle):
            if row["unit_id"] in seen:
                raise ValueError(f"unit {row['unit_id']} appears twice: each unit must be in one variant once")
            seen.add(row["unit_id"])
            groups[row["variant"]].append(row)
    if config.CONTROL not in groups:
        raise ValueError(f"no rows for the control variant {config.CONTROL!r}")
    return groups


def analyze(groups: dict[str, list[dict[str, str]]], shares: list[float] | None = None) -> Analysis:
    variants = [config.CONTROL] + sorted(v for v in groups if v != config.CONTROL)
    counts = [len(groups[v]) for v in variants]
    srm_p = sample_ratio_mismatch(counts, shares or [1.0] * len(variants))
    control = groups[config.CONTROL]
    comparisons = []
    for variant in variants[1:]:
        rows = groups[variant]
{%- if metric_type == 'conversion' %}
        comparisons.append(
            two_proportion_test(
                sum(int(r["converted"]) for r in control),
                len(control),
                sum(int(r["converted"]) for r in rows),
                len(rows),
                config.ALPHA,
                config.ALTERNATIVE,
            )
        )
{%- else %}
        values = [float(r["value"]) for r in control + rows]
        if all(r.get("pre_value") not in (None, "") for r in control + rows):
            # CUPED over both arms at once, then split back.
            values = cuped(values, [float(r["pre_value"]) for r in control + rows])
        comparisons.append(welch_test(values[: len(control)], values[len(control) :], config.ALPHA, config.ALTERNATIVE))
{%- endif %}
    adjusted = adjust([c.p_value for c in comparisons], config.CORRECTION)
    results = [
        Result(v, len(groups[v]), c, p) for v, c, p in zip(variants[1:], comparisons, adjusted, strict=True)
    ]
    return Analysis(srm_p, results, len(control))


def decision(result: Result) -> str:
    if not result.significant:
        return "inconclusive: keep control (or run longer if the interval still includes a worthwhile effect)"
    return "ship" if result.comparison.difference > 0 else "do not ship: treatment is worse"


def markdown(analysis: Analysis) -> str:
    lines = [
        f"# {config.EXPERIMENT}: results",
        "",
        f"Metric: {config.METRIC}; test: {config.ALTERNATIVE}, alpha {config.ALPHA}, correction {config.CORRECTION}.",
        "",
        f"Sample ratio check: p = {analysis.srm_p:.4g} "
        + ("(split as planned)." if analysis.trustworthy else "(**SAMPLE RATIO MISMATCH: do not use these results**)."),
        "",
        "| Variant | Units | Control | Treatment | Difference | CI | p (adjusted) | Decision |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in analysis.results:
        c = r.comparison
        verdict = decision(r) if analysis.trustworthy else "invalid (SRM)"
        lines.append(
            f"| {r.variant} | {r.units} | {c.control:.4g} | {c.treatment:.4g} | {c.difference:+.4g} "
            f"({c.relative_lift:+.2%}) | [{c.ci_low:.4g}, {c.ci_high:.4g}] | {r.adjusted_p:.4g} | {verdict} |"
        )
    return "\n".join(lines) + "\n"
