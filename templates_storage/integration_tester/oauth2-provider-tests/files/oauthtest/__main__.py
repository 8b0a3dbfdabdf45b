"""`python3 -m oauthtest`: run every check against the authorization server.

Environment: OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET (a test client allowed the
client_credentials grant and the scope), OAUTH_ISSUER (default {{ issuer_url }}).
"""

from __future__ import annotations

import os
import sys

from .checks import Server, Settings, run_all


def main() -> int:
    client_id, secret = os.environ.get("OAUTH_CLIENT_ID"), os.environ.get("OAUTH_CLIENT_SECRET")
    if not client_id or not secret:
        print("set OAUTH_CLIENT_ID and OAUTH_CLIENT_SECRET (a dedicated test client)", file=sys.stderr)
        return 2
    settings = Settings(issuer=os.environ.get("OAUTH_ISSUER", Settings.issuer), client_id=client_id, client_secret=secret)
    results = run_all(Server(settings))
    for name, problems in results.items():
        print(f"{'FAIL' if problems else 'ok  '} {name.replace('_', ' ')}")
        for problem in problems:
            print(f"     {problem}")
    failed = sum(1 for p in results.values() if p)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
