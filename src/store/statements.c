/*
 * src/store/statements.c -- every prepared statement: its label and SQL.
 *
 * Indexed by internal.h's S_* names; the function that runs each is in
 * the file of its concern.  Values are always placeholders (%s), never
 * spliced in.  The labels, accounts_<table>_<verb>, name our statements on
 * a shared connection (acc_store_reopen drops these and no others).
 */
#include "internal.h"

/* A user's columns, in the order acc_store_read_user reads them. */
#define USER_COLS                                                              \
    "id, username, email, password, first_name, last_name,"                    \
    " is_active::int, is_staff::int, is_superuser::int,"                       \
    " extract(epoch from date_joined)::bigint," /* floor: Django drops the     \
                                                   fraction (reset tokens hash \
                                                   it) */                      \
    " coalesce(floor(extract(epoch from last_login))::bigint, 0)"

/* The same and what only a user lookup reads (acc_store_read_user_full). */
#define USER_LOOKUP_COLS USER_COLS ", email_verified::int, pending_email"

/* A session's columns for the "your sessions" page, in the order
 * sessions.c reads them. */
#define SESSION_INFO_COLS                                                      \
    "id, token_hash, extract(epoch from created)::bigint,"                     \
    " extract(epoch from last_seen)::bigint,"                                  \
    " extract(epoch from expires)::bigint, address, user_agent,"               \
    " persistent::int"

/* How long a setup waits for its confirming code. */
#define MFA_SETUP_LIFE "interval '10 minutes'"

/* A row's id from its name. */
#define USER_ID  "(SELECT id FROM accounts_user WHERE username = %s)"
#define GROUP_ID "(SELECT id FROM accounts_group WHERE name = %s)"
#define PERM_ID  "(SELECT id FROM accounts_permission WHERE codename = %s)"

