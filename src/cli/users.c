/*
 * src/cli/users.c -- accountsctl's user commands: createuser, passwd, list,
 * activate and deactivate.
 */
#include "ctl.h"
#include "core/escape.h"

#include <apr_time.h>

#include <stdio.h>
#include <string.h>

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

int acc_cmd_createuser(acc_ctl_t *c, int argc, const char *const *argv)
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
    u.email_verified = 1; /* an administrator made it */
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

int acc_cmd_passwd(acc_ctl_t *c, int argc, const char *const *argv)
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
        acc_session_delete_user(c->store, c->pool, u->id, NULL) !=
            ACC_STORE_OK) {
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

/* Users a page of a listing reads at once: memory stays flat however
 * many there are. */
#define LIST_PAGE 1000

int acc_cmd_list(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *search = NULL;
    apr_int64_t limit = -1, shown = 0, after = 0;
    apr_pool_t *page;
    int i, rc, json = 0;

    for (i = 0; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--search") == 0 && i + 1 < argc) {
            search = argv[++i];
        }
        else if (strcmp(argv[i], "--limit") == 0 && i + 1 < argc) {
            limit = apr_strtoi64(argv[++i], &end, 10);
            if (*end || end == argv[i] || limit < 0) {
                return acc_ctl_usage("--limit takes a count");
            }
        }
        else if (strcmp(argv[i], "--json") == 0) {
            json = 1;
        }
        else {
            return acc_ctl_usage(
                "list takes [--search TEXT] [--limit N] [--json]");
        }
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    apr_pool_create(&page, c->pool);
    if (json) {
        fputs("[", stdout);
    }
    else {
        printf("id\tusername\temail\tactive\tstaff\tsuperuser\t"
               "date_joined\tlast_login\n");
    }
    while (limit < 0 || shown < limit) {
        apr_array_header_t *users;
        int want = limit < 0 || limit - shown > LIST_PAGE
                       ? LIST_PAGE
                       : (int)(limit - shown);

        apr_pool_clear(page);
        if (acc_user_page(c->store, page, after, search, want, &users) !=
            ACC_STORE_OK) {
            if (json) {
                fputs("]\n", stdout);
            }
            return acc_ctl_fail("cannot list users: %s",
                                acc_store_error(c->store, page));
        }
        for (i = 0; i < users->nelts; i++) {
            acc_user_t *u = APR_ARRAY_IDX(users, i, acc_user_t *);
            if (json) {
                printf("%s\n{\"id\": %" APR_INT64_T_FMT ", \"username\": %s, "
                       "\"email\": %s, \"is_active\": %s, \"is_staff\": %s, "
                       "\"is_superuser\": %s, \"date_joined\": %s, "
                       "\"last_login\": %s}",
                       shown + i ? "," : "", u->id,
                       acc_json_string(page, u->username),
                       acc_json_string(page, u->email),
                       u->is_active ? "true" : "false",
                       u->is_staff ? "true" : "false",
                       u->is_superuser ? "true" : "false",
                       acc_json_string(page, fmt_time(page, u->date_joined)),
                       u->last_login ? acc_json_string(
                                           page, fmt_time(page, u->last_login))
                                     : "null");
            }
            else {
                const char *f[8];
                f[0] = apr_psprintf(page, "%" APR_INT64_T_FMT, u->id);
                f[1] = u->username;
                f[2] = u->email;
                f[3] = u->is_active ? "yes" : "no";
                f[4] = u->is_staff ? "yes" : "no";
                f[5] = u->is_superuser ? "yes" : "no";
                f[6] = fmt_time(page, u->date_joined);
                f[7] = fmt_time(page, u->last_login);
                acc_ctl_print_row(page, f, 8);
            }
            after = u->id;
        }
        shown += users->nelts;
        if (users->nelts < want) {
            break;
        }
    }
    if (json) {
        fputs(shown ? "\n]\n" : "]\n", stdout);
    }
    apr_pool_destroy(page);
    return 0;
}

static int set_active(acc_ctl_t *c, const char *name, int active)
{
    int rc;

    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    switch (acc_user_set_active(c->store, c->pool, name, active)) {
        case ACC_STORE_OK:
            acc_ctl_say("%s '%s'", active ? "activated" : "deactivated", name);
            return 0;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no such user '%s'", name);
        default:
            return acc_ctl_fail("cannot change user: %s",
                                acc_store_error(c->store, c->pool));
    }
}

int acc_cmd_activate(acc_ctl_t *c, int argc, const char *const *argv)
{
    return set_active(c, argv[0], 1);
}

int acc_cmd_deactivate(acc_ctl_t *c, int argc, const char *const *argv)
{
    return set_active(c, argv[0], 0);
}
