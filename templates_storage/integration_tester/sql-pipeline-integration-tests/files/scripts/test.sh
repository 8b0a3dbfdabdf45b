#!/usr/bin/env bash
# Applies the pipeline to a scratch database and runs every SQL test against it.
# Usage: DATABASE_URL=postgres://user@host/scratch ./scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

: "${DATABASE_URL:?set DATABASE_URL to a scratch database (the schemas landing, mart and qa are created)}"

psql_run() {
  psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 "$@"
}

if [ "${RESET:-1}" = "1" ]; then
  psql_run -c 'DROP SCHEMA IF EXISTS landing, mart, qa CASCADE'
fi
for file in sql/*.sql; do
  echo "apply $file"
  psql_run -1 -f "$file"
done
status=0
for test in tests/*.sql; do
  echo "test  $test"
  if ! psql_run -f "$test"; then
    status=1
  fi
done
exit "$status"
