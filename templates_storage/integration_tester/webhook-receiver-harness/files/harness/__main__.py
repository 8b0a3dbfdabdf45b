"""`python -m harness`: receive deliveries until Ctrl-C, printing each and appending it to a file."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from .receiver import Receiver, ReceiverConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness", description=__doc__)
    parser.add_argument("--host", default=os.environ.get("WEBHOOK_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("WEBHOOK_PORT", "{{ port }}")))
    parser.add_argument("--record", type=Path, default=Path("deliveries.jsonl"))
    parser.add_argument("--fail-first", type=int, default={{ fail_first }})
    args = parser.parse_args(argv)
    secret = os.environ.get("WEBHOOK_SECRET", "")
    if not secret:
        print("set WEBHOOK_SECRET to the signing secret the provider shows for this endpoint", file=sys.stderr)
        return 2
    config = ReceiverConfig(
        secret=secret, host=args.host, port=args.port, fail_first=args.fail_first, record_to=args.record
    )
    with Receiver(config) as receiver:
        print(f"listening on {receiver.url}, recording to {args.record}", flush=True)
        seen = 0
        try:
            while True:
                time.sleep(0.5)
                for delivery in receiver.deliveries[seen:]:
                    verdict = "ok" if delivery.verified else f"REJECTED ({delivery.error})"
                    print(f"{delivery.status} {verdict} {delivery.body[:120]}", flush=True)
                seen = len(receiver.deliveries)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
