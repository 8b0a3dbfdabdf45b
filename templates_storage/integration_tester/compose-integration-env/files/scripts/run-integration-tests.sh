#!/usr/bin/env bash
# Builds the app, starts its dependencies, waits for every health check, runs the tests
# container and exits with its status. Logs of every service go to reports/ on failure;
# the environment (containers, networks, volumes) is always removed.
set -euo pipefail
cd "$(dirname "$0")/.."

# A name per run, so parallel CI jobs on one Docker host do not share containers.
project="{{ project_name }}-${GITHUB_RUN_ID:-local}-${GITHUB_RUN_ATTEMPT:-$$}"
compose=(docker compose -p "$project" -f compose.it.yaml)
mkdir -p reports

cleanup() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "integration tests failed (exit $status); service logs in reports/compose.log" >&2
    "${compose[@]}" ps -a >&2 || true
    "${compose[@]}" logs --no-color --timestamps > reports/compose.log 2>&1 || true
  fi
  "${compose[@]}" down --volumes --remove-orphans --timeout 5 > /dev/null 2>&1 || true
  exit "$status"
}
trap cleanup EXIT

"${compose[@]}" build --pull app
# `run` starts what `tests` depends on, in order, waiting on each condition, and returns
# the tests' exit status (`up --abort-on-container-exit` would stop at the migration's exit).
"${compose[@]}" run --rm tests "$@"
