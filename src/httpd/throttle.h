/*
 * src/httpd/throttle.h -- failed-login and registration throttling.
 *
 * State lives in PostgreSQL (accounts_throttle), so every process and
 * every server sharing the database sees it, and it expires by itself.
 * The client address is r->useragent_ip, which mod_remoteip corrects
 * behind trusted proxies; X-Forwarded-For is never read here.
 */
#ifndef ACC_THROTTLE_H
#define ACC_THROTTLE_H

#include "module.h"
#include "store/store.h"

/* Read the user called username (*u, NULL when there is none) and claim
 * a login attempt for user_key from this request's address, before any
 * hashing, in one round trip: the attempt is counted now, under a row
 * lock, so attempts sent at the same moment cannot all slip past the
 * limits.  It counts against the address and against the username -- or,
 * when the browser shows a device token from an earlier login of this
 * very account, against that token instead.  Returns 0 to go ahead, the
 * seconds to wait (the attempt refused, not counted), or -1 when the
 * store failed (logged). */
int acc_throttle_login_begin(request_rec *r, acc_store_t *st,
                             const char *username, const char *user_key,
                             acc_user_t **u);

/* The claimed attempt succeeded: what the store gives back (see
 * acc_login_done_t), for a caller that writes it in its own statement.
 * d's other fields are left alone. */
void acc_throttle_login_ok_keys(request_rec *r, const char *user_key,
                                acc_login_done_t *d);

/* The browser gets a fresh device token for u (a cookie, device.h). */
void acc_throttle_device_renew(request_rec *r, const char *user_key,
                               const acc_user_t *u);

/* The claimed attempt succeeded: the count it was judged by (the
 * username's, or the browser's device token's) is forgotten, the
 * address's attempt taken back, and the browser given a fresh device
 * token for this user (a cookie, device.h). */
void acc_throttle_login_ok(request_rec *r, acc_store_t *st,
                           const char *user_key, const acc_user_t *u);

/* Claim one of the address's registration attempts for this hour and
 * look up whether the uniqueness key `key` is taken (*taken), in one
 * round trip: the count comes first, as whether a name is taken is what
 * the limit protects.  0, the seconds to wait (then *taken means
 * nothing), or -1 (logged).  The attempt stays counted however it ends. */
int acc_throttle_register_begin(request_rec *r, acc_store_t *st,
                                const char *key, int *taken);

/* "Too many failed login attempts. Please try again in N seconds." in
 * r's language: what a login, a password change and a second factor say
 * when the login throttle refuses. */
const char *acc_throttle_message(request_rec *r, int wait);

/* Set Retry-After: seconds on the response. */
void acc_retry_after(request_rec *r, int seconds);

#endif /* ACC_THROTTLE_H */
