#!/usr/bin/env bash
# Provides a PostgreSQL server for Grid's tests and load tests, with nothing to do by hand:
#   - GRID_TEST_POSTGRES already set (an Npgsql connection string): use that server as it is;
#   - otherwise install PostgreSQL from Debian's packages when it is missing (needs root, as on the dev and CI
#     machines), then start a private cluster owned by this checkout on 127.0.0.1:${GRID_PG_PORT:-55432},
#     with its data in ${GRID_PG_DIR:-$HOME/.cache/grid/postgres}, and export GRID_TEST_POSTGRES for it.
# Source it and call ensure_postgres; stop_postgres stops the private cluster.

source "$(dirname "${BASH_SOURCE[0]}")/debian.sh"

grid_pg_port="${GRID_PG_PORT:-55432}"
grid_pg_dir="${GRID_PG_DIR:-$HOME/.cache/grid/postgres}"

_pg_bindir() {
  local pg_config_bin
  for pg_config_bin in /usr/lib/postgresql/*/bin; do
    if [ -x "$pg_config_bin/initdb" ]; then
      echo "$pg_config_bin"
      return 0
    fi
  done
  return 1
}

_as_pg_owner() {
  # initdb and postgres refuse to run as root; run them as the 'postgres' account that the package creates.
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_postgres() {
  if [ -n "${GRID_TEST_POSTGRES:-}" ]; then
    echo "postgres: using GRID_TEST_POSTGRES as given"
    return 0
  fi

  local bindir
  if ! bindir="$(_pg_bindir)"; then
    if [ "$(id -u)" != "0" ]; then
      echo "postgres: PostgreSQL is not installed and this user cannot install it; install the 'postgresql' package or set GRID_TEST_POSTGRES" >&2
      return 1
    fi
    echo "postgres: installing PostgreSQL from Debian's packages"
    apt_install postgresql
    bindir="$(_pg_bindir)"
  fi

  mkdir -p "$grid_pg_dir"
  if [ "$(id -u)" = "0" ]; then
    chown -R postgres:postgres "$grid_pg_dir"
    # The account must be able to reach the folder through the home directory.
    chmod o+x "$HOME" "$HOME/.cache" "$HOME/.cache/grid" 2>/dev/null || true
  fi

  if [ ! -f "$grid_pg_dir/data/PG_VERSION" ]; then
    echo "postgres: creating a private cluster in $grid_pg_dir/data"
    _as_pg_owner "$bindir/initdb" -D "$grid_pg_dir/data" -U grid --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi

  if ! _as_pg_owner "$bindir/pg_ctl" -D "$grid_pg_dir/data" status >/dev/null 2>&1; then
    echo "postgres: starting on 127.0.0.1:$grid_pg_port"
    _as_pg_owner "$bindir/pg_ctl" -D "$grid_pg_dir/data" -l "$grid_pg_dir/server.log" -w -t 60 \
      -o "-p $grid_pg_port -k $grid_pg_dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on" start >/dev/null
  fi

  export GRID_TEST_POSTGRES="Host=127.0.0.1;Port=$grid_pg_port;Username=grid;Database=postgres;Pooling=true;Maximum Pool Size=100"
  echo "postgres: ready ($GRID_TEST_POSTGRES)"
}

stop_postgres() {
  local bindir
  bindir="$(_pg_bindir)" || return 0
  if [ -f "$grid_pg_dir/data/PG_VERSION" ]; then
    _as_pg_owner "$bindir/pg_ctl" -D "$grid_pg_dir/data" -m fast stop >/dev/null 2>&1 || true
  fi
}
