/*
 * src/store/import.c -- copy a Django site's users, groups and permissions
 * into our tables (accountsctl import-django).
 *
 * Two bare connections: the Django database (read in one REPEATABLE READ,
 * READ ONLY transaction, so the copy is of one moment) and ours (written
 * in one transaction, so a failure anywhere leaves nothing behind).  Rows
 * come over in pages by key (flat memory at a million users) into
 * temporary tables, 500 to an INSERT; the merge into our tables is SQL:
 *
 *   - users match by the case-folded name (username_key), which Django
 *     has no column for: two Django users whose names differ only in case
 *     cannot both be ours, and the import refuses, naming them.  A match
 *     takes every auth_user column from Django (the hash as it is: it
 *     verifies, and a login re-makes it); a new user counts as having a
 *     verified address (Django never asked, and nobody imported should be
 *     locked out by AccountsRequireVerifiedEmail).
 *   - groups match by name, permissions by "app_label.codename".
 *   - the memberships and grants of every imported user and group become
 *     Django's (added and removed), so that a second import after a change
 *     on the Django site brings the change; what exists only here is left
 *     alone.
 */
#include "internal.h"
#include "core/validate.h"

#include <apr_strings.h>

#include <stddef.h>
#include <string.h>

#define PAGE  2000 /* rows a page from Django */
#define BATCH 500  /* rows an INSERT */

/* Django's tables the import reads. */
static const char *const DJANGO_TABLES[] = {
    "auth_user",
    "auth_group",
    "auth_permission",
    "django_content_type",
    "auth_user_groups",
    "auth_group_permissions",
    "auth_user_user_permissions",
    NULL,
};

static const char TEMP_TABLES[] =
    "CREATE TEMP TABLE dj_user (id bigint PRIMARY KEY, password text,"
    " last_login timestamptz, is_superuser boolean, username text,"
    " first_name text, last_name text, email text, is_staff boolean,"
    " is_active boolean, date_joined timestamptz, username_key text)"
    " ON COMMIT DROP;"
    "CREATE TEMP TABLE dj_group (id bigint PRIMARY KEY, name text)"
    " ON COMMIT DROP;"
    "CREATE TEMP TABLE dj_perm (id bigint PRIMARY KEY, codename text,"
    " name text) ON COMMIT DROP;"
    "CREATE TEMP TABLE dj_user_groups (id bigint PRIMARY KEY,"
    " user_id bigint, group_id bigint) ON COMMIT DROP;"
    "CREATE TEMP TABLE dj_group_perms (id bigint PRIMARY KEY,"
    " group_id bigint, perm_id bigint) ON COMMIT DROP;"
    "CREATE TEMP TABLE dj_user_perms (id bigint PRIMARY KEY,"
    " user_id bigint, perm_id bigint) ON COMMIT DROP";

/* What comes over: Django's SELECT (its first column the id, the page's
 * key), and the temporary table it goes into. */
typedef struct {
    const char *what; /* for messages */
    const char *select;
    const char *table;
    int ncols;
    int name_col; /* add username_key of this column, or -1 */
} transfer_t;

static const transfer_t TRANSFERS[] = {
    {"auth_user",
     "SELECT id, password, last_login, is_superuser, username, first_name,"
     " last_name, email, is_staff, is_active, date_joined FROM auth_user",
     "dj_user", 11, 4},
    {"auth_group", "SELECT id, name FROM auth_group", "dj_group", 2, -1},
    {"auth_permission",
     "SELECT p.id, c.app_label || '.' || p.codename, p.name FROM"
     " auth_permission p JOIN django_content_type c ON c.id ="
     " p.content_type_id",
     "dj_perm", 3, -1},
    {"auth_user_groups", "SELECT id, user_id, group_id FROM auth_user_groups",
     "dj_user_groups", 3, -1},
    {"auth_group_permissions",
     "SELECT id, group_id, permission_id FROM auth_group_permissions",
     "dj_group_perms", 3, -1},
    {"auth_user_user_permissions",
     "SELECT id, user_id, permission_id FROM auth_user_user_permissions",
     "dj_user_perms", 3, -1},
};

/* The merge, in order: each step a statement and where its one number
 * goes (none: it returns no rows). */
