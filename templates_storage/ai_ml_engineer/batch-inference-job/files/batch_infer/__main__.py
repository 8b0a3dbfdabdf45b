"""python -m batch_infer: score this pod's shard (JOB_COMPLETION_INDEX of SHARDS)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import backends
from .runner import BATCH_SIZE, run_shard


def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="batch_infer")
    parser.add_argument("--input", type=Path, default=Path(env("INPUT_DIR", "/data/input")))
    parser.add_argument("--output", type=Path, default=Path(env("OUTPUT_DIR", "/data/output")))
    # Kubernetes sets JOB_COMPLETION_INDEX in every pod of an Indexed Job.
    parser.add_argument("--index", type=int, default=int(env("JOB_COMPLETION_INDEX", "0")))
    parser.add_argument("--shards", type=int, default=int(env("SHARDS", "{{ shards }}")))
    parser.add_argument("--batch-size", type=int, default=int(env("BATCH_SIZE", str(BATCH_SIZE))))
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        stats = run_shard(args.input, args.output, args.index, args.shards, backends.from_env(), args.batch_size)
    except (OSError, ValueError, KeyError, RuntimeError) as err:
        print(f"batch_infer shard {args.index}: {err}", file=sys.stderr)
        return 1
    print(
        f"shard {args.index}/{args.shards}: {stats.files_scored} files scored, {stats.files_skipped} already done, "
        f"{stats.records} records in {time.monotonic() - started:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
