/*
 * src/store/store.h -- every SQL statement, in plain apr_dbd.
 *
 * The module reaches PostgreSQL through mod_dbd's pooled connections and
 * accountsctl through its own; both hand the store a driver and a handle
 * and get back an acc_store_t with this file's statements prepared on that
 * connection.  The schema migrations are compiled in (the steps are
 * src/store/migrations/NNN_name.sql; migrate.c runs them).  Every
 * statement takes its values as placeholders: no string is ever spliced
 * into SQL.  The store never sees a request.  Its code is one file a
 * concern, beside this one (see internal.h).
 */
#ifndef ACC_STORE_H
#define ACC_STORE_H

#include "core/core.h"
#include "core/records.h"

#include <apr_dbd.h>
#include <apr_time.h>

/* The schema version this build needs; `accountsctl migrate` brings a
 * database up to it.  One a file in src/store/migrations/: the build fails
 * when they differ. */
#define ACC_SCHEMA_VERSION 10

/* The live tables' version (AccountsUserSchema django): one a file in
 * src/store/migrations-django/, made by `accountsctl migrate --django`. */
#define ACC_DJANGO_SCHEMA_VERSION 1

typedef enum {
    ACC_STORE_OK = 0,
    ACC_STORE_NOTFOUND, /* no such row */
    ACC_STORE_EXISTS,   /* a unique key is taken */
    ACC_STORE_ERROR     /* the database failed; see acc_store_error() */
} acc_store_rc_t;

typedef struct acc_store acc_store_t;

/* The schema version of the database on (driver, handle): 0 when
 * mod_accounts' tables are not there at all.  Returns ACC_STORE_OK or
 * ACC_STORE_ERROR (with *err, in p). */
acc_store_rc_t acc_store_schema_version(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *version,
                                        const char **err);

/* Bring the schema up to ACC_SCHEMA_VERSION: each missing step in its own
 * transaction, under a PostgreSQL advisory lock so concurrent runs
 * serialise; a current schema is left alone.  *from and *to get the
 * versions before and after.  Returns ACC_STORE_OK or ACC_STORE_ERROR
 * (with *err, in p; nothing of the failed step stays). */
acc_store_rc_t acc_store_migrate(apr_pool_t *p, const apr_dbd_driver_t *driver,
                                 apr_dbd_t *handle, int *from, int *to,
                                 const char **err);

/* Whether the database on (driver, handle) uses the Django site's tables
 * in place (`accountsctl migrate --django`): *version is the live tables'
 * step it is at, 0 when it uses mod_accounts' own.  ACC_STORE_OK or
 * ACC_STORE_ERROR (with *err, in p). */
acc_store_rc_t acc_store_django_version(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *version,
                                        const char **err);

/* Switch the database (already at ACC_SCHEMA_VERSION) to the Django
 * site's tables, or bring it up to ACC_DJANGO_SCHEMA_VERSION: each step in
 * its own transaction under the migration lock.  Refused first, in words
 * (*err), with nothing changed: Django's auth tables missing, usernames
 * that differ only in case, users in accounts_user.  *from and *to as
 * acc_store_migrate. */
acc_store_rc_t acc_store_migrate_django(apr_pool_t *p,
                                        const apr_dbd_driver_t *driver,
                                        apr_dbd_t *handle, int *from, int *to,
                                        const char **err);

/* A password hash as this store keeps it (Django's argon2 form in live
 * tables; as given otherwise), in p: what a ticket bound to the stored
 * hash must be bound to. */
const char *acc_store_password_form(const acc_store_t *st, apr_pool_t *p,
                                    const char *phc);

/* Not 0 when st reads and writes the Django site's tables: the
 * database's live tables step (acc_store_django_version) when st was
 * prepared.  Password hashes are then stored in Django's form (the store
 * does that). */
int acc_store_django_live(const acc_store_t *st);

