"""python -m evalharness PREDICTIONS.csv [--baseline prod-metrics.json] [--json out.json] [--report out.md]"""

from __future__ import annotations

import argparse
import json
import sys

from .evaluate import evaluate, markdown, read_predictions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="evalharness")
    parser.add_argument("predictions")
    parser.add_argument("--model", default="{{ model_name }}")
    parser.add_argument("--baseline", help="metrics JSON of the production model (an earlier --json output)")
    parser.add_argument("--samples", type=int, help="bootstrap resamples (default from the template)")
    parser.add_argument("--json", help="write overall metrics, slices and gates as JSON")
    parser.add_argument("--report", help="write the Markdown report (stdout otherwise)")
    args = parser.parse_args(argv)
    try:
        baseline = None
        if args.baseline:
            with open(args.baseline, encoding="utf-8") as handle:
                baseline = json.load(handle)["overall"]
        report = evaluate(read_predictions(args.predictions), args.model, baseline, args.samples)
    except (OSError, ValueError, KeyError) as err:
        print(f"evalharness: {err}", file=sys.stderr)
        return 2
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"overall": report.overall, "interval": report.interval, "slices": report.slices,
                       "gates": [{"gate": n, "passed": ok, "detail": d} for n, ok, d in report.gates]}, handle, indent=2)
    text = markdown(report)
    if args.report:
        with open(args.report, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        print(text, end="")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
