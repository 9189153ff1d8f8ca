/*
 * src/cli/groups.c -- accountsctl's groups and permissions: group add,
 * remove and list; perm grant, revoke and list.
 */
#include "ctl.h"
#include "core/names.h"

#include <stdio.h>
#include <string.h>

static int store_fail(acc_ctl_t *c, const char *what)
{
    return acc_ctl_fail("cannot %s: %s", what,
                        acc_store_error(c->store, c->pool));
}

/* NOTFOUND when user is not a user (with the message printed). */
static int need_user(acc_ctl_t *c, const char *name)
{
    acc_user_t *u;

    switch (acc_user_by_name(c->store, c->pool, name, &u)) {
        case ACC_STORE_OK:
            return 0;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no such user '%s'", name);
        default:
            return store_fail(c, "read user");
    }
}

static int need_group(acc_ctl_t *c, const char *name)
{
    switch (acc_group_exists(c->store, c->pool, name)) {
        case ACC_STORE_OK:
            return 0;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("no such group '%s'", name);
        default:
            return store_fail(c, "read group");
    }
}

int acc_cmd_group(acc_ctl_t *c, int argc, const char *const *argv)
{
    int i, rc;

    if (strcmp(argv[0], "list") == 0 && argc == 1) {
        apr_array_header_t *rows;
        if ((rc = acc_ctl_open(c)) != 0) {
            return rc;
        }
        if (acc_group_list(c->store, c->pool, &rows) != ACC_STORE_OK) {
            return store_fail(c, "list groups");
        }
        printf("group\tmembers\n");
        for (i = 0; i < rows->nelts; i++) {
            acc_ctl_print_row(c->pool, APR_ARRAY_IDX(rows, i, const char **),
                              ACC_GROUP_LIST_COLS);
        }
        return 0;
    }
    if ((strcmp(argv[0], "add") != 0 && strcmp(argv[0], "remove") != 0) ||
        argc < 2 || argv[1][0] == '\0') {
        return acc_ctl_usage("group add|remove GROUP [USER...] or group list");
    }
    /* A name is checked where it could enter the module's lists (a group
     * made or given members), not on the way out, so that a group named
     * badly before can still be removed. */
    if (strcmp(argv[0], "add") == 0) {
        const char *why = acc_group_name_check(c->pool, argv[1]);
        if (why) {
            return acc_ctl_fail("%s", why);
        }
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    if (strcmp(argv[0], "add") == 0) {
        if (acc_group_create(c->store, c->pool, argv[1]) != ACC_STORE_OK) {
            return store_fail(c, "create group");
        }
        for (i = 2; i < argc; i++) {
            if ((rc = need_user(c, argv[i])) != 0) {
                return rc;
            }
            if (acc_group_member(c->store, c->pool, argv[1], argv[i], 1) !=
                ACC_STORE_OK) {
                return store_fail(c, "add to group");
            }
        }
        acc_ctl_say("group '%s': %d user%s added", argv[1], argc - 2,
                    argc - 2 == 1 ? "" : "s");
        return 0;
    }
    if ((rc = need_group(c, argv[1])) != 0) {
        return rc;
    }
    if (argc == 2) {
        if (acc_group_delete(c->store, c->pool, argv[1]) != ACC_STORE_OK) {
            return store_fail(c, "delete group");
        }
        acc_ctl_say("deleted group '%s'", argv[1]);
        return 0;
    }
    for (i = 2; i < argc; i++) {
        if ((rc = need_user(c, argv[i])) != 0) {
            return rc;
        }
        if (acc_group_member(c->store, c->pool, argv[1], argv[i], 0) !=
            ACC_STORE_OK) {
            return store_fail(c, "remove from group");
        }
    }
    acc_ctl_say("group '%s': %d user%s removed", argv[1], argc - 2,
                argc - 2 == 1 ? "" : "s");
    return 0;
}

int acc_cmd_perm(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *user = NULL, *group = NULL;
    int grant, i, rc;

    if (argc == 1 && strcmp(argv[0], "list") == 0) {
        apr_array_header_t *rows;
        if ((rc = acc_ctl_open(c)) != 0) {
            return rc;
        }
        if (acc_perm_list(c->store, c->pool, &rows) != ACC_STORE_OK) {
            return store_fail(c, "list permissions");
        }
        printf("to\tname\tpermission\n");
        for (i = 0; i < rows->nelts; i++) {
            acc_ctl_print_row(c->pool, APR_ARRAY_IDX(rows, i, const char **),
                              ACC_PERM_LIST_COLS);
        }
        return 0;
    }
    if (argc != 4 ||
        (strcmp(argv[0], "grant") != 0 && strcmp(argv[0], "revoke") != 0)) {
        return acc_ctl_usage(
            "perm grant|revoke PERM --user NAME|--group NAME, or "
            "perm list");
    }
    grant = strcmp(argv[0], "grant") == 0;
    if (strcmp(argv[2], "--user") == 0) {
        user = argv[3];
    }
    else if (strcmp(argv[2], "--group") == 0) {
        group = argv[3];
    }
    else {
        return acc_ctl_usage("perm needs --user NAME or --group NAME");
    }
    /* Checked on grant only, so that a bad old grant can be revoked. */
    if (grant) {
        const char *why = acc_perm_name_check(c->pool, argv[1]);
        if (why == NULL && group) {
            why = acc_group_name_check(c->pool, group);
        }
        if (why) {
            return acc_ctl_fail("%s", why);
        }
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    if ((rc = user ? need_user(c, user) : need_group(c, group)) != 0) {
        return rc;
    }
    switch (acc_perm_set(c->store, c->pool, argv[1], user, group, grant)) {
        case ACC_STORE_OK:
            break;
        case ACC_STORE_NOTFOUND:
            return acc_ctl_fail("the Django site has no permission '%s' "
                                "(live tables: Django's migrations make "
                                "permissions, as app_label.codename)",
                                argv[1]);
        default:
            return store_fail(c, grant ? "grant" : "revoke");
    }
    acc_ctl_say("%s '%s' %s %s '%s'", grant ? "granted" : "revoked", argv[1],
                grant ? "to" : "from", user ? "user" : "group",
                user ? user : group);
    return 0;
}
