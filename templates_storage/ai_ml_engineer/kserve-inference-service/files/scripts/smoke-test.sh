#!/usr/bin/env bash
# Waits for the InferenceService to be Ready, sends requests/sample.json and checks the answer.
# Usage: scripts/smoke-test.sh [INGRESS_HOST:PORT]   (default: the service's own URL)
set -euo pipefail

name={{ service_name }}
namespace={{ namespace }}

kubectl wait --for=condition=Ready "inferenceservice/$name" -n "$namespace" --timeout=600s
url=$(kubectl get inferenceservice "$name" -n "$namespace" -o jsonpath='{.status.url}')
host=${url#*://}
target=${1:-$host}
{%- if protocol == 'v2' %}
path="/v2/models/$name/infer"
expect='"outputs"'
{%- else %}
path="/v1/models/$name:predict"
expect='"predictions"'
{%- endif %}

response=$(curl -fsS --max-time 30 -H "Host: $host" -H 'Content-Type: application/json' \
  --data @requests/sample.json "http://$target$path")
if [[ "$response" != *"$expect"* ]]; then
  echo "smoke test: unexpected response from $path: $response" >&2
  exit 1
fi
echo "smoke test: $name answered on $path"
