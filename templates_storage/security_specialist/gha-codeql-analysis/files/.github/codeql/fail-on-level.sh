#!/usr/bin/env bash
# Fails when SARIF files hold results at LEVEL or worse (error < warning < note).
# A result without its own level takes its rule's default level, then SARIF's "warning".
# Usage: fail-on-level.sh error|warning FILE.sarif...
set -euo pipefail

level=${1:?usage: fail-on-level.sh error|warning FILE.sarif...}
shift
case "$level" in
  error) levels='["error"]' ;;
  warning) levels='["error","warning"]' ;;
  *) echo "unknown level: $level (error or warning)" >&2; exit 2 ;;
esac
if [ "$#" -eq 0 ]; then
  echo "no SARIF files given" >&2
  exit 2
fi

# jq's own $variables, not the shell's: single quotes on purpose.
# shellcheck disable=SC2016
filter='
  .runs[] | (.tool.driver.rules // []) as $rules | (.results // [])[]
  | . + {effective: (.level // (if .ruleIndex != null then $rules[.ruleIndex].defaultConfiguration.level else null end) // "warning")}
  | select(.effective as $l | $levels | index($l))'

total=0
for file in "$@"; do
  count=$(jq --argjson levels "$levels" "[$filter] | length" "$file")
  jq -r --argjson levels "$levels" "$filter"' | "::error file=\(.locations[0].physicalLocation.artifactLocation.uri // "?"),line=\(.locations[0].physicalLocation.region.startLine // 1)::\(.ruleId // .rule.id): \(.message.text)"' "$file"
  total=$((total + count))
done
echo "results at level $level or worse: $total"
test "$total" -eq 0
