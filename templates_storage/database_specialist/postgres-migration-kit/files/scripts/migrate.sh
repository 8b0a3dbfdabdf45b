#!/usr/bin/env bash
# Dependency-free migration runner (bash + psql), compatible with dbmate:
# same file format (-- migrate:up / -- migrate:down), same schema_migrations table.
#
#   scripts/migrate.sh status        list migrations and whether they are applied
#   scripts/migrate.sh up            apply every pending migration, each in a transaction
#   scripts/migrate.sh down          roll back the most recently applied migration
#   scripts/migrate.sh reset         roll back everything, then apply everything (dev/CI only)
#   scripts/migrate.sh new NAME      create db/migrations/<UTC timestamp>_NAME.sql
#
# Environment: DATABASE_URL (required except for `new`), MIGRATIONS_DIR (db/migrations),
# LOCK_TIMEOUT (5s): how long DDL may wait for a lock before giving up.
set -euo pipefail

MIGRATIONS_DIR=${MIGRATIONS_DIR:-db/migrations}
LOCK_TIMEOUT=${LOCK_TIMEOUT:-5s}

die() { echo "migrate: $*" >&2; exit 1; }

# Quiet NOTICEs such as "relation already exists, skipping"; warnings and errors still show.
export PGOPTIONS=${PGOPTIONS:--c client_min_messages=warning}

run_psql() { psql "$DATABASE_URL" -X -q -v ON_ERROR_STOP=1 "$@"; }

ensure_table() {
  run_psql -c "CREATE TABLE IF NOT EXISTS public.schema_migrations (version varchar(128) PRIMARY KEY)"
}

applied_versions() {
  run_psql -At -c "SELECT version FROM public.schema_migrations ORDER BY version"
}

version_of() {
  local base
  base=$(basename "$1")
  echo "${base%%_*}"
}

# Print the up or down section of a migration file.
section() {
  awk -v want="$2" '
    /^-- migrate:up/   { current = "up"; next }
    /^-- migrate:down/ { current = "down"; next }
    current == want   { print }
  ' "$1"
}

# dbmate option: "-- migrate:up transaction:false" for statements such as
# CREATE INDEX CONCURRENTLY that cannot run inside a transaction.
wants_transaction() {
  ! grep -Eq "^-- migrate:$2 .*transaction:false" "$1"
}

apply() {
  local file=$1 direction=$2 version
  version=$(version_of "$file")
  [[ $version =~ ^[0-9]+$ ]] || die "bad migration file name: $file"
  local record
  if [[ $direction == up ]]; then
    record="INSERT INTO public.schema_migrations (version) VALUES ('$version');"
  else
    record="DELETE FROM public.schema_migrations WHERE version = '$version';"
  fi
  if wants_transaction "$file" "$direction"; then
    { echo "BEGIN;"; echo "SET LOCAL lock_timeout = '$LOCK_TIMEOUT';"
      section "$file" "$direction"; echo "$record"; echo "COMMIT;"; } | run_psql
  else
    { echo "SET lock_timeout = '$LOCK_TIMEOUT';"; section "$file" "$direction"; echo "$record"; } | run_psql
  fi
}

migration_files() {
  find "$MIGRATIONS_DIR" -maxdepth 1 -name '[0-9]*_*.sql' | sort
}

cmd_status() {
  ensure_table
  local applied file version pending=0
  applied=$(applied_versions)
  while read -r file; do
    version=$(version_of "$file")
    if grep -qx "$version" <<<"$applied"; then
      echo "[applied] $(basename "$file")"
    else
      echo "[pending] $(basename "$file")"
      pending=$((pending + 1))
    fi
  done < <(migration_files)
  echo "$pending pending"
}

cmd_up() {
  ensure_table
  local applied file version count=0
  applied=$(applied_versions)
  while read -r file; do
    version=$(version_of "$file")
    grep -qx "$version" <<<"$applied" && continue
    echo "applying $(basename "$file")"
    apply "$file" up
    count=$((count + 1))
  done < <(migration_files)
  echo "applied $count migration(s)"
}

cmd_down() {
  ensure_table
  local latest file
  latest=$(applied_versions | tail -n 1)
  [[ -n $latest ]] || die "nothing to roll back"
  file=$(find "$MIGRATIONS_DIR" -maxdepth 1 -name "${latest}_*.sql" | head -n 1)
  [[ -n $file ]] || die "applied version $latest has no file in $MIGRATIONS_DIR"
  echo "rolling back $(basename "$file")"
  apply "$file" down
}

cmd_reset() {
  [[ ${APP_ENV:-development} != production ]] || die "refusing to reset with APP_ENV=production"
  ensure_table
  while [[ -n $(applied_versions | tail -n 1) ]]; do
    cmd_down
  done
  cmd_up
}

cmd_new() {
  local name=${1:-}
  [[ $name =~ ^[a-z0-9_]+$ ]] || die "usage: migrate.sh new name_in_snake_case"
  local file
  file="$MIGRATIONS_DIR/$(date -u +%Y%m%d%H%M%S)_${name}.sql"
  printf -- '-- migrate:up\n\n\n-- migrate:down\n\n' >"$file"
  echo "created $file"
}

command=${1:-status}
shift || true
case $command in
  new) cmd_new "$@" ;;
  status | up | down | reset)
    [[ -n ${DATABASE_URL:-} ]] || die "DATABASE_URL is not set (see .env.example)"
    "cmd_$command"
    ;;
  *) die "unknown command: $command (status, up, down, reset, new)" ;;
esac
