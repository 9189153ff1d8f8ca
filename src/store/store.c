/*
 * src/store/store.c -- the store on one connection: its statements
 * prepared (and prepared again), and the helpers that run them.
 *
 * Statements are prepared once per connection (acc_store_open) under the
 * labels accounts_<table>_<verb>.  Results are always fetched whole
 * (random access), so a pooled connection is never left with unread rows.
 */
#include "internal.h"

#include <apr_strings.h>

#include <string.h>

/* ---- helpers (their contracts are in internal.h) ---- */

const char *acc_store_dberr(apr_pool_t *p, const apr_dbd_driver_t *driver,
                            apr_dbd_t *handle, int rv)
{
    const char *msg = apr_dbd_error(driver, handle, rv);
    apr_size_t n;
    char *s;

    if (msg == NULL || *msg == '\0') {
        return apr_psprintf(p, "database error %d", rv);
    }
    /* libpq ends its messages with a newline; one line is what we log. */
    s = apr_pstrdup(p, msg);
    n = strlen(s);
    while (n && (s[n - 1] == '\n' || s[n - 1] == ' ')) {
        s[--n] = '\0';
    }
    for (; *s == ' '; s++) {
    }
    {
        char *nl = strchr(s, '\n');
        if (nl) {
            *nl = '\0';
        }
    }
    return s;
}

apr_int64_t acc_store_i64(const char *s)
{
    return s ? apr_atoi64(s) : 0;
}

const char *acc_store_col(const apr_dbd_driver_t *d, apr_dbd_row_t *row, int n,
                          apr_pool_t *p)
{
    const char *v = apr_dbd_get_entry(d, row, n);
    return apr_pstrdup(p, v ? v : "");
}

