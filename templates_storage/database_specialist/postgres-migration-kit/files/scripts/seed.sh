#!/usr/bin/env bash
# Load development seed data. Refuses to touch production.
set -euo pipefail
[[ -n ${DATABASE_URL:-} ]] || { echo "seed: DATABASE_URL is not set" >&2; exit 1; }
if [[ ${APP_ENV:-development} == production ]]; then
  echo "seed: refusing to seed a production database (APP_ENV=production)" >&2
  exit 1
fi
for file in db/seeds/*.sql; do
  echo "seeding $file"
  psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 -f "$file"
done
