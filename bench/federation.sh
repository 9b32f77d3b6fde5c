#!/usr/bin/env bash
# Federation benchmarks: two Parley servers on loopback, federating over real TLS (a CA and
# certificates made here with openssl), each with its own database in one private PostgreSQL.
# bench/federation_bench.py measures, in this run:
#   - to-device latency hs1 -> hs2 (client API send to the other server's parked /sync), p50/p99;
#   - draining 20,000 queued EDUs hs1 -> hs2: transactions/s and EDUs/s;
#   - hs2 receiving signed one-EDU transactions (wrk, pre-signed with python3-signedjson) beside
#     the same TLS listener's GET /_matrix/federation/v1/version ceiling, at 1 and 16 connections;
#   - hs1's memory per idle dead destination (1,000 of them) and per queued event.
#   bench/federation.sh [--smoke] [--keep]
# PARLEY_BUILD_DIR picks the build folder (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

smoke=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=--smoke; shift ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/federation.sh [--smoke] [--keep]" >&2; exit 2 ;;
  esac
done
build_dir=${PARLEY_BUILD_DIR:-build}

ensure_packages "${PARLEY_BUILD_PACKAGES[@]}" wrk openssl python3-signedjson
log "building parley in $build_dir"
build "$build_dir" parley >/dev/null

work=$(mktemp -d /tmp/parley-fed-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  pg_stop
  if [ "$keep" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

pg_port=$(free_port)
log "starting PostgreSQL in $work/pg"
pg_start "$work/pg" "$pg_port"
sock="$work/pg/sock"

log "a test CA and a certificate for localhost"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=bench-ca \
  -keyout "$work/ca.key" -out "$work/ca.crt" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/tls.key" -out "$work/tls.csr" 2>/dev/null
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" -CAcreateserial -days 2 \
  -copy_extensions copy -out "$work/tls.crt" 2>/dev/null

# start_server NAME: its database, config and process; sets NAME_port, NAME_fed, NAME_pid.
start_server() {
  local name=$1 port fed
  port=$(free_port); fed=$(free_port)
  pg_create_db "$sock" "$pg_port" "$name"
  mkdir -p "$work/$name"
  "$build_dir/parley" --generate-config --server-name "localhost:$fed" --port "$port" \
    --database-url "postgresql:///$name?host=$sock&port=$pg_port&user=postgres" \
    --federation-port "$fed" --config "$work/$name/homeserver.yaml" >/dev/null
  sed -i 's/^  level: info/  level: warn/' "$work/$name/homeserver.yaml"
  PARLEY_RATE_LIMITS=off "$build_dir/parley" --config "$work/$name/homeserver.yaml" --federation-bind 127.0.0.1 \
    --tls-cert "$work/tls.crt" --tls-key "$work/tls.key" --federation-ca "$work/ca.crt" \
    --federation-allow 127.0.0.0/8 > "$work/$name/server.log" 2>&1 &
  pids+=($!)
  eval "${name}_port=$port ${name}_fed=$fed ${name}_pid=$!"
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && return; sleep 0.1; done
  echo "$name did not start" >&2; tail "$work/$name/server.log" >&2; return 1
}
start_server hs1
start_server hs2
log "hs1 = localhost:$hs1_fed, hs2 = localhost:$hs2_fed"

/usr/bin/python3 bench/federation_bench.py $smoke \
  --hs1 "http://127.0.0.1:$hs1_port" --hs2 "http://127.0.0.1:$hs2_port" \
  --hs1-name "localhost:$hs1_fed" --hs2-name "localhost:$hs2_fed" --hs1-key "$work/hs1/signing.key" \
  --hs1-pid "$hs1_pid" --hs2-fed-port "$hs2_fed" --ca "$work/ca.crt" \
  --pg-sock "$sock" --pg-port "$pg_port" --work "$work" --out "$work/federation.json"
mkdir -p bench/results
cp "$work/federation.json" "bench/results/federation${smoke:+-smoke}.json"
log "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg)"
