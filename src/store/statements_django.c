/*
 * src/store/statements_django.c -- the statements that touch users,
 * groups and permissions, on the Django site's own tables (live tables:
 * `accountsctl migrate --django`, AccountsUserSchema django).
 *
 * Each takes the same values and answers the same columns as its
 * namesake in statements.c, so nothing above the store knows which tables
 * it talks to.  What Django's auth_user lacks (email_verified,
 * pending_email) is in accounts_django_user; a user without a row there
 * (made by the Django site) counts as verified.  A permission is named
 * app_label.codename (django_content_type's app_label: Django's has_perm
 * names).  Statements not here (sessions, mail, throttle, audit, profile)
 * are statements.c's on both.
 */
#include "internal.h"

/* A user's columns (USER_COLS in statements.c), from auth_user u. */
#define DJ_USER_COLS                                                           \
    "u.id, u.username, u.email, u.password, u.first_name, u.last_name,"        \
    " u.is_active::int, u.is_staff::int, u.is_superuser::int,"                 \
    " extract(epoch from u.date_joined)::bigint,"                              \
    " coalesce(floor(extract(epoch from u.last_login))::bigint, 0)"

/* ... and USER_LOOKUP_COLS' two more, from accounts_django_user x. */
#define DJ_LOOKUP_COLS                                                         \
    DJ_USER_COLS ", coalesce(x.email_verified, true)::int,"                    \
                 " coalesce(x.pending_email, '')"

#define DJ_USERS                                                               \
    " FROM auth_user u LEFT JOIN accounts_django_user x ON x.user_id = u.id"

/* A permission's name. */
#define DJ_PERM_NAME "(ct.app_label || '.' || p.codename)"
#define DJ_PERMS                                                               \
    " auth_permission p JOIN django_content_type ct"                           \
    " ON ct.id = p.content_type_id"

/* A row's id from its name.  Two of Django's permissions can share a name
 * (one codename on two models of an app): either is it. */
#define DJ_USER_ID  "(SELECT id FROM auth_user WHERE username = %s)"
#define DJ_GROUP_ID "(SELECT id FROM auth_group WHERE name = %s)"
#define DJ_PERM_ID                                                             \
    "(SELECT p.id FROM" DJ_PERMS " WHERE " DJ_PERM_NAME " = %s"                \
    " ORDER BY p.id LIMIT 1)"

/* A group or permission name that reads as two (our separator, the comma
 * of X-Remote-Groups) or holds a control character counts for nothing:
 * Django allows them, we never make them. */
#define DJ_NAME_OK " !~ '[\\x01-\\x1f\\x7f,]'"

/* Mark this transaction's password write as ours: the trigger that ends
 * the sessions of a user whose hash the Django site changes leaves it to
 * us (migrations-django/001). */
#define DJ_OWN_PASSWORD "set_config('accounts.own_password', '1', true)"

