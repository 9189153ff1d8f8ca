/*
 * src/core/device.h -- device tokens: "this browser logged this user in
 * before", signed, for the login throttle.
 *
 * OWASP's device-cookie pattern: a successful login gives the browser a
 * token bound to the username and signed with the server's key.  Failed
 * logins from browsers without one count against the username (and lock
 * it out after a few), but a browser that shows a valid one is judged by
 * its own failures, so an attacker guessing a user's password -- from
 * anywhere, a shared NAT included -- cannot lock the real user out.  The
 * token holds no secret of the user's and names no one: it is
 * "<issued>.<nonce>.<mac>", the MAC an HMAC-SHA256 over the subject (the
 * caller's string for one account: the glue gives the username key, the
 * user's id and join time), the issue time and the nonce.  Pure core: APR
 * only.
 */
#ifndef ACC_DEVICE_H
#define ACC_DEVICE_H

#include "core.h"

#include <apr_time.h>

/* A new token for subject (a string naming one account; see above),
 * issued at now, signed with key; in p.  NULL when the OS has no random
 * bytes. */
const char *acc_device_token(apr_pool_t *p, const unsigned char *key,
                             apr_size_t klen, const char *subject,
                             apr_time_t now);

/* 1 when token is one acc_device_token made for subject with key, issued
 * no more than max_age seconds before now (and not after it); then *nonce
 * is its nonce (in p), which names the device for the throttle.  0 for
 * anything else, malformed input included. */
int acc_device_check(apr_pool_t *p, const char *token, const unsigned char *key,
                     apr_size_t klen, const char *subject, apr_time_t now,
                     apr_int64_t max_age, const char **nonce);

#endif /* ACC_DEVICE_H */
