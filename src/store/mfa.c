/*
 * src/store/mfa.c -- the second factor (accounts_mfa,
 * accounts_mfa_recovery): a user's sealed secret and its state, the
 * recovery codes' hashes, and a session that passed it.  What the
 * values mean is core/totp.h's; here they are only kept.
 */
#include "internal.h"

#include <apr_strings.h>

acc_store_rc_t acc_mfa_get(acc_store_t *st, apr_pool_t *p, apr_int64_t user_id,
                           acc_mfa_t *m)
{
    const char *args[1] = {apr_off_t_toa(p, user_id)};
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;

    if (acc_store_sel(st, p, S_MFA_GET, &res, 1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if ((row = acc_store_first_row(st, p, res)) == NULL) {
        return ACC_STORE_NOTFOUND;
    }
    m->secret = acc_store_col(st->driver, row, 0, p);
    m->confirmed =
        apr_time_from_sec(acc_store_i64(apr_dbd_get_entry(st->driver, row, 1)));
    m->last_step = acc_store_i64(apr_dbd_get_entry(st->driver, row, 2));
    m->created =
        apr_time_from_sec(acc_store_i64(apr_dbd_get_entry(st->driver, row, 3)));
    m->codes_left = (int)acc_store_i64(apr_dbd_get_entry(st->driver, row, 4));
    m->setup_session = acc_store_col(st->driver, row, 5, p);
    m->setup_fresh = acc_store_i64(apr_dbd_get_entry(st->driver, row, 6)) == 1;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_mfa_create(acc_store_t *st, apr_pool_t *p,
                              apr_int64_t user_id, const char *sealed,
                              const char *session)
{
    const char *args[3] = {apr_off_t_toa(p, user_id), sealed, session};

    return acc_store_exec(st, p, S_MFA_CREATE, NULL, 3, args);
}

/* The hashes as one comma-separated value. */
static const char *joined(apr_pool_t *p, const apr_array_header_t *hashes)
{
    return apr_array_pstrcat(p, hashes, ',');
}

acc_store_rc_t acc_mfa_confirm(acc_store_t *st, apr_pool_t *p,
                               apr_int64_t user_id, const char *session,
                               apr_int64_t step,
                               const apr_array_header_t *hashes)
{
    const char *args[4] = {apr_off_t_toa(p, step), apr_off_t_toa(p, user_id),
                           session, joined(p, hashes)};
    int n = 0;

    if (acc_store_exec(st, p, S_MFA_CONFIRM, &n, 4, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_mfa_use_step(acc_store_t *st, apr_pool_t *p,
                                apr_int64_t user_id, apr_int64_t step)
{
    const char *s = apr_off_t_toa(p, step);
    const char *args[3] = {s, apr_off_t_toa(p, user_id), s};
    int n = 0;

    if (acc_store_exec(st, p, S_MFA_USE_STEP, &n, 3, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_mfa_use_code(acc_store_t *st, apr_pool_t *p,
                                apr_int64_t user_id, const char *hash)
{
    const char *id = apr_off_t_toa(p, user_id);
    const char *args[3] = {id, hash, id};
    int n = 0;

    if (acc_store_exec(st, p, S_MFA_USE_CODE, &n, 3, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_mfa_new_codes(acc_store_t *st, apr_pool_t *p,
                                 apr_int64_t user_id,
                                 const apr_array_header_t *hashes)
{
    const char *args[2] = {apr_off_t_toa(p, user_id), joined(p, hashes)};
    int n = 0;

    if (acc_store_exec(st, p, S_MFA_NEW_CODES, &n, 2, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_mfa_delete(acc_store_t *st, apr_pool_t *p,
                              apr_int64_t user_id)
{
    const char *id = apr_off_t_toa(p, user_id);
    const char *args[3] = {id, id, id};
    int n = 0;

    if (acc_store_exec(st, p, S_MFA_DELETE, &n, 3, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_session_mfa_passed(acc_store_t *st, apr_pool_t *p,
                                      const char *token_hash)
{
    const char *args[1] = {token_hash};

    return acc_store_exec(st, p, S_SESSION_MFA, NULL, 1, args);
}
