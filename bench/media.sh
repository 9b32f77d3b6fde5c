#!/usr/bin/env bash
# Media benchmarks against a freshly started server and its own PostgreSQL, each figure beside
# the ceiling underneath it measured in the same run:
#   - upload MiB/s (one client, then N at once) beside dd of the same bytes with fsync into
#     the media store's folder, and loopback HTTP GET /versions (wrk);
#   - download MiB/s beside dd reading the stored file;
#   - peak RSS of the server while N clients upload SIZE MiB each at once (VmHWM, reset with
#     clear_refs just before);
#   - thumbnail times per source image size: cached spec size, uncached render (scale, crop),
#     and the pre-generation of the five spec sizes after an upload.
# Every upload is of distinct random bytes, so deduplication never skips a write.
#   bench/media.sh [--size-mib 50] [--clients 10] [--rounds 5] [--keep]
# PARLEY_BUILD_DIR picks the build folder (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

size_mib=50
clients=10
rounds=5
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --size-mib) size_mib=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/media.sh [--size-mib N] [--clients N] [--rounds N] [--keep]" >&2; exit 2 ;;
  esac
done
build_dir=${PARLEY_BUILD_DIR:-build}

ensure_packages "${PARLEY_BUILD_PACKAGES[@]}" wrk libvips-tools
log "building parley in $build_dir"
build "$build_dir" parley >/dev/null

work=$(mktemp -d /tmp/parley-media-bench.XXXXXX)
chmod 755 "$work"
server_pid=""
sink_pid=""
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_stop
  if [ "$keep" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
pg_port=$(free_port)
log "starting PostgreSQL in $work/pg"
pg_start "$work/pg" "$pg_port"
pg_create_db "$work/pg/sock" "$pg_port" parley
hs_port=$(free_port)
url="http://127.0.0.1:$hs_port"
"$build_dir/parley" --generate-config --server-name localhost --port "$hs_port" \
  --database-url "postgresql:///parley?host=$work/pg/sock&port=$pg_port&user=postgres" \
  --config "$work/homeserver.yaml" >/dev/null
sed -i 's/^  level: info/  level: warn/' "$work/homeserver.yaml"  # no per-request log lines
PARLEY_RATE_LIMITS=off "$build_dir/parley" --config "$work/homeserver.yaml" > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
token=$(curl -sf -XPOST "$url/_matrix/client/v3/register" \
  -d '{"username":"bench","password":"password123","auth":{"type":"m.login.dummy"}}' |
  sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
store="$work/media_store"
bytes=$((size_mib * 1024 * 1024))

# median: of the numbers on stdin, one per line.
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mib_s() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.0f", b / 1048576 / s }'; }
rss_kib() { awk -v k="$1" '/^'"$1"':/ { print $2 }' "/proc/$server_pid/status"; }
upload() {  # upload FILE [CONTENT_TYPE]: prints "<seconds> <media id>"
  curl -s -XPOST "$url/_matrix/media/v3/upload" -H "Authorization: Bearer $token" -H "Expect:" \
    -H "Content-Type: ${2:-application/octet-stream}" --data-binary @"$1" \
    -w ' %{time_total}\n' | sed -n 's/.*mxc:\/\/localhost\/\([A-Za-z0-9_-]*\)".* \(.*\)/\2 \1/p'
}

log "making $((rounds + clients)) files of $size_mib MiB of random bytes"
mkdir -p "$work/in"
for i in $(seq 1 $((rounds + clients))); do
  head -c "$bytes" /dev/urandom > "$work/in/$i.bin"
done

# --- ceilings ------------------------------------------------------------------------------
log "ceiling: dd the same bytes into the media store's folder with fsync"
for i in $(seq 1 "$rounds"); do
  dd if="$work/in/$i.bin" of="$store/dd.bin" bs=1M conv=fsync 2>&1 |
    awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i - 1) }'
  rm -f "$store/dd.bin"
done | median > "$work/dd_secs"
log "ceiling: wrk GET /versions (1 and $clients connections)"
wrk -t1 -c1 -d3s "$url/_matrix/client/versions" > "$work/wrk1.txt"
wrk -t2 -c"$clients" -d3s "$url/_matrix/client/versions" > "$work/wrkN.txt"

