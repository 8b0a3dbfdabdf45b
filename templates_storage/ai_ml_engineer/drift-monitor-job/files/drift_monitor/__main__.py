"""python -m drift_monitor: compare, write the JSON report, alert, exit 2 when a feature drifted."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import alerts
from .report import compare, read_rows
from .stats import METHODS

EXIT_DRIFT = 2


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="drift_monitor", description=__doc__)
    parser.add_argument("--reference", default=env("DRIFT_REFERENCE"), help="CSV path or URL of the reference sample")
    parser.add_argument("--current", default=env("DRIFT_CURRENT"), help="CSV path or URL of the current sample")
    parser.add_argument("--method", choices=METHODS, default=env("DRIFT_METHOD", "{{ method }}"))
    parser.add_argument("--threshold", type=float, default=float(env("DRIFT_THRESHOLD", "{{ threshold }}")))
    parser.add_argument("--bins", type=int, default=int(env("DRIFT_BINS", "{{ bins }}")))
    parser.add_argument("--features", default=env("DRIFT_FEATURES", ""), help="comma-separated columns (default: all shared)")
    parser.add_argument("--report", default=env("DRIFT_REPORT", "-"), help="where the JSON report goes (- for stdout)")
    args = parser.parse_args(argv)
    if not args.reference or not args.current:
        parser.error("--reference and --current (or DRIFT_REFERENCE and DRIFT_CURRENT) are required")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    features = [f.strip() for f in args.features.split(",") if f.strip()] or None
    try:
        report = compare(
            read_rows(args.reference),
            read_rows(args.current),
            method=args.method,
            threshold=args.threshold,
            bins=args.bins,
            features=features,
        )
    except (OSError, ValueError, KeyError) as err:
        print(f"drift_monitor: {err}", file=sys.stderr)
        return 1
    text = json.dumps(report.as_dict(), indent=2)
    if args.report == "-":
        print(text)
    else:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    {%- if alert == 'pushgateway' %}
    target = os.environ.get("PUSHGATEWAY_URL")
    {%- elsif alert == 'slack' %}
    target = os.environ.get("SLACK_WEBHOOK_URL")
    {%- else %}
    target = None
    {%- endif %}
    alerts.send(report, "{{ job_name }}", target)
    return EXIT_DRIFT if report.drifted else 0


if __name__ == "__main__":
    sys.exit(main())
