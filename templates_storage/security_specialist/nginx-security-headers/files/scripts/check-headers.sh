#!/usr/bin/env bash
# Checks that a deployed site sends the security headers of snippets/security-headers.conf.
# Usage: scripts/check-headers.sh [URL]   (default https://{{ server_name }}/)
# Exits 1 listing every header that is missing or has another value.
set -euo pipefail

url=${1:-https://{{ server_name }}/}
headers=$(curl -sS -o /dev/null -D - --max-time 15 "$url" | tr -d '\r')

failed=0
# expect NAME PATTERN: the header must be present and its value match the extended regex.
expect() {
  local name=$1 pattern=$2 value
  value=$(printf '%s\n' "$headers" | grep -i "^$name:" | head -n 1 | cut -d: -f2- | sed 's/^ *//') || true
  if [ -z "$value" ]; then
    echo "MISSING  $name"
    failed=1
  elif ! printf '%s' "$value" | grep -Eq -- "$pattern"; then
    echo "WRONG    $name: $value (expected /$pattern/)"
    failed=1
  else
    echo "ok       $name"
  fi
}

expect 'Content-Security-Policy{% if csp_mode == 'report_only' %}-Report-Only{% endif %}' "object-src 'none'.*frame-ancestors '{{ frame_ancestors }}'"
expect 'Strict-Transport-Security' 'max-age=[0-9]+'
expect 'X-Content-Type-Options' '^nosniff$'
expect 'X-Frame-Options' '^{% if frame_ancestors == 'none' %}DENY{% else %}SAMEORIGIN{% endif %}$'
expect 'Referrer-Policy' '^strict-origin-when-cross-origin$'
expect 'Permissions-Policy' 'camera=\(\)'
{%- if cross_origin_isolation %}
expect 'Cross-Origin-Opener-Policy' '^same-origin$'
expect 'Cross-Origin-Embedder-Policy' '^require-corp$'
{%- endif %}

if printf '%s\n' "$headers" | grep -qi '^x-powered-by:'; then
  echo "LEAKS    X-Powered-By"
  failed=1
fi
exit "$failed"
