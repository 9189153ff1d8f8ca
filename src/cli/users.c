/*
 * src/cli/accountsctl.c -- the admin command line: schema, users, sessions,
 * keys.
 *
 *   accountsctl [--db CONNINFO] COMMAND [ARGS]
 *
 * The connection comes from --db, else $ACCOUNTS_DB, else libpq's PG*
 * variables.  Exit 0 on success, 1 on failure (one line on stderr), 2 on
 * a usage error.  Passwords are read from the first line of stdin when it
 * is not a terminal, else prompted for twice without echo.  Everything
 * printed is escaped (ctl.h).
 */
#include "ctl.h"
#include "core/conninfo.h"
#include "core/core.h"
#include "core/crypto.h"
#include "core/escape.h"
#include "core/names.h"
#include "core/password.h"
#include "core/pwpolicy.h"
#include "store/store.h"
#include "core/validate.h"

#include <apr_general.h>
#include <apr_dbd.h>
#include <apr_file_io.h>
#include <apr_lib.h>
#include <apr_time.h>
#include <apr_crypto.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage_text[] =
    "usage: accountsctl [--db CONNINFO] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  migrate                         create or upgrade the schema\n"
    "  createuser NAME [--email E] [--superuser] [--staff] [--no-validate]\n"
    "                                  add a user (password from stdin or "
    "prompt)\n"
    "  passwd NAME [--no-validate]     set a user's password\n"
    "  list                            list users, tab-separated\n"
    "  deactivate NAME                 stop NAME logging in; end their "
    "sessions\n"
    "  activate NAME                   let NAME log in again\n"
    "  clearsessions [--idle SECONDS]  delete expired sessions\n"
    "  genkey FILE                     write a new secret key file (0600)\n"
    "  group add GROUP [USER...]       create GROUP, add users to it\n"
    "  group remove GROUP [USER...]    remove users from GROUP (no USER: "
    "delete it)\n"
    "  group list                      groups and their members\n"
    "  perm grant PERM --user U|--group G   grant a permission\n"
    "  perm revoke PERM --user U|--group G  revoke it\n"
    "  perm list                       every grant\n"
    "  unlock NAME|ADDRESS             forget failed logins of a username or\n"
    "                                  an address (and its registrations)\n"
    "  log [--user NAME] [-n COUNT]    the newest authentication events\n"
    "  hashtime [N]                    time N (default 20) password checks\n"
    "                                  at ACCOUNTS_PASSWORD_HASH's cost; no\n"
    "                                  database\n"
    "\n"
    "The connection comes from --db, else ACCOUNTS_DB, else libpq's PG*\n"
    "variables.  Every user of the machine can read --db in ps: keep a\n"
    "password in ACCOUNTS_DB, ~/.pgpass (or PGPASSFILE) or a\n"
    "pg_service.conf service (--db service=NAME).\n"
    "\n"
    "ACCOUNTS_PASSWORD_HASH (\"m=19456 t=2 p=1\") sets the argon2id cost of\n"
    "new hashes.  New passwords pass the rules of\n"
    "ACCOUNTS_PASSWORD_MIN_LENGTH (1-4096, default 8) and\n"
    "ACCOUNTS_PASSWORD_VALIDATORS (\"similarity length common numeric\",\n"
    "\"all\" or \"none\"; default all), which take the values of\n"
    "AccountsPasswordMinLength and AccountsPasswordValidators: give them\n"
    "the server's.\n"
    "\n"
    "Names and text are printed escaped, much as httpd's error log\n"
    "escapes them: \\n \\r \\t, \\xhh for other control bytes and for\n"
    "invalid UTF-8, \\\\ and \\\".  Group and permission names may not\n"
    "hold ',', control characters or whitespace at either end\n"
    "(permissions: none at all).\n";

int acc_ctl_usage(const char *why)
{
    if (why) {
        acc_ctl_fail("%s", why);
    }
    fputs(usage_text, stderr);
    return ACC_EXIT_USAGE;
}

/* Clean and check a username as the registration form does. */
static int clean_username(acc_ctl_t *c, const char *raw, const char **name)
{
    const char *msg;

    if (!acc_utf8_valid(raw, strlen(raw))) {
        return acc_ctl_fail("the username is not valid UTF-8");
    }
    *name = acc_username_clean(c->pool, raw);
    msg = acc_username_check(c->pool, *name);
    if (msg) {
        return acc_ctl_fail("username refused: %s", msg);
    }
    return 0;
}