# --- uploads and downloads -----------------------------------------------------------------
log "upload: $rounds x $size_mib MiB, one at a time"
ids=()
: > "$work/up_secs"
for i in $(seq 1 "$rounds"); do
  read -r secs id < <(upload "$work/in/$i.bin")
  echo "$secs" >> "$work/up_secs"
  ids+=("$id")
done
stored=$(find "$store/content" -type f | head -1)
log "ceiling: dd reading a stored file"
for _ in $(seq 1 "$rounds"); do
  dd if="$stored" of=/dev/null bs=1M 2>&1 | awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") print $(i - 1) }'
done | median > "$work/ddr_secs"
log "ceiling: the same bytes over loopback HTTP to and from a zero-work server (curl)"
sink_port=$(free_port)
/usr/bin/python3 bench/media_loopback.py "$sink_port" "$stored" &
sink_pid=$!
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$sink_port/" && break; sleep 0.1; done
for i in $(seq 1 "$rounds"); do
  curl -s -o /dev/null -w '%{time_total}\n' -XPOST "http://127.0.0.1:$sink_port/" -H "Expect:" \
    --data-binary @"$work/in/$i.bin"
done | median > "$work/sink_up_secs"
for _ in $(seq 1 "$rounds"); do
  curl -s -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$sink_port/"
done | median > "$work/sink_down_secs"
kill "$sink_pid"
sink_pid=""
log "download: $rounds x $size_mib MiB, one at a time"
for _ in $(seq 1 "$rounds"); do
  curl -s -o /dev/null -w '%{time_total}\n' "$url/_matrix/client/v1/media/download/localhost/${ids[0]}" \
    -H "Authorization: Bearer $token"
done | median > "$work/down_secs"

log "upload: $clients clients x $size_mib MiB at once, peak RSS"
echo 5 > "/proc/$server_pid/clear_refs"  # resets VmHWM to the current RSS
rss_before=$(rss_kib VmRSS)
start=$(date +%s.%N)
pids=()
for i in $(seq $((rounds + 1)) $((rounds + clients))); do
  upload "$work/in/$i.bin" > "$work/par_$i.txt" &
  pids+=($!)
done
wait "${pids[@]}"  # not a bare wait: the server is a child too
par_secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
peak_up=$(rss_kib VmHWM)
ok_par=$(cat "$work"/par_*.txt | grep -c . || true)
rss_after=$(rss_kib VmRSS)

log "download: $clients clients at once"
echo 5 > "/proc/$server_pid/clear_refs"
start=$(date +%s.%N)
pids=()
for i in $(seq 1 "$clients"); do
  curl -s -o /dev/null "$url/_matrix/media/v3/download/localhost/${ids[$(( (i - 1) % rounds ))]}" &
  pids+=($!)
done
wait "${pids[@]}"
dpar_secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')
peak_down=$(rss_kib VmHWM)

