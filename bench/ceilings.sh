# Sourced by bench/run.sh: the ceilings each figure is compared with, measured in the same
# run on the same machine and cluster. Uses run.sh's variables (out, work, url, sock,
# pg_port, ceiling_secs, ceiling_warmup, pgbench_secs, loadgen) and writes raw outputs into
# $out, which bench/report.py parses.

# HTTP stack: GET /_matrix/client/versions (no database, no auth) at the concurrency of each
# scenario: 1 (incremental sync, history), 20 (initial sync), 64 (send), 100 (the answers
# one fan-out send releases at once). loadgen is the client, as in the scenarios; wrk at 64
# connections cross-checks that loadgen is not the limit.
http_ceilings() {
  local c
  for c in 1 20 64 100; do
    log "ceiling: HTTP GET /versions, $c connections"
    "${loadgen[@]}" versions --conns "$c" --seconds "$ceiling_secs" --warmup "$ceiling_warmup" \
      > "$out/versions_c$c.json"
  done
  log "ceiling: wrk -t2 -c64 GET /versions"
  wrk -t2 -c64 -d"${ceiling_secs}s" --latency "$url/_matrix/client/versions" > "$out/wrk_c64.txt"
}

# Database: single-row INSERT + COMMIT transactions (a 200-byte text column, like the
# message of the send scenario) with the server's durability settings, in a separate
# database of the same cluster. At 1 client, at the server's pool size (the most
# transactions the server can have open at once) and at 64.
db_ceilings() {
  local pool c
  pool=$(sed -n 's/^  pool_size: //p' "$work/homeserver.yaml")
  psql -h "$sock" -p "$pg_port" -U postgres -d ceiling -qc \
    "CREATE TABLE IF NOT EXISTS ceiling_rows (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)"
  echo "INSERT INTO ceiling_rows (body) VALUES (repeat('x', 200));" > "$work/insert.sql"
  for c in 1 "$pool" 64; do
    log "ceiling: pgbench single-row insert+commit, $c clients"
    "$PG_BIN/pgbench" -n -f "$work/insert.sql" -c "$c" -j 2 -T "$pgbench_secs" \
      -h "$sock" -p "$pg_port" -U postgres ceiling > "$out/pgbench_c$c.txt" 2>&1
  done
  echo "$pool" > "$out/pool_size.txt"
}

# Disk: 50 MiB written and fsynced with dd, in the folder that holds the media store.
disk_ceiling() {
  log "ceiling: dd 50 MiB with fsync"
  dd if=/dev/zero of="$work/dd.bin" bs=1M count=50 conv=fsync 2> "$out/dd.txt"
  rm -f "$work/dd.bin"
  # dd prints "52428800 bytes (52 MB, 50 MiB) copied, 0.1 s, 500 MB/s"
  awk '/copied/ { for (i = 1; i <= NF; i++) if ($i == "s,") secs = $(i - 1);
                  printf "%.1f\n", $1 / 1048576 / secs }' "$out/dd.txt" \
    > "$out/disk_write_mib_s.txt"
}

ceilings() {
  http_ceilings
  db_ceilings
  disk_ceiling
}
