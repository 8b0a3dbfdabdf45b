"""Compare schemas with their version at a git ref, or two files.

    python3 -m schemacheck                         # every {{ schemas_dir }}/*.schema.json vs {{ base_ref }}
    python3 -m schemacheck --base origin/release   # another base
    python3 -m schemacheck OLD.json NEW.json       # two files
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from .compat import MODES, breaking_changes


def at_ref(ref: str, path: Path) -> dict | None:
    shown = subprocess.run(
        ["git", "show", f"{ref}:{path.as_posix()}"], capture_output=True, text=True, check=False
    )
    return json.loads(shown.stdout) if shown.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m schemacheck", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path, help="OLD NEW, instead of comparing with --base")
    parser.add_argument("--base", default="{{ base_ref }}")
    parser.add_argument("--dir", type=Path, default=Path("{{ schemas_dir }}"))
    parser.add_argument("--mode", choices=MODES, default="{{ compatibility }}")
    args = parser.parse_args(argv)

    if args.files:
        if len(args.files) != 2:
            parser.error("give two files: OLD NEW")
        old, new = (json.loads(f.read_text(encoding="utf-8")) for f in args.files)
        pairs = [(str(args.files[1]), old, new)]
    else:
        pairs = []
        for path in sorted(args.dir.rglob("*.schema.json")):
            previous = at_ref(args.base, path)
            if previous is None:
                print(f"new   {path}")
                continue
            pairs.append((str(path), previous, json.loads(path.read_text(encoding="utf-8"))))

    failed = 0
    for name, old, new in pairs:
        problems = breaking_changes(old, new, args.mode)
        print(f"{'BREAK' if problems else 'ok   '} {name}")
        for problem in problems:
            print(f"      {problem}")
        failed += bool(problems)
    if failed:
        print(f"\n{failed} schema(s) break {args.mode} compatibility with {args.base}. Publish a new"
              " subject (e.g. a .v2 file) instead of changing this one.", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
