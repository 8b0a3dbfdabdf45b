#!/usr/bin/env bash
# Fails when a TLS certificate served by an endpoint, or stored in a PEM file, expires within
# the warning window: run it daily from CI or cron, before an expired certificate is an outage.
# Usage: scripts/check-cert-expiry.sh [-d DAYS] host:port|file.pem...
set -euo pipefail

days={{ cert_warning_days | default: 21 }}
if [ "${1:-}" = "-d" ]; then
  days=${2:?-d needs a number of days}
  shift 2
fi
if [ "$#" -eq 0 ]; then
  echo "usage: $0 [-d DAYS] host:port|file.pem..." >&2
  exit 2
fi

seconds=$((days * 86400))
status=0
for target in "$@"; do
  if [ -f "$target" ]; then
    pem=$(cat "$target")
  else
    host=${target%:*}
    # -servername: SNI, so a shared endpoint returns this host's certificate.
    pem=$(openssl s_client -connect "$target" -servername "$host" </dev/null 2>/dev/null |
      openssl x509 2>/dev/null) || true
  fi
  if [ -z "$pem" ]; then
    echo "ERROR    $target: no certificate read"
    status=1
    continue
  fi
  end=$(printf '%s\n' "$pem" | openssl x509 -noout -enddate | cut -d= -f2)
  subject=$(printf '%s\n' "$pem" | openssl x509 -noout -subject | sed 's/^subject=//')
  if printf '%s\n' "$pem" | openssl x509 -noout -checkend "$seconds" >/dev/null; then
    echo "ok       $target: $subject, expires $end"
  else
    echo "EXPIRING $target: $subject, expires $end (within $days days)"
    status=1
  fi
done
exit "$status"
