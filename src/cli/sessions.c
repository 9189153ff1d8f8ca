/*
 * src/cli/sessions.c -- accountsctl on what logins leave behind: sessions
 * (clearsessions), throttle records (unlock) and the audit log (log).
 */
#include "ctl.h"
#include "core/escape.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int acc_cmd_clearsessions(acc_ctl_t *c, int argc, const char *const *argv)
{
    apr_int64_t idle = 0;
    int counts[3], total[3] = {0, 0, 0}, k, waited, rc;

    if (argc == 2 && strcmp(argv[0], "--idle") == 0) {
        char *end;
        idle = apr_strtoi64(argv[1], &end, 10);
        if (*end || idle < 0) {
            return acc_ctl_usage("--idle takes a number of seconds");
        }
    }
    else if (argc != 0) {
        return acc_ctl_usage(
            "clearsessions takes no arguments but --idle SECONDS");
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    /* In batches (each one short, so nothing waits long behind it), the
     * way httpd's background thread does it; when one of httpd's
     * processes is at it, wait for it. */
    for (waited = 0;;) {
        acc_store_rc_t src =
            acc_housekeeping(c->store, c->pool, 10000, idle, counts);
        if (src == ACC_STORE_EXISTS) {
            if (++waited > 30) {
                return acc_ctl_fail("another process keeps clearing: try "
                                    "again later");
            }
            apr_sleep(apr_time_from_sec(1));
            continue;
        }
        if (src != ACC_STORE_OK) {
            return acc_ctl_fail("cannot clear sessions: %s",
                                acc_store_error(c->store, c->pool));
        }
        for (k = 0; k < 3; k++) {
            total[k] += counts[k];
        }
        if (counts[0] < 10000 && counts[1] < 10000 && counts[2] < 10000) {
            break;
        }
    }
    acc_ctl_say("deleted %d expired session%s", total[0],
                total[0] == 1 ? "" : "s");
    if (total[1] > 0) {
        acc_ctl_say("deleted %d old throttle record%s", total[1],
                    total[1] == 1 ? "" : "s");
    }
    if (total[2] > 0) {
        acc_ctl_say("deleted %d old mail row%s", total[2],
                    total[2] == 1 ? "" : "s");
    }
    return 0;
}

/* Forget throttling state for a username or a client address. */
int acc_cmd_unlock(acc_ctl_t *c, int argc, const char *const *argv)
{
    int n = 0, rc;

    if (argv[0][0] == '\0') {
        return acc_ctl_usage("unlock takes one USERNAME or ADDRESS");
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    /* A username is keyed by its case-folded form; an address as is. */
    if (acc_throttle_unlock(c->store, c->pool, argv[0],
                            acc_username_key(c->pool, argv[0]),
                            &n) != ACC_STORE_OK) {
        return acc_ctl_fail("cannot unlock: %s",
                            acc_store_error(c->store, c->pool));
    }
    acc_ctl_say("unlocked '%s' (%d throttle record%s removed)", argv[0], n,
                n == 1 ? "" : "s");
    return 0;
}

/* The newest authentication events. */
/* A page of the audit trail (ctx: the username asked for, or NULL). */
static acc_store_rc_t fetch_log(acc_ctl_t *c, apr_pool_t *p, void *ctx,
                                apr_int64_t before, int want,
                                apr_array_header_t **rows)
{
    return acc_audit_list(c->store, p, ctx, before, want, rows);
}

/* The module stores the user agent escaped (as its error log does):
 * undone here so that it is escaped once, like the rest. */
static void unescape_agent(apr_pool_t *p, const char **f)
{
    f[4] = acc_unescape_logitem(p, f[4]);
}

int acc_cmd_log(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *user = NULL;
    long limit = 50;
    int i, rc;

    for (i = 0; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--user") == 0 && i + 1 < argc) {
            user = argv[++i];
        }
        else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
            limit = strtol(argv[++i], &end, 10);
            if (*end || limit < 1 || limit > 100000) {
                return acc_ctl_usage("-n takes a count from 1 to 100000");
            }
        }
        else {
            return acc_ctl_usage("log takes [--user NAME] [-n COUNT]");
        }
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    printf("time\tevent\tusername\taddress\tuser_agent\n");
    return acc_ctl_print_pages(c, limit, "the log", fetch_log, (void *)user,
                               ACC_AUDIT_LIST_COLS, ACC_AUDIT_LIST_COLS,
                               unescape_agent);
}
