#!/usr/bin/env bash
# Waits until the grid reports ready with every node registered; for CI before the tests start.
# Usage: ./wait-for-grid.sh [timeout-seconds]
set -euo pipefail

url="${SELENIUM_REMOTE_URL:-http://localhost:{{ hub_port }}}"
timeout="${1:-120}"
expected_nodes={{ browsers.size }}
deadline=$((SECONDS + timeout))

until status=$(curl -fsS "$url/status" 2>/dev/null) &&
  grep -q '"ready": *true' <<<"$status" &&
  [ "$(grep -o '"availability": *"UP"' <<<"$status" | wc -l)" -ge "$expected_nodes" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "grid at $url not ready with $expected_nodes node(s) after ${timeout}s" >&2
    exit 1
  fi
  sleep 2
done
echo "grid at $url is ready with $expected_nodes node(s)"
