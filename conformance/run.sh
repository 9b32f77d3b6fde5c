#!/usr/bin/env bash
# Runs every conformance scenario against a running server and checks that every step in
# expected.txt passed. Usage: conformance/run.sh BASE_URL
set -uo pipefail
cd "$(dirname "$0")"
base_url=$1
results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
for scenario in nio_accounts; do
  echo "--- $scenario"
  timeout 300 /usr/bin/python3 "$scenario.py" "$base_url" | tee /dev/stderr |
    sed -n "s/^PASS /$scenario: /p" >> "$results" || status=1
done 2>&1
missing=0
while IFS= read -r step; do
  case "$step" in ''|'#'*) continue ;; esac
  if ! grep -qxF "$step" "$results"; then
    echo "expected step did not pass: $step"
    missing=$((missing + 1))
  fi
done < expected.txt
[ "$missing" -eq 0 ] || status=1
exit $status
