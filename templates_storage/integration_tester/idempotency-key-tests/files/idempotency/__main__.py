"""`python3 -m idempotency`: run every check against IDEMPOTENCY_BASE_URL.

Environment: IDEMPOTENCY_BASE_URL (required), IDEMPOTENCY_TOKEN (sent as a bearer token),
IDEMPOTENCY_PAYLOAD (default payload.json: {"request": ..., "different_request": ...}).
Use a test environment: every run creates resources.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .checks import Client, Settings, run_all


def main() -> int:
    base_url = os.environ.get("IDEMPOTENCY_BASE_URL")
    if not base_url:
        print("set IDEMPOTENCY_BASE_URL to the API under test (a test environment)", file=sys.stderr)
        return 2
    token = os.environ.get("IDEMPOTENCY_TOKEN")
    payload = json.loads(Path(os.environ.get("IDEMPOTENCY_PAYLOAD", "payload.json")).read_text(encoding="utf-8"))
    client = Client(Settings(base_url=base_url, headers={"Authorization": f"Bearer {token}"} if token else {}))
    results = run_all(client, payload["request"], payload["different_request"])
    for name, problems in results.items():
        print(f"{'FAIL' if problems else 'ok  '} {name.replace('_', ' ')}")
        for problem in problems:
            print(f"     {problem}")
    failed = sum(1 for problems in results.values() if problems)
    print(f"{{ suite_name }}: {len(results) - failed}/{len(results)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
