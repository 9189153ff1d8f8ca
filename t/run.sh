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
# Mail: scripts/smtpcatch catches what the module sends (t/lib/CaughtMail.pm
# reads it); msmtp is the module's AccountsMailCommand.
. scripts/mail.sh
[ -f .libs/mod_accounts.so ] || { echo "run.sh: build first (make)" >&2; exit 1; }
[ -x t/TEST ] || make -s t/TEST

# With ACC_ASAN=1 (scripts/test --asan) the module was built with
# AddressSanitizer and UBSan; httpd is not, so the runtime is preloaded
# into it through a wrapper.
# Test-only hooks in the module (see ACC_TEST_HOOKS in src/).
export ACC_TEST_HOOKS=1

asan_args=()
make_asan_wrapper() {
    local w="$1/asan-httpd"
    cat > "$w" <<WRAP
#!/bin/sh
LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
ASAN_OPTIONS="detect_leaks=0:abort_on_error=0:halt_on_error=0"
UBSAN_OPTIONS="print_stacktrace=1"
export LD_PRELOAD ASAN_OPTIONS UBSAN_OPTIONS
exec $(apxs -q SBINDIR)/$(apxs -q TARGET) "\$@"
WRAP
    chmod 755 "$w"
    asan_args=(-httpd "$w")
}

if [ "$(id -u)" != 0 ]; then
    export ACC_CTL="$top/accountsctl"
    [ "${ACC_ASAN:-0}" = 1 ] && make_asan_wrapper "$top/t"
    rm -rf t/logs t/state
    find t/conf -maxdepth 1 -type f ! -name '*.in' ! -name modules.conf -delete
    "$ACC_CTL" genkey t/conf/accounts.key >/dev/null
    mkdir -p t/logs
    mail_up "$top/t/logs/mail" >/dev/null
    exec t/with-pg.sh t/TEST -port select "${asan_args[@]}" "$@"
fi

runas=${ACC_TEST_USER:-www-data}
stage=$(mktemp -d "${TMPDIR:-/tmp}/accounts-t.XXXXXX")
cleanup() {
    rc=$?
    mail_down
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
[ "${ACC_ASAN:-0}" = 1 ] && make_asan_wrapper "$stage/bin"
chown -R "$runas:" "$stage"
chmod 755 "$stage"
# The Django site's key (t/24-django-sessions.t), private as a key is.
chmod 600 "$stage/t/django/secret.key"
install -d -o "$runas" -g "$(id -gn "$runas")" "$stage/t/logs"
mail_up "$stage/t/logs/mail" >/dev/null
cd "$stage"
set +e
runuser -u "$runas" -- env ACC_CTL="$stage/bin/accountsctl" HOME="$stage" \
    "$stage/t/with-pg.sh" "$stage/t/TEST" -port select "${asan_args[@]}" "$@"
rc=$?
set -e
exit $rc
