/*
 * src/cli/ctl.c -- what accountsctl's commands share: escaped output and the
 * database connection.
 */
#include "ctl.h"
#include "core/escape.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int acc_ctl_fail(const char *fmt, ...)
{
    apr_pool_t *tp;
    va_list ap;

    apr_pool_create(&tp, NULL);
    va_start(ap, fmt);
    fprintf(stderr, "accountsctl: %s\n",
            acc_escape_text(tp, apr_pvsprintf(tp, fmt, ap)));
    va_end(ap);
    apr_pool_destroy(tp);
    return ACC_EXIT_FAIL;
}

void acc_ctl_say(const char *fmt, ...)
{
    apr_pool_t *tp;
    va_list ap;

    apr_pool_create(&tp, NULL);
    va_start(ap, fmt);
    printf("%s\n", acc_escape_text(tp, apr_pvsprintf(tp, fmt, ap)));
    va_end(ap);
    apr_pool_destroy(tp);
}

int acc_ctl_print_pages(acc_ctl_t *c, long limit, const char *what,
                        acc_ctl_fetch_fn fetch, void *ctx, int ncols,
                        int key_col, void (*fix)(apr_pool_t *, const char **))
{
    apr_int64_t before = APR_INT64_MAX;
    apr_array_header_t *rows;
    apr_pool_t *page;
    long shown = 0;
    int i, rc = 0;

    apr_pool_create(&page, c->pool);
    while (shown < limit) {
        int want = limit - shown > 1000 ? 1000 : (int)(limit - shown);
        apr_pool_clear(page);
        if (fetch(c, page, ctx, before, want, &rows) != ACC_STORE_OK) {
            rc = acc_ctl_fail("cannot read %s: %s", what,
                              acc_store_error(c->store, page));
            break;
        }
        for (i = 0; i < rows->nelts; i++) {
            const char **f = APR_ARRAY_IDX(rows, i, const char **);
            if (fix) {
                fix(page, f);
            }
            acc_ctl_print_row(page, f, ncols);
            before = apr_atoi64(f[key_col]);
        }
        shown += rows->nelts;
        if (rows->nelts < want) {
            break;
        }
    }
    apr_pool_destroy(page);
    return rc;
}

void acc_ctl_print_row(apr_pool_t *p, const char *const *fields, int n)
{
    puts(acc_escape_row(p, fields, n));
}

/* First line of a message, for one-line errors. */
static const char *oneline(apr_pool_t *p, const char *s)
{
    char *c = apr_pstrdup(p, s ? s : "unknown error");
    char *nl;

    while (*c == ' ' || *c == '\n') {
        c++;
    }
    nl = strchr(c, '\n');
    if (nl) {
        *nl = '\0';
    }
    return c;
}

int acc_ctl_connect(acc_ctl_t *c)
{
    const char *err = NULL;
    apr_status_t rv;

    rv = apr_dbd_get_driver(c->pool, "pgsql", &c->driver);
    if (rv != APR_SUCCESS) {
        return acc_ctl_fail("cannot load apr_dbd's pgsql driver "
                            "(install libaprutil1-dbd-pgsql)");
    }
    rv = apr_dbd_open_ex(c->driver, c->pool, c->conninfo, &c->handle, &err);
    if (rv != APR_SUCCESS || c->handle == NULL) {
        return acc_ctl_fail("cannot connect to the database: %s",
                            oneline(c->pool, err));
    }
    return 0;
}

int acc_ctl_open(acc_ctl_t *c)
{
    const char *err = NULL;
    int version, rc;

    if ((rc = acc_ctl_connect(c)) != 0) {
        return rc;
    }
    if (acc_store_schema_version(c->pool, c->driver, c->handle, &version,
                                 &err) != ACC_STORE_OK) {
        return acc_ctl_fail("cannot read the schema version: %s", err);
    }
    if (version < ACC_SCHEMA_VERSION) {
        return acc_ctl_fail("the database schema is at version %d but this "
                            "build needs %d: run 'accountsctl migrate'",
                            version, ACC_SCHEMA_VERSION);
    }
    if (acc_store_open(c->pool, c->driver, c->handle, &c->store, &err) !=
        ACC_STORE_OK) {
        return acc_ctl_fail("%s", err);
    }
    return 0;
}
