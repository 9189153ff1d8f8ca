/*
 * src/store/users.c -- users (accounts_user): look one up, create one,
 * change a password or the active flag, list them.
 */
#include "internal.h"

#include <apr_strings.h>

void acc_store_read_user(acc_store_t *st, apr_dbd_row_t *row, apr_pool_t *p,
                         acc_user_t *u)
{
    const apr_dbd_driver_t *d = st->driver;

    u->id = acc_store_i64(apr_dbd_get_entry(d, row, 0));
    u->username = acc_store_col(d, row, 1, p);
    u->email = acc_store_col(d, row, 2, p);
    u->password = acc_store_col(d, row, 3, p);
    u->first_name = acc_store_col(d, row, 4, p);
    u->last_name = acc_store_col(d, row, 5, p);
    u->is_active = acc_store_i64(apr_dbd_get_entry(d, row, 6)) != 0;
    u->is_staff = acc_store_i64(apr_dbd_get_entry(d, row, 7)) != 0;
    u->is_superuser = acc_store_i64(apr_dbd_get_entry(d, row, 8)) != 0;
    u->date_joined =
        apr_time_from_sec(acc_store_i64(apr_dbd_get_entry(d, row, 9)));
    u->last_login =
        apr_time_from_sec(acc_store_i64(apr_dbd_get_entry(d, row, 10)));
}

acc_store_rc_t acc_user_by_name(acc_store_t *st, apr_pool_t *p,
                                const char *name, acc_user_t **u)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *args[1] = {name};

    if (acc_store_sel(st, p, S_USER_BY_NAME, &res, 1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    if (row == NULL) {
        return ACC_STORE_NOTFOUND;
    }
    *u = apr_pcalloc(p, sizeof(**u));
    acc_store_read_user(st, row, p, *u);
    return ACC_STORE_OK;
}

acc_store_rc_t acc_user_key_taken(acc_store_t *st, apr_pool_t *p,
                                  const char *key)
{
    apr_dbd_results_t *res;
    const char *args[1] = {key};

    if (acc_store_sel(st, p, S_USER_KEY_TAKEN, &res, 1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return acc_store_first_row(st, p, res) ? ACC_STORE_EXISTS
                                           : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_user_create(acc_store_t *st, apr_pool_t *p,
                               const acc_user_t *u, const char *key,
                               apr_int64_t *id)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *args[9];

    args[0] = u->username;
    args[1] = key;
    args[2] = u->email ? u->email : "";
    args[3] = u->password;
    args[4] = u->first_name ? u->first_name : "";
    args[5] = u->last_name ? u->last_name : "";
    args[6] = u->is_active ? "1" : "0";
    args[7] = u->is_staff ? "1" : "0";
    args[8] = u->is_superuser ? "1" : "0";
    if (acc_store_sel(st, p, S_USER_CREATE, &res, 9, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    if (row == NULL) {
        return ACC_STORE_EXISTS;
    }
    *id = acc_store_i64(apr_dbd_get_entry(st->driver, row, 0));
    return ACC_STORE_OK;
}

acc_store_rc_t acc_user_set_password(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t id, const char *phc)
{
    const char *args[2] = {phc, apr_off_t_toa(p, id)};
    int n;

    if (acc_store_exec(st, p, S_USER_SET_PASSWORD, &n, 2, args) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_user_touch_login(acc_store_t *st, apr_pool_t *p,
                                    apr_int64_t id)
{
    const char *args[1] = {apr_off_t_toa(p, id)};

    return acc_store_exec(st, p, S_USER_TOUCH_LOGIN, NULL, 1, args);
}

acc_store_rc_t acc_user_set_active(acc_store_t *st, apr_pool_t *p,
                                   const char *name, int active)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *args[2] = {active ? "1" : "0", name};

    if (acc_store_sel(st, p, S_USER_SET_ACTIVE, &res, 2, args) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    if (row == NULL) {
        return ACC_STORE_NOTFOUND;
    }
    if (!active) {
        return acc_session_delete_user(
            st, p, acc_store_i64(apr_dbd_get_entry(st->driver, row, 0)));
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_user_list(acc_store_t *st, apr_pool_t *p,
                             apr_array_header_t **users)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int i, n;

    if (acc_store_sel(st, p, S_USER_LIST, &res, 0, NULL) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    n = apr_dbd_num_tuples(st->driver, res);
    *users = apr_array_make(p, n > 0 ? n : 1, sizeof(acc_user_t *));
    for (i = 1; i <= n; i++) {
        acc_user_t *u;
        if (apr_dbd_get_row(st->driver, p, res, &row, i) != 0) {
            break;
        }
        u = apr_pcalloc(p, sizeof(*u));
        acc_store_read_user(st, row, p, u);
        APR_ARRAY_PUSH(*users, acc_user_t *) = u;
    }
    return ACC_STORE_OK;
}
