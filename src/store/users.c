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

void acc_store_read_user_full(acc_store_t *st, apr_dbd_row_t *row,
                              apr_pool_t *p, acc_user_t *u)
{
    acc_store_read_user(st, row, p, u);
    u->email_verified = acc_store_i64(apr_dbd_get_entry(st->driver, row, 11));
    u->pending_email = acc_store_col(st->driver, row, 12, p);
}

apr_array_header_t *acc_store_read_users(acc_store_t *st, apr_pool_t *p,
                                         apr_dbd_results_t *res)
{
    int i, n = apr_dbd_num_tuples(st->driver, res);
    apr_array_header_t *a =
        apr_array_make(p, n > 0 ? n : 1, sizeof(acc_user_t *));
    apr_dbd_row_t *row = NULL;

    for (i = 1; i <= n; i++) {
        acc_user_t *u;
        if (apr_dbd_get_row(st->driver, p, res, &row, i) != 0) {
            break;
        }
        u = apr_pcalloc(p, sizeof(*u));
        acc_store_read_user_full(st, row, p, u);
        APR_ARRAY_PUSH(a, acc_user_t *) = u;
    }
    return a;
}

/* One user by statement `which` with one value. */
static acc_store_rc_t user_by(acc_store_t *st, apr_pool_t *p, int which,
                              const char *arg, acc_user_t **u)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *args[1] = {arg};

    if (acc_store_sel(st, p, which, &res, 1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    row = acc_store_first_row(st, p, res);
    if (row == NULL) {
        return ACC_STORE_NOTFOUND;
    }
    *u = apr_pcalloc(p, sizeof(**u));
    acc_store_read_user_full(st, row, p, *u);
    return ACC_STORE_OK;
}

acc_store_rc_t acc_user_by_name(acc_store_t *st, apr_pool_t *p,
                                const char *name, acc_user_t **u)
{
    return user_by(st, p, S_USER_BY_NAME, name, u);
}

acc_store_rc_t acc_user_by_id(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                              acc_user_t **u)
{
    return user_by(st, p, S_USER_BY_ID, apr_off_t_toa(p, id), u);
}

acc_store_rc_t acc_user_by_email(acc_store_t *st, apr_pool_t *p,
                                 const char *email, int pending,
                                 apr_array_header_t **users)
{
    apr_dbd_results_t *res;
    const char *args[1] = {email};

    if (acc_store_sel(st, p,
                      pending ? S_USER_BY_PENDING_EMAIL : S_USER_BY_EMAIL, &res,
                      1, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    *users = acc_store_read_users(st, p, res);
    return ACC_STORE_OK;
}

/* Run `which` (an UPDATE) and say NOTFOUND when it touched no row. */
static acc_store_rc_t update(acc_store_t *st, apr_pool_t *p, int which,
                             int nargs, const char **args)
{
    int n = 0;

    if (acc_store_exec(st, p, which, &n, nargs, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return n ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_user_set_names(acc_store_t *st, apr_pool_t *p,
                                  apr_int64_t id, const char *first,
                                  const char *last)
{
    const char *args[3] = {first, last, apr_off_t_toa(p, id)};

    return update(st, p, S_USER_SET_NAMES, 3, args);
}

acc_store_rc_t acc_user_set_email(acc_store_t *st, apr_pool_t *p,
                                  apr_int64_t id, const char *email,
                                  int pending)
{
    const char *args[2] = {email, apr_off_t_toa(p, id)};

    return update(st, p, pending ? S_USER_SET_PENDING_EMAIL : S_USER_SET_EMAIL,
                  2, args);
}

acc_store_rc_t acc_user_verify(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                               const char *email)
{
    const char *args[4] = {email, apr_off_t_toa(p, id), email, email};

    return update(st, p, S_USER_VERIFY, 4, args);
}

acc_store_rc_t acc_user_verify_name(acc_store_t *st, apr_pool_t *p,
                                    const char *name)
{
    apr_dbd_results_t *res;
    const char *args[1] = {name};

    if (acc_store_sel(st, p, S_USER_VERIFY_NAME, &res, 1, args) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    return acc_store_first_row(st, p, res) ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_user_create(acc_store_t *st, apr_pool_t *p,
                               const acc_user_t *u, const char *key,
                               apr_int64_t *id)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row;
    const char *args[10];

    args[0] = u->username;
    args[1] = key;
    args[2] = u->email ? u->email : "";
    args[3] = acc_store_pw(st, p, u->password);
    args[4] = u->first_name ? u->first_name : "";
    args[5] = u->last_name ? u->last_name : "";
    args[6] = u->is_active ? "1" : "0";
    args[7] = u->is_staff ? "1" : "0";
    args[8] = u->is_superuser ? "1" : "0";
    args[9] = u->email_verified ? "1" : "0";
    if (acc_store_sel(st, p, S_USER_CREATE, &res, 10, args) != ACC_STORE_OK) {
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
    const char *args[2] = {acc_store_pw(st, p, phc), apr_off_t_toa(p, id)};
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
            st, p, acc_store_i64(apr_dbd_get_entry(st->driver, row, 0)), NULL);
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_user_page(acc_store_t *st, apr_pool_t *p, apr_int64_t after,
                             const char *search, int n,
                             apr_array_header_t **users)
{
    apr_dbd_results_t *res;
    const char *q = search ? search : "";
    const char *args[5] = {apr_off_t_toa(p, after), q, q, q, apr_itoa(p, n)};
    apr_dbd_row_t *row = NULL;
    int i, nrows;

    if (acc_store_sel(st, p, S_USER_LIST, &res, 5, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    nrows = apr_dbd_num_tuples(st->driver, res);
    *users = apr_array_make(p, nrows > 0 ? nrows : 1, sizeof(acc_user_t *));
    for (i = 1; i <= nrows; i++) {
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
