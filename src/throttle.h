/*
 * src/throttle.h -- failed-login and registration throttling, and the
 * audit trail of authentication events.
 *
 * State lives in PostgreSQL (accounts_throttle), so every process and
 * every server sharing the database sees it, and it expires by itself.
 * The client address is r->useragent_ip, which mod_remoteip corrects
 * behind trusted proxies; X-Forwarded-For is never read here.
 */
#ifndef ACC_THROTTLE_H
#define ACC_THROTTLE_H

#include "mod_accounts.h"
#include "store.h"

/* Seconds this login attempt for user_key must wait (0: go ahead), or -1
 * when the store failed (logged). */
int acc_throttle_login_check(request_rec *r, acc_store_t *st,
                             const char *user_key);

/* A failed login for user_key from this request's address. */
void acc_throttle_login_failed(request_rec *r, acc_store_t *st,
                               const char *user_key);

/* A successful login: the username's failures are forgotten and the
 * address is remembered as one this user logs in from. */
void acc_throttle_login_ok(request_rec *r, acc_store_t *st,
                           const char *user_key, apr_int64_t user_id);

/* Seconds before this address may create another account (0: now), or
 * -1 when the store failed. */
int acc_throttle_register_check(request_rec *r, acc_store_t *st);

/* An account was created from this request's address. */
void acc_throttle_register_done(request_rec *r, acc_store_t *st);

/* Set Retry-After: seconds on the response. */
void acc_retry_after(request_rec *r, int seconds);

/* Record an event in the audit trail (best effort: a failure is logged,
 * never fatal to the request). */
void acc_audit(request_rec *r, acc_store_t *st, const char *event,
               const char *username);

#endif /* ACC_THROTTLE_H */
