#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a free loopback port and prints its
# admin URL on stdout. Installs Debian's postgresql package if no server
# binaries are present. initdb refuses to run as root, so the cluster belongs
# to the `postgres` system user when we are root.
#
#   url=$(bash .ci/postgres.sh /tmp/pgdir)   # stop: pg_ctl -D /tmp/pgdir stop
#
# DUBAN_PG_EXTRA_OPTIONS adds server options after the defaults (later -c
# wins): the kill test crashes this server and needs synchronous_commit=on.
set -euo pipefail
dir=${1:?usage: postgres.sh DATA_DIR}

find_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
bin=$(find_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "postgres.sh: installing PostgreSQL from Debian packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
  bin=$(find_bin)
fi
[ -x "$bin/initdb" ] || { echo "postgres.sh: no initdb after install" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || echo $((20000 + RANDOM % 20000)))

run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

rm -rf "$dir"
mkdir -p "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
run "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
run "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${DUBAN_PG_EXTRA_OPTIONS:-}" \
  start >&2 || { cat "$dir/server.log" >&2; exit 1; }
echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
