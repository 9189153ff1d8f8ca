# scripts/mail.sh -- a mail catcher for the suite and the demo: msmtp
# hands mail over SMTP to scripts/smtpcatch on 127.0.0.1, which stores
# every message as a file.  Source it (bash), then:
#
#   mail_up DIR         install python3-aiosmtpd and msmtp when missing,
#                       start smtpcatch on a free port storing in DIR (made
#                       if needed, owned by the server user), write
#                       DIR/msmtprc, export the MAIL_* variables below
#   mail_stop           stop smtpcatch: connections are refused
#   mail_start          start it again on the same port
#   mail_refuse [REPLY] answer every MAIL FROM with REPLY (default "451
#                       4.3.0 ..."): the server is up but will not take mail
#   mail_accept         take mail again
#   mail_down           stop smtpcatch for good (also safe when it is not
#                       running); DIR and its messages stay
#
# Exports (ACC_MAIL_* are the same values, for the suite's config and
# t/lib/CaughtMail.pm):
#   MAIL_DIR      the directory: <ns>-<n>.eml messages, <ns>-<n>.env
#                 envelopes (see scripts/smtpcatch), msmtprc, .smtpcatch/
#                 (the server's copy of itself, pid, port, log)
#   MAIL_PORT     the port smtpcatch listens on, on 127.0.0.1
#   MAIL_MSMTPRC  DIR/msmtprc
#   MAIL_COMMAND  what the module runs to send one message on its stdin:
#                 /usr/bin/msmtp -C DIR/msmtprc -t -i
#   MAIL_PIDFILE  smtpcatch's pid, for kill -USR1 (stop listening) and
#                 -USR2 (listen again) from a test
#
# The server runs as $MAIL_RUNAS, else as $runas (what scripts/site.sh and
# t/run.sh set), else as www-data when root, else as the caller, so the
# server user can signal it and write DIR/.refuse.  It stops by itself
# when the shell that called mail_up is gone.

_mail_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAIL_PID=      # the smtpcatch this shell started
_mail_ours=    # the directory this shell's mail_up set up

# _mail_alive PID -- true while PID runs (a zombie counts as gone).
_mail_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]
}

# _mail_spawn -- start smtpcatch on $MAIL_PORT (0: any free one) and wait
# until it listens; sets MAIL_PID and MAIL_PORT.
_mail_spawn() {
    local state="$MAIL_DIR/.smtpcatch"
    local cmd=(/usr/bin/python3 "$state/smtpcatch" --dir "$MAIL_DIR" --host 127.0.0.1
               --port "$MAIL_PORT" --pidfile "$state/pid" --port-file "$state/port"
               --watch-pid "${MAIL_WATCH_PID:-$$}" --verbose)
    rm -f "$state/pid" "$state/port"
    if [ "$(id -u)" = 0 ] && [ "$_mail_user" != root ]; then
        cmd=(setpriv --reuid="$_mail_user" --regid="$(id -g "$_mail_user")" --init-groups -- "${cmd[@]}")
    fi
    (cd / && exec "${cmd[@]}") </dev/null >>"$state/log" 2>&1 &
    MAIL_PID=$!
    for _ in $(seq 1 150); do
        if [ -s "$state/port" ] && [ "$(cat "$state/pid" 2>/dev/null)" = "$MAIL_PID" ]; then
            MAIL_PORT=$(cat "$state/port")
            return 0
        fi
        if ! _mail_alive "$MAIL_PID"; then
            echo "mail: smtpcatch did not start:" >&2
            tail -n 5 "$state/log" >&2
            MAIL_PID=
            return 1
        fi
        sleep 0.1
    done
    echo "mail: smtpcatch did not listen within 15 s" >&2
    mail_stop
    return 1
}

