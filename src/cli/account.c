/*
 * src/cli/account.c -- accountsctl on account management: a user's
 * sessions (sessions, logout), the second factor (mfa, mfa-reset), email
 * verification (verify) and the mail
 * outbox (mail, mail send).
 */
#include "ctl.h"
#include "core/escape.h"
#include "core/mailpipe.h"

#include <apr_strings.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The user called name, or a message and exit status. */
static int user_named(acc_ctl_t *c, const char *name, acc_user_t **u)
{
    switch (acc_user_by_name(c->store, c->pool, name, u)) {
        case ACC_STORE_OK:
            return 0;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no user called %s",
                                acc_escape_text(c->pool, name));
        default:
            return acc_ctl_fail("cannot look the user up: %s",
                                acc_store_error(c->store, c->pool));
    }
}

static const char *iso(apr_pool_t *p, apr_time_t t)
{
    char buf[64];
    apr_time_exp_t x;
    apr_size_t n;

    apr_time_exp_gmt(&x, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%dT%H:%M:%S+00", &x);
    return apr_pstrdup(p, buf);
}

int acc_cmd_sessions(acc_ctl_t *c, int argc, const char *const *argv)
{
    apr_array_header_t *all;
    acc_user_t *u;
    int i, rc;

    (void)argc;
    if ((rc = acc_ctl_open(c)) != 0 || (rc = user_named(c, argv[0], &u))) {
        return rc;
    }
    if (acc_session_list_user(c->store, c->pool, u->id, &all) != ACC_STORE_OK) {
        return acc_ctl_fail("cannot list sessions: %s",
                            acc_store_error(c->store, c->pool));
    }
    printf("id\tcreated\tlast_seen\texpires\taddress\tremembered\t"
           "user_agent\n");
    for (i = 0; i < all->nelts; i++) {
        acc_session_info_t *s = APR_ARRAY_IDX(all, i, acc_session_info_t *);
        const char *f[7];
        f[0] = apr_off_t_toa(c->pool, s->id);
        f[1] = iso(c->pool, s->created);
        f[2] = iso(c->pool, s->last_seen);
        f[3] = iso(c->pool, s->expires);
        f[4] = s->address;
        f[5] = s->persistent ? "yes" : "no";
        /* Stored escaped (as in the audit trail): undone, so that it is
         * printed escaped once, like the rest. */
        f[6] = acc_unescape_logitem(c->pool, s->user_agent);
        acc_ctl_print_row(c->pool, f, 7);
    }
    return 0;
}

int acc_cmd_logout(acc_ctl_t *c, int argc, const char *const *argv)
{
    apr_array_header_t *ended = NULL;
    acc_user_t *u;
    int rc;

    (void)argc;
    if ((rc = acc_ctl_open(c)) != 0 || (rc = user_named(c, argv[0], &u))) {
        return rc;
    }
    if (acc_session_delete_user(c->store, c->pool, u->id, &ended) !=
        ACC_STORE_OK) {
        return acc_ctl_fail("cannot end the sessions: %s",
                            acc_store_error(c->store, c->pool));
    }
    acc_audit_add(c->store, c->pool, "sessions_ended", u->username, "",
                  "accountsctl");
    acc_ctl_say("ended %d session%s of %s (servers' session caches forget "
                "them within AccountsSessionCacheTTL)",
                ended->nelts, ended->nelts == 1 ? "" : "s",
                acc_escape_text(c->pool, u->username));
    return 0;
}

int acc_cmd_mfa(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *name;
    acc_user_t *u;
    acc_mfa_t m;
    int rc;

    (void)argc;
    if ((rc = acc_ctl_open(c)) != 0 || (rc = user_named(c, argv[0], &u))) {
        return rc;
    }
    name = acc_escape_text(c->pool, u->username);
    switch (acc_mfa_get(c->store, c->pool, u->id, &m)) {
        case ACC_STORE_OK:
            if (m.confirmed) {
                printf("%s: on since %s, %d recovery code%s left\n", name,
                       iso(c->pool, m.confirmed), m.codes_left,
                       m.codes_left == 1 ? "" : "s");
            }
            else {
                printf("%s: off (a setup begun %s waits for its first "
                       "code)\n",
                       name, iso(c->pool, m.created));
            }
            return 0;
        case ACC_STORE_NOTFOUND:
            printf("%s: off\n", name);
            return 0;
        default:
            return acc_ctl_fail("cannot read the second factor: %s",
                                acc_store_error(c->store, c->pool));
    }
}

int acc_cmd_mfa_reset(acc_ctl_t *c, int argc, const char *const *argv)
{
    acc_user_t *u;
    int rc;

    (void)argc;
    if ((rc = acc_ctl_open(c)) != 0 || (rc = user_named(c, argv[0], &u))) {
        return rc;
    }
    switch (acc_mfa_delete(c->store, c->pool, u->id)) {
        case ACC_STORE_OK:
            acc_audit_add(c->store, c->pool, "mfa_reset", u->username, "",
                          "accountsctl");
            acc_ctl_say("removed the second factor of %s and its recovery "
                        "codes: a password logs them in again",
                        acc_escape_text(c->pool, u->username));
            return 0;
        case ACC_STORE_NOTFOUND:
            acc_ctl_say("%s has no second factor",
                        acc_escape_text(c->pool, u->username));
            return 0;
        default:
            return acc_ctl_fail("cannot remove the second factor: %s",
                                acc_store_error(c->store, c->pool));
    }
}

int acc_cmd_verify(acc_ctl_t *c, int argc, const char *const *argv)
{
    int rc;

    (void)argc;
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    switch (acc_user_verify_name(c->store, c->pool, argv[0])) {
        case ACC_STORE_OK:
            acc_audit_add(c->store, c->pool, "email_verified", argv[0], "",
                          "accountsctl");
            acc_ctl_say("%s's email address is verified",
                        acc_escape_text(c->pool, argv[0]));
            return 0;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no user called %s",
                                acc_escape_text(c->pool, argv[0]));
        default:
            return acc_ctl_fail("cannot verify: %s",
                                acc_store_error(c->store, c->pool));
    }
}