const acc_stmt_t acc_store_stmts_django[S_COUNT] = {
    [S_USER_BY_NAME] = {NULL, "SELECT " DJ_LOOKUP_COLS DJ_USERS
                              " WHERE u.username = %s"},
    [S_USER_BY_ID] = {NULL, "SELECT " DJ_LOOKUP_COLS DJ_USERS
                            " WHERE u.id = %s::bigint"},
    [S_USER_BY_EMAIL] = {NULL, "SELECT " DJ_LOOKUP_COLS DJ_USERS
                               " WHERE lower(u.email) = lower(%s)"
                               " ORDER BY u.id LIMIT 20"},
    [S_USER_BY_PENDING_EMAIL] = {NULL, "SELECT " DJ_LOOKUP_COLS DJ_USERS
                                       " WHERE x.pending_email <> '' AND"
                                       " lower(x.pending_email) = lower(%s)"
                                       " ORDER BY u.id LIMIT 20"},
    [S_USER_SET_NAMES] = {NULL, "UPDATE auth_user SET first_name = %s,"
                                " last_name = %s WHERE id = %s::bigint"},
    [S_USER_SET_EMAIL] = {NULL,
                          "WITH a AS (UPDATE auth_user SET email = %s"
                          " WHERE id = %s::bigint RETURNING id)"
                          " INSERT INTO accounts_django_user (user_id,"
                          " email_verified, pending_email) SELECT id, false,"
                          " '' FROM a ON CONFLICT (user_id) DO UPDATE SET"
                          " email_verified = false, pending_email = ''"},
    /* A user without a row was verified (as Django has it). */
    [S_USER_SET_PENDING_EMAIL] = {NULL,
                                  "INSERT INTO accounts_django_user"
                                  " (pending_email, user_id, email_verified)"
                                  " SELECT %s::text, u.id, true FROM"
                                  " auth_user u WHERE u.id = %s::bigint"
                                  " ON CONFLICT (user_id) DO UPDATE SET"
                                  " pending_email = EXCLUDED.pending_email"},
    [S_USER_VERIFY] =
        {NULL, "WITH v AS (SELECT %s::text AS email, %s::bigint AS id,"
               " %s::text AS pending, %s::text AS cur), t AS (SELECT u.id,"
               " v.email FROM v JOIN auth_user u ON u.id = v.id LEFT JOIN"
               " accounts_django_user x ON x.user_id = u.id WHERE"
               " lower(coalesce(x.pending_email, '')) = lower(v.pending) OR"
               " (coalesce(x.pending_email, '') = '' AND lower(u.email) ="
               " lower(v.cur))), a AS (UPDATE auth_user u SET email ="
               " t.email FROM t WHERE u.id = t.id RETURNING u.id)"
               " INSERT INTO accounts_django_user (user_id, email_verified,"
               " pending_email) SELECT id, true, '' FROM a ON CONFLICT"
               " (user_id) DO UPDATE SET email_verified = true,"
               " pending_email = ''"},
    [S_USER_VERIFY_NAME] =
        {NULL,
         "WITH t AS (SELECT u.id, CASE WHEN coalesce(x.pending_email,"
         " '') <> '' THEN x.pending_email ELSE u.email END AS email" DJ_USERS
         " WHERE u.username = %s), a AS (UPDATE auth_user u"
         " SET email = t.email FROM t WHERE u.id = t.id RETURNING"
         " u.id) INSERT INTO accounts_django_user (user_id,"
         " email_verified, pending_email) SELECT id, true, '' FROM a"
         " ON CONFLICT (user_id) DO UPDATE SET email_verified = true,"
         " pending_email = '' RETURNING user_id"},
    /* The name's uniqueness in any case is the index on upper(username)
     * (ON CONFLICT names none: any unique index counts); username_key is
     * not stored.  Django's columns have no defaults in the database. */
    [S_USER_CREATE] =
        {NULL, "WITH v AS (SELECT %s::text AS username, %s::text AS ukey,"
               " %s::text AS email, %s::text AS password, %s::text AS"
               " first_name, %s::text AS last_name, %s::int::boolean AS"
               " is_active, %s::int::boolean AS is_staff, %s::int::boolean"
               " AS is_superuser, %s::int::boolean AS verified), a AS"
               " (INSERT INTO auth_user (username, email, password,"
               " first_name, last_name, is_active, is_staff, is_superuser,"
               " date_joined) SELECT username, email, password, first_name,"
               " last_name, is_active, is_staff, is_superuser, now() FROM v"
               " ON CONFLICT DO NOTHING RETURNING id), x AS (INSERT INTO"
               " accounts_django_user (user_id, email_verified) SELECT a.id,"
               " v.verified FROM a, v) SELECT id FROM a"},
    [S_USER_SET_PASSWORD] = {NULL, "UPDATE auth_user SET password = %s"
                                   " WHERE id = %s::bigint AND " DJ_OWN_PASSWORD
                                   " IS NOT NULL"},
    [S_USER_TOUCH_LOGIN] = {NULL, "UPDATE auth_user SET last_login = now()"
                                  " WHERE id = %s::bigint"},
    [S_USER_SET_ACTIVE] = {NULL, "UPDATE auth_user SET is_active ="
                                 " %s::int::boolean WHERE username = %s"
                                 " RETURNING id"},
    [S_USER_LIST] = {NULL,
                     "SELECT " DJ_USER_COLS " FROM auth_user u WHERE u.id >"
                     " %s::bigint AND (%s = '' OR position(lower(%s) in"
                     " lower(u.username)) > 0 OR position(lower(%s) in"
                     " lower(u.email)) > 0) ORDER BY u.id LIMIT %s::int"},
    [S_SESSION_GET] =
        {NULL,
         "SELECT u.id, u.username, u.email, '', u.first_name,"
         " u.last_name, u.is_active::int, u.is_staff::int,"
         " u.is_superuser::int, extract(epoch from u.date_joined)::bigint,"
         " coalesce(extract(epoch from u.last_login)::bigint, 0),"
         " extract(epoch from s.created)::bigint,"
         " extract(epoch from s.last_seen)::bigint,"
         " extract(epoch from s.expires)::bigint,"
         " coalesce((SELECT string_agg(g.name, E'\\x1f' ORDER BY g.name)"
         " FROM auth_user_groups ug JOIN auth_group g ON g.id = ug.group_id"
         " WHERE ug.user_id = u.id AND g.name" DJ_NAME_OK "), ''),"
         " coalesce((SELECT string_agg(n, E'\\x1f' ORDER BY n) FROM"
         " (SELECT DISTINCT " DJ_PERM_NAME " AS n FROM" DJ_PERMS
         " WHERE p.id IN (SELECT permission_id FROM"
         " auth_user_user_permissions WHERE user_id = u.id UNION SELECT"
         " gp.permission_id FROM auth_group_permissions gp JOIN"
         " auth_user_groups ug ON ug.group_id = gp.group_id WHERE"
         " ug.user_id = u.id)) d WHERE n" DJ_NAME_OK "), '')," SESSION_MFA_COLS
         " FROM accounts_session s JOIN auth_user u ON u.id = s.user_id"
         " WHERE s.token_hash = %s AND s.expires > now() AND u.is_active"
         " AND (%s::bigint = 0 OR s.last_seen > now() -"
         " make_interval(secs => %s::bigint))"},
    [S_GROUP_GET] = {NULL, "SELECT id FROM auth_group WHERE name = %s"},
    [S_GROUP_CREATE] = {NULL, "INSERT INTO auth_group (name) VALUES (%s)"
                              " ON CONFLICT DO NOTHING"},
    /* Django's own links to a group do not cascade in the database (its
     * ORM deletes them first): so here. */
    [S_GROUP_DELETE] = {NULL,
                        "WITH g AS (SELECT id FROM auth_group WHERE name ="
                        " %s), a AS (DELETE FROM auth_user_groups WHERE"
                        " group_id IN (SELECT id FROM g)), b AS (DELETE FROM"
                        " auth_group_permissions WHERE group_id IN (SELECT id"
                        " FROM g)) DELETE FROM auth_group WHERE id IN"
                        " (SELECT id FROM g)"},
    [S_GROUP_ADD_USER] = {NULL, "INSERT INTO auth_user_groups (user_id,"
                                " group_id) VALUES (" DJ_USER_ID
                                ", " DJ_GROUP_ID ") ON CONFLICT DO NOTHING"},
    [S_GROUP_REMOVE_USER] = {NULL, "DELETE FROM auth_user_groups WHERE"
                                   " user_id = " DJ_USER_ID
                                   " AND group_id = " DJ_GROUP_ID},
    [S_GROUP_LIST] = {NULL, "SELECT g.name, coalesce(string_agg(u.username, ','"
                            " ORDER BY u.username), '') FROM auth_group g LEFT"
                            " JOIN auth_user_groups ug ON ug.group_id = g.id"
                            " LEFT JOIN auth_user u ON u.id = ug.user_id"
                            " GROUP BY g.name ORDER BY g.name"},
    /* Django's permissions belong to its models: one is made by Django's
     * migrations, never here.  This finds it (acc_perm_set refuses a
     * grant of one that is not there). */
    [S_PERM_CREATE] = {NULL,
                       "SELECT 1 FROM" DJ_PERMS " WHERE " DJ_PERM_NAME " = %s"},
    [S_PERM_GRANT_USER] = {NULL, "INSERT INTO auth_user_user_permissions"
                                 " (user_id, permission_id) VALUES"
                                 " (" DJ_USER_ID ", " DJ_PERM_ID ")"
                                 " ON CONFLICT DO NOTHING"},
    [S_PERM_GRANT_GROUP] = {NULL, "INSERT INTO auth_group_permissions"
                                  " (group_id, permission_id) VALUES"
                                  " (" DJ_GROUP_ID ", " DJ_PERM_ID ")"
                                  " ON CONFLICT DO NOTHING"},
    [S_PERM_REVOKE_USER] = {NULL,
                            "DELETE FROM auth_user_user_permissions"
                            " WHERE user_id = " DJ_USER_ID
                            " AND permission_id IN (SELECT p.id FROM" DJ_PERMS
                            " WHERE " DJ_PERM_NAME " = %s)"},
    [S_PERM_REVOKE_GROUP] = {NULL,
                             "DELETE FROM auth_group_permissions"
                             " WHERE group_id = " DJ_GROUP_ID
                             " AND permission_id IN (SELECT p.id FROM" DJ_PERMS
                             " WHERE " DJ_PERM_NAME " = %s)"},
    [S_PERM_LIST] =
        {NULL,
         "SELECT 'user', u.username, " DJ_PERM_NAME " FROM"
         " auth_user_user_permissions x JOIN auth_user u ON"
         " u.id = x.user_id JOIN" DJ_PERMS " ON p.id ="
         " x.permission_id UNION ALL SELECT 'group', g.name, " DJ_PERM_NAME
         " FROM auth_group_permissions x JOIN"
         " auth_group g ON g.id = x.group_id JOIN" DJ_PERMS
         " ON p.id = x.permission_id ORDER BY 1, 2, 3"},
    /* Taken in any case as the unique index has it
     * (accounts_username_fold, migrations-django/001). */
    [S_REGISTER_BEGIN] =
        {NULL, "SELECT set_config('synchronous_commit', 'off', true) IS NULL,"
               " CASE WHEN %s::int > 0 THEN accounts_throttle_try_window('reg',"
               " %s, %s::int, %s::int) ELSE 0 END, EXISTS (SELECT 1 FROM"
               " auth_user WHERE accounts_username_fold(username) ="
               " accounts_username_fold(%s))::int"},
    [S_LOGIN_BEGIN] = {NULL, "SELECT " DJ_LOOKUP_COLS
                             ", w.wait, w.by_device," LOGIN_MFA_COL
                             " FROM accounts_django_login_begin(%s, %s,"
                             " %s::int, %s::int, %s, %s::int, %s::int,"
                             " %s::int, %s, %s::bigint, %s::bigint) w"
                             " LEFT JOIN auth_user u ON u.id = w.user_id"
                             " LEFT JOIN accounts_django_user x"
                             " ON x.user_id = u.id"},
    [S_LOGIN_END] = {NULL, "SELECT accounts_django_login_end(%s::bigint, %s,"
                           " %s, %s::int, %s, %s, %s, %s, %s::bigint, %s, %s,"
                           " %s::int, %s, %s, %s, %s)"},
};
