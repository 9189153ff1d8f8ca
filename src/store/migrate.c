/*
 * src/store/migrate.c -- the schema's version, and the migrations that
 * bring a database up to ACC_SCHEMA_VERSION.
 *
 * The steps themselves are src/store/migrations/NNN_name.sql, compiled in
 * by scripts/embed-sql (acc_store_migrations).  A new step is the next
 * numbered file there, listed in Makefile.am's MIGRATION_FILES, with
 * ACC_SCHEMA_VERSION one higher; a step once released is never edited.
 */
#include "internal.h"

#include <apr_strings.h>

#include <stdlib.h>
#include <string.h>

/* Any constant that marks mod_accounts' migration lock. */
#define MIGRATE_LOCK "7360227116"

/* The first field of sql's first row, in p; *value NULL when there is no
 * row. */
static acc_store_rc_t query1(apr_pool_t *p, const apr_dbd_driver_t *driver,
                             apr_dbd_t *handle, const char *sql,
                             const char **value, const char **err)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv;

    rv = apr_dbd_select(driver, p, handle, &res, sql, 1);
    if (rv != 0) {
        *err = acc_store_dberr(p, driver, handle, rv);
        return ACC_STORE_ERROR;
    }
    if (apr_dbd_get_row(driver, p, res, &row, 1) != 0) {
        *value = NULL;
        return ACC_STORE_OK;
    }
    *value = apr_pstrdup(p, apr_dbd_get_entry(driver, row, 0));
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_schema_version(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *version,
                                        const char **err)
{
    const char *v = NULL;

    *version = 0;
    if (query1(p, driver, handle,
               "SELECT to_regclass('accounts_schema_migrations') IS NOT NULL",
               &v, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (v == NULL || strcmp(v, "t") != 0) {
        return ACC_STORE_OK;
    }
    if (query1(p, driver, handle,
               "SELECT coalesce(max(version), 0) FROM "
               "accounts_schema_migrations",
               &v, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    *version = v ? atoi(v) : 0;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_migrate(apr_pool_t *p, const apr_dbd_driver_t *driver,
                                 apr_dbd_t *handle, int *from, int *to,
                                 const char **err)
{
    acc_store_rc_t rc = ACC_STORE_OK;
    const char *ignored;
    int v, i;

    *from = *to = 0;
    /* One migrator at a time; the lock is released when we are done or
     * when the connection closes. */
    if (query1(p, driver, handle,
               "SELECT pg_advisory_lock(" MIGRATE_LOCK ")::text", &ignored,
               err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (acc_store_run(p, driver, handle,
                      "CREATE TABLE IF NOT EXISTS accounts_schema_migrations ("
                      " version integer PRIMARY KEY,"
                      " applied timestamptz NOT NULL DEFAULT now())",
                      err) != ACC_STORE_OK ||
        acc_store_schema_version(p, driver, handle, &v, err) != ACC_STORE_OK) {
        rc = ACC_STORE_ERROR;
        goto unlock;
    }
    *from = *to = v;
    for (i = v; i < acc_store_migrations_count; i++) {
        /* The newline ends a comment on a step's last line. */
        const char *sql = apr_pstrcat(
            p, "BEGIN;", acc_store_migrations[i],
            apr_psprintf(p,
                         "\n;INSERT INTO accounts_schema_migrations (version)"
                         " VALUES (%d);COMMIT;",
                         i + 1),
            NULL);
        if (acc_store_run(p, driver, handle, sql, err) != ACC_STORE_OK) {
            const char *e2;
            acc_store_run(p, driver, handle, "ROLLBACK", &e2);
            *err = apr_psprintf(p, "migration %d failed: %s", i + 1, *err);
            rc = ACC_STORE_ERROR;
            break;
        }
        *to = i + 1;
    }
unlock:
    query1(p, driver, handle,
           "SELECT pg_advisory_unlock(" MIGRATE_LOCK ")::text", &ignored,
           &ignored);
    return rc;
}
