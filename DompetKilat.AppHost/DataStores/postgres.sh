#!/usr/bin/env bash
# Runs PostgreSQL in the foreground for the AppHost: creates the cluster on first start and
# (re)sets the superuser password from POSTGRES_PASSWORD on every start, so a data directory
# kept between runs always matches the password the AppHost hands the services.
# PostgreSQL refuses to run as root; as root the server runs as the 'postgres' OS user.
set -euo pipefail

data_dir=$1
port=$2
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin_dir" ] || { echo "PostgreSQL server binaries not found; run ./run.sh once to install them" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

mkdir -p "$data_dir"
if [ "$(id -u)" -eq 0 ]; then chown postgres: "$data_dir"; fi
chmod 700 "$data_dir"
as_owner test -w "$data_dir" || { echo "the postgres user cannot reach $data_dir (check its parent directories' permissions)" >&2; exit 1; }

if [ ! -s "$data_dir/PG_VERSION" ]; then
  as_owner "$bin_dir/initdb" -D "$data_dir" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi

# Single-user mode reads the statement from stdin, so the password never shows in a process list.
printf "ALTER USER postgres WITH PASSWORD '%s';\n" "${POSTGRES_PASSWORD//\'/\'\'}" \
  | as_owner "$bin_dir/postgres" --single -D "$data_dir" postgres >/dev/null

exec_args=(-D "$data_dir" -k /tmp -c listen_addresses=127.0.0.1 -p "$port" -c max_connections=300)
if [ "$(id -u)" -eq 0 ]; then
  exec runuser -u postgres -- "$bin_dir/postgres" "${exec_args[@]}"
fi
exec "$bin_dir/postgres" "${exec_args[@]}"
