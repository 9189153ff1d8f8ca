/*
 * src/store/groups.c -- groups and permissions, as accountsctl manages
 * them: groups and their members, grants to users and groups, and the
 * lists it prints.  (A session reads its user's, see sessions.c.)
 */
#include "internal.h"

acc_store_rc_t acc_group_exists(acc_store_t *st, apr_pool_t *p,
                                const char *name)
{
    apr_dbd_results_t *res;
    const char *args[1] = {name};

    if (acc_store_sel(st, p, S_GROUP_GET, &res, 1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return acc_store_first_row(st, p, res) ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_group_create(acc_store_t *st, apr_pool_t *p,
                                const char *name)
{
    const char *args[1] = {name};

    return acc_store_exec(st, p, S_GROUP_CREATE, NULL, 1, args);
}

acc_store_rc_t acc_group_delete(acc_store_t *st, apr_pool_t *p,
                                const char *name)
{
    const char *args[1] = {name};
    int n = 0;

    if (acc_store_exec(st, p, S_GROUP_DELETE, &n, 1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_group_member(acc_store_t *st, apr_pool_t *p,
                                const char *group, const char *user, int add)
{
    const char *args[2] = {user, group};

    return acc_store_exec(st, p, add ? S_GROUP_ADD_USER : S_GROUP_REMOVE_USER,
                          NULL, 2, args);
}

acc_store_rc_t acc_group_list(acc_store_t *st, apr_pool_t *p,
                              apr_array_header_t **out)
{
    return acc_store_rows(st, p, S_GROUP_LIST, 0, NULL, ACC_GROUP_LIST_COLS,
                          out);
}

acc_store_rc_t acc_perm_set(acc_store_t *st, apr_pool_t *p, const char *perm,
                            const char *user, const char *group, int grant)
{
    const char *args[2] = {user ? user : group, perm};
    int which;

    if (grant) {
        const char *a1[1] = {perm};
        int n = 0;
        if (acc_store_exec(st, p, S_PERM_CREATE, &n, 1, a1) != ACC_STORE_OK) {
            return ACC_STORE_ERROR;
        }
        /* Live tables: the Django site's permission must be there. */
        if (st->django && n == 0) {
            return ACC_STORE_NOTFOUND;
        }
        which = user ? S_PERM_GRANT_USER : S_PERM_GRANT_GROUP;
    }
    else {
        which = user ? S_PERM_REVOKE_USER : S_PERM_REVOKE_GROUP;
    }
    return acc_store_exec(st, p, which, NULL, 2, args);
}

acc_store_rc_t acc_perm_list(acc_store_t *st, apr_pool_t *p,
                             apr_array_header_t **out)
{
    return acc_store_rows(st, p, S_PERM_LIST, 0, NULL, ACC_PERM_LIST_COLS, out);
}