typedef struct {
    const char *sql;
    size_t count; /* offsetof the long in acc_import_counts_t, or NONE */
} step_t;

#define NONE  ((size_t)-1)
#define AT(f) offsetof(acc_import_counts_t, f)

/* Memberships or grants of the imported users (or groups) become Django's:
 * dj_want holds Django's, mapped to our ids; links of ours to groups or
 * permissions Django does not have are left alone. */
#define SYNC(table, owner, owner_map, other, other_map)                        \
    "DELETE FROM " table " x USING " owner_map " o WHERE x." owner             \
    " = o.id AND x." other " IN (SELECT id FROM " other_map ")"                \
    " AND NOT EXISTS (SELECT 1 FROM dj_want w WHERE w.a = x." owner            \
    " AND w.b = x." other "); INSERT INTO " table " (" owner ", " other ")"    \
    " SELECT a, b FROM dj_want ON CONFLICT DO NOTHING"

static const step_t MERGE[] = {
    /* Django's users that are already ours (by name, whatever its case),
     * and the hash each keeps: ours when Django's did not change since
     * the last import (a login here re-made it), else Django's. */
    {"CREATE TEMP TABLE dj_match ON COMMIT DROP AS SELECT a.id, d.id AS dj,"
     " CASE WHEN i.django_password = d.password THEN a.password"
     " ELSE d.password END AS password, a.password AS old_password"
     " FROM dj_user d JOIN accounts_user a ON a.username_key = d.username_key"
     " LEFT JOIN accounts_django_import i ON i.user_id = a.id;"
     " ANALYZE dj_match",
     NONE},
    /* A stored hash that changes ends the user's sessions here, as a
     * password change does. */
    {"SELECT count(*) FROM dj_match WHERE password <> old_password",
     AT(passwords_changed)},
    {"WITH gone AS (DELETE FROM accounts_session s USING dj_match m"
     " WHERE s.user_id = m.id AND m.password <> m.old_password RETURNING 1)"
     " SELECT count(*) FROM gone",
     AT(sessions_ended)},
    {"WITH up AS (UPDATE accounts_user a SET password = m.password,"
     " last_login = d.last_login, is_superuser = d.is_superuser,"
     " username = d.username, first_name = d.first_name,"
     " last_name = d.last_name, email = d.email, is_staff = d.is_staff,"
     " is_active = d.is_active, date_joined = d.date_joined,"
     " email_verified = CASE WHEN a.email = d.email THEN a.email_verified"
     " ELSE true END FROM dj_match m JOIN dj_user d ON d.id = m.dj"
     " WHERE a.id = m.id RETURNING 1) SELECT count(*) FROM up",
     AT(users)},
    {"WITH ins AS (INSERT INTO accounts_user (password, last_login,"
     " is_superuser, username, username_key, first_name, last_name, email,"
     " is_staff, is_active, date_joined, email_verified)"
     " SELECT password, last_login, is_superuser, username, username_key,"
     " first_name, last_name, email, is_staff, is_active, date_joined, true"
     " FROM dj_user d WHERE NOT EXISTS (SELECT 1 FROM dj_match m"
     " WHERE m.dj = d.id) ORDER BY id RETURNING 1) SELECT count(*) FROM ins",
     AT(users_new)},
    {"INSERT INTO accounts_django_import (user_id, django_id,"
     " django_password) SELECT a.id, d.id, d.password FROM dj_user d JOIN"
     " accounts_user a ON a.username_key = d.username_key ON CONFLICT"
     " (user_id) DO UPDATE SET django_id = EXCLUDED.django_id,"
     " django_password = EXCLUDED.django_password, imported = now()",
     NONE},
    {"SELECT count(*) FROM dj_group", AT(groups)},
    {"WITH ins AS (INSERT INTO accounts_group (name) SELECT name FROM"
     " dj_group ORDER BY id ON CONFLICT (name) DO NOTHING RETURNING 1)"
     " SELECT count(*) FROM ins",
     AT(groups_new)},
    {"SELECT count(DISTINCT codename) FROM dj_perm", AT(perms)},
    {"WITH ins AS (INSERT INTO accounts_permission (codename, name)"
     " SELECT DISTINCT ON (codename) codename, name FROM dj_perm"
     " ORDER BY codename, id ON CONFLICT (codename) DO UPDATE"
     " SET name = EXCLUDED.name RETURNING (xmax = 0) AS new)"
     " SELECT count(*) FILTER (WHERE new) FROM ins",
     AT(perms_new)},
    /* Django's ids to ours. */
    {"CREATE TEMP TABLE dj_umap ON COMMIT DROP AS SELECT d.id AS dj, a.id"
     " FROM dj_user d JOIN accounts_user a ON a.username_key ="
     " d.username_key; CREATE TEMP TABLE dj_gmap ON COMMIT DROP AS"
     " SELECT d.id AS dj, a.id FROM dj_group d JOIN accounts_group a"
     " ON a.name = d.name; CREATE TEMP TABLE dj_pmap ON COMMIT DROP AS"
     " SELECT d.id AS dj, a.id FROM dj_perm d JOIN accounts_permission a"
     " ON a.codename = d.codename; ANALYZE dj_umap; ANALYZE dj_gmap;"
     " ANALYZE dj_pmap",
     NONE},
    {"CREATE TEMP TABLE dj_want ON COMMIT DROP AS SELECT DISTINCT u.id AS a,"
     " g.id AS b FROM dj_user_groups d JOIN dj_umap u ON u.dj = d.user_id"
     " JOIN dj_gmap g ON g.dj = d.group_id; " SYNC(
         "accounts_user_groups", "user_id", "dj_umap", "group_id", "dj_gmap"),
     NONE},
    {"SELECT count(*) FROM dj_want", AT(user_groups)},
    {"DROP TABLE dj_want; CREATE TEMP TABLE dj_want ON COMMIT DROP AS"
     " SELECT DISTINCT g.id AS a, p.id AS b FROM dj_group_perms d JOIN"
     " dj_gmap g ON g.dj = d.group_id JOIN dj_pmap p ON p.dj = "
     "d.perm_id; " SYNC("accounts_group_permissions", "group_id", "dj_gmap",
                        "permission_id", "dj_pmap"),
     NONE},
    {"SELECT count(*) FROM dj_want", AT(group_perms)},
    {"DROP TABLE dj_want; CREATE TEMP TABLE dj_want ON COMMIT DROP AS"
     " SELECT DISTINCT u.id AS a, p.id AS b FROM dj_user_perms d JOIN"
     " dj_umap u ON u.dj = d.user_id JOIN dj_pmap p ON p.dj = d.perm_id; " SYNC(
         "accounts_user_permissions", "user_id", "dj_umap", "permission_id",
         "dj_pmap"),
     NONE},
    {"SELECT count(*) FROM dj_want", AT(user_perms)},
};