/* A user's second factor (mfa.c): the secret as stored (sealed,
 * core/totp.h), when it was confirmed (0: a setup never confirmed, never
 * asked for), the last step a code was taken for, when it was set up,
 * and how many recovery codes are left. */
typedef struct {
    const char *secret;
    apr_time_t confirmed;
    apr_int64_t last_step;
    apr_time_t created;
    int codes_left;
    const char *setup_session; /* the session (token hash) whose setup
                                  waits, or "" */
    int setup_fresh;           /* the setup began under ten minutes ago */
} acc_mfa_t;

/* The user's second factor, or ACC_STORE_NOTFOUND. */
acc_store_rc_t acc_mfa_get(acc_store_t *st, apr_pool_t *p, apr_int64_t user_id,
                           acc_mfa_t *m);

/* Begin a setup for session (a token hash) with this sealed secret,
 * unless one of that session's, under ten minutes old, waits or the
 * factor is confirmed (then nothing changes: read it again).  A setup of
 * another session is replaced: only the session that began a setup sees
 * its secret. */
acc_store_rc_t acc_mfa_create(acc_store_t *st, apr_pool_t *p,
                              apr_int64_t user_id, const char *sealed,
                              const char *session);

/* Confirm session's setup with a code of `step`; hashes (const char *,
 * hex) become the recovery codes.  ACC_STORE_NOTFOUND when no setup of
 * that session waits (confirmed already, another session's, too old, or
 * none). */
acc_store_rc_t acc_mfa_confirm(acc_store_t *st, apr_pool_t *p,
                               apr_int64_t user_id, const char *session,
                               apr_int64_t step,
                               const apr_array_header_t *hashes);

/* Take a code of `step`: ACC_STORE_NOTFOUND when one of that step or a
 * later one was taken already (a replay), or there is no factor. */
acc_store_rc_t acc_mfa_use_step(acc_store_t *st, apr_pool_t *p,
                                apr_int64_t user_id, apr_int64_t step);

/* Take the recovery code of that hash (it is gone after):
 * ACC_STORE_NOTFOUND when the user has none such. */
acc_store_rc_t acc_mfa_use_code(acc_store_t *st, apr_pool_t *p,
                                apr_int64_t user_id, const char *hash);

/* A new set of recovery codes in place of the old (ACC_STORE_NOTFOUND
 * without a confirmed factor). */
acc_store_rc_t acc_mfa_new_codes(acc_store_t *st, apr_pool_t *p,
                                 apr_int64_t user_id,
                                 const apr_array_header_t *hashes);

/* Remove the second factor and its codes; no session of the user counts
 * as having passed it any more (ACC_STORE_NOTFOUND: none). */
acc_store_rc_t acc_mfa_delete(acc_store_t *st, apr_pool_t *p,
                              apr_int64_t user_id);

/* The session passed a second factor now (Require account-mfa). */
acc_store_rc_t acc_session_mfa_passed(acc_store_t *st, apr_pool_t *p,
                                      const char *token_hash);

/* What accountsctl import-django copied: rows Django has (users, groups,
 * permissions, and the links between them that it could map) and how
 * many users, groups and permissions were new here. */
typedef struct {
    long users, users_new;
    long groups, groups_new;
    long perms, perms_new;
    long user_groups, group_perms, user_perms;
    /* users already ours whose stored hash Django's replaced (their
     * password changed on the Django site, or they were not imported
     * before), and the sessions of theirs that ended with it */
    long passwords_changed, sessions_ended;
} acc_import_counts_t;

/* Copy a Django site's auth tables (on src) into ours (on dst), in one
 * transaction on each (import.c says how they merge).  ACC_STORE_OK and
 * *n, or ACC_STORE_ERROR and *err (in p): the source is not Django's,
 * names that differ only in case, or the database failed; then nothing
 * was imported. */
acc_store_rc_t acc_store_import_django(apr_pool_t *p,
                                       const apr_dbd_driver_t *driver,
                                       apr_dbd_t *dst, apr_dbd_t *src,
                                       acc_import_counts_t *n,
                                       const char **err);

