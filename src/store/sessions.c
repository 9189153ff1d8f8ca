/*
 * src/store/sessions.c -- sessions (accounts_session): create one, find a
 * live one with its user, touch, delete, clear the expired.
 */
#include "internal.h"

#include <apr_strings.h>

acc_store_rc_t acc_session_create(acc_store_t *st, apr_pool_t *p,
                                  const char *token_hash, apr_int64_t user_id,
                                  apr_int64_t max_age)
{
    const char *args[3] = {token_hash, apr_off_t_toa(p, user_id),
                           apr_off_t_toa(p, max_age)};

    return acc_store_exec(st, p, S_SESSION_CREATE, NULL, 3, args);
}

acc_store_rc_t acc_session_get(acc_store_t *st, apr_pool_t *p,
                               const char *token_hash, apr_int64_t idle,
                               acc_session_row_t **out)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *i = apr_off_t_toa(p, idle);
    const char *args[3] = {token_hash, i, i};
    acc_session_row_t *s;

    if (acc_store_sel(st, p, S_SESSION_GET, &res, 3, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    if (row == NULL) {
        return ACC_STORE_NOTFOUND;
    }
    s = apr_pcalloc(p, sizeof(*s));
    acc_store_read_user(st, row, p, &s->user);
    s->created = apr_time_from_sec(
        acc_store_i64(apr_dbd_get_entry(st->driver, row, 11)));
    s->last_seen = apr_time_from_sec(
        acc_store_i64(apr_dbd_get_entry(st->driver, row, 12)));
    s->expires = apr_time_from_sec(
        acc_store_i64(apr_dbd_get_entry(st->driver, row, 13)));
    s->groups = acc_store_col(st->driver, row, 14, p);
    s->perms = acc_store_col(st->driver, row, 15, p);
    *out = s;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_session_touch(acc_store_t *st, apr_pool_t *p,
                                 const char *token_hash)
{
    const char *args[1] = {token_hash};

    return acc_store_exec(st, p, S_SESSION_TOUCH, NULL, 1, args);
}

acc_store_rc_t acc_session_delete(acc_store_t *st, apr_pool_t *p,
                                  const char *token_hash)
{
    const char *args[1] = {token_hash};

    return acc_store_exec(st, p, S_SESSION_DELETE, NULL, 1, args);
}

acc_store_rc_t acc_session_delete_user(acc_store_t *st, apr_pool_t *p,
                                       apr_int64_t user_id)
{
    const char *args[1] = {apr_off_t_toa(p, user_id)};

    return acc_store_exec(st, p, S_SESSION_DELETE_USER, NULL, 1, args);
}

acc_store_rc_t acc_session_clear_expired(acc_store_t *st, apr_pool_t *p,
                                         apr_int64_t idle, int *count)
{
    const char *i = apr_off_t_toa(p, idle);
    const char *args[2] = {i, i};

    return acc_store_exec(st, p, S_SESSION_CLEAR, count, 2, args);
}
