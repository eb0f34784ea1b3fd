#!/usr/bin/env bash
# A throwaway PostgreSQL cluster in a temporary folder, for the tests and the benchmark.
#   eval "$(bash Tools/postgres/throwaway.sh start)"   # sets PGDIR, PGPORT, TEACHER_REGISTRY_TEST_POSTGRES
#   bash Tools/postgres/throwaway.sh stop "$PGDIR"
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$PGBIN" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }
as_owner() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi; }

case "${1:-}" in
start)
  dir=$(mktemp -d /tmp/registry-pg.XXXXXX)
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  # A free port: ask the kernel for one.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_owner "$PGBIN/initdb -D $dir/data -A trust -U postgres -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$PGBIN/pg_ctl -D $dir/data -o '-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200' -l $dir/server.log -w start" >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "export PGDIR=$dir PGPORT=$port PGBIN=$PGBIN"
  echo "export TEACHER_REGISTRY_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/postgres"
  ;;
stop)
  dir=${2:?the folder start printed}
  as_owner "$PGBIN/pg_ctl -D $dir/data -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
