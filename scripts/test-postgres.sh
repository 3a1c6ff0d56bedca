#!/usr/bin/env bash
# A PostgreSQL server for the tests, on 127.0.0.1:5432 only, from Debian's postgresql package.
#
# Starts the newest installed version's "main" cluster (making it if missing), makes it listen on
# 127.0.0.1 only, and makes a role that may create databases (Django makes and drops test_
# databases). Idempotent. Prints the DATABASE_URL to use on standard output, so:
#
#     export DATABASE_URL="$(scripts/test-postgres.sh)"
#
# Needs root or sudo; scripts/test-deps.sh installs the package with SAFERPLACES_TEST_POSTGRES=1.
set -euo pipefail
# Only the URL goes to standard output: every other command's output (pg_ctlcluster prints
# "Removed stale pid file." on standard output, for one) goes to standard error.
exec 3>&1 1>&2

ROLE="saferplaces"
# A test-only password for a server that listens on the loopback address alone.
PASSWORD="saferplaces-test-only"
DATABASE="saferplaces_test"
PORT=5432

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
command -v pg_lsclusters >/dev/null 2>&1 || {
  echo "PostgreSQL is not installed. Run SAFERPLACES_TEST_POSTGRES=1 scripts/test-deps.sh first." >&2
  exit 1
}
VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
log() { echo "$@" >&2; }

if ! pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main"' | grep -q .; then
  log "Making PostgreSQL $VERSION cluster main"
  $sudo pg_createcluster "$VERSION" main --port "$PORT" >/dev/null 3>&-
fi
# Debian's postgresql.conf reads conf.d/ last, so this file's settings win.
CONF="/etc/postgresql/$VERSION/main/conf.d/saferplaces-test.conf"
WANT="$(printf "# Written by saferplaces scripts/test-postgres.sh\nlisten_addresses = '127.0.0.1'\nport = %s\n" "$PORT")"
restart=0
if [ "$($sudo cat "$CONF" 2>/dev/null || true)" != "$WANT" ]; then
  printf '%s\n' "$WANT" | $sudo tee "$CONF" >/dev/null
  restart=1
fi
status="$(pg_lsclusters -h | awk -v v="$VERSION" '$1 == v && $2 == "main" {print $4}')"
if [ "$status" = online ] && [ "$restart" = 1 ]; then
  log "Restarting PostgreSQL $VERSION cluster main to listen on 127.0.0.1:$PORT only"
  $sudo pg_ctlcluster "$VERSION" main restart 3>&-
elif [ "$status" != online ]; then
  log "Starting PostgreSQL $VERSION cluster main on 127.0.0.1:$PORT"
  $sudo pg_ctlcluster "$VERSION" main start 3>&-
fi
for _ in $(seq 1 30); do
  pg_isready -q -h 127.0.0.1 -p "$PORT" && break
  sleep 1
done
pg_isready -q -h 127.0.0.1 -p "$PORT" || { log "PostgreSQL did not start; see /var/log/postgresql/."; exit 1; }

psql_admin() { $sudo -u postgres psql -X -q -v ON_ERROR_STOP=1 "$@"; }
if [ -z "$sudo" ]; then psql_admin() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"; }; fi
psql_admin -p "$PORT" -d postgres >/dev/null <<SQL
SELECT 'CREATE ROLE $ROLE LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE')\gexec
ALTER ROLE $ROLE WITH LOGIN CREATEDB PASSWORD '$PASSWORD';
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DATABASE')\gexec
SQL
echo "postgres://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE" >&3