static int cmd_createuser(acc_ctl_t *c, int argc, const char *const *argv)
{
    acc_pwpolicy_t pol;
    acc_user_t u;
    const char *raw = NULL, *msg, *phc;
    char *pw = NULL;
    int i, rc, validate = 1;
    apr_int64_t id;

    memset(&u, 0, sizeof(u));
    u.email = "";
    u.first_name = u.last_name = "";
    u.is_active = 1;
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--email") == 0 && i + 1 < argc) {
            u.email = argv[++i];
        }
        else if (strncmp(argv[i], "--email=", 8) == 0) {
            u.email = argv[i] + 8;
        }
        else if (strcmp(argv[i], "--superuser") == 0) {
            u.is_superuser = 1;
        }
        else if (strcmp(argv[i], "--staff") == 0) {
            u.is_staff = 1;
        }
        else if (strcmp(argv[i], "--no-validate") == 0) {
            validate = 0;
        }
        else if (argv[i][0] == '-') {
            return acc_ctl_usage(apr_psprintf(c->pool,
                                              "createuser: unknown option "
                                              "'%s'",
                                              argv[i]));
        }
        else if (raw == NULL) {
            raw = argv[i];
        }
        else {
            return acc_ctl_usage("createuser takes one NAME");
        }
    }
    if (raw == NULL) {
        return acc_ctl_usage("createuser needs a NAME");
    }
    if ((rc = acc_ctl_pw_policy(c, &pol)) != 0) {
        return rc;
    }
    if ((rc = clean_username(c, raw, &u.username)) != 0) {
        return rc;
    }
    if (*u.email) {
        if (!acc_utf8_valid(u.email, strlen(u.email))) {
            return acc_ctl_fail("the email address is not valid UTF-8");
        }
        u.email = acc_strip(c->pool, u.email);
        if (*u.email && (msg = acc_email_check(c->pool, u.email)) != NULL) {
            return acc_ctl_fail("email refused: %s", msg);
        }
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    if ((rc = acc_ctl_read_password(c, &pw)) != 0) {
        return rc;
    }
    if ((rc = acc_ctl_make_hash(c, &u, pw, &pol, validate, &phc)) != 0) {
        return rc;
    }
    u.password = phc;
    switch (acc_user_create(c->store, c->pool, &u,
                            acc_username_key(c->pool, u.username), &id)) {
        case ACC_STORE_OK:
            acc_ctl_say("created user '%s' (id %" APR_INT64_T_FMT ")",
                        u.username, id);
            return 0;
        case ACC_STORE_EXISTS:
            return acc_ctl_fail("user '%s' already exists", u.username);
        default:
            return acc_ctl_fail("cannot create user: %s",
                                acc_store_error(c->store, c->pool));
    }
}

static int cmd_passwd(acc_ctl_t *c, int argc, const char *const *argv)
{
    acc_pwpolicy_t pol;
    const char *name = NULL, *phc;
    acc_user_t *u;
    char *pw;
    int i, rc, validate = 1;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--no-validate") == 0) {
            validate = 0;
        }
        else if (argv[i][0] == '-') {
            return acc_ctl_usage(
                apr_psprintf(c->pool, "passwd: unknown option '%s'", argv[i]));
        }
        else if (name == NULL) {
            name = argv[i];
        }
        else {
            return acc_ctl_usage("passwd takes one NAME");
        }
    }
    if (name == NULL) {
        return acc_ctl_usage("passwd needs a NAME");
    }
    if ((rc = acc_ctl_pw_policy(c, &pol)) != 0) {
        return rc;
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    switch (acc_user_by_name(c->store, c->pool, name, &u)) {
        case ACC_STORE_OK:
            break;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no such user '%s'", name);
        default:
            return acc_ctl_fail("cannot read user: %s",
                                acc_store_error(c->store, c->pool));
    }
    if ((rc = acc_ctl_read_password(c, &pw)) != 0) {
        return rc;
    }
    if ((rc = acc_ctl_make_hash(c, u, pw, &pol, validate, &phc)) != 0) {
        return rc;
    }
    if (acc_user_set_password(c->store, c->pool, u->id, phc) != ACC_STORE_OK ||
        acc_session_delete_user(c->store, c->pool, u->id) != ACC_STORE_OK) {
        return acc_ctl_fail("cannot set the password: %s",
                            acc_store_error(c->store, c->pool));
    }
    acc_audit_add(c->store, c->pool, "password_change", u->username, "",
                  "accountsctl");
    acc_ctl_say("password changed for '%s'; their sessions were ended", name);
    return 0;
}

