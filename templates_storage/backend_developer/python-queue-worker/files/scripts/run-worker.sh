#!/usr/bin/env bash
# Starts a worker; SIGTERM lets the current task finish before exiting.
set -euo pipefail
cd "$(dirname "$0")/.."
{%- if framework == 'celery' %}
exec celery -A worker.tasks worker --queues "{{ queue }}" --concurrency "${CONCURRENCY:-4}" --loglevel INFO
{%- else %}
exec rq worker --url "${REDIS_URL:-redis://localhost:6379/0}" --with-scheduler "{{ queue }}"
{%- endif %}
