#!/bin/bash
# t/with-pg.sh CMD... -- run CMD beside a throwaway PostgreSQL cluster.
#
# The cluster runs as the calling user (so tests can stop and restart it),
# listens on 127.0.0.1 on a free port, holds a migrated database
# ($ACC_PGDATABASE), an empty one ($ACC_PGDATABASE_FRESH) and another
# empty one where t/27-django-live.t makes a Django site's tables and
# switches mod_accounts to them ($ACC_PGDATABASE_LIVE), and is always
# torn down, whatever CMD does.  CMD's exit status is ours.
# $ACC_CTL, when set, is the accountsctl that migrates $ACC_PGDATABASE
# (without it every database is left empty).  Run as root with
# ACC_PG_RUNAS=USER, the cluster is USER's (PostgreSQL will not run as
# root) and CMD runs as root (scripts/package-check).
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "with-pg: no PostgreSQL server (install postgresql-15)" >&2; exit 1; }
runas=${ACC_PG_RUNAS:-}
# pg CMD... -- a PostgreSQL program, as the cluster's owner.
pg() {
    if [ -n "$runas" ]; then runuser -u "$runas" -- "$@"; else "$@"; fi
}

pgtmp=$(mktemp -d "${TMPDIR:-/tmp}/accounts-pg.XXXXXX")
chmod 0755 "$pgtmp"
[ -n "$runas" ] && chown "$runas:" "$pgtmp"
started=0
cleanup() {
    rc=$?
    if [ "$started" = 1 ]; then
        (cd / && pg "$PGBIN/pg_ctl" -D "$pgtmp/data" -m immediate -w stop) >/dev/null 2>&1 || true
    fi
    if [ "$rc" != 0 ] && [ "${ACC_PG_READY:-0}" != 1 ] && [ -f "$pgtmp/pg.log" ]; then
        echo "with-pg: PostgreSQL log:" >&2; tail -n 20 "$pgtmp/pg.log" >&2
    elif [ "$rc" != 0 ] && [ -f "$pgtmp/pg.log" ]; then
        # What PostgreSQL refused, for a test that died of it (the tests
        # that stop it on purpose make some of these lines).
        echo "with-pg: PostgreSQL's FATAL and PANIC lines:" >&2
        grep -aE '(FATAL|PANIC):' "$pgtmp/pg.log" | grep -avE 'terminating connection due to administrator command' | tail -n 10 >&2 || true
    fi
    rm -rf "$pgtmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen=>1,LocalAddr=>"127.0.0.1",LocalPort=>0)->sockport')
pw=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
umask 077
printf '%s\n' "$pw" > "$pgtmp/su.pw"
umask 022
[ -n "$runas" ] && chown "$runas:" "$pgtmp/su.pw"

(cd / && pg "$PGBIN/initdb" -D "$pgtmp/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 --pwfile="$pgtmp/su.pw" --no-locale -E UTF8 \
    --no-sync) >"$pgtmp/initdb.log" 2>&1 || { cat "$pgtmp/initdb.log" >&2; exit 1; }
# In postgresql.conf, so a plain `pg_ctl start` (tests restart it) finds
# the same server again.
cat >> "$pgtmp/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$pgtmp'
listen_addresses = '127.0.0.1'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
started=1
(cd / && pg "$PGBIN/pg_ctl" -D "$pgtmp/data" -l "$pgtmp/pg.log" -w -t 60 start) >/dev/null

psql() { command "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgtmp" -p "$port" -U postgres "$@"; }
psql -d postgres -c "CREATE ROLE accounts LOGIN PASSWORD '$pw'" \
    -c "CREATE DATABASE accounts OWNER accounts" \
    -c "CREATE DATABASE accounts_fresh OWNER accounts" \
    -c "CREATE DATABASE accounts_live OWNER accounts" >/dev/null

export ACC_PGHOST=127.0.0.1 ACC_PGPORT=$port ACC_PGUSER=accounts \
    ACC_PGPASSWORD=$pw ACC_PGDATABASE=accounts \
    ACC_PGDATABASE_FRESH=accounts_fresh ACC_PGDATABASE_LIVE=accounts_live \
    ACC_PGDATA=$pgtmp/data \
    ACC_PGBIN=$PGBIN ACC_PGSOCK=$pgtmp ACC_PGLOG=$pgtmp/pg.log
export ACCOUNTS_DB="host=127.0.0.1 port=$port dbname=accounts user=accounts password=$pw connect_timeout=5"
[ -n "${ACC_CTL:-}" ] && "$ACC_CTL" migrate >/dev/null
ACC_PG_READY=1
export ACC_PG_READY

set +e
"$@"
rc=$?
set -e
exit $rc
