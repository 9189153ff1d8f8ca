/*
 * src/store/internal.h -- what the store's files share: the store itself,
 * its statements, and the helpers every statement runs through.
 *
 * Private to src/store: nothing outside it includes this file (store.h is
 * the store's public face).  A new statement is a name in the enum below,
 * its label and SQL in acc_store_stmts, and its function, declared in
 * store.h.
 */
#ifndef ACC_STORE_INTERNAL_H
#define ACC_STORE_INTERNAL_H

#include "store.h"

#include <apr_dbd.h>
#include <apr_pools.h>
#include <apr_tables.h>

/* Every prepared statement: an index into acc_store_stmts and into a
 * store's stmt[]. */
enum {
    S_USER_BY_NAME,
    S_USER_KEY_TAKEN,
    S_USER_CREATE,
    S_USER_SET_PASSWORD,
    S_USER_TOUCH_LOGIN,
    S_USER_SET_ACTIVE,
    S_USER_LIST,
    S_SESSION_CREATE,
    S_SESSION_GET,
    S_SESSION_TOUCH,
    S_SESSION_DELETE,
    S_SESSION_DELETE_USER,
    S_SESSION_CLEAR,
    S_GROUP_GET,
    S_GROUP_CREATE,
    S_GROUP_DELETE,
    S_GROUP_ADD_USER,
    S_GROUP_REMOVE_USER,
    S_GROUP_LIST,
    S_PERM_CREATE,
    S_PERM_GRANT_USER,
    S_PERM_GRANT_GROUP,
    S_PERM_REVOKE_USER,
    S_PERM_REVOKE_GROUP,
    S_PERM_LIST,
    S_THROTTLE_TRY,
    S_THROTTLE_TRY_WINDOW,
    S_THROTTLE_RELEASE,
    S_THROTTLE_RESET,
    S_THROTTLE_UNLOCK,
    S_THROTTLE_CLEAR,
    S_AUDIT_ADD,
    S_AUDIT_LIST,
    S_COUNT
};

/* One statement: the label it is prepared under (accounts_<table>_<verb>)
 * and its SQL, with apr_dbd's %s for each value. */
typedef struct {
    const char *label;
    const char *sql;
} acc_stmt_t;

/* Every statement, indexed by S_*: static, read-only data. */
extern const acc_stmt_t acc_store_stmts[S_COUNT];

struct acc_store {
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    apr_pool_t *stmts; /* the prepared statements' memory */
    int failed;        /* a statement failed since they were prepared */
    int held;          /* the connection is held by whoever calls us */
    int misused;       /* called while not held (see acc_store_hold) */
    apr_dbd_prepared_t *stmt[S_COUNT];
};

/* ---- on a bare connection ---- */

/* The driver's message for error rv on handle (rv -1: the last error),
 * trimmed to its first line, in p; "database error RV" when the driver
 * has none.  Never NULL. */
const char *acc_store_dberr(apr_pool_t *p, const apr_dbd_driver_t *driver,
                            apr_dbd_t *handle, int rv);

/* Run sql as it is (no values; it may hold several statements) on
 * handle, discarding any result.  ACC_STORE_OK, or ACC_STORE_ERROR with
 * *err (acc_store_dberr, in p). */
acc_store_rc_t acc_store_run(apr_pool_t *p, const apr_dbd_driver_t *driver,
                             apr_dbd_t *handle, const char *sql,
                             const char **err);

/* ---- prepared statements on a store ---- */

/* Run the SELECT `which` with nargs string values, fetching the whole
 * result into *res (in p; NULL on error).  ACC_STORE_ERROR when the
 * database fails (the store is then marked failed) or the store is not
 * held (marked misused); acc_store_error says why. */
acc_store_rc_t acc_store_sel(acc_store_t *st, apr_pool_t *p, int which,
                             apr_dbd_results_t **res, int nargs,
                             const char **args);

/* Run the statement `which`, which returns no rows; *nrows (when not
 * NULL) gets how many it touched.  Errors as acc_store_sel. */
acc_store_rc_t acc_store_exec(acc_store_t *st, apr_pool_t *p, int which,
                              int *nrows, int nargs, const char **args);

/* Run the SELECT `which` and return every row as its first ncols columns:
 * *out is an array of const char ** (each field a string in p, "" for
 * NULL).  Errors as acc_store_sel (and *out is not set). */
acc_store_rc_t acc_store_rows(acc_store_t *st, apr_pool_t *p, int which,
                              int nargs, const char **args, int ncols,
                              apr_array_header_t **out);

/* The first row of a whole result (from acc_store_sel), in p, or NULL
 * when there is none. */
apr_dbd_row_t *acc_store_first_row(acc_store_t *st, apr_pool_t *p,
                                   apr_dbd_results_t *res);

/* A field as a 64-bit integer: 0 for NULL (s) or no number. */
apr_int64_t acc_store_i64(const char *s);

/* Field n of row as a string of its own in p: "" for NULL. */
const char *acc_store_col(const apr_dbd_driver_t *d, apr_dbd_row_t *row, int n,
                          apr_pool_t *p);

/* ---- users ---- */

/* Fill u (strings in p) from the first 11 columns of row, in the order of
 * USER_COLS: id, username, email, password, first and last
 * name, is_active, is_staff, is_superuser, date_joined, last_login. */
void acc_store_read_user(acc_store_t *st, apr_dbd_row_t *row, apr_pool_t *p,
                         acc_user_t *u);

#endif /* ACC_STORE_INTERNAL_H */