typedef struct {
    apr_pool_t *p;
    const apr_dbd_driver_t *d;
    apr_dbd_t *dst, *src;
    const char **err;
} imp_t;

static acc_store_rc_t fail_on(imp_t *im, apr_dbd_t *h, int rv, const char *what)
{
    *im->err = apr_psprintf(im->p, "%s: %s", what,
                            acc_store_dberr(im->p, im->d, h, rv));
    return ACC_STORE_ERROR;
}

/* Run sql on h; the first row's fields into out[0..n-1] (as numbers). */
static acc_store_rc_t one_row(imp_t *im, apr_dbd_t *h, const char *sql,
                              const char *what, long *out, int n)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv, i;

    if (n == 0) {
        int nrows = 0;
        rv = apr_dbd_query(im->d, h, &nrows, sql);
        return rv == 0 ? ACC_STORE_OK : fail_on(im, h, rv, what);
    }
    rv = apr_dbd_select(im->d, im->p, h, &res, sql, 1);
    if (rv != 0) {
        return fail_on(im, h, rv, what);
    }
    if (apr_dbd_get_row(im->d, im->p, res, &row, -1) != 0 || row == NULL) {
        *im->err = apr_psprintf(im->p, "%s: no answer", what);
        return ACC_STORE_ERROR;
    }
    for (i = 0; i < n; i++) {
        const char *v = apr_dbd_get_entry(im->d, row, i);
        out[i] = v ? (long)apr_atoi64(v) : 0;
    }
    return ACC_STORE_OK;
}

