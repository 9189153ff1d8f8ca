# scripts/site.sh -- the demo site, for scripts/demo and scripts/bench:
# Apache httpd with mod_accounts on 127.0.0.1, a throwaway PostgreSQL,
# the seed's pages.  Source it, then:
#
#   site_up PORT [EXTRA_CONF]  start PostgreSQL and httpd (in the
#                              background); EXTRA_CONF is appended to
#                              httpd.conf, with @SITE@ replaced by the
#                              site's directory
#   site_down                  stop both and remove every file (also run
#                              on exit)
#
# Sets: site (the directory), conninfo, httpd_pid, runas, and as() (run a
# command as the server user).

# The site's mail goes to a local SMTP server that keeps it (mail.sh);
# /mail/ lists it.
. "$(dirname "${BASH_SOURCE[0]}")/mail.sh"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
HTTPD=
site=
httpd_pid=
pg_started=0
conninfo=

if [ "$(id -u)" = 0 ]; then
    runas=www-data
    as() { runuser -u "$runas" -- "$@"; }
else
    runas=$(id -un)
    as() { "$@"; }
fi

site_down() {
    trap - EXIT
    if [ -n "$httpd_pid" ] && kill -0 "$httpd_pid" 2>/dev/null; then
        kill -TERM "$httpd_pid" 2>/dev/null || true
        wait "$httpd_pid" 2>/dev/null || true
    fi
    httpd_pid=
    if [ "$pg_started" = 1 ]; then
        (cd / && as "$PGBIN/pg_ctl" -D "$site/pg/data" -m fast -w stop >/dev/null 2>&1) || true
        pg_started=0
    fi
    mail_down
    [ -n "$site" ] && rm -rf "$site"
    site=
}

# A free TCP port on 127.0.0.1.
free_port() {
    perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen=>1,LocalAddr=>"127.0.0.1",LocalPort=>0)->sockport'
}