/* A Django site's session (AccountsDjangoSessions; djsessions.c): the
 * session_data of an unexpired django_session row and its expire_date,
 * or ACC_STORE_NOTFOUND (also for a key Django would not make). */
acc_store_rc_t acc_store_django_session(acc_store_t *st, apr_pool_t *p,
                                        const char *key, const char **data,
                                        apr_time_t *expires);

/* Django's auth_user row id as a session row: the user (with the password
 * hash, which a Django session is tied to), Django's groups and the
 * permissions as app_label.codename.  ACC_STORE_NOTFOUND when none. */
acc_store_rc_t acc_store_django_user(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t id, acc_session_row_t **out);

/* Whether username_key (a Django user's name, acc_username_key) is a
 * user of ours who did not come from Django user django_id (accountsctl
 * import-django): then the two are maybe not the same person.  *taken,
 * and ACC_STORE_OK or ACC_STORE_ERROR. */
acc_store_rc_t acc_store_django_name_taken(acc_store_t *st, apr_pool_t *p,
                                           const char *username_key,
                                           apr_int64_t django_id, int *taken);

/* Whether the Django site has a user of that name, in any case (Django's
 * own lower(); our registration refuses it with AccountsDjangoSessions
 * On).  *has, and ACC_STORE_OK or ACC_STORE_ERROR. */
acc_store_rc_t acc_store_django_has_name(acc_store_t *st, apr_pool_t *p,
                                         const char *username, int *has);

/* Prepare every statement on (driver, handle) with memory from p (which
 * must live as long as the connection) and return the store.  Fails with
 * ACC_STORE_ERROR (and *err) when a statement does not prepare, which is
 * what an old or missing schema looks like. */
acc_store_rc_t acc_store_open(apr_pool_t *p, const apr_dbd_driver_t *driver,
                              apr_dbd_t *handle, acc_store_t **st,
                              const char **err);

/* Drop this store's statements from its connection (only ours, whatever
 * survived of them) and prepare them again, in the same memory.  For a
 * connection on which a statement failed.  ACC_STORE_OK or
 * ACC_STORE_ERROR (with *err). */
acc_store_rc_t acc_store_reopen(acc_store_t *st, const char **err);

/* 1 when a statement failed on this store since it was (re)opened, or
 * acc_store_set_failed said so: its connection may have been reset, so
 * the caller should reopen it. */
int acc_store_failed(const acc_store_t *st);
void acc_store_set_failed(acc_store_t *st);

/* Whether the caller holds the store's connection now (a store is opened
 * held).  A pooled connection is given back between uses: every
 * statement on a store marked not held fails without reaching the
 * database, and acc_store_error says why. */
void acc_store_hold(acc_store_t *st, int held);

/* One transaction around the statements that follow, so that they cost
 * one commit (one WAL flush with PostgreSQL's default durability) instead
 * of one each: acc_store_end commits it -- or rolls it back when a
 * statement in it failed.  p must live until the end.  A begin inside
 * a transaction joins it.  End it before the connection is given back. */
acc_store_rc_t acc_store_begin(acc_store_t *st, apr_pool_t *p);
acc_store_rc_t acc_store_end(acc_store_t *st, apr_pool_t *p);

/* The last database error on this store's connection, in p. */
const char *acc_store_error(acc_store_t *st, apr_pool_t *p);

/* ---- users ---- */

/* The user whose username is exactly name (case-sensitive, as Django's
 * login).  *u in p.  The user lookups fill every field of acc_user_t. */
acc_store_rc_t acc_user_by_name(acc_store_t *st, apr_pool_t *p,
                                const char *name, acc_user_t **u);

/* The user with this id. */
acc_store_rc_t acc_user_by_id(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                              acc_user_t **u);

/* The users (at most 20, by id) whose email -- or, with pending, whose
 * address waiting for verification -- is email, compared
 * case-insensitively: an array of acc_user_t * in p (maybe empty). */