/* mail send: deliver every message due, through command. */
static int mail_send(acc_ctl_t *c, const char *command)
{
    acc_mail_row_t m;
    int sent = 0, failed = 0;

    /* A command that exits early must not kill us as we write to it. */
    signal(SIGPIPE, SIG_IGN);
    acc_store_rc_t rc;

    while ((rc = acc_mail_take(c->store, c->pool, NULL, &m)) == ACC_STORE_OK) {
        const char *err =
            acc_mail_pipe(c->pool, command, m.message, ACC_MAIL_PIPE_TIMEOUT);
        if (err == NULL) {
            if (acc_mail_sent(c->store, c->pool, m.id) != ACC_STORE_OK) {
                /* Taken by the mail system but not marked: said, since it
                 * will go again once the lease ends. */
                return acc_ctl_fail("mail %" APR_INT64_T_FMT " was sent but "
                                    "cannot be marked so: %s",
                                    m.id, acc_store_error(c->store, c->pool));
            }
            sent++;
            continue;
        }
        failed++;
        acc_ctl_say("mail %" APR_INT64_T_FMT " to %s not delivered: %s", m.id,
                    acc_escape_text(c->pool, m.recipient),
                    acc_escape_text(c->pool, err));
        if (m.age > 86400) {
            acc_mail_fail(c->store, c->pool, m.id, err);
        }
        else {
            /* Again at the next run (the lease said 10 minutes). */
            acc_mail_retry(c->store, c->pool, m.id, 60, err);
        }
    }
    if (rc == ACC_STORE_ERROR) {
        return acc_ctl_fail("cannot read the outbox: %s",
                            acc_store_error(c->store, c->pool));
    }
    acc_ctl_say("sent %d message%s, %d not delivered", sent,
                sent == 1 ? "" : "s", failed);
    return failed ? ACC_EXIT_FAIL : 0;
}

/* A page of the outbox (ctx: the state asked for, or NULL). */
static acc_store_rc_t fetch_mail(acc_ctl_t *c, apr_pool_t *p, void *ctx,
                                 apr_int64_t before, int want,
                                 apr_array_header_t **rows)
{
    return acc_mail_list(c->store, p, ctx, before, want, rows);
}

int acc_cmd_mail(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *state = NULL, *command = "/usr/sbin/sendmail -t -i";
    long limit = 50;
    int i = 0, rc, send = 0;

    if (argc > 0 && strcmp(argv[0], "send") == 0) {
        send = 1;
        i = 1;
    }
    else if (argc > 0 && strcmp(argv[0], "list") == 0) {
        i = 1;
    }
    for (; i < argc; i++) {
        char *end;
        if (send && strcmp(argv[i], "--command") == 0 && i + 1 < argc) {
            command = argv[++i];
        }
        else if (!send && strcmp(argv[i], "--state") == 0 && i + 1 < argc) {
            state = argv[++i];
        }
        else if (!send && strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            limit = strtol(argv[++i], &end, 10);
            if (*end || limit < 1 || limit > 100000) {
                return acc_ctl_usage("-n takes a count from 1 to 100000");
            }
        }
        else {
            return acc_ctl_usage("mail takes [list] [--state STATE] "
                                 "[-n COUNT], or send [--command CMD]");
        }
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    if (send) {
        return mail_send(c, command);
    }
    printf("id\tcreated\tkind\tstate\trecipient\tattempts\tnext_try\t"
           "subject\tlast_error\n");
    return acc_ctl_print_pages(c, limit, "the outbox", fetch_mail,
                               (void *)state, ACC_MAIL_LIST_COLS, 0, NULL);
}
