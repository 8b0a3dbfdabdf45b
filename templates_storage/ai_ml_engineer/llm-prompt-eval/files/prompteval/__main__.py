"""python -m prompteval [--root .] [--repeats N] [--results results.jsonl] [--report summary.md]"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from .client import Client
from .runner import REPEATS, run_suite, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="prompteval")
    parser.add_argument("--root", type=Path, default=Path("."), help="folder holding prompts/ and evals/")
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--results", type=Path, help="write every answer as JSON Lines")
    parser.add_argument("--report", type=Path, help="write the Markdown summary (stdout otherwise)")
    args = parser.parse_args(argv)
    try:
        results = run_suite(Client.from_env(), args.root, repeats=args.repeats, workers=args.workers)
    except (OSError, ValueError, KeyError) as err:
        print(f"prompteval: {err}", file=sys.stderr)
        return 2
    if args.results:
        args.results.write_text("".join(json.dumps(asdict(r)) + "\n" for r in results), encoding="utf-8")
    ok, report = summary(results)
    if args.report:
        args.report.write_text(report, encoding="utf-8")
    else:
        print(report, end="")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