/* Django's schema is there: every table, with the columns we read. */
static acc_store_rc_t check_django(imp_t *im)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *missing = NULL;
    apr_size_t i;
    int rv;

    for (i = 0; DJANGO_TABLES[i]; i++) {
        const char *sql = apr_psprintf(
            im->p, "SELECT to_regclass('%s') IS NULL", DJANGO_TABLES[i]);
        const char *v;
        rv = apr_dbd_select(im->d, im->p, im->src, &res, sql, 1);
        if (rv != 0) {
            return fail_on(im, im->src, rv, "cannot read the Django database");
        }
        if (apr_dbd_get_row(im->d, im->p, res, &row, -1) == 0 && row &&
            (v = apr_dbd_get_entry(im->d, row, 0)) != NULL && *v == 't') {
            missing = DJANGO_TABLES[i];
            apr_dbd_get_row(im->d, im->p, res, &row, -1);
            break;
        }
        apr_dbd_get_row(im->d, im->p, res, &row, -1);
    }
    if (missing) {
        *im->err = apr_psprintf(
            im->p,
            "the source is not a Django auth schema: it has no table '%s' "
            "(is --from the Django site's database, after 'manage.py "
            "migrate'?)",
            missing);
        return ACC_STORE_ERROR;
    }
    for (i = 0; i < sizeof(TRANSFERS) / sizeof(TRANSFERS[0]); i++) {
        const char *sql =
            apr_pstrcat(im->p, TRANSFERS[i].select, " LIMIT 0", NULL);
        int n = 0;
        rv = apr_dbd_query(im->d, im->src, &n, sql);
        if (rv != 0) {
            return fail_on(
                im, im->src, rv,
                apr_psprintf(im->p,
                             "the source's %s is not Django's (a column "
                             "is missing)",
                             TRANSFERS[i].what));
        }
    }
    return ACC_STORE_OK;
}

/* Field c of row, or NULL for SQL's NULL (apr_dbd_get_entry gives ""). */
static const char *entry(imp_t *im, apr_dbd_row_t *row, int c)
{
    const char *v = NULL;

    if (apr_dbd_datum_get(im->d, row, c, APR_DBD_TYPE_STRING, &v) !=
        APR_SUCCESS) {
        return NULL;
    }
    return v;
}

/* One value as SQL: a quoted, escaped literal, or NULL. */
static void append_value(imp_t *im, apr_array_header_t *sql, const char *v)
{
    if (v == NULL) {
        APR_ARRAY_PUSH(sql, const char *) = "NULL";
        return;
    }
    APR_ARRAY_PUSH(sql, const char *) = "'";
    APR_ARRAY_PUSH(sql, const char *) =
        apr_dbd_escape(im->d, im->p, v, im->dst);
    APR_ARRAY_PUSH(sql, const char *) = "'";
}

/* Copy one of Django's tables into its temporary table, a page at a
 * time; *count gets the rows. */
