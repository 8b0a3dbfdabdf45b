#!/usr/bin/env bash
# Checks the smoke runner itself against a local stand-in (python3 -m http.server): the
# checks must pass where the stand-in serves what they expect, and fail where it does not.
set -euo pipefail
cd "$(dirname "$0")/.."

site=$(mktemp -d)
trap 'kill "$server" 2> /dev/null || true; rm -rf "$site"' EXIT
mkdir -p "$(dirname "$site{{ readiness_path }}")"
echo '{"status":"ok"}' > "$site{{ readiness_path }}"
echo '<h1>{{ app_name }}</h1>' > "$site/index.html"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$site" > /dev/null 2>&1 &
server=$!

export SMOKE_BASE_URL="http://127.0.0.1:$port" SMOKE_READY_TIMEOUT_S=20 SMOKE_REPORT="$site/junit.xml"
./smoke/smoke.sh
grep -q 'failures="0"' "$site/junit.xml"

printf 'GET / 200 this-text-is-not-there\nGET /missing 200\n' > "$site/failing.txt"
if ./smoke/smoke.sh "$site/failing.txt"; then
  echo "selftest: the runner passed checks that must fail" >&2
  exit 1
fi
grep -q 'failures="2"' "$site/junit.xml"
echo "selftest: the runner passes good checks and fails bad ones"
