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

acc_store_rc_t acc_throttle_try(acc_store_t *st, apr_pool_t *p,
                                const char *kind, const char *key, int forget,
                                int free, int maxdelay, int *wait)
{
    const char *args[5] = {kind, key, apr_itoa(p, forget), apr_itoa(p, free),
                           apr_itoa(p, maxdelay)};

    return int1(st, p, S_THROTTLE_TRY, 5, args, wait);
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