static acc_store_rc_t transfer(imp_t *im, const transfer_t *t, long *count)
{
    apr_int64_t last = 0;
    int first = 1;
    apr_pool_t *page;
    long n = 0;

    apr_pool_create(&page, im->p);
    for (;;) {
        apr_dbd_results_t *res = NULL;
        apr_dbd_row_t *row = NULL;
        apr_array_header_t *sql = apr_array_make(page, 1024, sizeof(char *));
        imp_t pim = *im;
        int rv, got = 0, in_batch = 0, c;
        const char *sel;
        acc_store_rc_t rc;

        pim.p = page;
        sel = first ? apr_psprintf(page,
                                   "SELECT * FROM (%s) q ORDER BY id LIMIT %d",
                                   t->select, PAGE)
                    : apr_psprintf(
                          page,
                          "SELECT * FROM (%s) q WHERE id > %" APR_INT64_T_FMT
                          " ORDER BY id LIMIT %d",
                          t->select, last, PAGE);
        rv = apr_dbd_select(im->d, page, im->src, &res, sel, 1);
        if (rv != 0) {
            rc = fail_on(im, im->src, rv,
                         apr_psprintf(im->p, "cannot read %s", t->what));
            apr_pool_destroy(page);
            return rc;
        }
        while (apr_dbd_get_row(im->d, page, res, &row, -1) == 0) {
            const char *id = apr_dbd_get_entry(im->d, row, 0);
            if (in_batch == 0) {
                APR_ARRAY_PUSH(sql, const char *) = apr_pstrcat(
                    page, "INSERT INTO ", t->table, " VALUES ", NULL);
            }
            else {
                APR_ARRAY_PUSH(sql, const char *) = ",";
            }
            APR_ARRAY_PUSH(sql, const char *) = "(";
            for (c = 0; c < t->ncols; c++) {
                if (c) {
                    APR_ARRAY_PUSH(sql, const char *) = ",";
                }
                append_value(&pim, sql, entry(im, row, c));
            }
            if (t->name_col >= 0) {
                const char *name = apr_dbd_get_entry(im->d, row, t->name_col);
                APR_ARRAY_PUSH(sql, const char *) = ",";
                append_value(&pim, sql,
                             acc_username_key(page, name ? name : ""));
            }
            APR_ARRAY_PUSH(sql, const char *) = ")";
            last = id ? apr_atoi64(id) : last;
            got++;
            if (++in_batch == BATCH) {
                int nrows = 0;
                rv = apr_dbd_query(im->d, im->dst, &nrows,
                                   apr_array_pstrcat(page, sql, 0));
                if (rv != 0) {
                    rc =
                        fail_on(im, im->dst, rv,
                                apr_psprintf(im->p, "cannot copy %s", t->what));
                    apr_pool_destroy(page);
                    return rc;
                }
                apr_array_clear(sql);
                in_batch = 0;
            }
        }
        if (in_batch > 0) {
            int nrows = 0;
            rv = apr_dbd_query(im->d, im->dst, &nrows,
                               apr_array_pstrcat(page, sql, 0));
            if (rv != 0) {
                rc = fail_on(im, im->dst, rv,
                             apr_psprintf(im->p, "cannot copy %s", t->what));
                apr_pool_destroy(page);
                return rc;
            }
        }
        n += got;
        first = 0;
        apr_pool_clear(page);
        if (got < PAGE) {
            break;
        }
    }
    apr_pool_destroy(page);
    *count = n;
    return ACC_STORE_OK;
}

/* What stops the import, if anything: each check's SQL gives up to five
 * rows naming what is wrong, and the message that goes before them. */
static const struct {
    const char *sql, *why;
} REFUSALS[] = {
    {"SELECT string_agg(quote_literal(username), ', ' ORDER BY username)"
     " FROM dj_user GROUP BY username_key HAVING count(*) > 1 ORDER BY 1"
     " LIMIT 5",
     "Django users whose names differ only in case cannot all be imported "
     "(names are unique here whatever their case, as Django's forms check "
     "them); rename all but one on the Django site, then import again"},
    {"SELECT quote_literal(d.username) || ' (here: ' ||"
     " quote_literal(a.username) || ')' FROM dj_user d JOIN accounts_user a"
     " ON a.username_key = d.username_key WHERE a.username <> d.username"
     " AND NOT EXISTS (SELECT 1 FROM accounts_django_import i WHERE"
     " i.user_id = a.id) ORDER BY 1 LIMIT 5",
     "Django users whose names differ only in case from users of ours who "
     "did not come from Django: they may be other people, so neither "
     "account is taken over; rename one side, then import again"},
    {"SELECT quote_literal(name) FROM dj_group WHERE name ~"
     " E'[\\x01-\\x1f\\x7f,]' OR name <> btrim(name) OR name = ''"
     " ORDER BY 1 LIMIT 5",
     "Django groups whose names hold a control character or a comma, or "
     "spaces at an end, which group names here cannot (X-Remote-Groups "
     "separates them with commas); rename them on the Django site"},
    {"SELECT DISTINCT quote_literal(codename) FROM dj_perm WHERE"
     " length(codename) > 100 ORDER BY 1 LIMIT 5",
     "Django permissions whose app_label.codename is longer than the 100 "
     "characters a permission has here"},
};

