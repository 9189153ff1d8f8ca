/*
 * src/store/sessions.c -- sessions (accounts_session): create one, find a
 * live one with its user, touch, delete, clear the expired.
 */
#include "internal.h"

#include <apr_strings.h>

acc_store_rc_t acc_session_create(acc_store_t *st, apr_pool_t *p,
                                  const char *token_hash, apr_int64_t user_id,
                                  apr_int64_t max_age, const char *address,
                                  const char *user_agent, int persistent)
{
    const char *args[6] = {token_hash,
                           apr_off_t_toa(p, user_id),
                           apr_off_t_toa(p, max_age),
                           address ? address : "",
                           user_agent ? user_agent : "",
                           persistent ? "1" : "0"};

    return acc_store_exec(st, p, S_SESSION_CREATE, NULL, 6, args);
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
    s->mfa = acc_store_i64(apr_dbd_get_entry(st->driver, row, 16)) == 1;
    s->mfa_at = apr_time_from_sec(
        acc_store_i64(apr_dbd_get_entry(st->driver, row, 17)));
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

acc_store_rc_t acc_session_end(acc_store_t *st, apr_pool_t *p,
                               const char *token_hash, const char *event,
                               const char *username, const char *address,
                               const char *user_agent)
{
    const char *args[5] = {token_hash, event, username ? username : "",
                           address ? address : "",
                           user_agent ? user_agent : ""};

    return acc_store_exec(st, p, S_SESSION_END, NULL, 5, args);
}

/* Run a DELETE ... RETURNING token_hash; *hashes (when not NULL) gets
 * the deleted sessions' token hashes. */
static acc_store_rc_t delete_returning(acc_store_t *st, apr_pool_t *p,
                                       int which, int nargs, const char **args,
                                       apr_array_header_t **hashes)
{
    apr_array_header_t *rows;
    int i;

    if (acc_store_rows(st, p, which, nargs, args, 1, &rows) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (hashes) {
        *hashes = apr_array_make(p, rows->nelts + 1, sizeof(const char *));
        for (i = 0; i < rows->nelts; i++) {
            APR_ARRAY_PUSH(*hashes, const char *) =
                APR_ARRAY_IDX(rows, i, const char **)[0];
        }
    }
    return rows->nelts ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_session_delete_user(acc_store_t *st, apr_pool_t *p,
                                       apr_int64_t user_id,
                                       apr_array_header_t **hashes)
{
    const char *args[1] = {apr_off_t_toa(p, user_id)};
    acc_store_rc_t rc =
        delete_returning(st, p, S_SESSION_DELETE_USER, 1, args, hashes);

    return rc == ACC_STORE_NOTFOUND ? ACC_STORE_OK : rc;
}

acc_store_rc_t acc_session_delete_others(acc_store_t *st, apr_pool_t *p,
                                         apr_int64_t user_id,
                                         const char *keep_hash,
                                         apr_array_header_t **hashes)
{
    const char *args[2] = {apr_off_t_toa(p, user_id), keep_hash};
    acc_store_rc_t rc =
        delete_returning(st, p, S_SESSION_DELETE_OTHERS, 2, args, hashes);

    return rc == ACC_STORE_NOTFOUND ? ACC_STORE_OK : rc;
}

acc_store_rc_t acc_session_delete_id(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t user_id, apr_int64_t id,
                                     const char **hash)
{
    const char *args[2] = {apr_off_t_toa(p, user_id), apr_off_t_toa(p, id)};
    apr_array_header_t *hashes = NULL;
    acc_store_rc_t rc =
        delete_returning(st, p, S_SESSION_DELETE_ID, 2, args, &hashes);

    if (rc == ACC_STORE_OK) {
        *hash = APR_ARRAY_IDX(hashes, 0, const char *);
    }
    return rc;
}

acc_store_rc_t acc_session_list_user(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t user_id,
                                     apr_array_header_t **out)
{
    const char *args[1] = {apr_off_t_toa(p, user_id)};
    apr_array_header_t *rows;
    int i;

    if (acc_store_rows(st, p, S_SESSION_LIST_USER, 1, args, 8, &rows) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    *out = apr_array_make(p, rows->nelts + 1, sizeof(acc_session_info_t *));
    for (i = 0; i < rows->nelts; i++) {
        const char **f = APR_ARRAY_IDX(rows, i, const char **);
        acc_session_info_t *s = apr_pcalloc(p, sizeof(*s));
        s->id = acc_store_i64(f[0]);
        s->token_hash = f[1];
        s->created = apr_time_from_sec(acc_store_i64(f[2]));
        s->last_seen = apr_time_from_sec(acc_store_i64(f[3]));
        s->expires = apr_time_from_sec(acc_store_i64(f[4]));
        s->address = f[5];
        s->user_agent = f[6];
        s->persistent = acc_store_i64(f[7]) != 0;
        APR_ARRAY_PUSH(*out, acc_session_info_t *) = s;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_housekeeping(acc_store_t *st, apr_pool_t *p, int batch,
                                apr_int64_t idle, int counts[3])
{
    const char *args[2] = {apr_itoa(p, batch), apr_off_t_toa(p, idle)};
    apr_array_header_t *rows;
    const char **f;
    int i;

    if (acc_store_rows(st, p, S_HOUSEKEEPING, 2, args, 3, &rows) !=
            ACC_STORE_OK ||
        rows->nelts != 1) {
        return ACC_STORE_ERROR;
    }
    f = APR_ARRAY_IDX(rows, 0, const char **);
    for (i = 0; i < 3; i++) {
        counts[i] = (int)acc_store_i64(f[i]);
    }
    return counts[0] < 0 ? ACC_STORE_EXISTS : ACC_STORE_OK;
}