# --- thumbnails ----------------------------------------------------------------------------
# JPEG "photos": smoothed noise, so the decoder has real work (a flat image decodes for free).
thumb_rows=()
for dims in 640x480 1920x1080 4032x3024 6000x4000; do
  w=${dims%x*}; h=${dims#*x}
  log "thumbnails of a ${dims} JPEG"
  vips gaussnoise "$work/n.v" "$w" "$h" --mean 128 --sigma 60
  vips gaussblur "$work/n.v" "$work/b.v" 1.5
  vips cast "$work/b.v" "$work/g.v" uchar
  vips bandjoin "$work/g.v $work/g.v $work/g.v" "$work/rgb.v"
  vips copy "$work/rgb.v" "$work/photo_$dims.jpg[Q=85]"
  jpeg_kib=$(( $(stat -c %s "$work/photo_$dims.jpg") / 1024 ))
  # Spec sizes the source fits inside are served from the original, not generated.
  expect=0
  for spec in 32x32 96x96 320x240 640x480 800x600; do
    if [ "$w" -gt "${spec%x*}" ] || [ "$h" -gt "${spec#*x}" ]; then expect=$((expect + 1)); fi
  done
  before=$(find "$store/thumbnails" -type f | wc -l)
  t0=$(date +%s.%N)
  read -r _ id < <(upload "$work/photo_$dims.jpg" image/jpeg)
  # The upload answers at once; the five spec sizes are made on the thumbnailer pool.
  for _ in $(seq 1 600); do
    [ "$(find "$store/thumbnails" -type f | wc -l)" -ge $((before + expect)) ] && break
    sleep 0.01
  done
  pregen_ms=$(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", (e - s) * 1000 }')
  thumb() {
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $token" \
      "$url/_matrix/client/v1/media/thumbnail/localhost/$id?$1"
  }
  cached=$(for _ in $(seq 1 10); do thumb "width=800&height=600&method=scale"; done | median)
  scale="-"  # a scale request of at most 800x600 snaps to a cached spec size
  if [ "$w" -gt 801 ] && [ "$h" -gt 601 ]; then
    scale=$(for _ in $(seq 1 5); do thumb "width=801&height=601&method=scale"; done | median)
  fi
  crop=$(for _ in $(seq 1 5); do thumb "width=97&height=97&method=crop"; done | median)
  ms() { [ "$1" = "-" ] && echo "-" || awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }
  thumb_rows+=("$(printf '%-10s %7s KiB %9s ms %11s ms %9s ms %10s ms (%s sizes)' "$dims" "$jpeg_kib" \
    "$(ms "$cached")" "$(ms "$scale")" "$(ms "$crop")" "$pregen_ms" "$expect")")
done

# --- report --------------------------------------------------------------------------------
up_secs=$(median < "$work/up_secs")
versions1=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk1.txt")
latency1=$(awk '/Latency/ { print $2; exit }' "$work/wrk1.txt")
versionsN=$(awk '/Requests\/sec/ { print $2 }' "$work/wrkN.txt")
echo
echo "media benchmark: $(nproc) cores, $size_mib MiB files, medians of $rounds rounds ($(date -u +%FT%TZ))"
echo "  load average at start: $load_start; at end: $(cut -d' ' -f1-3 /proc/loadavg) (the machine is shared?)"
printf '  %-52s %8s MiB/s\n' "upload, 1 client (POST /upload, fsync, row)" "$(mib_s "$bytes" "$up_secs")"
printf '  %-52s %8s MiB/s\n' "  ceiling: dd same bytes, conv=fsync, same disk" "$(mib_s "$bytes" "$(cat "$work/dd_secs")")"
printf '  %-52s %8s MiB/s\n' "  ceiling: curl POST to a zero-work loopback server" "$(mib_s "$bytes" "$(cat "$work/sink_up_secs")")"
printf '  %-52s %8s MiB/s  (%s of %s ok)\n' "upload, $clients clients at once (aggregate)" \
  "$(mib_s $((bytes * clients)) "$par_secs")" "$ok_par" "$clients"
printf '  %-52s %8s MiB/s\n' "download, 1 client (sendfile)" "$(mib_s "$bytes" "$(cat "$work/down_secs")")"
printf '  %-52s %8s MiB/s\n' "download, $clients clients at once (aggregate)" "$(mib_s $((bytes * clients)) "$dpar_secs")"
printf '  %-52s %8s MiB/s\n' "  ceiling: dd reading the stored file (page cache)" "$(mib_s "$bytes" "$(cat "$work/ddr_secs")")"
printf '  %-52s %8s MiB/s\n' "  ceiling: curl GET from a zero-work sendfile server" "$(mib_s "$bytes" "$(cat "$work/sink_down_secs")")"
printf '  %-52s %8s req/s  (latency %s)\n' "  ceiling: loopback HTTP GET /versions, 1 conn" "$versions1" "$latency1"
printf '  %-52s %8s req/s\n' "  ceiling: loopback HTTP GET /versions, $clients conns" "$versionsN"
printf '  %-52s %8s MiB  (before %s MiB, after %s MiB)\n' "peak RSS, $clients x $size_mib MiB uploads at once" \
  "$((peak_up / 1024))" "$((rss_before / 1024))" "$((rss_after / 1024))"
printf '  %-52s %8s MiB\n' "peak RSS, $clients downloads at once" "$((peak_down / 1024))"
echo
echo "thumbnails (medians; JPEG source; cached = spec 800x600 from disk, render = uncached)"
printf '  %-10s %11s %12s %14s %12s %13s\n' source size cached "render 801x601" "crop 97x97" "pregen spec"
for row in "${thumb_rows[@]}"; do echo "  $row"; done
