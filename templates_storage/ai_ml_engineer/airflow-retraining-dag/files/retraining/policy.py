"""When to retrain and when to promote, kept apart from the DAG so it is unit-tested and
reviewed like any other code (and the DAG file stays cheap for the scheduler to parse)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_MODEL_AGE = timedelta(days={{ max_model_age_days }})
DRIFT_THRESHOLD = {{ drift_threshold }}
MIN_NEW_LABELS = 1000
MIN_IMPROVEMENT = {{ min_improvement }}
PROMOTION_METRIC = "{{ promotion_metric }}"


@dataclass
class Decision:
    go: bool
    reasons: list[str]


def should_retrain(
    *,
    now: datetime,
    model_trained_at: datetime,
    drift_report: dict | None,
    new_labels: int,
) -> Decision:
    """Retrain when the model is old, when inputs drifted, or when enough new labels arrived.

    drift_report is the JSON a drift monitor writes: {"features": [{"feature", "statistic"}...]}.
    """
    reasons = []
    age = now - model_trained_at
    if age > MAX_MODEL_AGE:
        reasons.append(f"model is {age.days} days old (limit {MAX_MODEL_AGE.days})")
    for feature in (drift_report or {}).get("features", []):
        if feature["statistic"] > DRIFT_THRESHOLD:
            reasons.append(f"feature {feature['feature']} drifted ({feature['statistic']:.3f} > {DRIFT_THRESHOLD})")
    if new_labels >= MIN_NEW_LABELS:
        reasons.append(f"{new_labels} new labels since the last training")
    return Decision(bool(reasons), reasons or ["no trigger: model fresh, no drift, few new labels"])


def should_promote(challenger: dict[str, float], champion: dict[str, float] | None) -> Decision:
    """Promote when there is no champion, or the challenger wins by MIN_IMPROVEMENT on the metric.

    A challenger without the metric is never promoted: a broken evaluation must not ship.
    """
    if PROMOTION_METRIC not in challenger:
        return Decision(False, [f"challenger has no {PROMOTION_METRIC}"])
    if not champion or PROMOTION_METRIC not in champion:
        return Decision(True, ["no champion in production"])
    new, old = challenger[PROMOTION_METRIC], champion[PROMOTION_METRIC]
    if new >= old + MIN_IMPROVEMENT:
        return Decision(True, [f"{PROMOTION_METRIC} {new:.4f} beats {old:.4f} by >= {MIN_IMPROVEMENT}"])
    return Decision(False, [f"{PROMOTION_METRIC} {new:.4f} vs champion {old:.4f}: improvement below {MIN_IMPROVEMENT}"])
