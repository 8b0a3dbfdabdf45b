#!/usr/bin/env bash
# Runs the plan headless (CLI mode, as JMeter recommends for load) and builds the HTML dashboard.
# Usage: ./run.sh [-Jthreads=N] [-Jduration=SECONDS] [-Jhost=NAME]...
set -euo pipefail
cd "$(dirname "$0")"

out="results/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
jmeter -n -t test-plan.jmx -l "$out/results.jtl" -j "$out/jmeter.log" -e -o "$out/report" "$@"

# Fail the run when any sample failed (an assertion or an HTTP error), so CI notices.
failed=$(awk -F, 'NR > 1 && $8 == "false" { n++ } END { print n + 0 }' "$out/results.jtl")
echo "report: $out/report/index.html, failed samples: $failed"
if [ "$failed" -gt 0 ]; then
  exit 1
fi
