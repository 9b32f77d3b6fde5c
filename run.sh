#!/usr/bin/env bash
# Installs what is missing, builds, starts a private PostgreSQL under DATA_DIR/postgres
# (unless DATABASE_URL is set), writes DATA_DIR/homeserver.yaml and a signing key on first
# run, and runs the server in the foreground. Ctrl-C stops both.
#   ./run.sh [--server-name NAME] [--port N] [--data-dir DIR]
#            [--federation-port N [--tls-cert PEM --tls-key PEM] [--federation-ca PEM]
#             [--federation-allow CIDR]...]
# Without --federation-port the server does not federate. The federation flags are passed to
# the server on every start, so they win over homeserver.yaml.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/common.sh

usage="usage: ./run.sh [--server-name NAME] [--port N] [--data-dir DIR] [--federation-port N]
                [--tls-cert PEM --tls-key PEM] [--federation-ca PEM] [--federation-allow CIDR]..."
port=8008
data_dir=./var
server_name=""
federation_port=""
federation_flags=()
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
  case "$1" in
    --server-name) server_name=$2 ;;
    --port) port=$2 ;;
    --data-dir) data_dir=$2 ;;
    --federation-port) federation_port=$2; federation_flags+=(--federation-port "$2") ;;
    --tls-cert|--tls-key|--federation-ca) [ -f "$2" ] || { echo "$1: no such file $2" >&2; exit 2; }
      federation_flags+=("$1" "$(abs "$2")") ;;
    --federation-allow) federation_flags+=(--federation-allow "$2") ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
  shift 2
done
if [ ${#federation_flags[@]} -gt 0 ] && [ -z "$federation_port" ]; then
  echo "the federation flags need --federation-port" >&2; exit 2
fi
# Other servers find this one at the port in its name: the federation port when federating.
server_name=${server_name:-localhost:${federation_port:-$port}}
mkdir -p "$data_dir"
data_dir=$(cd "$data_dir" && pwd)

ensure_packages "${PARLEY_BUILD_PACKAGES[@]}"
log "building"
build build parley

if [ -z "${DATABASE_URL:-}" ]; then
  pg_port=$(cat "$data_dir/postgres.port" 2>/dev/null || free_port)
  echo "$pg_port" > "$data_dir/postgres.port"
  log "starting PostgreSQL in $data_dir/postgres (port $pg_port)"
  pg_start "$data_dir/postgres" "$pg_port"
  trap pg_stop EXIT
  pg_create_db "$data_dir/postgres/sock" "$pg_port" parley
  # Unix socket only: nothing else on the machine can reach this cluster over TCP.
  export DATABASE_URL="postgresql:///parley?host=$data_dir/postgres/sock&port=$pg_port&user=postgres"
fi

if [ ! -f "$data_dir/homeserver.yaml" ]; then
  ./build/parley --generate-config --server-name "$server_name" --port "$port" \
    --config "$data_dir/homeserver.yaml"
fi
export PARLEY_RATE_LIMITS=${PARLEY_RATE_LIMITS:-}
log "parley on http://127.0.0.1:$port (server name $server_name)"
[ -n "$federation_port" ] && log "federation on https://0.0.0.0:$federation_port"
# Not exec: the trap must stop PostgreSQL when the server exits.
./build/parley --config "$data_dir/homeserver.yaml" ${federation_flags[@]+"${federation_flags[@]}"} &
server_pid=$!
trap 'kill -TERM $server_pid 2>/dev/null; wait $server_pid; pg_stop' INT TERM
wait $server_pid || true
