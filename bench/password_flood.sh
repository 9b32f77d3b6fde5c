#!/usr/bin/env bash
# Peak memory of the server under a flood of concurrent password checks (argon2id at the
# generated default cost: 2 passes, 64 MiB each). Starts its own PostgreSQL and server,
# registers one account, then sends N concurrent /login requests with a wrong password (rate
# limits off, so each one reaches argon2id) and reads the server's VmHWM.
#   bench/password_flood.sh [--requests N] [--binary PATH]     (default 96, build/parley)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh

requests=96
binary=build/parley
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests=$2; shift 2 ;;
    --binary) binary=$2; shift 2 ;;
    *) echo "usage: bench/password_flood.sh [--requests N] [--binary PATH]" >&2; exit 2 ;;
  esac
done

work=$(mktemp -d /tmp/parley-flood.XXXXXX)
chmod 755 "$work"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT

pg_port=$(free_port)
pg_start "$work/pg" "$pg_port"
pg_create_db "$work/pg/sock" "$pg_port" parley
hs_port=$(free_port)
"$binary" --generate-config --server-name localhost --port "$hs_port" \
  --database-url "postgresql:///parley?host=$work/pg/sock&port=$pg_port&user=postgres" \
  --config "$work/homeserver.yaml" >/dev/null
sed -i -e "s|^  store_path: .*|  store_path: $work/media_store|" "$work/homeserver.yaml"
PARLEY_RATE_LIMITS=off "$binary" --config "$work/homeserver.yaml" > "$work/server.log" 2>&1 &
server_pid=$!
url="http://127.0.0.1:$hs_port"
for _ in $(seq 1 100); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
curl -sf -XPOST "$url/_matrix/client/v3/register" \
  -d '{"username":"flood","password":"password123","auth":{"type":"m.login.dummy"}}' >/dev/null
before=$(awk '/VmRSS/ {print $2}' "/proc/$server_pid/status")

python3 - "$url" "$requests" <<'PY'
import collections, concurrent.futures, json, sys, time, urllib.error, urllib.request
url, n = sys.argv[1], int(sys.argv[2])
body = json.dumps({"type": "m.login.password", "identifier": {"type": "m.id.user", "user": "flood"},
                   "password": "wrong-password"}).encode()
def login(_):
    req = urllib.request.Request(url + "/_matrix/client/v3/login", data=body, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
start = time.time()
with concurrent.futures.ThreadPoolExecutor(max_workers=n) as pool:
    codes = collections.Counter(pool.map(login, range(n)))
print(f"{n} concurrent wrong-password logins in {time.time() - start:.1f}s: "
      + ", ".join(f"{c} x{k}" for k, c in sorted(codes.items())))
PY
peak=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
echo "server RSS before: $((before / 1024)) MiB; peak during the flood (VmHWM): $((peak / 1024)) MiB"