site_up() {
    local port=$1 extra=${2:-} pgport pw user_lines
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    HTTPD=$(apxs -q SBINDIR)/$(apxs -q TARGET)

    # Everything lives in a fresh directory the server users can read (the
    # checkout itself may be under a directory only root can enter).
    site=$(mktemp -d "${TMPDIR:-/tmp}/accounts-site.XXXXXX")
    trap site_down EXIT
    chmod 755 "$site"
    mkdir -p "$site/pg" "$site/logs" "$site/modules" "$site/bin"
    cp .libs/mod_accounts.so "$site/modules/"
    cp accountsctl "$site/bin/"
    cp scripts/mailview "$site/bin/"
    cp -r conf/demo "$site/htdocs"
    chown -R "$runas:" "$site"
    mail_up "$site/mail" >/dev/null || return 1

    # PostgreSQL: a free port, a random password, loopback only.
    pgport=$(free_port)
    pw=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
    (umask 077; printf '%s\n' "$pw" > "$site/pg/su.pw")
    chown "$runas:" "$site/pg/su.pw"
    (cd / && as "$PGBIN/initdb" -D "$site/pg/data" -U postgres --auth-local=trust \
        --auth-host=scram-sha-256 --pwfile="$site/pg/su.pw" --no-locale -E UTF8 \
        --no-sync >/dev/null)
    pg_started=1
    (cd / && as "$PGBIN/pg_ctl" -D "$site/pg/data" -l "$site/pg/pg.log" -w -t 60 \
        -o "-p $pgport -k $site/pg -c listen_addresses=127.0.0.1" start >/dev/null)
    as "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$site/pg" -p "$pgport" -U postgres -d postgres \
        -c "CREATE ROLE accounts LOGIN PASSWORD '$pw'" \
        -c "CREATE DATABASE accounts OWNER accounts" >/dev/null
    conninfo="host=127.0.0.1 port=$pgport dbname=accounts user=accounts password=$pw connect_timeout=5"
    ACCOUNTS_DB="$conninfo" "$site/bin/accountsctl" migrate >/dev/null
    "$site/bin/accountsctl" genkey "$site/accounts.key" >/dev/null
    chown "$runas:" "$site/accounts.key"

    user_lines=""
    if [ "$(id -u)" = 0 ]; then
        user_lines="User $runas
Group $(id -gn "$runas")"
    fi
    cat > "$site/httpd.conf" <<CONF
ServerRoot "/usr/lib/apache2"
LoadModule mpm_event_module      modules/mod_mpm_event.so
LoadModule authn_core_module     modules/mod_authn_core.so
LoadModule authz_core_module     modules/mod_authz_core.so
LoadModule authz_user_module     modules/mod_authz_user.so
LoadModule dbd_module            modules/mod_dbd.so
LoadModule mime_module           modules/mod_mime.so
LoadModule dir_module            modules/mod_dir.so
LoadModule alias_module          modules/mod_alias.so
LoadModule include_module        modules/mod_include.so
LoadModule reqtimeout_module     modules/mod_reqtimeout.so
LoadModule cgid_module           modules/mod_cgid.so
LoadModule env_module            modules/mod_env.so
LoadModule accounts_module       "$site/modules/mod_accounts.so"
$user_lines
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$site/logs/httpd.pid"
DefaultRuntimeDir "$site/logs"
ErrorLog "$site/logs/error_log"
LogLevel warn
TypesConfig /etc/mime.types
Timeout 30
TraceEnable Off
# Debian's defaults: a client gets 20 s (up to 40 while it keeps sending
# 500 bytes a second) for its headers and 20 s for a body, so slow
# clients cannot hold every worker thread (slowloris).
RequestReadTimeout header=20-40,MinRate=500 body=20,MinRate=500
# Enough worker threads that hundreds of slow clients, each holding one
# until mod_reqtimeout lets it go, still leave some for everyone else
# (httpd's default is 400 in all).  A thread costs little memory; the
# database connections stay bounded by DBDMax per process.  ServerLimit
# is twice MaxRequestWorkers / ThreadsPerChild: after a graceful restart
# the old children keep their slots while they finish, and the new ones
# need free slots to start in.
<IfModule mpm_event_module>
    ServerLimit        16
    ThreadLimit        128
    ThreadsPerChild    128
    MaxRequestWorkers  1024
</IfModule>
DocumentRoot "$site/htdocs"
<Directory "$site/htdocs">
    Options +Includes
    AddOutputFilter INCLUDES .html
    DirectoryIndex index.html
    Require all granted
</Directory>

DBDriver pgsql
DBDParams "$conninfo"
DBDMin 0
DBDKeep 4
DBDMax 16

AccountsLoginURL        /accounts/login/
AccountsLoginRedirect   /home/
AccountsLogoutRedirect  /accounts/login/
AccountsSecretKeyFile   "$site/accounts.key"
AccountsSiteName        "mod_accounts demo"
# Mail (password reset links, verification) goes through msmtp to the
# demo's own SMTP server, which keeps every message for /mail/.
AccountsMailCommand     "$MAIL_COMMAND"
AccountsMailFrom        "mod_accounts demo <noreply@example.com>"
AccountsMailInterval    5

# The demo's mailbox: what the site sent, caught by scripts/smtpcatch.
ScriptSock "$site/logs/cgisock"
ScriptAliasMatch "^/mail/?\$" "$site/bin/mailview"
<Directory "$site/bin">
    Require all granted
</Directory>
<LocationMatch "^/mail/?\$">
    SetEnv MAIL_DIR "$MAIL_DIR"
</LocationMatch>

<Location /accounts/>
    SetHandler accounts
</Location>
<Location /home/>
    AccountsLoginRequired On
</Location>
${extra//@SITE@/$site}
CONF

    "$HTTPD" -t -f "$site/httpd.conf" >/dev/null
    "$HTTPD" -f "$site/httpd.conf" -DFOREGROUND &
    httpd_pid=$!
    for _ in $(seq 1 50); do
        if perl -MIO::Socket::INET -e 'exit !IO::Socket::INET->new(PeerAddr=>"127.0.0.1",PeerPort=>shift)' "$port" 2>/dev/null; then
            return 0
        fi
        if ! kill -0 "$httpd_pid" 2>/dev/null; then
            echo "httpd did not start:"; tail -n 20 "$site/logs/error_log"
            return 1
        fi
        sleep 0.2
    done
    echo "httpd did not answer on port $port"
    return 1
}
