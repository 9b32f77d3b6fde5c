#!/usr/bin/env bash
# The same set-up as ./run.sh, then every test: unit tests, integration tests against a
# private PostgreSQL started on a free port in a temporary folder (removed afterwards), and
# the conformance scenarios driven by real client libraries against the real binary.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

ensure_packages "${PARLEY_BUILD_PACKAGES[@]}" "${PARLEY_TEST_PACKAGES[@]}"
start=$(date +%s)
log "building"
build build parley parley_unit_tests parley_integration_tests
log "build took $(( $(date +%s) - start ))s"

work=$(mktemp -d /tmp/parley-test.XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

pg_port=$(free_port)
log "starting PostgreSQL on 127.0.0.1:$pg_port in $work/pg"
pg_start "$work/pg" "$pg_port" 127.0.0.1
export PARLEY_TEST_PG_PORT=$pg_port

suites_passed=0
suites_failed=0
tests_passed=0
tests_failed=0
# run_gtest NAME BINARY: runs a GoogleTest binary and adds its counts to the totals.
run_gtest() {
  log "$1"
  local out="$work/$1.log" rc
  set +e
  "$2" --gtest_color=no > "$out" 2>&1
  rc=$?
  set -e
  grep -E '^\[  (FAILED|PASSED) |^\[==========\]' "$out" || true
  local p f
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  tests_passed=$((tests_passed + ${p:-0}))
  tests_failed=$((tests_failed + ${f:-0}))
  if [ "$rc" -eq 0 ]; then suites_passed=$((suites_passed + 1)); else
    suites_failed=$((suites_failed + 1))
    [ -z "$f" ] && tests_failed=$((tests_failed + 1))  # crashed before its summary
    grep -B2 -A12 'Failure$' "$out" | head -80 || true  # a long report must not end the run (pipefail)
  fi
}

run_gtest unit ./build/tests/parley_unit_tests
run_gtest integration ./build/tests/parley_integration_tests

log "conformance: real client libraries against the real binary"
pg_create_db 127.0.0.1 "$pg_port" conformance
hs_port=$(free_port)
./build/parley --generate-config --server-name localhost --port "$hs_port" \
  --database-url "postgresql://postgres@127.0.0.1:$pg_port/conformance" \
  --config "$work/homeserver.yaml" >/dev/null
PARLEY_RATE_LIMITS=off ./build/parley --config "$work/homeserver.yaml" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$hs_port/health" >/dev/null && break
  sleep 0.1
done
# An account for the restart check below.
curl -sf -XPOST "http://127.0.0.1:$hs_port/_matrix/client/v3/register" \
  -d '{"username":"restart_check","password":"password123","auth":{"type":"m.login.dummy"}}' >/dev/null
conf_out="$work/conformance.log"
if conformance/run.sh "http://127.0.0.1:$hs_port" > "$conf_out" 2>&1; then
  suites_passed=$((suites_passed + 1))
else
  suites_failed=$((suites_failed + 1))
  tail -30 "$work/server.log"
fi
cat "$conf_out"

log "graceful shutdown and restart"
restart_ok=1
kill -TERM "$server_pid" && wait "$server_pid" || restart_ok=0
server_pid=""
grep -q "stopped" "$work/server.log" || restart_ok=0
./build/parley --config "$work/homeserver.yaml" > "$work/server2.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$hs_port/health" >/dev/null && break
  sleep 0.1
done
# A second start applies no migration, and accounts made before the restart still log in.
grep -q "applied migration" "$work/server2.log" && restart_ok=0
curl -sf -XPOST "http://127.0.0.1:$hs_port/_matrix/client/v3/login" \
  -d '{"type":"m.login.password","identifier":{"type":"m.id.user","user":"restart_check"},"password":"password123"}' \
  >/dev/null || restart_ok=0
if [ "$restart_ok" = 1 ]; then
  echo "PASS shutdown on SIGTERM, restart applies no migration, data survives"
  tests_passed=$((tests_passed + 1)); suites_passed=$((suites_passed + 1))
else
  echo "FAIL shutdown/restart"; tail -20 "$work/server.log" "$work/server2.log"
  tests_failed=$((tests_failed + 1)); suites_failed=$((suites_failed + 1))
fi
tests_passed=$((tests_passed + $(grep -c '^PASS ' "$conf_out" || true)))
tests_failed=$((tests_failed + $(grep -c '^FAIL \|^expected step did not pass' "$conf_out" || true)))

# The benchmark harness end to end at tiny sizes (its own PostgreSQL and server): this fails
# when the harness breaks, never on the numbers, which depend on the machine.
log "benchmark harness: bench/run.sh --smoke"
if PARLEY_BUILD_DIR=build bench/run.sh --smoke > "$work/bench.log" 2>&1; then
  echo "PASS bench/run.sh --smoke"
  tests_passed=$((tests_passed + 1)); suites_passed=$((suites_passed + 1))
else
  echo "FAIL bench/run.sh --smoke"; tail -40 "$work/bench.log"
  tests_failed=$((tests_failed + 1)); suites_failed=$((suites_failed + 1))
fi

log "federation benchmark harness: bench/federation.sh --smoke"
if PARLEY_BUILD_DIR=build bench/federation.sh --smoke > "$work/fedbench.log" 2>&1; then
  echo "PASS bench/federation.sh --smoke"
  tests_passed=$((tests_passed + 1)); suites_passed=$((suites_passed + 1))
else
  echo "FAIL bench/federation.sh --smoke"; tail -40 "$work/fedbench.log"
  tests_failed=$((tests_failed + 1)); suites_failed=$((suites_failed + 1))
fi

# The libFuzzer targets (tests/fuzz): built with clang, ASan and UBSan in build-fuzz; every
# kept input (seeds and former crashers) replayed, then a minute of fuzzing split between them.
log "fuzzing: tests/fuzz/run.sh --budget 60"
if tests/fuzz/run.sh --budget 60 > "$work/fuzz.log" 2>&1; then
  suites_passed=$((suites_passed + 1))
else
  suites_failed=$((suites_failed + 1))
fi
grep -E '^(PASS|FAIL) fuzz' "$work/fuzz.log" || tail -40 "$work/fuzz.log"
tests_passed=$((tests_passed + $(grep -c '^PASS fuzz' "$work/fuzz.log" || true)))
tests_failed=$((tests_failed + $(grep -c '^FAIL fuzz' "$work/fuzz.log" || true)))
if ! grep -q '^\(PASS\|FAIL\) fuzz' "$work/fuzz.log"; then  # the build itself failed
  tests_failed=$((tests_failed + 1))
fi

log "total time $(( $(date +%s) - start ))s; suites: $suites_passed passed, $suites_failed failed"
echo "$tests_passed passed, $tests_failed failed"
[ "$suites_failed" -eq 0 ]
