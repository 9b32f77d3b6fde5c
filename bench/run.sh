#!/usr/bin/env bash
# Benchmarks against a freshly started server and its own PostgreSQL, each figure beside the
# ceiling of the layer underneath it measured in the same run (see README, "Benchmarks").
#   bench/run.sh [--quick | --smoke] [--name NAME] [--only SCENARIO,...] [--keep]
# Full run < 20 min, --quick < 3 min, --smoke a few seconds (test.sh: checks the harness
# works end to end, never the numbers). Prints one table and writes bench/results/NAME.json
# (NAME defaults to the mode). PARLEY_BUILD_DIR picks the build folder (default: build);
# PARLEY_BENCH_COMMIT names the source in the results when it is not a git checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

mode=full
name=""
only=""
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick; shift ;;
    --smoke) mode=smoke; shift ;;
    --name) name=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/run.sh [--quick|--smoke] [--name NAME] [--only SCENARIO,...] [--keep]" >&2
       exit 2 ;;
  esac
done
name=${name:-$mode}
build_dir=${PARLEY_BUILD_DIR:-build}

# Sizes per mode. Full: the sizes of issue 7. Quick: the same shapes, smaller where seeding
# dominates (the table names the sizes). Smoke: tiny, seconds.
case "$mode" in
  full)
    ceiling_secs=5; ceiling_warmup=1; pgbench_secs=10
    idle_args=(--users 100)
    send_args=(--senders 64 --seconds 20 --warmup 2)
    fanout_args=(--rooms 10 --members 100 --sends 50)
    sync_args=(--users 300 --rooms 300 --syncers 20 --rounds 1 --incremental 200)
    history_args=(--events 100000 --pages 300 --page 100)
    state_args=(--members 10000 --checkpoints 1000,2500,5000,10000)
    pipeline_args=(--events 5000 --rooms 100 --room_events 50 --members 10000 --threads 4)
    media_args=(--size-mib 50 --clients 10 --rounds 5); media_deadline=600 ;;
  quick)
    ceiling_secs=2; ceiling_warmup=0.5; pgbench_secs=3
    idle_args=(--users 100)
    send_args=(--senders 64 --seconds 5 --warmup 1)
    fanout_args=(--rooms 10 --members 100 --sends 20)
    sync_args=(--users 80 --rooms 80 --syncers 20 --rounds 1 --incremental 100)
    history_args=(--events 5000 --pages 100 --page 100)
    state_args=(--members 2000 --checkpoints 500,1000,2000)
    pipeline_args=(--events 2000 --rooms 100 --room_events 20 --members 10000 --threads 4)
    media_args=(--size-mib 20 --clients 2 --rounds 2); media_deadline=240 ;;
  smoke)
    # Few writes in flight (under half the pool), so the smoke run checks the harness, not
    # the server under contention: the full run is where contention shows.
    ceiling_secs=1; ceiling_warmup=0.2; pgbench_secs=1
    idle_args=(--users 10)
    send_args=(--senders 4 --seconds 1 --warmup 0.2 --seed_conns 3)
    fanout_args=(--rooms 2 --members 5 --sends 2 --settle_ms 300 --seed_conns 3)
    sync_args=(--users 6 --rooms 5 --syncers 2 --rounds 1 --incremental 3 --seed_conns 3)
    history_args=(--events 300 --pages 5 --page 20 --seed_conns 2)
    state_args=(--members 30 --checkpoints 10,30)
    pipeline_args=(--events 100 --rooms 4 --room_events 10 --members 100 --threads 2)
    media_args=(--size-mib 1 --clients 2 --rounds 1); media_deadline=120 ;;
esac

ensure_packages "${PARLEY_BUILD_PACKAGES[@]}" "${PARLEY_BENCH_PACKAGES[@]}"
log "building parley, loadgen and pipeline_bench in $build_dir"
build "$build_dir" parley loadgen pipeline_bench >/dev/null

