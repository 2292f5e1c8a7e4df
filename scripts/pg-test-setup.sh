#!/usr/bin/env bash
# Starts the system PostgreSQL 15 cluster and makes sure the test role and database exist, so the
# storage conformance suite can run against a real PostgreSQL. Idempotent: safe to run again.
# Runs as root (CI and the dev machines). Prints the export line on stdout, everything else on
# stderr, so `eval "$(scripts/pg-test-setup.sh)"` works.
set -euo pipefail

VERSION="${PG_VERSION:-15}"
CLUSTER="${PG_CLUSTER:-main}"
PORT="${PG_PORT:-5432}"
ROLE=poms_test
PASSWORD=poms_test
DATABASE=poms_test

log() { echo "pg-test-setup: $*" >&2; }

if [[ "$(id -u)" -ne 0 ]]; then
  log "must run as root (it starts the cluster and runs psql as user postgres)"
  exit 1
fi

# pg_ctlcluster exits 2 when the cluster is already running: that is success here.
set +e
pg_ctlcluster "$VERSION" "$CLUSTER" start >&2
status=$?
set -e
if [[ $status -eq 0 ]]; then
  log "started cluster $VERSION/$CLUSTER"
elif [[ $status -eq 2 ]]; then
  log "cluster $VERSION/$CLUSTER already running"
else
  log "pg_ctlcluster $VERSION $CLUSTER start failed with exit $status"
  exit "$status"
fi

for _ in $(seq 1 100); do
  if pg_isready -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.1
done
if ! pg_isready -q -h 127.0.0.1 -p "$PORT"; then
  log "PostgreSQL did not become ready on 127.0.0.1:$PORT within 10 s"
  exit 1
fi

psql_admin() {
  # From /, which user postgres can enter (the caller's folder may be private to root).
  (cd / && runuser -u postgres -- psql -p "$PORT" -X -q -v ON_ERROR_STOP=1 -tA "$@")
}

if [[ "$(psql_admin -c "select 1 from pg_roles where rolname = '$ROLE'")" != "1" ]]; then
  psql_admin -c "create role $ROLE login password '$PASSWORD'"
  log "created role $ROLE"
else
  # Keep the password known even if someone changed it.
  psql_admin -c "alter role $ROLE login password '$PASSWORD'"
fi

if [[ "$(psql_admin -c "select 1 from pg_database where datname = '$DATABASE'")" != "1" ]]; then
  # createdb cannot run inside a transaction block, so it gets its own psql call.
  psql_admin -c "create database $DATABASE owner $ROLE"
  log "created database $DATABASE"
fi
# On PostgreSQL 15 only the owner may create in schema public; tests create their own schemas,
# which needs CREATE on the database (the owner has it).
psql_admin -d "$DATABASE" -c "alter schema public owner to $ROLE"

echo "export POMS_TEST_PG_URL=postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