acc_store_rc_t acc_user_by_email(acc_store_t *st, apr_pool_t *p,
                                 const char *email, int pending,
                                 apr_array_header_t **users);

/* Set first and last name (NOTFOUND when there is no such user). */
acc_store_rc_t acc_user_set_names(acc_store_t *st, apr_pool_t *p,
                                  apr_int64_t id, const char *first,
                                  const char *last);

/* Set the email (and forget any pending one), or with pending set the
 * address waiting for verification ("" withdraws it). */
acc_store_rc_t acc_user_set_email(acc_store_t *st, apr_pool_t *p,
                                  apr_int64_t id, const char *email,
                                  int pending);

/* A verification link for email was followed: it becomes the user's
 * address, verified, and nothing is pending. */
acc_store_rc_t acc_user_verify(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                               const char *email);

/* accountsctl verify: the user called name is verified (a pending
 * address becomes the email).  NOTFOUND when there is none. */
acc_store_rc_t acc_user_verify_name(acc_store_t *st, apr_pool_t *p,
                                    const char *name);

/* Create a user from u (username, email, password, first/last name and
 * the four flags -- email_verified too; id and dates are ignored) under the
 * uniqueness key `key` (see acc_username_key).  Sets *id.  ACC_STORE_EXISTS
 * when the key is taken (also under a concurrent insert): exactly one wins. */
acc_store_rc_t acc_user_create(acc_store_t *st, apr_pool_t *p,
                               const acc_user_t *u, const char *key,
                               apr_int64_t *id);

/* Set a user's password hash (e.g. a rehash at login). */
acc_store_rc_t acc_user_set_password(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t id, const char *phc);

/* Stamp last_login = now(). */
acc_store_rc_t acc_user_touch_login(acc_store_t *st, apr_pool_t *p,
                                    apr_int64_t id);

/* Set is_active for the user called name; NOTFOUND when there is none.
 * Deactivating also ends the user's sessions. */
acc_store_rc_t acc_user_set_active(acc_store_t *st, apr_pool_t *p,
                                   const char *name, int active);

/* At most n users with an id above after, ordered by id (acc_user_t *, in
 * p): a page of a listing that pages on with the last id it got, so
 * memory stays flat whatever the number of users.  With search (not NULL
 * or ""), only users whose username or email holds it, any case. */
acc_store_rc_t acc_user_page(acc_store_t *st, apr_pool_t *p, apr_int64_t after,
                             const char *search, int n,
                             apr_array_header_t **users);
/* ---- sessions ---- */

/* Store a new session for user_id under token_hash (hex SHA-256 of the
 * token), expiring max_age seconds from now, with the address and user
 * agent it was made from (for the user's list) and whether it is a
 * remember-me one. */
acc_store_rc_t acc_session_create(acc_store_t *st, apr_pool_t *p,
                                  const char *token_hash, apr_int64_t user_id,
                                  apr_int64_t max_age, const char *address,
                                  const char *user_agent, int persistent);

/* The live session stored under token_hash, with its user: not expired,
 * not idle longer than idle seconds (0: no idle limit), user active.
 * NOTFOUND otherwise.  *row in p. */
acc_store_rc_t acc_session_get(acc_store_t *st, apr_pool_t *p,
                               const char *token_hash, apr_int64_t idle,
                               acc_session_row_t **row);

/* last_seen = now(), written only when it is older than a minute. */
acc_store_rc_t acc_session_touch(acc_store_t *st, apr_pool_t *p,
                                 const char *token_hash);

/* Delete one session (logout).  OK also when it was already gone. */
acc_store_rc_t acc_session_delete(acc_store_t *st, apr_pool_t *p,
                                  const char *token_hash);

/* The same with an audit row (event, username, address, user agent)
 * added in the same statement, when the session's row was there to go. */
acc_store_rc_t acc_session_end(acc_store_t *st, apr_pool_t *p,
                               const char *token_hash, const char *event,
                               const char *username, const char *address,
                               const char *user_agent);

