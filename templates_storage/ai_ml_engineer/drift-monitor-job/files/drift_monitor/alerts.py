"""Reporting drift outside the job: {% if alert == 'pushgateway' %}Prometheus Pushgateway metrics{% elsif alert == 'slack' %}a Slack incoming-webhook message{% else %}nothing (the exit status is the signal){% endif %}."""

from __future__ import annotations
{%- if alert != 'none' %}

import json
import urllib.request
{%- endif %}

from .report import DriftReport
{%- if alert == 'pushgateway' %}


def exposition(report: DriftReport, job: str) -> str:
    """The report in the Prometheus text format, one gauge sample per feature."""
    lines = [
        "# HELP model_feature_drift Drift statistic of a feature against the reference sample.",
        "# TYPE model_feature_drift gauge",
    ]
    for f in report.features:
        {% raw %}lines.append(f'model_feature_drift{{feature="{f.feature}",method="{report.method}"}} {f.statistic}'){% endraw %}
    lines += [
        "# HELP model_drifted_features Number of features above the drift threshold.",
        "# TYPE model_drifted_features gauge",
        f"model_drifted_features {len(report.drifted)}",
    ]
    return "\n".join(lines) + "\n"


def send(report: DriftReport, job: str, target: str | None) -> None:
    """PUT the metrics under /metrics/job/<job> (replacing the previous run's)."""
    if not target:
        return
    request = urllib.request.Request(
        f"{target.rstrip('/')}/metrics/job/{job}",
        data=exposition(report, job).encode(),
        method="PUT",
        headers={"Content-Type": "text/plain; version=0.0.4"},
    )
    with urllib.request.urlopen(request, timeout=15):  # noqa: S310 - the URL is configuration
        pass
{%- elsif alert == 'slack' %}


def message(report: DriftReport, job: str) -> dict:
    drifted = [f for f in report.features if f.drifted]
    lines = [f"*{job}*: {len(drifted)} of {len(report.features)} features drifted ({report.method} > {report.threshold})"]
    lines += [f"- `{f.feature}` ({f.kind}): {f.statistic:.4f}" for f in drifted]
    return {"text": "\n".join(lines)}


def send(report: DriftReport, job: str, target: str | None) -> None:
    """Post to the webhook only when something drifted: a quiet channel means no drift."""
    if not target or not report.drifted:
        return
    request = urllib.request.Request(
        target,
        data=json.dumps(message(report, job)).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=15):  # noqa: S310 - the URL is configuration
        pass
{%- else %}


def send(report: DriftReport, job: str, target: str | None) -> None:
    """No alert channel: the scheduler sees the exit status (2 on drift)."""
    del report, job, target
{%- endif %}
