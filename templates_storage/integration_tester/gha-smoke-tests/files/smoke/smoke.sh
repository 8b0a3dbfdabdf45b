#!/usr/bin/env bash
# Smoke checks for {{ app_name }}: each line of smoke/checks.txt is one request that must
# answer the expected status, contain the expected text and answer within the budget.
# Usage: SMOKE_BASE_URL=https://app.example.com ./smoke/smoke.sh [checks-file]
set -euo pipefail

base_url="${SMOKE_BASE_URL:?set SMOKE_BASE_URL to the address of the deployment under test}"
checks="${1:-$(dirname "$0")/checks.txt}"
budget_ms="${SMOKE_MAX_LATENCY_MS:-{{ max_latency_ms }}}"
ready_timeout_s="${SMOKE_READY_TIMEOUT_S:-120}"
report="${SMOKE_REPORT:-reports/smoke-junit.xml}"
mkdir -p "$(dirname "$report")"

# Wait for readiness: a fresh deployment or container may still be starting.
deadline=$((SECONDS + ready_timeout_s))
until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$base_url{{ readiness_path }}")" = "200" ]; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "not ready: $base_url{{ readiness_path }} did not answer 200 within ${ready_timeout_s}s" >&2
    exit 1
  fi
  sleep 2
done

escape() {
  local text=$1
  text=${text//&/&amp;}
  text=${text//</&lt;}
  text=${text//>/&gt;}
  text=${text//\"/&quot;}
  printf '%s' "$text"
}

cases=""
total=0
failed=0
body=$(mktemp)
trap 'rm -f "$body"' EXIT
while read -r method path expected contains; do
  [[ -z "$method" || "$method" == \#* ]] && continue
  total=$((total + 1))
  # One retry on a connection error (curl exit != 0), never on a wrong answer.
  result=$(curl -s -o "$body" -w '%{http_code} %{time_total}' --max-time 30 --retry 1 --retry-connrefused \
    -X "$method" -H 'Accept: application/json' "$base_url$path") || result="000 0"
  status=${result%% *}
  ms=$(awk -v t="${result##* }" 'BEGIN { printf "%d", t * 1000 }')
  problem=""
  if [ "$status" != "$expected" ]; then
    problem="status $status, expected $expected"
  elif [ -n "$contains" ] && ! grep -qF -- "$contains" "$body"; then
    problem="body does not contain '$contains'"
  elif [ "$ms" -gt "$budget_ms" ]; then
    problem="took ${ms} ms, budget ${budget_ms} ms"
  fi
  name="$method $path"
  if [ -n "$problem" ]; then
    failed=$((failed + 1))
    printf 'FAIL %-40s %s\n' "$name" "$problem"
    cases+="<testcase classname=\"smoke.{{ app_name }}\" name=\"$(escape "$name")\" time=\"$ms\"><failure message=\"$(escape "$problem")\"/></testcase>"
  else
    printf 'ok   %-40s %s %d ms\n' "$name" "$status" "$ms"
    cases+="<testcase classname=\"smoke.{{ app_name }}\" name=\"$(escape "$name")\" time=\"$ms\"/>"
  fi
done < "$checks"

printf '<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="smoke {{ app_name }}" tests="%d" failures="%d">%s</testsuite>\n' \
  "$total" "$failed" "$cases" > "$report"
echo "$((total - failed))/$total smoke checks passed against $base_url"
[ "$total" -gt 0 ] && [ "$failed" -eq 0 ]
