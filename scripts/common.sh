# Shared by run.sh, test.sh and bench/run.sh: packages, build, a private PostgreSQL.
# Source it; it defines functions only.

PARLEY_BUILD_PACKAGES=(cmake g++ make pkg-config ccache libpqxx-dev rapidjson-dev
  libsodium-dev libyaml-cpp-dev libspdlog-dev libcurl4-openssl-dev libssl-dev postgresql
  libvips-dev libxml2-dev)
# python3-signedjson: an independent signer for the federation tests' peer.
# clang and libclang-rt-14-dev: the libFuzzer targets of tests/fuzz (ASan, UBSan, libFuzzer).
PARLEY_TEST_PACKAGES=(googletest libgtest-dev python3-matrix-nio python3-olm python3-aiosmtpd python3-signedjson
  openssl nodejs clang libclang-rt-14-dev)
# bench/run.sh: wrk cross-checks the HTTP ceiling; pgbench ships in postgresql-15 (above).
PARLEY_BENCH_PACKAGES=(wrk)
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '==> %s\n' "$*" >&2; }

# Installs the Debian packages that are missing (apt-get, as root or with sudo).
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# build DIR TARGET... : configures (Release, ccache when present) and builds.
build() {
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$dir" -j"$(nproc)" --target "$@"
}

# A free TCP port below the kernel's ephemeral range (32768+), so load tests can't collide.
free_port() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randint(20000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
PY
}

# Runs a PostgreSQL tool; as root it runs as the postgres user (initdb refuses root).
pg_as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# pg_start DATADIR PORT [LISTEN]: creates the cluster if needed and starts it on a unix
# socket in DATADIR/sock and, when LISTEN is given (127.0.0.1), on LISTEN:PORT too.
pg_start() {
  PG_DATADIR=$1
  local port=$2 listen=${3:-}
  mkdir -p "$PG_DATADIR"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATADIR"
  if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$PG_DATADIR"; then
    echo "the postgres user cannot reach $PG_DATADIR; choose a --data-dir outside /root" >&2
    return 1
  fi
  if [ ! -f "$PG_DATADIR/PG_VERSION" ]; then
    pg_as_owner "$PG_BIN/initdb" -D "$PG_DATADIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    mkdir -p "$PG_DATADIR/sock"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PG_DATADIR/sock"
  fi
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATADIR" -l "$PG_DATADIR/server.log" -w -t 60 \
    -o "-p $port -k $PG_DATADIR/sock -c listen_addresses='$listen' -c max_connections=300" start >/dev/null
}

pg_stop() {
  [ -n "${PG_DATADIR:-}" ] && [ -f "$PG_DATADIR/postmaster.pid" ] &&
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATADIR" -m fast -w stop >/dev/null 2>&1 || true
}

# pg_create_db HOST PORT NAME: creates the database if it does not exist. HOST is an address
# or a socket folder.
pg_create_db() {
  local exists
  exists=$(psql -h "$1" -p "$2" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$3'")
  [ "$exists" = 1 ] || psql -h "$1" -p "$2" -U postgres -qc "CREATE DATABASE \"$3\"" >/dev/null
}
