#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: initdb into a fresh folder, owned and run by
# an unprivileged user (PostgreSQL refuses to run as root), listening on 127.0.0.1 only, on
# a free port, trust authentication for that address, TLS offered with a self-signed
# certificate made for it (so that the tests can tell the `sslmode`s apart). Prints the
# connection URL.
#
#   scripts/pg-test-cluster.sh start DIR   -> prints postgresql://USER@127.0.0.1:PORT/trin_test
#   scripts/pg-test-cluster.sh stop DIR
#
# PostgreSQL comes from Debian's packages (make test-deps installs them when missing).
set -euo pipefail
action=${1:?start or stop}
dir=${2:?cluster folder}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg-test-cluster: PostgreSQL is not installed (make test-deps)" >&2; exit 1; }
user=$(id -un)
as_user() { "$@"; }
if [ "$(id -u)" = 0 ]; then
  user=nobody
  as_user() { (cd / && runuser -u nobody -- "$@"); }
fi

case "$action" in
start)
  rm -rf "$dir"
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown nobody "$dir"
  chmod 700 "$dir"
  as_user "$bin/initdb" -D "$dir/data" -U "$user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=trin-test-cluster" \
    -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1
  chmod 600 "$dir/server.key"
  [ "$(id -u)" = 0 ] && chown nobody "$dir/server.key" "$dir/server.crt"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  as_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_user "$bin/createdb" -h 127.0.0.1 -p "$port" -U "$user" trin_test
  echo "postgresql://$user@127.0.0.1:$port/trin_test"
  ;;
stop)
  [ -d "$dir/data" ] && as_user "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "pg-test-cluster: start or stop" >&2; exit 2
  ;;
esac