acc_store_rc_t acc_store_sel(acc_store_t *st, apr_pool_t *p, int which,
                             apr_dbd_results_t **res, int nargs,
                             const char **args)
{
    int rv;

    *res = NULL;
    if (!st->held) {
        st->misused = 1;
        return ACC_STORE_ERROR;
    }
    rv = apr_dbd_pselect(st->driver, p, st->handle, res, st->stmt[which], 1,
                         nargs, args);
    if (rv != 0) {
        st->failed = 1;
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_sel_sql(acc_store_t *st, apr_pool_t *p,
                                 const char *sql, apr_dbd_results_t **res)
{
    *res = NULL;
    if (!st->held) {
        st->misused = 1;
        return ACC_STORE_ERROR;
    }
    if (apr_dbd_select(st->driver, p, st->handle, res, sql, 1) != 0) {
        st->failed = 1;
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_exec(acc_store_t *st, apr_pool_t *p, int which,
                              int *nrows, int nargs, const char **args)
{
    int n = 0, rv;

    if (!st->held) {
        st->misused = 1;
        return ACC_STORE_ERROR;
    }
    rv = apr_dbd_pquery(st->driver, p, st->handle, &n, st->stmt[which], nargs,
                        args);
    if (nrows) {
        *nrows = n;
    }
    if (rv != 0) {
        st->failed = 1;
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_rows(acc_store_t *st, apr_pool_t *p, int which,
                              int nargs, const char **args, int ncols,
                              apr_array_header_t **out)
{
    apr_dbd_results_t *res;
    apr_dbd_row_t *row = NULL;
    int i, j, n;

    if (acc_store_sel(st, p, which, &res, nargs, args) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    n = apr_dbd_num_tuples(st->driver, res);
    *out = apr_array_make(p, n > 0 ? n : 1, sizeof(const char **));
    for (i = 1; i <= n; i++) {
        const char **fields = apr_palloc(p, sizeof(*fields) * ncols);
        if (apr_dbd_get_row(st->driver, p, res, &row, i) != 0) {
            break;
        }
        for (j = 0; j < ncols; j++) {
            const char *v = apr_dbd_get_entry(st->driver, row, j);
            fields[j] = apr_pstrdup(p, v ? v : "");
        }
        APR_ARRAY_PUSH(*out, const char **) = fields;
    }
    return ACC_STORE_OK;
}

apr_dbd_row_t *acc_store_first_row(acc_store_t *st, apr_pool_t *p,
                                   apr_dbd_results_t *res)
{
    apr_dbd_row_t *row = NULL;

    if (apr_dbd_get_row(st->driver, p, res, &row, 1) != 0) {
        return NULL;
    }
    return row;
}

acc_store_rc_t acc_store_run(apr_pool_t *p, const apr_dbd_driver_t *driver,
                             apr_dbd_t *handle, const char *sql,
                             const char **err)
{
    int n = 0, rv;

    rv = apr_dbd_query(driver, handle, &n, sql);
    if (rv != 0) {
        *err = acc_store_dberr(p, driver, handle, rv);
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}

/* ---- the store ---- */

/* Prepare every statement into st->stmts. */
static acc_store_rc_t prepare_all(acc_store_t *st, const char **err)
{
    int i, rv, version;

    /* Which tables hold the users is the database's to say (`accountsctl
     * migrate --django`), asked again with every preparation. */
    if (acc_store_django_version(st->stmts, st->driver, st->handle, &version,
                                 err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    st->django = version;
    for (i = 0; i < S_COUNT; i++) {
        const char *sql = st->django && acc_store_stmts_django[i].sql
                              ? acc_store_stmts_django[i].sql
                              : acc_store_stmts[i].sql;
        /* apr_dbd_pgsql fills a handle it is given rather than making a
         * new one: the old handles' memory is gone. */
        st->stmt[i] = NULL;
        rv = apr_dbd_prepare(st->driver, st->stmts, st->handle, sql,
                             acc_store_stmts[i].label, &st->stmt[i]);
        if (rv != 0) {
            *err = apr_psprintf(
                st->stmts, "cannot prepare %s: %s", acc_store_stmts[i].label,
                acc_store_dberr(st->stmts, st->driver, st->handle, rv));
            return ACC_STORE_ERROR;
        }
    }
    st->failed = 0;
    return ACC_STORE_OK;
}

/* Drop whatever of our statements the connection holds.  Only ours:
 * others on the connection belong to other modules (mod_authn_dbd,
 * mod_session_dbd, DBDPrepareSQL).  One round trip, whichever of ours
 * are there. */
static acc_store_rc_t deallocate_ours(acc_store_t *st, const char **err)
{
    const char *names = "", *sql;
    int i;

    for (i = 0; i < S_COUNT; i++) {
        names = apr_pstrcat(st->stmts, names, i ? "," : "",
                            acc_store_stmts[i].label, NULL);
    }
    sql = apr_pstrcat(st->stmts,
                      "DO $acc$ DECLARE n text; BEGIN FOR n IN SELECT name"
                      " FROM pg_prepared_statements WHERE name = ANY ('{",
                      names,
                      "}'::text[]) LOOP EXECUTE format('DEALLOCATE %I', n);"
                      " END LOOP; END $acc$",
                      NULL);
    return acc_store_run(st->stmts, st->driver, st->handle, sql, err);
}

acc_store_rc_t acc_store_open(apr_pool_t *p, const apr_dbd_driver_t *driver,
                              apr_dbd_t *handle, acc_store_t **out,
                              const char **err)
{
    acc_store_t *st = apr_pcalloc(p, sizeof(*st));

    st->driver = driver;
    st->handle = handle;
    st->held = 1;
    if (apr_pool_create(&st->stmts, p) != APR_SUCCESS) {
        *err = "out of memory";
        return ACC_STORE_ERROR;
    }
    if (prepare_all(st, err) != ACC_STORE_OK) {
        const char *ignored;
        *err = apr_pstrdup(p, *err);
        /* Those that did prepare would make the next open on this
         * connection fail ("already exists"): none of ours stays. */
        deallocate_ours(st, &ignored);
        apr_pool_destroy(st->stmts);
        return ACC_STORE_ERROR;
    }
    *out = st;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_reopen(acc_store_t *st, const char **err)
{
    if (deallocate_ours(st, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    /* The old handles' memory goes with them: a connection re-prepared
     * any number of times uses the same memory. */
    apr_pool_clear(st->stmts);
    return prepare_all(st, err);
}

int acc_store_django_live(const acc_store_t *st)
{
    return st->django;
}

const char *acc_store_password_form(const acc_store_t *st, apr_pool_t *p,
                                    const char *phc)
{
    return acc_store_pw(st, p, phc);
}

const char *acc_store_pw(const acc_store_t *st, apr_pool_t *p, const char *phc)
{
    if (st->django && phc && strncmp(phc, "$argon2", 7) == 0) {
        return apr_pstrcat(p, "argon2", phc, NULL);
    }
    return phc;
}

int acc_store_failed(const acc_store_t *st)
{
    return st->failed;
}

void acc_store_set_failed(acc_store_t *st)
{
    st->failed = 1;
}

void acc_store_hold(acc_store_t *st, int held)
{
    /* A transaction a page left open (an error path) must not go back to
     * the pool with the connection: it is rolled back. */
    if (!held && st->trans) {
        apr_dbd_transaction_mode_set(st->driver, st->trans,
                                     APR_DBD_TRANSACTION_ROLLBACK);
        apr_dbd_transaction_end(st->driver, st->stmts, st->trans);
        st->trans = NULL;
    }
    st->held = held;
}

const char *acc_store_error(acc_store_t *st, apr_pool_t *p)
{
    if (st->misused) {
        return "a statement was sent on a connection given back to the "
               "pool (a bug in mod_accounts)";
    }
    return acc_store_dberr(p, st->driver, st->handle, -1);
}

acc_store_rc_t acc_store_begin(acc_store_t *st, apr_pool_t *p)
{
    if (!st->held) {
        st->misused = 1;
        return ACC_STORE_ERROR;
    }
    if (st->trans) {
        return ACC_STORE_OK; /* already in one: it goes on */
    }
    if (apr_dbd_transaction_start(st->driver, p, st->handle, &st->trans) != 0) {
        st->trans = NULL;
        st->failed = 1;
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_end(acc_store_t *st, apr_pool_t *p)
{
    apr_dbd_transaction_t *t = st->trans;

    if (t == NULL) {
        return ACC_STORE_OK;
    }
    st->trans = NULL;
    /* apr_dbd rolls back a transaction in which a statement failed. */
    if (apr_dbd_transaction_end(st->driver, p, t) != 0) {
        st->failed = 1;
        return ACC_STORE_ERROR;
    }
    return ACC_STORE_OK;
}