/* Delete every session of a user (a password reset, deactivation,
 * accountsctl logout); *hashes (when not NULL) gets their token hashes
 * (const char *, in p) so that caches can forget them. */
acc_store_rc_t acc_session_delete_user(acc_store_t *st, apr_pool_t *p,
                                       apr_int64_t user_id,
                                       apr_array_header_t **hashes);

/* The same for every session but keep_hash's (a password change, "end
 * all other sessions"). */
acc_store_rc_t acc_session_delete_others(acc_store_t *st, apr_pool_t *p,
                                         apr_int64_t user_id,
                                         const char *keep_hash,
                                         apr_array_header_t **hashes);

/* Delete the session `id` of user_id (only of that user): OK with *hash
 * its token hash, or NOTFOUND. */
acc_store_rc_t acc_session_delete_id(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t user_id, apr_int64_t id,
                                     const char **hash);

/* A user's live sessions, most recently seen first
 * (acc_session_info_t *, in p). */
acc_store_rc_t acc_session_list_user(acc_store_t *st, apr_pool_t *p,
                                     apr_int64_t user_id,
                                     apr_array_header_t **sessions);

/* One batch of housekeeping (outside requests: the background thread,
 * accountsctl clearsessions): at most batch expired sessions (and, when
 * idle > 0, sessions idle longer than idle seconds), throttle rows that
 * ended a day ago and mail rows that ended 30 days ago, each through an
 * index.  counts gets the sessions, throttle rows and mail rows deleted.
 * ACC_STORE_EXISTS (nothing done) while another caller is at it. */
acc_store_rc_t acc_housekeeping(acc_store_t *st, apr_pool_t *p, int batch,
                                apr_int64_t idle, int counts[3]);
/* ---- groups and permissions (accountsctl) ---- */

/* OK when a group called name exists, else NOTFOUND. */
acc_store_rc_t acc_group_exists(acc_store_t *st, apr_pool_t *p,
                                const char *name);

/* Create a group (nothing when it exists). */
acc_store_rc_t acc_group_create(acc_store_t *st, apr_pool_t *p,
                                const char *name);

/* Delete a group and its memberships; NOTFOUND when there is none. */
acc_store_rc_t acc_group_delete(acc_store_t *st, apr_pool_t *p,
                                const char *name);

/* Add (add=1) or remove user from group; both must exist. */
acc_store_rc_t acc_group_member(acc_store_t *st, apr_pool_t *p,
                                const char *group, const char *user, int add);

/* acc_group_list, acc_perm_list and acc_audit_list return rows: an array
 * of const char **, each pointing to the row's fields (the function's
 * ACC_*_COLS of them), all in p, never NULL ("" for a missing value);
 * ACC_STORE_OK, or ACC_STORE_ERROR (and *rows is not set).  The fields are the
 * database's bytes as they are, whoever wrote them: escape them before
 * printing (see escape.h). */

/* One row per group, by name: name, and its members' usernames joined
 * with "," (in username order; "" when it has none). */
#define ACC_GROUP_LIST_COLS 2
acc_store_rc_t acc_group_list(acc_store_t *st, apr_pool_t *p,
                              apr_array_header_t **rows);

/* Grant (creating the permission) or revoke perm for a user or a group
 * (exactly one of user and group is given).  Live tables make no
 * permission: a grant of one the Django site lacks is ACC_STORE_NOTFOUND. */
acc_store_rc_t acc_perm_set(acc_store_t *st, apr_pool_t *p, const char *perm,
                            const char *user, const char *group, int grant);

/* One row per grant, ordered by its fields: "user" or "group", the
 * username or group name, the permission's codename. */
#define ACC_PERM_LIST_COLS 3
acc_store_rc_t acc_perm_list(acc_store_t *st, apr_pool_t *p,
                             apr_array_header_t **rows);

/* ---- throttling and the audit trail ---- */

/* What a login attempt is counted by before its hash (see
 * migrations/006_login_round_trip.sql): the address's count (addr_free 0:
 * none), then the device's -- when device is a token's nonce for the user
 * with that id and join time (seconds) -- or else the username key's
 * (user_free 0: none). */
