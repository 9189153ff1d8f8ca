/*
 * src/store/djsessions.c -- a Django site's sessions and users, read where
 * Django keeps them (AccountsDjangoSessions): django_session, auth_user,
 * and its groups and permissions, in the same database as ours.
 *
 * Plain queries, not prepared statements: the tables are Django's and
 * exist only where a Django site shares the database, and every store
 * prepares its statements when it opens.  Nothing outside goes into them
 * unchecked: the session key is 8 to 40 characters of [a-z0-9]
 * (acc_djsession_key_ok) and the user id a number.
 */
#include "internal.h"
#include "core/djsession.h"

#include <apr_strings.h>

/* The first row of sql's answer, or ACC_STORE_NOTFOUND. */
static acc_store_rc_t sel(acc_store_t *st, apr_pool_t *p, const char *sql,
                          apr_dbd_row_t **row)
{
    apr_dbd_results_t *res;

    *row = NULL;
    if (acc_store_sel_sql(st, p, sql, &res) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    *row = acc_store_first_row(st, p, res);
    return *row ? ACC_STORE_OK : ACC_STORE_NOTFOUND;
}

acc_store_rc_t acc_store_django_session(acc_store_t *st, apr_pool_t *p,
                                        const char *key, const char **data,
                                        apr_time_t *expires)
{
    apr_dbd_row_t *row;
    acc_store_rc_t rc;

    if (!acc_djsession_key_ok(key)) {
        return ACC_STORE_NOTFOUND;
    }
    rc = sel(st, p,
             apr_pstrcat(p,
                         "SELECT session_data, extract(epoch from "
                         "expire_date)::bigint FROM django_session WHERE "
                         "session_key = '",
                         key, "' AND expire_date > now()", NULL),
             &row);
    if (rc != ACC_STORE_OK) {
        return rc;
    }
    *data = acc_store_col(st->driver, row, 0, p);
    *expires =
        apr_time_from_sec(acc_store_i64(apr_dbd_get_entry(st->driver, row, 1)));
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_django_user(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t id, acc_session_row_t **out)
{
    apr_dbd_row_t *row;
    acc_session_row_t *s;
    acc_store_rc_t rc;
    const char *sql = apr_psprintf(
        p,
        /* the columns acc_store_read_user reads, the password included
         * (the session is tied to it), then the groups and the
         * permissions as app_label.codename, \x1f between */
        "SELECT u.id, u.username, u.email, u.password, u.first_name,"
        " u.last_name, u.is_active::int, u.is_staff::int, u.is_superuser::int,"
        " extract(epoch from u.date_joined)::bigint,"
        " coalesce(extract(epoch from u.last_login)::bigint, 0),"
        /* a name with our separator or X-Remote-Groups' comma in it
         * would read as two groups: such a group counts for nothing */
        " coalesce((SELECT string_agg(g.name, E'\\x1f' ORDER BY g.name)"
        " FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id"
        " WHERE ug.user_id = u.id AND strpos(g.name, E'\\x1f') = 0 AND"
        " strpos(g.name, ',') = 0), ''),"
        " coalesce((SELECT string_agg(c.app_label || '.' || p.codename,"
        " E'\\x1f' ORDER BY c.app_label, p.codename) FROM auth_permission p "
        "JOIN"
        " django_content_type c ON c.id = p.content_type_id WHERE p.id IN"
        " (SELECT permission_id FROM auth_user_user_permissions WHERE"
        " user_id = u.id UNION SELECT gp.permission_id FROM"
        " auth_group_permissions gp JOIN auth_user_groups ug ON ug.group_id"
        " = gp.group_id WHERE ug.user_id = u.id)), ''),"
        /* whether the user has a second factor here: in live tables the
         * same user, else the user of ours imported from this one */
        " EXISTS (SELECT 1 FROM accounts_mfa m WHERE m.confirmed IS NOT"
        " NULL AND %s)::int"
        " FROM auth_user u WHERE u.id = %" APR_INT64_T_FMT,
        st->django ? "m.user_id = u.id"
                   : "m.user_id IN (SELECT i.user_id FROM"
                     " accounts_django_import i WHERE i.django_id = u.id)",
        id);

    if (id <= 0) {
        return ACC_STORE_NOTFOUND;
    }
    if ((rc = sel(st, p, sql, &row)) != ACC_STORE_OK) {
        return rc;
    }
    s = apr_pcalloc(p, sizeof(*s));
    acc_store_read_user(st, row, p, &s->user);
    s->groups = acc_store_col(st->driver, row, 11, p);
    s->perms = acc_store_col(st->driver, row, 12, p);
    s->mfa = acc_store_i64(apr_dbd_get_entry(st->driver, row, 13)) == 1;
    *out = s;
    return ACC_STORE_OK;
}

acc_store_rc_t acc_store_django_name_taken(acc_store_t *st, apr_pool_t *p,
                                           const char *username_key,
                                           apr_int64_t django_id, int *taken)
{
    apr_dbd_row_t *row;
    acc_store_rc_t rc;

    *taken = 0;
    if (st->django) {
        return ACC_STORE_OK; /* live tables: the same user */
    }
    rc = sel(
        st, p,
        apr_psprintf(p,
                     "SELECT 1 FROM accounts_user a WHERE"
                     " a.username_key = '%s' AND NOT EXISTS (SELECT 1"
                     " FROM accounts_django_import i WHERE i.user_id ="
                     " a.id AND i.django_id = %" APR_INT64_T_FMT ")",
                     apr_dbd_escape(st->driver, p, username_key, st->handle),
                     django_id),
        &row);
    if (rc == ACC_STORE_OK) {
        *taken = 1;
    }
    return rc == ACC_STORE_ERROR ? rc : ACC_STORE_OK;
}

acc_store_rc_t acc_store_django_has_name(acc_store_t *st, apr_pool_t *p,
                                         const char *username, int *has)
{
    apr_dbd_row_t *row;
    acc_store_rc_t rc;

    *has = 0;
    if (st->django) {
        return ACC_STORE_OK; /* live tables: registration's own check */
    }
    rc = sel(st, p,
             apr_pstrcat(p,
                         "SELECT 1 FROM auth_user WHERE lower(username) ="
                         " lower('",
                         apr_dbd_escape(st->driver, p, username, st->handle),
                         "')", NULL),
             &row);
    if (rc == ACC_STORE_OK) {
        *has = 1;
    }
    return rc == ACC_STORE_ERROR ? rc : ACC_STORE_OK;
}