const acc_stmt_t acc_store_stmts[S_COUNT] = {
    [S_USER_BY_NAME] = {"accounts_user_get",
                        "SELECT " USER_LOOKUP_COLS
                        " FROM accounts_user WHERE username = %s"},
    [S_USER_BY_ID] = {"accounts_user_getid",
                      "SELECT " USER_LOOKUP_COLS
                      " FROM accounts_user WHERE id = %s::bigint"},
    /* Django's PasswordResetForm matches addresses case-insensitively;
     * both use an index on lower(...). */
    [S_USER_BY_EMAIL] = {"accounts_user_getemail",
                         "SELECT " USER_LOOKUP_COLS
                         " FROM accounts_user WHERE lower(email) = lower(%s)"
                         " ORDER BY id LIMIT 20"},
    [S_USER_BY_PENDING_EMAIL] =
        {"accounts_user_getpending",
         "SELECT " USER_LOOKUP_COLS " FROM accounts_user WHERE pending_email"
         " <> '' AND lower(pending_email) = lower(%s) ORDER BY id LIMIT 20"},
    [S_USER_SET_NAMES] = {"accounts_user_setnames",
                          "UPDATE accounts_user SET first_name = %s,"
                          " last_name = %s WHERE id = %s::bigint"},
    [S_USER_SET_EMAIL] = {"accounts_user_setemail",
                          /* An address nobody verified. */
                          "UPDATE accounts_user SET email = %s,"
                          " pending_email = '', email_verified = false"
                          " WHERE id = %s::bigint"},
    [S_USER_SET_PENDING_EMAIL] = {"accounts_user_setpending",
                                  "UPDATE accounts_user SET pending_email ="
                                  " %s WHERE id = %s::bigint"},
    /* A verification link followed: its address becomes the user's. */
    [S_USER_VERIFY] = {"accounts_user_verify",
                       "UPDATE accounts_user SET email = %s, pending_email ="
                       " '', email_verified = true WHERE id = %s::bigint"
                       /* Only while the link's address is still the one
                        * waiting (or the unverified email). */
                       " AND (lower(pending_email) = lower(%s) OR"
                       " (pending_email = '' AND lower(email) = lower(%s)))"},
    [S_USER_VERIFY_NAME] =
        {"accounts_user_verifyname",
         "UPDATE accounts_user SET email = CASE WHEN pending_email <> ''"
         " THEN pending_email ELSE email END, pending_email = '',"
         " email_verified = true WHERE username = %s RETURNING id"},
    [S_USER_CREATE] = {"accounts_user_insert",
                       "INSERT INTO accounts_user (username, username_key,"
                       " email, password, first_name, last_name, is_active,"
                       " is_staff, is_superuser, email_verified) VALUES (%s,"
                       " %s, %s, %s, %s, %s, %s::int::boolean,"
                       " %s::int::boolean, %s::int::boolean,"
                       " %s::int::boolean) ON CONFLICT DO NOTHING"
                       " RETURNING id"},
    [S_USER_SET_PASSWORD] = {"accounts_user_setpassword",
                             "UPDATE accounts_user SET password = %s"
                             " WHERE id = %s::bigint"},
    [S_USER_TOUCH_LOGIN] = {"accounts_user_touchlogin",
                            "UPDATE accounts_user SET last_login = now()"
                            " WHERE id = %s::bigint"},
    [S_USER_SET_ACTIVE] = {"accounts_user_setactive",
                           "UPDATE accounts_user SET is_active ="
                           " %s::int::boolean WHERE username = %s"
                           " RETURNING id"},
    /* A page of users after an id (keyset paging through the primary
     * key: any number of users in flat memory), those whose username or
     * email holds a text when one is given. */
    [S_USER_LIST] =
        {"accounts_user_list",
         "SELECT " USER_COLS " FROM accounts_user WHERE id > %s::bigint AND"
         " (%s = '' OR position(lower(%s) in lower(username)) > 0 OR"
         " position(lower(%s) in lower(email)) > 0) ORDER BY id"
         " LIMIT %s::int"},
    [S_SESSION_CREATE] = {"accounts_session_insert",
                          "INSERT INTO accounts_session (token_hash, user_id,"
                          " expires, address, user_agent, persistent)"
                          " VALUES (%s, %s::bigint, now() +"
                          " make_interval(secs => %s::bigint), %s, %s,"
                          " %s::int::boolean)"},
    [S_SESSION_GET] =
        {"accounts_session_get",
         /* Every column acc_store_read_user reads, but the password hash: a
          * session never needs it, so it never leaves the database for one. */
         "SELECT u.id, u.username, u.email, '', u.first_name,"
         " u.last_name, u.is_active::int, u.is_staff::int,"
         " u.is_superuser::int, extract(epoch from u.date_joined)::bigint,"
         " coalesce(extract(epoch from u.last_login)::bigint, 0),"
         " extract(epoch from s.created)::bigint,"
         " extract(epoch from s.last_seen)::bigint,"
         " extract(epoch from s.expires)::bigint,"
         /* The user's groups and permissions, read once per session
          * validation (not once per Require line); \x1f separates. */
         " coalesce((SELECT string_agg(g.name, E'\\x1f' ORDER BY g.name)"
         " FROM accounts_user_groups ug JOIN accounts_group g"
         " ON g.id = ug.group_id WHERE ug.user_id = u.id), ''),"
         " coalesce((SELECT string_agg(p.codename, E'\\x1f'"
         " ORDER BY p.codename) FROM accounts_permission p WHERE p.id IN"
         " (SELECT permission_id FROM accounts_user_permissions"
         " WHERE user_id = u.id UNION SELECT gp.permission_id"
         " FROM accounts_group_permissions gp JOIN accounts_user_groups ug"
         " ON ug.group_id = gp.group_id WHERE ug.user_id = u.id)), "
         "'')," SESSION_MFA_COLS
         " FROM accounts_session s JOIN accounts_user u ON u.id = s.user_id"
         " WHERE s.token_hash = %s AND s.expires > now() AND u.is_active"
         " AND (%s::bigint = 0 OR s.last_seen > now() -"
         " make_interval(secs => %s::bigint))"},
    /* last_seen is a hint (the idle timeout's clock, the sessions
     * page): its commit does not wait for the disk. */
    [S_SESSION_TOUCH] = {"accounts_session_touch",
                         "UPDATE accounts_session SET last_seen = now()"
                         " WHERE token_hash = %s AND last_seen <"
                         " now() - interval '60 seconds' AND"
                         " set_config('synchronous_commit', 'off', true)"
                         " IS NOT NULL"},
    [S_SESSION_DELETE] = {"accounts_session_delete",
                          "DELETE FROM accounts_session WHERE token_hash = %s"},
    /* A logout: the session's row and the audit row in one statement
     * (one round trip, one commit).  The audit row only when a row went:
     * two logouts of one session that race record one. */
    [S_SESSION_END] = {"accounts_session_end",
                       "WITH d AS (DELETE FROM accounts_session WHERE"
                       " token_hash = %s RETURNING 1) INSERT INTO"
                       " accounts_audit (event, username, address,"
                       " user_agent) SELECT %s::text, %s::text, %s::text,"
                       " %s::text FROM d"},
    [S_SESSION_DELETE_USER] = {"accounts_session_deleteuser",
                               "DELETE FROM accounts_session"
                               " WHERE user_id = %s::bigint"
                               " RETURNING token_hash"},
    /* Housekeeping in bounded batches (migration 5's function: one caller
     * at a time, through indexes). */
    [S_HOUSEKEEPING] = {"accounts_housekeeping",
                        "SELECT sessions, throttle, mail FROM"
                        " accounts_housekeeping(%s::int, %s::bigint)"},
    [S_SESSION_LIST_USER] = {"accounts_session_listuser",
                             "SELECT " SESSION_INFO_COLS
                             " FROM accounts_session WHERE user_id ="
                             " %s::bigint AND expires > now()"
                             " ORDER BY last_seen DESC, id DESC"},
    [S_SESSION_DELETE_ID] = {"accounts_session_deleteid",
                             "DELETE FROM accounts_session WHERE user_id ="
                             " %s::bigint AND id = %s::bigint"
                             " RETURNING token_hash"},
    [S_SESSION_DELETE_OTHERS] = {"accounts_session_deleteothers",
                                 "DELETE FROM accounts_session WHERE user_id"
                                 " = %s::bigint AND token_hash <> %s"
                                 " RETURNING token_hash"},
    /* The outbox (mail.c).  A request: one statement, the same whether or
     * not the address belongs to anyone. */
    [S_MAIL_REQUEST] = {"accounts_mail_request",
                        "INSERT INTO accounts_mail (kind, site, base_url,"
                        " recipient, user_id, language) VALUES (%s, %s, %s,"
                        " %s, nullif(%s::bigint, 0), %s)"},
    [S_MAIL_MESSAGE] = {"accounts_mail_message",
                        "INSERT INTO accounts_mail (kind, site, recipient,"
                        " user_id, subject, message) VALUES ('mail', %s, %s,"
                        " nullif(%s::bigint, 0), %s, %s)"},
    /* Taking a row leases it (next_try moves on) rather than holding a
     * lock across the work: a sender that dies leaves it to another
     * after the lease. */
    [S_MAIL_TAKE_REQUEST] =
        {"accounts_mail_takerequest",
         "UPDATE accounts_mail SET next_try = now() + interval '5 minutes'"
         " WHERE id = (SELECT id FROM accounts_mail WHERE state = 'queued'"
         " AND message IS NULL AND next_try <= now() AND site = %s"
         " ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)"
         " RETURNING id, kind, base_url, recipient, coalesce(user_id, 0),"
         " language"},
    [S_MAIL_TAKE] =
        {"accounts_mail_take",
         "UPDATE accounts_mail SET next_try = now() + interval '10 minutes',"
         " attempts = attempts + 1 WHERE id = (SELECT id FROM accounts_mail"
         " WHERE state = 'queued' AND message IS NOT NULL AND next_try <="
         " now() AND (%s = '' OR site = %s) ORDER BY next_try, id"
         " FOR UPDATE SKIP LOCKED LIMIT 1) RETURNING id, recipient, message,"
         " attempts, extract(epoch from now() - created)::bigint"},
    [S_MAIL_DONE] = {"accounts_mail_done",
                     "UPDATE accounts_mail SET state = 'done'"
                     " WHERE id = %s::bigint"},
    [S_MAIL_SENT] = {"accounts_mail_sent",
                     /* The text goes once sent: a reset link in it works
                      * for days, and a copy of the table must not. */
                     "UPDATE accounts_mail SET state = 'sent', sent = now(),"
                     " last_error = '', message = '' WHERE id = %s::bigint"},
    [S_MAIL_RETRY] = {"accounts_mail_retry",
                      "UPDATE accounts_mail SET next_try = now() +"
                      " make_interval(secs => %s::int), last_error = %s"
                      " WHERE id = %s::bigint"},
    [S_MAIL_FAIL] = {"accounts_mail_fail",
                     "UPDATE accounts_mail SET state = 'failed',"
                     " last_error = %s, message = '' WHERE id = %s::bigint"},
    [S_MAIL_LIST] =
        {"accounts_mail_list",
         "SELECT id, to_char(created, 'YYYY-MM-DD\"T\"HH24:MI:SSOF'), kind,"
         " state, recipient, attempts, CASE WHEN state = 'queued' THEN"
         " to_char(next_try, 'YYYY-MM-DD\"T\"HH24:MI:SSOF') ELSE '' END,"
         " subject, last_error FROM accounts_mail WHERE id < %s::bigint AND"
         " (%s = '' OR state = %s) ORDER BY id DESC LIMIT %s::int"},
    [S_PROFILE_GET] = {"accounts_profile_get",
                       "SELECT name, value FROM accounts_profile"
                       " WHERE user_id = %s::bigint ORDER BY name"},
    [S_PROFILE_SET] = {"accounts_profile_set",
                       "INSERT INTO accounts_profile (user_id, name, value)"
                       " VALUES (%s::bigint, %s, %s) ON CONFLICT (user_id,"
                       " name) DO UPDATE SET value = EXCLUDED.value"},
    [S_GROUP_GET] = {"accounts_group_get",
                     "SELECT id FROM accounts_group WHERE name = %s"},
    [S_GROUP_CREATE] = {"accounts_group_insert",
                        "INSERT INTO accounts_group (name) VALUES (%s) ON "
                        "CONFLICT DO NOTHING"},
    [S_GROUP_DELETE] = {"accounts_group_delete",
                        "DELETE FROM accounts_group WHERE name = %s"},
    [S_GROUP_ADD_USER] =
        {"accounts_user_groups_insert",
         "INSERT INTO accounts_user_groups (user_id, group_id) VALUES (" USER_ID
         ", " GROUP_ID ") ON CONFLICT DO NOTHING"},
    [S_GROUP_REMOVE_USER] =
        {"accounts_user_groups_delete",
         "DELETE FROM accounts_user_groups WHERE user_id = " USER_ID
         " AND group_id = " GROUP_ID},
    [S_GROUP_LIST] =
        {"accounts_group_list",
         "SELECT g.name, coalesce(string_agg(u.username, ',' ORDER BY"
         " u.username), '') FROM accounts_group g LEFT JOIN "
         "accounts_user_groups"
         " ug ON ug.group_id = g.id LEFT JOIN accounts_user u ON u.id ="
         " ug.user_id GROUP BY g.name ORDER BY g.name"},
    [S_PERM_CREATE] = {"accounts_permission_insert",
                       "INSERT INTO accounts_permission (codename) VALUES (%s)"
                       " ON CONFLICT DO NOTHING"},
    [S_PERM_GRANT_USER] =
        {"accounts_user_permissions_insert",
         "INSERT INTO accounts_user_permissions (user_id, permission_id) VALUES"
         " (" USER_ID ", " PERM_ID ") ON CONFLICT DO NOTHING"},
    [S_PERM_GRANT_GROUP] =
        {"accounts_group_permissions_insert",
         "INSERT INTO accounts_group_permissions (group_id, permission_id)"
         " VALUES (" GROUP_ID ", " PERM_ID ") ON CONFLICT DO NOTHING"},
    [S_PERM_REVOKE_USER] =
        {"accounts_user_permissions_delete",
         "DELETE FROM accounts_user_permissions WHERE user_id = " USER_ID
         " AND permission_id = " PERM_ID},
    [S_PERM_REVOKE_GROUP] =
        {"accounts_group_permissions_delete",
         "DELETE FROM accounts_group_permissions WHERE group_id = " GROUP_ID
         " AND permission_id = " PERM_ID},
    [S_PERM_LIST] =
        {"accounts_permission_list",
         "SELECT 'user', u.username, p.codename FROM accounts_user_permissions "
         "x"
         " JOIN accounts_user u ON u.id = x.user_id JOIN accounts_permission p"
         " ON p.id = x.permission_id UNION ALL SELECT 'group', g.name,"
         " p.codename FROM accounts_group_permissions x JOIN accounts_group g"
         " ON g.id = x.group_id JOIN accounts_permission p ON p.id ="
         " x.permission_id ORDER BY 1, 2, 3"},
    /* The registration throttle's count (when limit > 0) and whether the
     * name is taken, in one statement whose commit does not wait for the
     * disk (see migrations/006_login_round_trip.sql). */
    [S_REGISTER_BEGIN] =
        {"accounts_register_begin",
         "SELECT set_config('synchronous_commit', 'off', true) IS NULL,"
         " CASE WHEN %s::int > 0 THEN accounts_throttle_try_window('reg', %s,"
         " %s::int, %s::int) ELSE 0 END, EXISTS (SELECT 1 FROM accounts_user"
         " WHERE username_key = %s)::int"},
    /* The function's row joined to the user's: the user's columns first
     * (NULL when there is none), as acc_store_read_user_full reads them. */
    [S_LOGIN_BEGIN] = {"accounts_login_begin",
                       "SELECT " USER_LOOKUP_COLS
                       ", w.wait, w.by_device," LOGIN_MFA_COL
                       " FROM accounts_login_begin(%s, %s, %s::int, %s::int,"
                       " %s, %s::int, %s::int, %s::int, %s, %s::bigint,"
                       " %s::bigint) w LEFT JOIN accounts_user"
                       " ON accounts_user.id = w.user_id"},
    [S_LOGIN_END] = {"accounts_login_end",
                     "SELECT accounts_login_end(%s::bigint, %s, %s, %s::int,"
                     " %s, %s, %s, %s, %s::bigint, %s, %s, %s::int, %s, %s,"
                     " %s, %s)"},
    [S_THROTTLE_TRY_WINDOW] = {"accounts_throttle_trywindow",
                               "SELECT accounts_throttle_try_window(%s, %s,"
                               " %s::int, %s::int)"},
    /* An attempt that turned out not to count (a login that succeeded, a
     * registration that created nothing): one less, and no lock below
     * the free count. */
    [S_THROTTLE_RELEASE] =
        {"accounts_throttle_release",
         "UPDATE accounts_throttle SET failures = greatest(failures - 1, 0),"
         " locked_until = CASE WHEN failures - 1 < %s::int THEN NULL ELSE"
         " locked_until END WHERE kind = %s AND key = %s"},
    [S_THROTTLE_RESET] = {"accounts_throttle_reset",
                          "DELETE FROM accounts_throttle WHERE kind = %s"
                          " AND key = %s"},
    [S_THROTTLE_UNLOCK] = {"accounts_throttle_unlock",
                           "DELETE FROM accounts_throttle WHERE key = %s"
                           " OR key = %s"},
    [S_AUDIT_ADD] = {"accounts_audit_add",
                     "INSERT INTO accounts_audit (event, username, address,"
                     " user_agent) VALUES (%s, %s, %s, %s)"},
    [S_AUDIT_LIST] =
        {"accounts_audit_list",
         "SELECT to_char(at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF'), event, username,"
         " address, user_agent, id FROM accounts_audit WHERE id < %s::bigint"
         " AND (%s = '' OR username = %s) ORDER BY id DESC LIMIT %s::int"},
    /* The second factor (mfa.c).  A user's row and how many recovery
     * codes are left. */
    [S_MFA_GET] = {"accounts_mfa_get",
                   "SELECT secret, coalesce(floor(extract(epoch from"
                   " confirmed))::bigint, 0), last_step, floor(extract(epoch"
                   " from created))::bigint, (SELECT count(*) FROM"
                   " accounts_mfa_recovery r WHERE r.user_id = m.user_id),"
                   " coalesce(setup_session, ''), (created > now() -"
                   " " MFA_SETUP_LIFE ")::int"
                   " FROM accounts_mfa m WHERE user_id = %s::bigint"},
    /* A setup begun by session %s: kept while unconfirmed for that
     * session (its page shows the same secret every time) and for a
     * while; another session of the user, or a later visit, begins it
     * afresh. */
    [S_MFA_CREATE] =
        {"accounts_mfa_insert",
         "INSERT INTO accounts_mfa (user_id, secret, setup_session) VALUES"
         " (%s::bigint, %s, %s) ON CONFLICT (user_id) DO UPDATE SET secret ="
         " EXCLUDED.secret, setup_session = EXCLUDED.setup_session, created"
         " = now(), last_step = 0 WHERE accounts_mfa.confirmed IS NULL AND"
         " (accounts_mfa.setup_session IS DISTINCT FROM"
         " EXCLUDED.setup_session OR accounts_mfa.created <= now() "
         "- " MFA_SETUP_LIFE ")"},
    /* Switched on by a code of step %s, with its recovery codes (comma
     * separated hashes) in place of any old ones. */
    [S_MFA_CONFIRM] =
        {"accounts_mfa_confirm",
         "WITH c AS (UPDATE accounts_mfa SET confirmed = now(), last_step ="
         " %s::bigint, setup_session = NULL WHERE user_id = %s::bigint AND"
         " confirmed IS NULL AND setup_session = %s AND created > now() "
         "- " MFA_SETUP_LIFE
         " RETURNING user_id), d AS (DELETE FROM accounts_mfa_recovery r"
         " USING c WHERE r.user_id = c.user_id) INSERT INTO"
         " accounts_mfa_recovery (user_id, code_hash) SELECT c.user_id,"
         " unnest(string_to_array(%s, ',')) FROM c"},
    /* A code of step %s taken, once: not when a code of that step or a
     * later one was taken before (two requests at once: one wins). */
    [S_MFA_USE_STEP] = {"accounts_mfa_usestep",
                        "UPDATE accounts_mfa SET last_step = %s::bigint"
                        " WHERE user_id = %s::bigint AND confirmed IS NOT"
                        " NULL AND last_step < %s::bigint"},
    [S_MFA_USE_CODE] = {"accounts_mfa_recovery_use",
                        "DELETE FROM accounts_mfa_recovery WHERE user_id ="
                        " %s::bigint AND code_hash = %s AND EXISTS (SELECT 1"
                        " FROM accounts_mfa WHERE user_id = %s::bigint AND"
                        " confirmed IS NOT NULL)"},
    [S_MFA_NEW_CODES] =
        {"accounts_mfa_recovery_new",
         "WITH c AS (SELECT user_id FROM accounts_mfa WHERE user_id ="
         " %s::bigint AND confirmed IS NOT NULL), d AS (DELETE FROM"
         " accounts_mfa_recovery r USING c WHERE r.user_id = c.user_id)"
         " INSERT INTO accounts_mfa_recovery (user_id, code_hash) SELECT"
         " c.user_id, unnest(string_to_array(%s, ',')) FROM c"},
    /* The factor gone, no session counts as having passed it. */
    [S_MFA_DELETE] = {"accounts_mfa_delete",
                      "WITH d AS (DELETE FROM accounts_mfa_recovery WHERE"
                      " user_id = %s::bigint), s AS (UPDATE accounts_session"
                      " SET mfa_at = NULL WHERE user_id = %s::bigint AND"
                      " mfa_at IS NOT NULL) DELETE FROM accounts_mfa"
                      " WHERE user_id = %s::bigint"},
    [S_SESSION_MFA] = {"accounts_session_mfa",
                       "UPDATE accounts_session SET mfa_at = now()"
                       " WHERE token_hash = %s"},
};
