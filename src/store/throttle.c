/*
 * src/store/throttle.c -- throttling state (accounts_throttle): count an
 * attempt under the row's lock, give one back, forget, unlock, clear.
 *
 * The counting is done in the database, by the plpgsql functions that
 * migrations/003_throttle_audit.sql creates, so that simultaneous attempts
 * are counted one by one.
 */
#include "internal.h"

#include <apr_strings.h>

#include <stdlib.h>

/* The one integer a statement returns. */
static acc_store_rc_t int1(acc_store_t *st, apr_pool_t *p, int which, int nargs,
                           const char **args, int *out)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *v;

    *out = 0;
    if (acc_store_sel(st, p, which, &res, nargs, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    v = row ? apr_dbd_get_entry(st->driver, row, 0) : NULL;
    *out = v ? atoi(v) : 0;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_register_begin(acc_store_t *st, apr_pool_t *p,
                                  const char *addr, int window, int limit,
                                  const char *key, int *wait, int *taken)
{
    const char *lim = apr_itoa(p, limit);
    const char *args[5] = {lim, addr, apr_itoa(p, window), lim, key};
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *v;

    *wait = 0;
    *taken = 0;
    if (acc_store_sel(st, p, S_REGISTER_BEGIN, &res, 5, args) != ACC_STORE_OK ||
        (row = acc_store_first_row(st, p, res)) == NULL) {
        return ACC_STORE_ERROR;
    }
    v = apr_dbd_get_entry(st->driver, row, 1);
    *wait = v ? atoi(v) : 0;
    v = apr_dbd_get_entry(st->driver, row, 2);
    *taken = v && atoi(v) == 1;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_login_end(acc_store_t *st, apr_pool_t *p,
                             const acc_login_done_t *d)
{
    const char *args[16] = {apr_off_t_toa(p, d->user_id),
                            d->rehash ? acc_store_pw(st, p, d->rehash) : "",
                            d->addr ? d->addr : "",
                            apr_itoa(p, d->addr_free),
                            d->kind ? d->kind : "",
                            d->key ? d->key : "",
                            d->old_session ? d->old_session : "",
                            d->session ? d->session : "",
                            apr_off_t_toa(p, d->max_age),
                            d->address ? d->address : "",
                            d->user_agent ? d->user_agent : "",
                            apr_itoa(p, d->persistent),
                            d->event,
                            d->audit_username ? d->audit_username : "",
                            d->audit_address ? d->audit_address : "",
                            d->audit_user_agent ? d->audit_user_agent : ""};
    apr_dbd_results_t *res;

    if (acc_store_sel(st, p, S_LOGIN_END, &res, 16, args) != ACC_STORE_OK ||
        acc_store_first_row(st, p, res) == NULL) {
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_login_begin(acc_store_t *st, apr_pool_t *p,
                               const acc_login_claim_t *c, int *wait,
                               int *by_device, acc_user_t **u)
{
    const char *args[11] = {c->username,
                            c->addr,
                            apr_itoa(p, c->addr_forget),
                            apr_itoa(p, c->addr_free),
                            c->user_key,
                            apr_itoa(p, c->user_forget),
                            apr_itoa(p, c->user_free),
                            apr_itoa(p, c->max_delay),
                            c->device ? c->device : "",
                            apr_off_t_toa(p, c->device_user),
                            apr_off_t_toa(p, c->device_joined)};
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *v;

    *wait = 0;
    *by_device = 0;
    *u = NULL;
    if (acc_store_sel(st, p, S_LOGIN_BEGIN, &res, 11, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    if (row == NULL) {
        return ACC_STORE_ERROR;
    }
    v = apr_dbd_get_entry(st->driver, row, ACC_USER_LOOKUP_NCOLS);
    *wait = v ? atoi(v) : 0;
    v = apr_dbd_get_entry(st->driver, row, ACC_USER_LOOKUP_NCOLS + 1);
    *by_device = v && atoi(v) == 1;
    if (apr_dbd_get_entry(st->driver, row, 0) != NULL) {
        *u = apr_pcalloc(p, sizeof(**u));
        acc_store_read_user_full(st, row, p, *u);
        v = apr_dbd_get_entry(st->driver, row, ACC_USER_LOOKUP_NCOLS + 2);
        (*u)->mfa = v && atoi(v) == 1;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_throttle_try_window(acc_store_t *st, apr_pool_t *p,
                                       const char *kind, const char *key,
                                       int window, int limit, int *wait)
{
    const char *args[4] = {kind, key, apr_itoa(p, window), apr_itoa(p, limit)};

    return int1(st, p, S_THROTTLE_TRY_WINDOW, 4, args, wait);
}

acc_store_rc_t acc_throttle_release(acc_store_t *st, apr_pool_t *p,
                                    const char *kind, const char *key, int free)
{
    const char *args[3] = {apr_itoa(p, free), kind, key};

    return acc_store_exec(st, p, S_THROTTLE_RELEASE, NULL, 3, args);
}

acc_store_rc_t acc_throttle_reset(acc_store_t *st, apr_pool_t *p,
                                  const char *kind, const char *key)
{
    const char *args[2] = {kind, key};

    return acc_store_exec(st, p, S_THROTTLE_RESET, NULL, 2, args);
}

acc_store_rc_t acc_throttle_unlock(acc_store_t *st, apr_pool_t *p,
                                   const char *key1, const char *key2,
                                   int *count)
{
    const char *args[2] = {key1, key2 ? key2 : key1};

    return acc_store_exec(st, p, S_THROTTLE_UNLOCK, count, 2, args);
}
