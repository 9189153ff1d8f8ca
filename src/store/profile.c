/*
 * src/store/profile.c -- a site's own profile fields (accounts_profile,
 * AccountsProfileField): read a user's, set one.
 */
#include "internal.h"

#include <apr_strings.h>

acc_store_rc_t acc_profile_get(acc_store_t *st, apr_pool_t *p,
                               apr_int64_t user_id, apr_table_t **fields)
{
    const char *args[1] = {apr_off_t_toa(p, user_id)};
    apr_array_header_t *rows;
    int i;

    if (acc_store_rows(st, p, S_PROFILE_GET, 1, args, 2, &rows) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    *fields = apr_table_make(p, rows->nelts + 1);
    for (i = 0; i < rows->nelts; i++) {
        const char **f = APR_ARRAY_IDX(rows, i, const char **);
        apr_table_setn(*fields, f[0], f[1]);
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_profile_set(acc_store_t *st, apr_pool_t *p,
                               apr_int64_t user_id, const char *name,
                               const char *value)
{
    const char *args[3] = {apr_off_t_toa(p, user_id), name, value};

    return acc_store_exec(st, p, S_PROFILE_SET, NULL, 3, args);
}