typedef struct {
    const char *username;
    const char *addr;
    int addr_forget, addr_free;
    const char *user_key;
    int user_forget, user_free;
    int max_delay;
    const char *device; /* "" for none */
    apr_int64_t device_user, device_joined;
} acc_login_claim_t;

/* The user named c->username read (*u, or NULL when there is none) and
 * the attempt counted, in one round trip and one commit that does not
 * wait for the disk: *wait > 0 when refused (nothing stays counted), else
 * 0; *by_device 1 when the device's count judged it. */
acc_store_rc_t acc_login_begin(acc_store_t *st, apr_pool_t *p,
                               const acc_login_claim_t *c, int *wait,
                               int *by_device, acc_user_t **u);

/* What a login writes after its hash, in one call and one commit that
 * does not wait for the disk (migrations/006_login_round_trip.sql): the
 * address's attempt given back (addr_free 0: none) and the count of
 * (kind, key) forgotten (kind "": none) -- in the order the claim locked
 * them --, the password hash replaced (rehash NULL: kept); when session
 * is set, last_login, the old session (old_session, or NULL) deleted and
 * the new one stored; and the audit row. */
typedef struct {
    apr_int64_t user_id;
    const char *rehash;
    const char *addr;
    int addr_free;
    const char *kind, *key;
    const char *old_session, *session;
    apr_int64_t max_age;
    const char *address, *user_agent;
    int persistent;
    const char *event, *audit_username, *audit_address, *audit_user_agent;
} acc_login_done_t;
acc_store_rc_t acc_login_end(acc_store_t *st, apr_pool_t *p,
                             const acc_login_done_t *d);

/* A registration attempt before its hash, in one round trip and one
 * commit that does not wait for the disk: counted for addr in a fixed
 * window of `window` seconds (limit 0: not counted), locked to its end at
 * the limit-th -- *wait > 0 when refused -- and *taken 1 when a user holds
 * the uniqueness key `key` (see acc_username_key; the insert's unique key
 * settles races). */
acc_store_rc_t acc_register_begin(acc_store_t *st, apr_pool_t *p,
                                  const char *addr, int window, int limit,
                                  const char *key, int *wait, int *taken);

/* An attempt for (kind, key) counted under the row's lock, so that
 * simultaneous attempts count one by one, in a fixed window of `window`
 * seconds: *wait > 0 when the key is locked (the attempt is refused and
 * not counted), else 0; locked to the window's end at the limit-th
 * attempt. */
acc_store_rc_t acc_throttle_try_window(acc_store_t *st, apr_pool_t *p,
                                       const char *kind, const char *key,
                                       int window, int limit, int *wait);

/* Take back one counted attempt (it succeeded, or did nothing), and the
 * lock when the count falls below free. */
acc_store_rc_t acc_throttle_release(acc_store_t *st, apr_pool_t *p,
                                    const char *kind, const char *key,
                                    int free);

/* Forget (kind, key) (a successful login clears its username). */
acc_store_rc_t acc_throttle_reset(acc_store_t *st, apr_pool_t *p,
                                  const char *kind, const char *key);

/* Forget every kind of state keyed key1 or key2 (accountsctl unlock);
 * *count gets how many rows. */
acc_store_rc_t acc_throttle_unlock(acc_store_t *st, apr_pool_t *p,
                                   const char *key1, const char *key2,
                                   int *count);

/* Add an authentication event (login_ok, login_failed, login_throttled,
 * logout, register, register_throttled, password_change,
 * password_reset_request, password_reset, email_verified, session_ended,
 * sessions_ended, profile_change). */
acc_store_rc_t acc_audit_add(acc_store_t *st, apr_pool_t *p, const char *event,
                             const char *username, const char *address,
                             const char *user_agent);

