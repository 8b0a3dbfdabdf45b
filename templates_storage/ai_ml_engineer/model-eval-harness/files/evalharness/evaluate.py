"""The evaluation: overall metrics with intervals, metrics per slice, and the release gates."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field

from .bootstrap import bootstrap_interval
from .metrics import ERROR_METRICS, SINGLE_METRICS, TASK_METRICS

TASK = "{{ task }}"
GATE_METRIC = "{{ gate_metric }}"
MIN_SCORE = {{ min_score }}
MAX_SLICE_GAP = {{ max_slice_gap }}
SLICE_COLUMNS = [c for c in "{{ slice_columns }}".split(",") if c]
# Slices smaller than this are reported but not gated: their metric is mostly noise.
MIN_SLICE_SIZE = 50


@dataclass
class Report:
    model: str
    rows: int
    overall: dict[str, float]
    interval: tuple[float, float]
    slices: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    gates: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(ok for _, ok, _ in self.gates)


def read_predictions(path: str) -> list[dict[str, str]]:
    """CSV with `y_true` and {% if task == 'binary' %}`y_score` (probability of class 1){% else %}`y_pred`{% endif %}, plus the slice columns."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path} has no rows")
    return rows


def columns(rows: list[dict[str, str]]) -> tuple[list, list]:
    if TASK == "binary":
        return [int(r["y_true"]) for r in rows], [float(r["y_score"]) for r in rows]
    if TASK == "multiclass":
        return [r["y_true"] for r in rows], [r["y_pred"] for r in rows]
    return [float(r["y_true"]) for r in rows], [float(r["y_pred"]) for r in rows]


def evaluate(rows: list[dict[str, str]], model: str, baseline: dict[str, float] | None = None, samples: int | None = None) -> Report:
    compute = TASK_METRICS[TASK]
    y, predicted = columns(rows)
    overall = compute(y, predicted)
    if GATE_METRIC not in overall:
        raise ValueError(f"gate metric {GATE_METRIC!r} is not one of {sorted(overall)}")
    kwargs = {"samples": samples} if samples else {}
    single = SINGLE_METRICS.get(GATE_METRIC) or (lambda a, b: compute(a, b)[GATE_METRIC])
    interval = bootstrap_interval(single, y, predicted, **kwargs)
    report = Report(model, len(rows), overall, interval)
    for column in SLICE_COLUMNS:
        groups: dict[str, list[dict[str, str]]] = {}
        for row in rows:
            groups.setdefault(row[column], []).append(row)
        report.slices[column] = {value: {**compute(*columns(g)), "n": len(g)} for value, g in sorted(groups.items())}
    lower_is_better = GATE_METRIC in ERROR_METRICS
    bound = interval[1] if lower_is_better else interval[0]
    ok = bound <= MIN_SCORE if lower_is_better else bound >= MIN_SCORE
    report.gates.append(("score", ok, f"{GATE_METRIC} {'upper' if lower_is_better else 'lower'} 95% bound {bound:.4f} vs {MIN_SCORE}"))
    for column, groups in report.slices.items():
        values = [m[GATE_METRIC] for m in groups.values() if m["n"] >= MIN_SLICE_SIZE and not math.isnan(m[GATE_METRIC])]
        if len(values) >= 2:
            gap = max(values) - min(values)
            report.gates.append((f"slice gap {column}", gap <= MAX_SLICE_GAP, f"{gap:.4f} vs {MAX_SLICE_GAP}"))
    if baseline and GATE_METRIC in baseline:
        # Not worse than production beyond the interval's half-width (noise, not regression).
        half = (interval[1] - interval[0]) / 2
        value, old = overall[GATE_METRIC], baseline[GATE_METRIC]
        ok = value <= old + half if lower_is_better else value >= old - half
        report.gates.append(("no regression", ok, f"{value:.4f} vs production {old:.4f} (tolerance {half:.4f})"))
    return report


def markdown(report: Report) -> str:
    lines = [
        f"# Evaluation of {report.model}",
        "",
        f"{report.rows} predictions, task {TASK}. Gate metric `{GATE_METRIC}`: "
        f"{report.overall[GATE_METRIC]:.4f} (95% CI {report.interval[0]:.4f} to {report.interval[1]:.4f}).",
        "",
        "| Metric | Value |",
        "| --- | --- |",
        *[f"| {k} | {v:.4f} |" for k, v in report.overall.items()],
        "",
    ]
    for column, groups in report.slices.items():
        lines += [f"## By {column}", "", f"| {column} | n | {GATE_METRIC} |", "| --- | --- | --- |"]
        lines += [f"| {value} | {m['n']} | {m[GATE_METRIC]:.4f} |" for value, m in groups.items()]
        lines.append("")
    lines += ["## Gates", "", "| Gate | Result | Detail |", "| --- | --- | --- |"]
    lines += [f"| {name} | {'pass' if ok else 'FAIL'} | {detail} |" for name, ok, detail in report.gates]
    return "\n".join(lines) + "\n"
