/*
 * src/cli/ctl.h -- what accountsctl's commands share: the context, the exit
 * codes, escaped output, the database connection and new passwords.
 *
 * What accountsctl prints holds names and text that others chose (a web
 * visitor picks the username of a failed login): every message goes out
 * through acc_ctl_say() or acc_ctl_fail(), every field of a listing through
 * acc_ctl_print_row(), and all three escape it (core/escape.h), so nothing
 * can forge a line or a field or reach the terminal as a control sequence.
 */
#ifndef ACC_CTL_H
#define ACC_CTL_H

#include "core/core.h"
#include "core/password.h"
#include "core/validate.h"
#include "store/store.h"

#include <apr_dbd.h>

/* Exit status: 0 on success, ACC_EXIT_FAIL on a failure (one line on
 * stderr), ACC_EXIT_USAGE on a usage error (the usage text follows). */
#define ACC_EXIT_FAIL  1
#define ACC_EXIT_USAGE 2

/* One run of accountsctl.  pool lives until exit and holds what commands
 * allocate; conninfo is --db, else $ACCOUNTS_DB, else "" (libpq's PG*
 * variables).  driver and handle are set by acc_ctl_connect (main closes
 * the handle), store by acc_ctl_open. */
typedef struct {
    apr_pool_t *pool;
    const char *conninfo;
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    acc_store_t *store;
} acc_ctl_t;

/* Print "accountsctl: MESSAGE" on stderr, the whole message escaped (so
 * a '"' in it shows as \"); returns ACC_EXIT_FAIL. */
int acc_ctl_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print one line on stdout, escaped as acc_ctl_fail() does. */
void acc_ctl_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print n fields on stdout as one line: each escaped, joined with tabs.
 * Temporary memory comes from p. */
void acc_ctl_print_row(apr_pool_t *p, const char *const *fields, int n);

/* Newest-first keyset paging, for listings of any length in flat
 * memory: fetch(c, page, ctx, before, want, &rows) gives up to `want` rows
 * with a key below `before`, newest first; each row is printed (its first
 * ncols fields, after fix(page, row) when fix is not NULL) and its field
 * key_col, a number, becomes the next `before`.  At most limit rows.
 * Returns 0, or what acc_ctl_fail returned when a fetch failed (saying
 * "cannot read WHAT: ..."). */
typedef acc_store_rc_t (*acc_ctl_fetch_fn)(acc_ctl_t *c, apr_pool_t *p,
                                           void *ctx, apr_int64_t before,
                                           int want, apr_array_header_t **rows);
int acc_ctl_print_pages(acc_ctl_t *c, long limit, const char *what,
                        acc_ctl_fetch_fn fetch, void *ctx, int ncols,
                        int key_col, void (*fix)(apr_pool_t *, const char **));

/* A usage error: why (when not NULL) as acc_ctl_fail() prints it, then the
 * usage text on stderr.  Returns ACC_EXIT_USAGE. */
int acc_ctl_usage(const char *why);

/* Connect to c->conninfo with apr_dbd's pgsql driver, setting c->driver
 * and c->handle.  Returns 0, or ACC_EXIT_FAIL with the reason printed
 * (the first line of libpq's message). */
int acc_ctl_connect(acc_ctl_t *c);

/* acc_ctl_connect, then check that the schema is at the version this
 * build needs and open c->store on the connection.  Returns 0, or
 * ACC_EXIT_FAIL with the reason printed (an old schema: run migrate). */
int acc_ctl_open(acc_ctl_t *c);

/* Read a new password: the first line of stdin when it is not a terminal,
 * else two prompts without echo that must match.  Returns 0 with *pw in
 * c->pool (the caller wipes it: acc_ctl_make_hash does), or ACC_EXIT_FAIL
 * with the reason printed (none, empty, longer than
 * ACC_PASSWORD_MAX_BYTES, not UTF-8, the prompts differ). */
int acc_ctl_read_password(acc_ctl_t *c, char **pw);

/* The argon2id cost of new hashes: the defaults, or what
 * ACCOUNTS_PASSWORD_HASH says ("m=19456 t=2 p=1").  Returns 0, or
 * ACC_EXIT_FAIL with the reason printed when the variable is bad. */
int acc_ctl_hash_params(acc_ctl_t *c, acc_argon2_params_t *prm);

/* The password rules: the server's defaults, or what the operator set in
 * ACCOUNTS_PASSWORD_MIN_LENGTH and ACCOUNTS_PASSWORD_VALIDATORS (the
 * words of AccountsPasswordMinLength and AccountsPasswordValidators).
 * Returns 0, or ACC_EXIT_USAGE (through acc_ctl_usage) for a bad value. */
int acc_ctl_pw_policy(acc_ctl_t *c, acc_pwpolicy_t *pol);

/* Check pw against pol for user u (unless validate is 0: then a warning
 * on stderr) and hash it at acc_ctl_hash_params' cost.  Returns 0 with
 * *phc in c->pool, or ACC_EXIT_FAIL with the reason printed (the refusal
 * ends with the policy).  pw is wiped in every case. */
int acc_ctl_make_hash(acc_ctl_t *c, const acc_user_t *u, char *pw,
                      const acc_pwpolicy_t *pol, int validate,
                      const char **phc);

/* The commands, run by main.c through its table, which holds each one's
 * name, how many arguments it takes and its lines of the usage text.
 * Each gets the arguments after its name (argv[0] is the first of them),
 * as many as its row allows; checks the rest itself; prints what it did or
 * why not; and returns the exit status: 0, ACC_EXIT_FAIL or
 * ACC_EXIT_USAGE.  What it allocates is in c->pool; one that needs the
 * database opens it (acc_ctl_open), and main closes it. */

/* users.c */
int acc_cmd_createuser(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_passwd(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_list(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_activate(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_deactivate(acc_ctl_t *c, int argc, const char *const *argv);

/* django.c */
int acc_cmd_import_django(acc_ctl_t *c, int argc, const char *const *argv);

/* groups.c */
int acc_cmd_group(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_perm(acc_ctl_t *c, int argc, const char *const *argv);

/* sessions.c */
int acc_cmd_clearsessions(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_unlock(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_log(acc_ctl_t *c, int argc, const char *const *argv);

/* tools.c */
int acc_cmd_sessions(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_logout(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_verify(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_mfa(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_mfa_reset(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_mail(acc_ctl_t *c, int argc, const char *const *argv);

int acc_cmd_migrate(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_check(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_genkey(acc_ctl_t *c, int argc, const char *const *argv);
int acc_cmd_hashtime(acc_ctl_t *c, int argc, const char *const *argv);

#endif /* ACC_CTL_H */