/* The newest `limit` events with an id below before (of username only,
 * unless NULL/""), newest first, as rows (see acc_group_list): time (ISO
 * 8601, with its UTC offset), event, username, address, user agent (which
 * the module stores already escaped), and -- one more than
 * ACC_AUDIT_LIST_COLS -- the event's id, for the next page's before. */
#define ACC_AUDIT_LIST_COLS 5
acc_store_rc_t acc_audit_list(acc_store_t *st, apr_pool_t *p,
                              const char *username, apr_int64_t before,
                              int limit, apr_array_header_t **rows);
/* ---- the mail outbox ---- */

/* A row of the outbox as the sender takes it. */
typedef struct {
    apr_int64_t id;
    const char *kind;      /* a request's kind, or "mail" */
    const char *base_url;  /* a request's: where its links point */
    const char *recipient; /* the address asked about, or mailed */
    apr_int64_t user_id;   /* 0 when none */
    const char *message;   /* a message's whole text */
    int attempts;          /* a message's, counting this one */
    apr_int64_t age;       /* seconds since it was queued */
    const char *language;  /* a request's: the page's language ("": en) */
} acc_mail_row_t;

/* Queue a request for mail of `kind` (reset, verify, resend) about
 * recipient (and user_id, 0 when none), for the sender of `site`, to be
 * written in language (Django's code; "" or NULL: English); its links
 * will start with base_url.  One statement, whose cost does not
 * depend on whether the address belongs to anyone. */
acc_store_rc_t acc_mail_request(acc_store_t *st, apr_pool_t *p,
                                const char *kind, const char *site,
                                const char *base_url, const char *recipient,
                                apr_int64_t user_id, const char *language);

/* Queue a message (its whole text, headers and all) to recipient. */
acc_store_rc_t acc_mail_message(acc_store_t *st, apr_pool_t *p,
                                const char *site, const char *recipient,
                                apr_int64_t user_id, const char *subject,
                                const char *message);

/* Take the oldest request of site that no other sender holds (it is
 * leased for 5 minutes): OK with *m, or NOTFOUND. */
acc_store_rc_t acc_mail_take_request(acc_store_t *st, apr_pool_t *p,
                                     const char *site, acc_mail_row_t *m);

/* Take the message due first (of site; "" or NULL: of any), counting an
 * attempt and leasing it for 10 minutes: OK with *m, or NOTFOUND. */
acc_store_rc_t acc_mail_take(acc_store_t *st, apr_pool_t *p, const char *site,
                             acc_mail_row_t *m);

/* A request was turned into its messages (or none). */
acc_store_rc_t acc_mail_done(acc_store_t *st, apr_pool_t *p, apr_int64_t id);

/* A message was handed to the mail system. */
acc_store_rc_t acc_mail_sent(acc_store_t *st, apr_pool_t *p, apr_int64_t id);

/* A message could not be handed over: try again in delay seconds. */
acc_store_rc_t acc_mail_retry(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                              int delay, const char *error);

/* A message is given up (tried for a day). */
acc_store_rc_t acc_mail_fail(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                             const char *error);

/* The newest `limit` rows with an id below `before` (of one state unless
 * NULL/""), newest first, as rows (see acc_group_list): id, created, kind,
 * state, recipient, attempts, next try (queued ones), subject, last
 * error.  A page at a time (keyset paging through the primary key). */
#define ACC_MAIL_LIST_COLS 9
acc_store_rc_t acc_mail_list(acc_store_t *st, apr_pool_t *p, const char *state,
                             apr_int64_t before, int limit,
                             apr_array_header_t **rows);

/* ---- a site's own profile fields ---- */

/* A user's stored profile fields: name -> value, in p. */
acc_store_rc_t acc_profile_get(acc_store_t *st, apr_pool_t *p,
                               apr_int64_t user_id, apr_table_t **fields);

/* Set one. */
acc_store_rc_t acc_profile_set(acc_store_t *st, apr_pool_t *p,
                               apr_int64_t user_id, const char *name,
                               const char *value);

#endif /* ACC_STORE_H */
