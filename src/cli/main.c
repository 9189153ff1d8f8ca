/*
 * src/cli/main.c -- accountsctl's entry point: the global options, the usage
 * text and dispatch to the commands.
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

#include <apr_general.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        rc = acc_cmd_createuser(&c, argc, argv);
    }
    else if (strcmp(cmd, "passwd") == 0) {
        rc = acc_cmd_passwd(&c, argc, argv);
    }
    else if (strcmp(cmd, "list") == 0 && argc == 0) {
        rc = acc_cmd_list(&c);
    }
    else if (strcmp(cmd, "deactivate") == 0) {
        rc = acc_cmd_active(&c, argc, argv, 0);
    }
    else if (strcmp(cmd, "activate") == 0) {
        rc = acc_cmd_active(&c, argc, argv, 1);
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