work=$(mktemp -d /tmp/parley-bench.XXXXXX)
chmod 755 "$work"
out="$work/results"
mkdir -p "$out"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_stop
  if [ "$keep" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# 1,000 parked long-polls need as many sockets in the server and in the generator.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# PostgreSQL: default settings (fsync and synchronous_commit on) plus max_connections=300
# from pg_start; unix socket only. The server and pgbench use the same cluster.
pg_port=$(free_port)
log "starting PostgreSQL in $work/pg (port $pg_port)"
pg_start "$work/pg" "$pg_port"
sock="$work/pg/sock"
pg_create_db "$sock" "$pg_port" parley
pg_create_db "$sock" "$pg_port" ceiling
pg_pid=$(head -1 "$work/pg/postmaster.pid")
psql_parley=(psql -h "$sock" -p "$pg_port" -U postgres -d parley -tAq)

# The server: generated config with the cheapest argon2id cost libsodium allows (1 pass,
# 8 KiB) so seeding thousands of users measures the server, not password hashing; rate
# limits off through the environment. Everything else is the generated default.
hs_port=$(free_port)
metrics_port=$(free_port)
./"$build_dir"/parley --generate-config --server-name localhost --port "$hs_port" \
  --database-url "postgresql:///parley?host=$sock&port=$pg_port&user=postgres" \
  --config "$work/homeserver.yaml" >/dev/null
sed -i -e 's/^  password_ops_limit: .*/  password_ops_limit: 1/' \
  -e 's/^  password_mem_limit_kib: .*/  password_mem_limit_kib: 8/' \
  -e "s|^  store_path: .*|  store_path: $work/media_store|" \
  -e 's/^  # metrics:$/  metrics:/' -e 's/^  #   bind_address: 127.0.0.1$/    bind_address: 127.0.0.1/' \
  -e "s/^  #   port: 9092$/    port: $metrics_port/" "$work/homeserver.yaml"
PARLEY_RATE_LIMITS=off ./"$build_dir"/parley --config "$work/homeserver.yaml" \
  > "$work/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$hs_port"
for _ in $(seq 1 100); do
  curl -sf "$url/health" >/dev/null && break
  sleep 0.1
done
if ! curl -sf "$url/health" >/dev/null; then
  tail -20 "$work/server.log"
  echo "server did not start" >&2
  exit 1
fi
log "parley pid $server_pid on $url; PostgreSQL pid $pg_pid"

loadgen=(./"$build_dir"/loadgen --url "$url" --metrics-url "http://127.0.0.1:$metrics_port"
         --server-pid "$server_pid" --pg-pid "$pg_pid")
measure_gate=()  # extra loadgen options: a command its timed phases wait for
failed=0
loadavg() { cut -d' ' -f1 /proc/loadavg; }

# run_loadgen FILE ARGS...: one loadgen scenario into $out/FILE.json; a failure is recorded
# in FILE.failed and the run goes on (the table shows it; the exit status reports it).
run_loadgen() {
  local file=$1; shift
  echo "$(loadavg)" > "$out/$file.load"
  if "${loadgen[@]}" "${measure_gate[@]}" "$@" > "$out/$file.json" 2> "$work/$file.log"; then
    cat "$work/$file.log" >&2
    echo "$(loadavg)" >> "$out/$file.load"
  else
    cat "$work/$file.log" >&2
    tail -1 "$work/$file.log" > "$out/$file.failed"
    rm -f "$out/$file.json"
    failed=1
  fi
  # A scenario may leave the server busy (requests a client gave up on still run): the next
  # one starts when it answers again.
  for _ in $(seq 1 300); do
    curl -sf -m 2 "$url/_matrix/client/versions" >/dev/null && break
    sleep 1
  done
  if ! kill -0 "$server_pid" 2>/dev/null; then
    tail -30 "$work/server.log"
    echo "the server died" >&2
    exit 1
  fi
}
wanted() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

# Idle memory first, while the server is fresh; then the ceilings; then the scenarios.
wanted idle && { log "idle"; run_loadgen idle idle "${idle_args[@]}"; }
source bench/ceilings.sh
ceilings
wanted send && { log "send"; run_loadgen send send "${send_args[@]}"; }
wanted fanout && { log "fan-out"; run_loadgen fanout fanout "${fanout_args[@]}"; }
# Filling the history room is bounded by one commit per event in one room (minutes at
# 100,000 events) and needs little CPU, so it runs in the background while the sync scenario
# seeds; the sync scenario's timed phases wait for it (--before-measure), so no measurement
# overlaps it.
seed_pid=""
if wanted history; then
  log "history: seeding in the background"
  "${loadgen[@]}" history "${history_args[@]}" --phase seed --state_file "$work/history.seed" \
    > /dev/null 2> "$work/history_seed.log" &
  seed_pid=$!
  measure_gate=(--before-measure
    "while kill -0 $seed_pid 2>/dev/null && [ ! -s $work/history.seed ]; do sleep 1; done")
fi
wanted sync && { log "initial and incremental sync"; run_loadgen sync sync "${sync_args[@]}"; }
measure_gate=()
if wanted history; then
  log "history"
  if wait "$seed_pid"; then
    run_loadgen history history "${history_args[@]}" --phase measure \
      --state_file "$work/history.seed"
  else
    cat "$work/history_seed.log" >&2
    tail -1 "$work/history_seed.log" > "$out/history.failed"
    failed=1
  fi
fi
# The event pipeline fed remote PDUs in-process (without TLS and X-Matrix), on its own
# database of the same cluster, after the HTTP scenarios so it does not load them.
if wanted pipeline; then
  log "pipeline (remote events and state import, in-process)"
  pg_create_db "$sock" "$pg_port" pipeline
  echo "$(loadavg)" > "$out/pipeline.load"
  if ./"$build_dir"/pipeline_bench --db "postgresql:///pipeline?host=$sock&port=$pg_port&user=postgres" \
      "${pipeline_args[@]}" > "$out/pipeline.json" 2> "$work/pipeline.log"; then
    echo "$(loadavg)" >> "$out/pipeline.load"
  else
    cat "$work/pipeline.log" >&2
    echo "pipeline_bench failed: $(tail -1 "$work/pipeline.log")" > "$out/pipeline.failed"
    rm -f "$out/pipeline.json"
    failed=1
  fi
fi
if wanted state; then
  log "state"
  # The whole database's total relation size (tables with their indexes and TOAST).
  cat > "$work/db_size.sh" <<EOF
#!/bin/sh
exec ${psql_parley[*]} -c "SELECT sum(pg_total_relation_size(oid)) FROM pg_class \
  WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
EOF
  chmod +x "$work/db_size.sh"
  run_loadgen state state "${state_args[@]}" --db_size_cmd "$work/db_size.sh"
fi
# Media belongs to the media endpoints' owner: bench/media.sh, when it exists, runs against
# its own fresh server and cluster and prints its own table (media.txt), which report.py
# reads the figures and ceilings from. It is given a deadline; if it has to be stopped, its
# server and cluster (named in its log) are stopped here, as its own cleanup does not run.
stop_media_bench() {
  local mwork pid
  mwork=$(sed -n 's/^==> starting PostgreSQL in \(.*\)\/pg.*/\1/p' "$work/media.log" | head -1)
  [ -n "$mwork" ] && [ -d "$mwork" ] || return 0
  for pid in $(pgrep -f -- "--config $mwork/homeserver.yaml" || true); do
    kill -TERM "$pid" 2>/dev/null || true
  done
  [ -f "$mwork/pg/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$mwork/pg" -m fast -w stop \
    >/dev/null 2>&1 || true
  rm -rf "$mwork"
}
if wanted media && [ -x bench/media.sh ]; then
  log "media: bench/media.sh ${media_args[*]} (deadline ${media_deadline}s)"
  loadavg > "$out/media.load"
  set +e
  PARLEY_BUILD_DIR=$build_dir timeout "$media_deadline" bench/media.sh "${media_args[@]}" \
    > "$out/media.txt" 2> "$work/media.log"
  rc=$?
  set -e
  if [ "$rc" -ne 0 ]; then
    tail -5 "$work/media.log" >&2
    if [ "$rc" -eq 124 ]; then
      echo "bench/media.sh did not finish within ${media_deadline}s" > "$out/media.failed"
      stop_media_bench
    else
      tail -1 "$work/media.log" > "$out/media.failed"
    fi
    failed=1
  fi
fi

cat > "$out/meta.json" <<EOF
{"mode": "$mode", "name": "$name", "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
 "commit": "${PARLEY_BENCH_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}",
 "dirty": $( [ -n "$(git status --porcelain 2>/dev/null | head -1)" ] && echo true || echo false ),
 "nproc": $(nproc), "cpu": "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)",
 "postgres": "$("$PG_BIN/postgres" --version)",
 "pool_size": $(sed -n 's/^  pool_size: //p' "$work/homeserver.yaml"),
 "server_rss_end_bytes": $(awk '/VmRSS/ {print $2 * 1024}' "/proc/$server_pid/status"),
 "only": "$only", "loadavg_end": "$(cut -d' ' -f1-3 /proc/loadavg)"}
EOF
mkdir -p bench/results
python3 bench/report.py "$out" "bench/results/$name.json" || failed=1
if [ "$failed" != 0 ]; then
  echo "bench: some scenarios failed (logs above)" >&2
  tail -20 "$work/server.log" >&2
fi
exit "$failed"