/* The first refusal that applies: NULL, or its message in p. */
static acc_store_rc_t refusal(imp_t *im, const char **msg)
{
    apr_size_t i;

    *msg = NULL;
    for (i = 0; i < sizeof(REFUSALS) / sizeof(REFUSALS[0]); i++) {
        apr_dbd_results_t *res = NULL;
        apr_dbd_row_t *row = NULL;
        const char *names = NULL;
        int rv =
            apr_dbd_select(im->d, im->p, im->dst, &res, REFUSALS[i].sql, 1);
        if (rv != 0) {
            return fail_on(im, im->dst, rv, "cannot check the names");
        }
        while (apr_dbd_get_row(im->d, im->p, res, &row, -1) == 0) {
            const char *v = apr_dbd_get_entry(im->d, row, 0);
            names = names ? apr_pstrcat(im->p, names, "; ", v, NULL)
                          : apr_pstrdup(im->p, v);
        }
        if (names) {
            *msg = apr_psprintf(im->p, "%s: %s", REFUSALS[i].why, names);
            return ACC_STORE_OK;
        }
    }
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_import_django(apr_pool_t *p,
                                       const apr_dbd_driver_t *driver,
                                       apr_dbd_t *dst, apr_dbd_t *src,
                                       acc_import_counts_t *n, const char **err)
{
    imp_t im = {p, driver, dst, src, err};
    long copied;
    const char *names;
    apr_size_t i, m;
    int rv, nrows;
    acc_store_rc_t rc;

    memset(n, 0, sizeof(*n));
    if (acc_store_django_version(p, driver, dst, &rv, err) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (rv > 0) {
        *err = "this database uses the Django site's tables in place "
               "(accountsctl migrate --django): its users are the Django "
               "site's already, there is nothing to import";
        return ACC_STORE_ERROR;
    }
    /* Text crosses as UTF-8 whatever each database's encoding (a LATIN1
     * Django database is converted by its server). */
    rv =
        apr_dbd_query(driver, src, &nrows,
                      "SET client_encoding = 'UTF8';"
                      " BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;"
                      " SET LOCAL DateStyle = ISO; SET LOCAL TimeZone = 'UTC'");
    if (rv != 0) {
        return fail_on(&im, src, rv, "cannot read the Django database");
    }
    if ((rc = check_django(&im)) != ACC_STORE_OK) {
        return rc;
    }
    rv = apr_dbd_query(driver, dst, &nrows,
                       "SET client_encoding = 'UTF8'; BEGIN");
    if (rv != 0) {
        return fail_on(&im, dst, rv, "cannot start the import");
    }
    if ((rc = one_row(&im, dst, TEMP_TABLES, "cannot start the import", NULL,
                      0)) != ACC_STORE_OK) {
        goto rollback;
    }
    for (i = 0; i < sizeof(TRANSFERS) / sizeof(TRANSFERS[0]); i++) {
        if ((rc = transfer(&im, &TRANSFERS[i], &copied)) != ACC_STORE_OK) {
            goto rollback;
        }
    }
    if ((rc = one_row(&im, dst,
                      "ANALYZE dj_user; ANALYZE dj_group; ANALYZE dj_perm",
                      "cannot merge", NULL, 0)) != ACC_STORE_OK ||
        (rc = refusal(&im, &names)) != ACC_STORE_OK) {
        goto rollback;
    }
    if (names) {
        *err = names;
        rc = ACC_STORE_ERROR;
        goto rollback;
    }
    for (m = 0; m < sizeof(MERGE) / sizeof(MERGE[0]); m++) {
        long v = 0;
        int cols = MERGE[m].count != NONE;
        if ((rc = one_row(&im, dst, MERGE[m].sql, "cannot merge", &v, cols)) !=
            ACC_STORE_OK) {
            goto rollback;
        }
        if (cols) {
            *(long *)((char *)n + MERGE[m].count) = v;
        }
    }
    n->users += n->users_new;
    rv = apr_dbd_query(driver, dst, &nrows, "COMMIT");
    if (rv != 0) {
        return fail_on(&im, dst, rv, "cannot commit the import");
    }
    apr_dbd_query(driver, src, &nrows, "COMMIT");
    return ACC_STORE_OK;

rollback:
    apr_dbd_query(driver, dst, &nrows, "ROLLBACK");
    apr_dbd_query(driver, src, &nrows, "ROLLBACK");
    return rc;
}