static const char *fmt_time(apr_pool_t *p, apr_time_t t)
{
    char buf[APR_RFC822_DATE_LEN];
    apr_time_exp_t tm;
    apr_size_t n;

    if (t == 0) {
        return "-";
    }
    apr_time_exp_gmt(&tm, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return apr_pstrdup(p, buf);
}

static int cmd_list(acc_ctl_t *c)
{
    apr_array_header_t *users;
    int i, rc;

    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    if (acc_user_list(c->store, c->pool, &users) != ACC_STORE_OK) {
        return acc_ctl_fail("cannot list users: %s",
                            acc_store_error(c->store, c->pool));
    }
    printf("id\tusername\temail\tactive\tstaff\tsuperuser\tdate_joined\t"
           "last_login\n");
    for (i = 0; i < users->nelts; i++) {
        acc_user_t *u = APR_ARRAY_IDX(users, i, acc_user_t *);
        const char *f[8];
        f[0] = apr_psprintf(c->pool, "%" APR_INT64_T_FMT, u->id);
        f[1] = u->username;
        f[2] = u->email;
        f[3] = u->is_active ? "yes" : "no";
        f[4] = u->is_staff ? "yes" : "no";
        f[5] = u->is_superuser ? "yes" : "no";
        f[6] = fmt_time(c->pool, u->date_joined);
        f[7] = fmt_time(c->pool, u->last_login);
        acc_ctl_print_row(c->pool, f, 8);
    }
    return 0;
}

static int cmd_active(acc_ctl_t *c, int argc, const char *const *argv,
                      int active)
{
    int rc;

    if (argc != 1) {
        return acc_ctl_usage(active ? "activate takes one NAME"
                                    : "deactivate takes one NAME");
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    switch (acc_user_set_active(c->store, c->pool, argv[0], active)) {
        case ACC_STORE_OK:
            acc_ctl_say("%s '%s'", active ? "activated" : "deactivated",
                        argv[0]);
            return 0;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no such user '%s'", argv[0]);
        default:
            return acc_ctl_fail("cannot change user: %s",
                                acc_store_error(c->store, c->pool));
    }
}

int main(int argc, const char *const *argv)
{
    acc_ctl_t c;
    const char *cmd;
    int i = 1, rc, from_arg = 0;

    if (apr_app_initialize(&argc, &argv, NULL) != APR_SUCCESS) {
        fputs("accountsctl: cannot initialise APR\n", stderr);
        return ACC_EXIT_FAIL;
    }
    atexit(apr_terminate);
    memset(&c, 0, sizeof(c));
    apr_pool_create(&c.pool, NULL);
    apr_dbd_init(c.pool);
    c.conninfo = getenv("ACCOUNTS_DB");

    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            c.conninfo = argv[++i];
            from_arg = 1;
        }
        else if (strncmp(argv[i], "--db=", 5) == 0) {
            c.conninfo = argv[i] + 5;
            from_arg = 1;
        }
        else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        else {
            return acc_ctl_usage(
                apr_psprintf(c.pool, "unknown option '%s'", argv[i]));
        }
    }
    if (c.conninfo == NULL) {
        c.conninfo = "";
    }
    else if (from_arg && acc_conninfo_has_password(c.pool, c.conninfo)) {
        /* Still connect: refusing would break scripts that work. */
        fputs("accountsctl: warning: --db holds a password, which every "
              "user of this machine can read in ps; give the connection "
              "string in ACCOUNTS_DB instead, or keep the password in "
              "~/.pgpass (or the file PGPASSFILE names) or in a "
              "pg_service.conf service (--db service=NAME)\n",
              stderr);
    }
    if (i >= argc) {
        return acc_ctl_usage("no COMMAND given");
    }
    cmd = argv[i++];
    argc -= i;
    argv += i;

    if (strcmp(cmd, "migrate") == 0 && argc == 0) {
        rc = acc_cmd_migrate(&c);
    }
    else if (strcmp(cmd, "createuser") == 0) {
        rc = cmd_createuser(&c, argc, argv);
    }
    else if (strcmp(cmd, "passwd") == 0) {
        rc = cmd_passwd(&c, argc, argv);
    }
    else if (strcmp(cmd, "list") == 0 && argc == 0) {
        rc = cmd_list(&c);
    }
    else if (strcmp(cmd, "deactivate") == 0) {
        rc = cmd_active(&c, argc, argv, 0);
    }
    else if (strcmp(cmd, "activate") == 0) {
        rc = cmd_active(&c, argc, argv, 1);
    }
    else if (strcmp(cmd, "clearsessions") == 0) {
        rc = acc_cmd_clearsessions(&c, argc, argv);
    }
    else if (strcmp(cmd, "genkey") == 0) {
        rc = acc_cmd_genkey(&c, argc, argv);
    }
    else if (strcmp(cmd, "group") == 0) {
        rc = acc_cmd_group(&c, argc, argv);
    }
    else if (strcmp(cmd, "perm") == 0) {
        rc = acc_cmd_perm(&c, argc, argv);
    }
    else if (strcmp(cmd, "unlock") == 0) {
        rc = acc_cmd_unlock(&c, argc, argv);
    }
    else if (strcmp(cmd, "log") == 0) {
        rc = acc_cmd_log(&c, argc, argv);
    }
    else if (strcmp(cmd, "hashtime") == 0) {
        rc = acc_cmd_hashtime(&c, argc, argv);
    }
    else {
        rc = acc_ctl_usage(
            apr_psprintf(c.pool, "unknown command or arguments: '%s'", cmd));
    }
    fflush(stdout);
    if (c.handle) {
        apr_dbd_close(c.driver, c.handle);
    }
    return rc;
}
