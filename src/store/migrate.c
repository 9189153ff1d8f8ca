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

/* The version recorded in table (0 when the table is not there). */
static acc_store_rc_t version_in(apr_pool_t *p, const apr_dbd_driver_t *driver,
                                 apr_dbd_t *handle, const char *table,
                                 int *version, const char **err)
{
    const char *v = NULL;

    *version = 0;
    if (query1(p, driver, handle,
               apr_psprintf(p, "SELECT to_regclass('%s') IS NOT NULL", table),
               &v, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (v == NULL || strcmp(v, "t") != 0) {
        return ACC_STORE_OK;
    }
    if (query1(
            p, driver, handle,
            apr_psprintf(p, "SELECT coalesce(max(version), 0) FROM %s", table),
            &v, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    *version = v ? atoi(v) : 0;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_schema_version(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *version,
                                        const char **err)
{
    return version_in(p, driver, handle, "accounts_schema_migrations", version,
                      err);
}

acc_store_rc_t acc_store_django_version(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *version,
                                        const char **err)
{
    return version_in(p, driver, handle, "accounts_django_schema", version,
                      err);
}

/* A list of steps and where the steps taken are recorded. */
typedef struct {
    const char *const *steps;
    int count;
    const char *table;
    const char *what; /* for the error: "migration", "live tables step" */
    /* Checked once the lock is held and before any step, with the version
     * the database is at: NULL, or ACC_STORE_ERROR and *err. */
    acc_store_rc_t (*refuse)(apr_pool_t *p, const apr_dbd_driver_t *driver,
                             apr_dbd_t *handle, int version, const char **err);
} steps_t;

/* Take the missing steps of sl, each in its own transaction, under the
 * migration lock. */
static acc_store_rc_t run_steps(apr_pool_t *p, const apr_dbd_driver_t *driver,
                                apr_dbd_t *handle, const steps_t *sl, int *from,
                                int *to, const char **err)
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
    /* A refusal leaves the database as it was: not even the table. */
    if (version_in(p, driver, handle, sl->table, &v, err) != ACC_STORE_OK ||
        (sl->refuse && v < sl->count &&
         sl->refuse(p, driver, handle, v, err) != ACC_STORE_OK) ||
        acc_store_run(p, driver, handle,
                      apr_psprintf(p,
                                   "CREATE TABLE IF NOT EXISTS %s ("
                                   " version integer PRIMARY KEY,"
                                   " applied timestamptz NOT NULL"
                                   " DEFAULT now())",
                                   sl->table),
                      err) != ACC_STORE_OK) {
        rc = ACC_STORE_ERROR;
        goto unlock;
    }
    *from = *to = v;
    for (i = v; i < sl->count; i++) {
        /* The newline ends a comment on a step's last line. */
        const char *sql = apr_pstrcat(
            p, "BEGIN;", sl->steps[i],
            apr_psprintf(p, "\n;INSERT INTO %s (version) VALUES (%d);COMMIT;",
                         sl->table, i + 1),
            NULL);
        if (acc_store_run(p, driver, handle, sql, err) != ACC_STORE_OK) {
            const char *e2;
            acc_store_run(p, driver, handle, "ROLLBACK", &e2);
            *err = apr_psprintf(p, "%s %d failed: %s", sl->what, i + 1, *err);
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

acc_store_rc_t acc_store_migrate(apr_pool_t *p, const apr_dbd_driver_t *driver,
                                 apr_dbd_t *handle, int *from, int *to,
                                 const char **err)
{
    const steps_t ours = {acc_store_migrations, acc_store_migrations_count,
                          "accounts_schema_migrations", "migration", NULL};

    return run_steps(p, driver, handle, &ours, from, to, err);
}

/* Django's tables that live mode reads and writes. */
static const char *const django_tables[] = {"auth_user",
                                            "auth_group",
                                            "auth_user_groups",
                                            "auth_permission",
                                            "auth_group_permissions",
                                            "auth_user_user_permissions",
                                            "django_content_type"};

/* What would make the live tables' first step fail, in words. */
static acc_store_rc_t refuse_live(apr_pool_t *p, const apr_dbd_driver_t *driver,
                                  apr_dbd_t *handle, int version,
                                  const char **err)
{
    const char *v = NULL;
    int ours;
    apr_size_t i;

    if (acc_store_schema_version(p, driver, handle, &ours, err) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (ours < ACC_SCHEMA_VERSION) {
        *err = apr_psprintf(p,
                            "the schema is at version %d, not %d: run "
                            "'accountsctl migrate' first",
                            ours, ACC_SCHEMA_VERSION);
        return ACC_STORE_ERROR;
    }
    for (i = 0; i < sizeof(django_tables) / sizeof(django_tables[0]); i++) {
        if (query1(p, driver, handle,
                   apr_psprintf(p, "SELECT to_regclass('%s') IS NOT NULL",
                                django_tables[i]),
                   &v, err) != ACC_STORE_OK) {
            return ACC_STORE_ERROR;
        }
        if (v == NULL || strcmp(v, "t") != 0) {
            *err = apr_psprintf(p,
                                "this is not a Django site's database: %s is "
                                "missing (run the Django site's "
                                "'manage.py migrate' first, on this "
                                "database)",
                                django_tables[i]);
            return ACC_STORE_ERROR;
        }
    }
    if (query1(p, driver, handle,
               "SELECT string_agg(username, ', ' ORDER BY upper(username),"
               " username) FROM (SELECT username FROM auth_user WHERE"
               " upper(username) IN (SELECT upper(username) FROM auth_user"
               " GROUP BY 1 HAVING count(*) > 1) ORDER BY upper(username),"
               " username LIMIT 20) c",
               &v, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (v && *v) {
        *err = apr_psprintf(p,
                            "the Django site has usernames that differ only "
                            "in case (%s): live tables need them unique in "
                            "any case; rename or remove all but one of each "
                            "on the Django site",
                            v);
        return ACC_STORE_ERROR;
    }
    if (version == 0) {
        if (query1(p, driver, handle, "SELECT count(*) FROM accounts_user", &v,
                   err) != ACC_STORE_OK) {
            return ACC_STORE_ERROR;
        }
        if (v && strcmp(v, "0") != 0) {
            *err = apr_psprintf(p,
                                "accounts_user holds %s users of mod_accounts' "
                                "own: live tables use the Django site's "
                                "auth_user alone (remove them, or keep them "
                                "and share with 'accountsctl import-django' "
                                "instead)",
                                v);
            return ACC_STORE_ERROR;
        }
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_migrate_django(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *from, int *to,
                                        const char **err)
{
    const steps_t live = {
        acc_store_django_migrations, acc_store_django_migrations_count,
        "accounts_django_schema", "live tables step", refuse_live};

    return run_steps(p, driver, handle, &live, from, to, err);
}
