/*
 * src/httpd/session.h -- session tokens: issue, look up, expire, cookie in and
 * out.
 *
 * A session token is 256 random bits from the OS, base64url (43
 * characters) in the cookie; the database keeps only its SHA-256.
 */
#ifndef ACC_SESSION_H
#define ACC_SESSION_H

#include "module.h"
#include "store/store.h"

#define ACC_TOKEN_BYTES 32
#define ACC_TOKEN_CHARS 43

typedef struct {
    acc_user_t *user;
    const char *token_hash; /* hex SHA-256 of the cookie's token */
    apr_time_t expires;
    apr_array_header_t *groups; /* group names (const char *) */
    apr_array_header_t *perms;  /* permission codenames (const char *) */
    int django;        /* a Django site's session (acc_session_guard) */
    int mfa;           /* its user has a second factor (never for Django's) */
    apr_time_t mfa_at; /* when it passed the second factor (0: it did
                          not): Require account-mfa */
} acc_session_t;

/* Resolve the request's session from its cookie, once per request (sub-
 * requests and internal redirects share the answer, which lives in the
 * initial request's pool).  Returns OK with *sess set (NULL when
 * anonymous: no cookie, a malformed one, or one the store does not know,
 * expired, idle too long, or of an inactive user), or
 * HTTP_SERVICE_UNAVAILABLE when the database cannot be asked (logged).
 * A database connection taken for the lookup is given back before it
 * returns; one the request held before is kept. */
int acc_session_current(request_rec *r, acc_session_t **sess);

/* The session acc_session_current found, or NULL (never asks anyone). */
acc_session_t *acc_session_peek(request_rec *r);

/* For the guard and the Require providers alone: acc_session_current's
 * session, else, with AccountsDjangoSessions On, the Django site's (its
 * session cookie, django_session, auth_user: Django's user, groups and
 * permissions; `django` set).  Our own pages never see a Django session:
 * its user is not one of ours.  Answers as acc_session_current. */
int acc_session_guard(request_rec *r, acc_session_t **sess);

/* What acc_session_guard found, or NULL (never asks anyone). */
acc_session_t *acc_session_guard_peek(request_rec *r);

/* A session that ends with the browser (remember-me unticked) ends on the
 * server after this many seconds at most. */
#define ACC_BROWSER_SESSION_MAX 86400

/* Log user u in: a brand-new token (the old session, if any, is deleted:
 * no fixation), stored hashed with the client's address and user agent,
 * cookie set on r->err_headers_out -- with persistent, for the whole
 * AccountsSessionMaxAge; without, a cookie the browser drops when it
 * closes and a session of a day at most.  Returns OK or
 * HTTP_SERVICE_UNAVAILABLE. */
int acc_session_login(request_rec *r, acc_store_t *st, acc_user_t *u,
                      int persistent);

/* A new session in two halves, for a caller that stores it itself (the
 * login, in one statement with everything else it writes):
 * acc_session_prepare makes the token and says what to store (OK, or
 * HTTP_SERVICE_UNAVAILABLE when the OS has no random bytes); once the row
 * is stored -- and the old one, old_hash, deleted -- acc_session_started
 * sets the cookie and makes it the request's session. */
typedef struct {
    const char *token, *hash; /* the cookie's token and its SHA-256 */
    const char *old_hash;     /* the browser's previous session, or NULL */
    apr_int64_t max_age;      /* seconds */
    int persistent;
    const char *address, *user_agent; /* as the sessions page shows them */
} acc_new_session_t;
int acc_session_prepare(request_rec *r, int persistent, acc_new_session_t *ns);
void acc_session_started(request_rec *r, acc_user_t *u,
                         const acc_new_session_t *ns);

/* acc_session_prepare for a login's acc_login_end: what it stores of the
 * new session (and the old one it deletes) goes into d as well. */
int acc_session_prepare_login(request_rec *r, int persistent,
                              acc_new_session_t *ns, acc_login_done_t *d);

/* The request's session continues under a new token (after a password
 * change), as persistent as it was.  OK (also when there is no session)
 * or HTTP_SERVICE_UNAVAILABLE. */
int acc_session_renew(request_rec *r, acc_store_t *st);

/* Drop the sessions whose token hashes (const char *) are listed from the
 * session cache: at once on this server, within the cache's TTL on
 * others. */
void acc_session_forget(request_rec *r, const apr_array_header_t *hashes);

/* End the request's session: row deleted, cookie expired.  With event,
 * an audit row (event, username) goes in the same statement, when the
 * row was there.  Returns OK or HTTP_SERVICE_UNAVAILABLE. */
int acc_session_logout(request_rec *r, acc_store_t *st, const char *event,
                       const char *username);

/* 1 when cookies for this request should be Secure (AccountsCookieSecure
 * On, or Auto on HTTPS). */
int acc_cookie_secure(request_rec *r);

/* The session cookie's name for this request (with __Host- when
 * Secure). */
const char *acc_session_cookie_name(request_rec *r);

/* Add a Set-Cookie to r->err_headers_out: Path=/, HttpOnly,
 * SameSite=Lax, Secure per acc_cookie_secure; max_age < 0 deletes, 0
 * sets a cookie without Max-Age (the browser's session). */
void acc_set_cookie(request_rec *r, const char *name, const char *value,
                    apr_int64_t max_age);

#endif /* ACC_SESSION_H */
