#!/usr/bin/env bash
# Two (or more) parley binaries measured in the same run, on one PostgreSQL and one disk, in
# alternating rounds so that a change in the machine's load hits them alike:
#   - GET /_matrix/client/versions: loadgen at 64 connections and wrk -t2 -c64 (req/s);
#   - uploads of SIZE MiB: one client (MiB/s), CLIENTS at once (aggregate MiB/s) and the
#     server's peak RSS meanwhile, beside dd of the same bytes with conv=fsync;
#   - with --measures ...,send: loadgen's send scenario (64 senders in 64 rooms, events/s and
#     p50/p99 latency), the figure of bench/run.sh's send row.
# Each binary gets a fresh database and media store; every upload is of distinct random bytes.
#   bench/http_compare.sh [--rounds 3] [--size-mib 50] [--clients 10] [--seconds 5]
#                         [--measures versions,upload[,send]] BIN...
# e.g. bench/http_compare.sh /tmp/parley-main/parley build/parley (the binary of main and
# this tree; a binary needs its parley-thumbnailer beside it). PARLEY_BUILD_DIR names the
# folder whose loadgen is used (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

rounds=3
size_mib=50
clients=10
seconds=5
measures=versions,upload
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --size-mib) size_mib=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --measures) measures=$2; shift 2 ;;
    -*) echo "usage: bench/http_compare.sh [--rounds N] [--size-mib N] [--clients N] [--seconds N] [--measures LIST] BIN..." >&2
        exit 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: bench/http_compare.sh [options] BIN..." >&2; exit 2; }
bins=("$@")
build_dir=${PARLEY_BUILD_DIR:-build}
ensure_packages "${PARLEY_BUILD_PACKAGES[@]}" wrk
build "$build_dir" loadgen >/dev/null

work=$(mktemp -d /tmp/parley-http-compare.XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

pg_port=$(free_port)
pg_start "$work/pg" "$pg_port"
wanted() { [[ ",$measures," == *",$1,"* ]]; }
bytes=$((size_mib * 1024 * 1024))
if wanted upload; then
  log "making $((clients + 1)) files of $size_mib MiB of random bytes"
  for i in $(seq 0 "$clients"); do head -c "$bytes" /dev/urandom > "$work/in$i.bin"; done
fi

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
now() { date +%s.%N; }

# start_server N BIN: a fresh database and media store, rate limits off, log level warn.
start_server() {
  local n=$1 bin=$2 dir="$work/s$1"
  rm -rf "$dir" && mkdir -p "$dir"
  pg_create_db "$work/pg/sock" "$pg_port" "cmp$n"
  port=$(free_port)
  url="http://127.0.0.1:$port"
  "$bin" --generate-config --server-name localhost --port "$port" \
    --database-url "postgresql:///cmp$n?host=$work/pg/sock&port=$pg_port&user=postgres" \
    --config "$dir/homeserver.yaml" >/dev/null
  # The cheapest argon2id, as bench/run.sh: seeding registers many users at once.
  sed -i -e 's/^  level: info/  level: warn/' -e "s|^  store_path: .*|  store_path: $dir/media|" \
    -e 's/^  password_ops_limit: .*/  password_ops_limit: 1/' \
    -e 's/^  password_mem_limit_kib: .*/  password_mem_limit_kib: 8/' "$dir/homeserver.yaml"
  PARLEY_RATE_LIMITS=off "$bin" --config "$dir/homeserver.yaml" > "$dir/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
  token=$(curl -sf -XPOST "$url/_matrix/client/v3/register" \
    -d '{"username":"bench","password":"password123","auth":{"type":"m.login.dummy"}}' |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
}

stop_server() {
  kill -TERM "$server_pid" && wait "$server_pid" 2>/dev/null || true
  server_pid=""
  psql -h "$work/pg/sock" -p "$pg_port" -U postgres -qc "DROP DATABASE cmp$1" >/dev/null
  rm -rf "$work/s$1"
}

upload() {  # upload FILE: prints the seconds it took, or "fail"
  curl -s -o "$work/up.json" -w '%{http_code} %{time_total}\n' -XPOST "$url/_matrix/media/v3/upload" \
    -H "Authorization: Bearer $token" -H "Expect:" -H "Content-Type: application/octet-stream" \
    --data-binary @"$1" | awk '$1 == 200 { print $2; next } { print "fail" }'
}

# measure N: one round for the server just started; appends "key value" lines to $work/N.txt.
measure() {
  local n=$1 out="$work/$1.txt"
  wanted versions && measureVersions "$out"
  wanted upload && measureUploads "$out"
  wanted send && measureSend "$out"
  return 0
}

measureVersions() {
  local out=$1
  "$build_dir/loadgen" --url "$url" versions --conns 64 --seconds "$seconds" --warmup 1 > "$work/lg.json"
  echo "versions_loadgen $(sed -n 's/.*"requests_per_s":\([0-9.]*\).*/\1/p' "$work/lg.json")" >> "$out"
  echo "versions_wrk $(wrk -t2 -c64 -d"${seconds}s" "$url/_matrix/client/versions" |
    awk '/Requests\/sec/ { print $2 }')" >> "$out"
}

measureUploads() {
  local out=$1
  echo "upload_one $(mib_s "$bytes" "$(upload "$work/in0.bin")")" >> "$out"
  echo 5 > "/proc/$server_pid/clear_refs"
  local start pids=() i
  start=$(now)
  for i in $(seq 1 "$clients"); do upload "$work/in$i.bin" > "$work/par$i.txt" & pids+=($!); done
  wait "${pids[@]}"
  echo "upload_parallel $(mib_s $((bytes * clients)) "$(awk -v s="$start" -v e="$(now)" 'BEGIN { print e - s }')")" >> "$out"
  echo "upload_parallel_failed $(cat "$work"/par*.txt | grep -c fail || true)" >> "$out"
  echo "peak_rss_mib $(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status")" >> "$out"
}

