"""python -m abtest plan ... | analyze EXPORT.csv [--report report.md]"""

from __future__ import annotations

import argparse
import sys

from . import config
from .analyze import analyze, load, markdown
from .stats import sample_size_means, sample_size_proportions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="abtest", description=f"A/B analysis of {config.EXPERIMENT}")
    commands = parser.add_subparsers(dest="command", required=True)
    plan = commands.add_parser("plan", help="units per arm needed before starting")
{%- if metric_type == 'conversion' %}
    plan.add_argument("--baseline", type=float, required=True, help="control conversion rate, e.g. 0.12")
    plan.add_argument("--mde", type=float, required=True, help="smallest relative lift worth detecting, e.g. 0.05")
{%- else %}
    plan.add_argument("--sd", type=float, required=True, help="standard deviation of the metric per unit")
    plan.add_argument("--mde", type=float, required=True, help="smallest absolute difference worth detecting")
{%- endif %}
    run = commands.add_parser("analyze", help="analyze an export of per-unit outcomes")
    run.add_argument("export", help="CSV with unit_id, variant and the outcome columns")
    run.add_argument("--shares", help="planned traffic shares, control first (default: equal), e.g. 50,25,25")
    run.add_argument("--report", help="write the Markdown report here instead of stdout")
    args = parser.parse_args(argv)

    try:
        if args.command == "plan":
{%- if metric_type == 'conversion' %}
            n = sample_size_proportions(args.baseline, args.mde, config.ALPHA, config.POWER, config.ALTERNATIVE)
{%- else %}
            n = sample_size_means(args.sd, args.mde, config.ALPHA, config.POWER, config.ALTERNATIVE)
{%- endif %}
            print(f"{n} units per arm (alpha {config.ALPHA}, power {config.POWER}, {config.ALTERNATIVE})")
            return 0
        shares = [float(s) for s in args.shares.split(",")] if args.shares else None
        result = analyze(load(args.export), shares)
    except (OSError, ValueError, KeyError) as err:
        print(f"abtest: {err}", file=sys.stderr)
        return 1
    report = markdown(result)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(report)
    else:
        print(report, end="")
    return 0 if result.trustworthy else 3


if __name__ == "__main__":
    sys.exit(main())
