#!/bin/bash
# t/run.sh [t/TEST args...] -- run the Apache::Test suite against the
# built module, with a throwaway PostgreSQL.
#
# Apache::Test will not run as root (httpd cannot run its children as
# root), so as root the suite runs from a staged copy owned by www-data,
# as www-data; PostgreSQL runs as that same user so tests can stop and
# restart it.  As any other user it runs in place.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ -f .libs/mod_accounts.so ] || { echo "run.sh: build first (make)" >&2; exit 1; }
[ -x t/TEST ] || make -s t/TEST

if [ "$(id -u)" != 0 ]; then
    export ACC_CTL="$top/accountsctl"
    rm -rf t/logs t/state
    find t/conf -maxdepth 1 -type f ! -name '*.in' ! -name modules.conf -delete
    "$ACC_CTL" genkey t/conf/accounts.key >/dev/null
    exec t/with-pg.sh t/TEST -port select "$@"
fi

runas=${ACC_TEST_USER:-www-data}
stage=$(mktemp -d "${TMPDIR:-/tmp}/accounts-t.XXXXXX")
cleanup() {
    rc=$?
    rm -rf "$top/t/logs"
    [ -d "$stage/t/logs" ] && cp -r "$stage/t/logs" "$top/t/logs" 2>/dev/null || true
    if [ "$rc" != 0 ] && [ -f "$stage/t/logs/error_log" ]; then
        echo "---- error_log (errors) ----" >&2
        grep -E ':(error|crit|alert|emerg)\]' "$stage/t/logs/error_log" | tail -n 30 >&2 || true
    fi
    [ "${KEEP_STAGE:-0}" = 1 ] || rm -rf "$stage"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$stage/.libs" "$stage/bin"
cp -r t "$stage/t"
cp .libs/mod_accounts.so "$stage/.libs/"
cp accountsctl "$stage/bin/"
rm -rf "$stage/t/logs" "$stage/t/state"
find "$stage/t/conf" -maxdepth 1 -type f ! -name '*.in' ! -name modules.conf -delete
"$stage/bin/accountsctl" genkey "$stage/t/conf/accounts.key" >/dev/null
chown -R "$runas:" "$stage"
chmod 755 "$stage"
cd "$stage"
set +e
runuser -u "$runas" -- env ACC_CTL="$stage/bin/accountsctl" HOME="$stage" \
    "$stage/t/with-pg.sh" "$stage/t/TEST" -port select "$@"
rc=$?
set -e
exit $rc