measureSend() {
  local out=$1 key
  "$build_dir/loadgen" --url "$url" send --senders 64 --seconds "$seconds" --warmup 1 > "$work/send.json"
  for key in events_per_s latency_p50_ms latency_p99_ms errors; do
    echo "send_$key $(sed -n "s/.*\"$key\":\([0-9.]*\).*/\1/p" "$work/send.json")" >> "$out"
  done
}

for r in $(seq 1 "$rounds"); do
  for n in "${!bins[@]}"; do
    log "round $r: ${bins[$n]}"
    start_server "$n" "${bins[$n]}"
    measure "$n"
    stop_server "$n"
  done
  wanted upload || continue
  mkdir -p "$work/s_dd"
  dd if="$work/in0.bin" of="$work/s_dd/dd.bin" bs=1M conv=fsync 2>&1 |
    awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i - 1) }' >> "$work/dd_secs"
  rm -f "$work/s_dd/dd.bin"
done

echo
echo "HTTP and upload comparison: $(nproc) cores, medians of $rounds alternating rounds ($(date -u +%FT%TZ))"
echo "  load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-44s' "measure"
for b in "${bins[@]}"; do printf ' %22s' "$(basename "$(dirname "$b")")/$(basename "$b")"; done
echo
row() {  # row KEY LABEL UNIT
  printf '  %-44s' "$2"
  for n in "${!bins[@]}"; do
    printf ' %22s' "$(sed -n "s/^$1 //p" "$work/$n.txt" | median) $3"
  done
  echo
}
if wanted versions; then
  row versions_loadgen "GET /versions, loadgen 64 conns" "req/s"
  row versions_wrk "GET /versions, wrk -t2 -c64" "req/s"
fi
if wanted upload; then
  row upload_one "upload ${size_mib} MiB, 1 client" "MiB/s"
  row upload_parallel "upload ${size_mib} MiB, $clients clients (aggregate)" "MiB/s"
  row upload_parallel_failed "  failed parallel uploads" ""
  row peak_rss_mib "peak RSS during the $clients uploads" "MiB"
fi
if wanted send; then
  row send_events_per_s "send, 64 senders in 64 rooms" "/s"
  row send_latency_p50_ms "  latency p50" "ms"
  row send_latency_p99_ms "  latency p99" "ms"
  row send_errors "  errors" ""
fi
if wanted upload; then
  printf '  %-44s %22s\n' "ceiling: dd ${size_mib} MiB, conv=fsync" "$(mib_s "$bytes" "$(median < "$work/dd_secs")") MiB/s"
fi
