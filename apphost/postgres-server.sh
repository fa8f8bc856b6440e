#!/usr/bin/env bash
# The local cluster's PostgreSQL, run in the foreground by the AppHost as an executable resource:
#   postgres-server.sh DATA_FOLDER MAX_CONNECTIONS, with the port in PGPORT (Aspire sets it from the resource's endpoint).
# Creates the cluster in DATA_FOLDER/data on first use (user grid, trust authentication, only on 127.0.0.1), then runs
# the server until the AppHost stops it: SIGTERM or SIGINT asks the server to shut down (pg_ctl stop: smart, then fast
# after 15 s), and the script ends once the server has.
set -euo pipefail

folder="$1"
max_connections="$2"
port="${PGPORT:?PGPORT must name the port}"

# The binaries, and running as the 'postgres' account when root: the same helpers the tests' server uses.
source "$(dirname "$0")/../scripts/postgres.sh"
if ! bindir="$(_pg_bindir)"; then
  echo "postgres: PostgreSQL is not installed: run ./test.sh once (it installs it), or apt-get install postgresql" >&2
  exit 1
fi

mkdir -p "$folder"
if [ "$(id -u)" = "0" ]; then
  chown -R postgres:postgres "$folder"
  # The account must be able to reach the folder: let it pass through each parent (search only, no listing).
  parent="$(dirname "$(realpath "$folder")")"
  while [ "$parent" != "/" ]; do
    chmod o+x "$parent"
    parent="$(dirname "$parent")"
  done
fi

data="$folder/data"
if [ ! -f "$data/PG_VERSION" ]; then
  echo "postgres: creating a cluster in $data"
  _as_pg_owner "$bindir/initdb" -D "$data" -U grid --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
fi

# A server left behind by an AppHost that was killed outright holds the folder: stop it first.
if _as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
  echo "postgres: stopping the server an earlier run left in $data"
  _as_pg_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
fi

stopping=false
stop() {
  stopping=true
  # The silos stop at the same moment and still write to the membership table as they leave: let their sessions end
  # (a smart shutdown takes no new sessions and waits for open ones), then cut whatever is left.
  echo "postgres: shutting down once the silos' sessions end"
  if ! _as_pg_owner "$bindir/pg_ctl" -D "$data" -m smart -w -t 15 stop >/dev/null 2>&1; then
    echo "postgres: sessions still open after 15 s: fast shutdown"
    _as_pg_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 || true
  fi
}
trap stop TERM INT

echo "postgres: starting on 127.0.0.1:$port with its data in $data"
_as_pg_owner "$bindir/postgres" -D "$data" -p "$port" -k "$folder" -c listen_addresses=127.0.0.1 \
  -c max_connections="$max_connections" &
server=$!
# wait ends early when a signal arrives, and its trap then stops the server; a server that ends by itself (a port in
# use, a damaged folder) ends the script with its own exit code, so the AppHost shows it failed.
status=0
wait "$server" || status=$?
if [ "$stopping" = true ]; then
  wait "$server" 2>/dev/null || true
  exit 0
fi
exit "$status"
