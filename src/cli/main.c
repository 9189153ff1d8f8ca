/*
 * src/cli/main.c -- accountsctl's entry point: the global options, the table
 * of commands, the usage text made from it, and dispatch.
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

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A command: its name; the number of arguments it takes (fewer than min
 * or more than max is the usage error why, or "unknown command or
 * arguments" when why is NULL; the function checks the rest); the
 * function; and its lines of the usage text, as printed (aligned by
 * hand).  A new command is its function in the file of what it touches,
 * declared in ctl.h, and a row in commands[]. */
typedef struct {
    const char *name;
    int min, max;
    const char *why;
    int (*run)(acc_ctl_t *c, int argc, const char *const *argv);
    const char *help;
} command_t;

#define NO_MAX INT_MAX

/* In the order of the usage text. */
static const command_t commands[] = {
    {"migrate", 0, 1, "migrate takes nothing but --django", acc_cmd_migrate,
     "  migrate [--django]              create or upgrade the schema (with\n"
     "                                  --django: use the Django site's user\n"
     "                                  tables in place)\n"},
    {"check", 0, 2, "check takes nothing but --key FILE", acc_cmd_check,
     "  check [--key FILE]              what is wrong with the database, its\n"
     "                                  schema and the secret key file, one\n"
     "                                  line each (exit 1 when anything is)\n"},
    {"createuser", 0, NO_MAX, NULL, acc_cmd_createuser,
     "  createuser NAME [--email E] [--superuser] [--staff] [--no-validate]\n"
     "                                  add a user (password from stdin or "
     "prompt)\n"},
    {"passwd", 0, NO_MAX, NULL, acc_cmd_passwd,
     "  passwd NAME [--no-validate]     set a user's password\n"},
    {"list", 0, 5, "list takes [--search TEXT] [--limit N] [--json]",
     acc_cmd_list,
     "  list [--search TEXT] [--limit N] [--json]\n"
     "                                  list users (tab-separated, or a JSON\n"
     "                                  array), a page at a time\n"},
    {"deactivate", 1, 1, "deactivate takes one NAME", acc_cmd_deactivate,
     "  deactivate NAME                 stop NAME logging in; end their "
     "sessions\n"},
    {"activate", 1, 1, "activate takes one NAME", acc_cmd_activate,
     "  activate NAME                   let NAME log in again\n"},
    {"clearsessions", 0, 2,
     "clearsessions takes no arguments but --idle SECONDS",
     acc_cmd_clearsessions,
     "  clearsessions [--idle SECONDS]  delete expired sessions\n"},
    {"genkey", 1, 1, "genkey takes one FILE", acc_cmd_genkey,
     "  genkey FILE                     write a new secret key file (0600)\n"},
    {"group", 1, NO_MAX, "group needs add, remove or list", acc_cmd_group,
     "  group add GROUP [USER...]       create GROUP, add users to it\n"
     "  group remove GROUP [USER...]    remove users from GROUP (no USER: "
     "delete it)\n"
     "  group list                      groups and their members\n"},
    {"perm", 1, 4,
     "perm grant|revoke PERM --user NAME|--group NAME, or perm list",
     acc_cmd_perm,
     "  perm grant PERM --user U|--group G   grant a permission\n"
     "  perm revoke PERM --user U|--group G  revoke it\n"
     "  perm list                       every grant\n"},
    {"unlock", 1, 1, "unlock takes one USERNAME or ADDRESS", acc_cmd_unlock,
     "  unlock NAME|ADDRESS             forget failed logins of a username or\n"
     "                                  an address (and its registrations)\n"},
    {"mfa", 1, 1, "mfa takes one NAME", acc_cmd_mfa,
     "  mfa NAME                        whether NAME has a second factor\n"},
    {"mfa-reset", 1, 1, "mfa-reset takes one NAME", acc_cmd_mfa_reset,
     "  mfa-reset NAME                  remove NAME's second factor (a lost\n"
     "                                  phone)\n"},
    {"sessions", 1, 1, "sessions takes one NAME", acc_cmd_sessions,
     "  sessions NAME                   NAME's live sessions\n"},
    {"logout", 1, 1, "logout takes one NAME", acc_cmd_logout,
     "  logout NAME                     end every session of NAME\n"},
    {"verify", 1, 1, "verify takes one NAME", acc_cmd_verify,
     "  verify NAME                     mark NAME's email address verified\n"},
    {"mail", 0, NO_MAX, NULL, acc_cmd_mail,
     "  mail [list] [--state S] [-n N]  the mail outbox, newest first\n"
     "  mail send [--command CMD]       deliver what is due (default CMD:\n"
     "                                  /usr/sbin/sendmail -t -i)\n"},
    {"log", 0, NO_MAX, NULL, acc_cmd_log,
     "  log [--user NAME] [-n COUNT]    the newest authentication events\n"},
    {"import-django", 2, 2, "import-django takes --from CONNINFO",
     acc_cmd_import_django,
     "  import-django --from CONNINFO   copy a Django site's users, groups "
     "and\n"
     "                                  permissions (again: update them)\n"},
    {"hashtime", 0, 1, "hashtime takes a count from 1 to 10000",
     acc_cmd_hashtime,
     "  hashtime [N]                    time N (default 20) password checks\n"
     "                                  at ACCOUNTS_PASSWORD_HASH's cost; no\n"
     "                                  database\n"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char usage_head[] =
    "usage: accountsctl [--db CONNINFO] COMMAND [ARGS]\n"
    "       accountsctl --help | --version\n"
    "\n"
    "commands:\n";

static const char usage_tail[] =
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
    "(permissions: none at all).\n"
    "\n"
    "Exit status: 0 on success, 1 on a failure (one line on stderr; for\n"
    "check, one of its lines said problem), 2 on a usage error (the\n"
    "usage text follows).\n";

/* Print the usage text on f in one piece: the head, each command's lines,
 * the tail. */
static void print_usage(FILE *f)
{
    apr_pool_t *tp;
    const char *text = usage_head;
    apr_size_t i;

    apr_pool_create(&tp, NULL);
    for (i = 0; i < NCOMMANDS; i++) {
        text = apr_pstrcat(tp, text, commands[i].help, NULL);
    }
    fputs(apr_pstrcat(tp, text, usage_tail, NULL), f);
    apr_pool_destroy(tp);
}

int acc_ctl_usage(const char *why)
{
    if (why) {
        acc_ctl_fail("%s", why);
    }
    print_usage(stderr);
    return ACC_EXIT_USAGE;
}

/* Run the command argv[0] with the arguments after it. */
static int dispatch(acc_ctl_t *c, int argc, const char *const *argv)
{
    const command_t *cmd = NULL;
    apr_size_t i;

    for (i = 0; i < NCOMMANDS && cmd == NULL; i++) {
        if (strcmp(argv[0], commands[i].name) == 0) {
            cmd = &commands[i];
        }
    }
    argc--;
    if (cmd && argc >= cmd->min && argc <= cmd->max) {
        return cmd->run(c, argc, argv + 1);
    }
    if (cmd && cmd->why) {
        return acc_ctl_usage(cmd->why);
    }
    return acc_ctl_usage(
        apr_psprintf(c->pool, "unknown command or arguments: '%s'", argv[0]));
}

int main(int argc, const char *const *argv)
{
    acc_ctl_t c;
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
            print_usage(stdout);
            return 0;
        }
        else if (strcmp(argv[i], "--version") == 0) {
            fputs("accountsctl (mod_accounts) " ACC_VERSION "\n", stdout);
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
    rc = dispatch(&c, argc - i, argv + i);
    fflush(stdout);
    if (c.handle) {
        apr_dbd_close(c.driver, c.handle);
    }
    return rc;
}