mail_up() {
    local dir=${1:?usage: mail_up DIR}
    if [ -n "$MAIL_PID" ] && _mail_alive "$MAIL_PID"; then
        echo "mail_up: smtpcatch already runs (pid $MAIL_PID)" >&2
        return 1
    fi
    declare -F acc_install_packages >/dev/null || . "$_mail_here/lib.sh"
    acc_install_packages python3-aiosmtpd msmtp || return 1

    _mail_user=${MAIL_RUNAS:-${runas:-}}
    if [ "$(id -u)" != 0 ]; then
        _mail_user=$(id -un)
    elif [ -z "$_mail_user" ]; then
        _mail_user=www-data
    fi

    # Everything the server user needs is in DIR, which it can reach (the
    # checkout may be under a directory only root can enter).
    mkdir -p "$dir/.smtpcatch" || return 1
    MAIL_DIR=$(cd "$dir" && pwd)
    cp "$_mail_here/smtpcatch" "$MAIL_DIR/.smtpcatch/smtpcatch"
    chmod 755 "$MAIL_DIR" "$MAIL_DIR/.smtpcatch" "$MAIL_DIR/.smtpcatch/smtpcatch"
    if [ "$(id -u)" = 0 ]; then
        chown -R "$_mail_user:" "$MAIL_DIR" || return 1
    fi
    if [ "$(id -u)" = 0 ] && [ "$_mail_user" != root ] \
        && ! runuser -u "$_mail_user" -- test -r "$MAIL_DIR/.smtpcatch/smtpcatch"; then
        echo "mail_up: $_mail_user cannot reach $MAIL_DIR (a parent directory is closed to it)" >&2
        return 1
    fi
    MAIL_PORT=0
    _mail_ours=$MAIL_DIR
    _mail_spawn || return 1

    # msmtp reads this as httpd's user.  It holds no password, so msmtp
    # accepts it owned by another user and world-readable (with a
    # password it would insist on being owned by the reader, mode 0600).
    # The system /etc/msmtprc, if any, is still read first: every setting
    # is given here so none of its defaults apply.
    MAIL_MSMTPRC=$MAIL_DIR/msmtprc
    cat > "$MAIL_MSMTPRC" <<RC
# Written by scripts/mail.sh: deliver to scripts/smtpcatch.
account default
host 127.0.0.1
port $MAIL_PORT
protocol smtp
auth off
tls off
tls_starttls off
from accounts@localhost
domain localhost
timeout 10
logfile
syslog off
RC
    chmod 644 "$MAIL_MSMTPRC"
    MAIL_COMMAND="/usr/bin/msmtp -C $MAIL_MSMTPRC -t -i"
    MAIL_PIDFILE=$MAIL_DIR/.smtpcatch/pid
    export MAIL_DIR MAIL_PORT MAIL_MSMTPRC MAIL_COMMAND MAIL_PIDFILE
    export ACC_MAIL_DIR=$MAIL_DIR ACC_MAIL_PORT=$MAIL_PORT \
        ACC_MAIL_MSMTPRC=$MAIL_MSMTPRC ACC_MAIL_COMMAND=$MAIL_COMMAND \
        ACC_MAIL_PIDFILE=$MAIL_PIDFILE
    echo "mail: smtpcatch on 127.0.0.1:$MAIL_PORT storing in $MAIL_DIR"
}

mail_stop() {
    local pid=$MAIL_PID
    MAIL_PID=
    [ -n "$pid" ] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        _mail_alive "$pid" || break
        sleep 0.1
    done
    if _mail_alive "$pid"; then
        echo "mail: smtpcatch ($pid) ignored SIGTERM; killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    return 0
}

mail_start() {
    [ -n "$_mail_ours" ] || { echo "mail_start: run mail_up first" >&2; return 1; }
    if [ -n "$MAIL_PID" ] && _mail_alive "$MAIL_PID"; then
        return 0
    fi
    _mail_spawn
}

mail_refuse() {
    [ -n "$_mail_ours" ] || { echo "mail_refuse: run mail_up first" >&2; return 1; }
    printf '%s\n' "${1:-451 4.3.0 smtpcatch: not accepting mail now, try again later}" \
        > "$_mail_ours/.refuse"
    chmod 644 "$_mail_ours/.refuse"
}

mail_accept() {
    [ -n "$_mail_ours" ] || { echo "mail_accept: run mail_up first" >&2; return 1; }
    rm -f "$_mail_ours/.refuse"
}

mail_down() {
    mail_stop
    if [ -n "$_mail_ours" ]; then
        rm -f "$_mail_ours/.refuse"
    fi
    _mail_ours=
    return 0
}
