/*
 * src/core/csrf.h -- CSRF secrets and per-form masked tokens, as Django does.
 *
 * The secret (kept in the csrftoken cookie) is 32 characters of
 * [A-Za-z0-9].  Each form gets a fresh 64-character masked token:
 * 32 random mask characters followed by the secret "added" to the mask
 * character by character modulo 62 (BREACH mitigation).  A submitted token
 * may be the masked 64 characters or the bare 32-character secret.
 */
#ifndef ACC_CSRF_H
#define ACC_CSRF_H

#include "core.h"

#define ACC_CSRF_SECRET_LEN 32
#define ACC_CSRF_TOKEN_LEN  64

/* A new random secret in p (uniform over the 62 characters: no modulo
 * bias).  NULL when the OS has no randomness. */
const char *acc_csrf_new_secret(apr_pool_t *p);

/* 1 when s is a well-formed secret (32 characters of [A-Za-z0-9]). */
int acc_csrf_secret_valid(const char *s);

/* A freshly masked token for secret, in p.  NULL when the OS has no
 * randomness or the secret is malformed. */
const char *acc_csrf_mask(apr_pool_t *p, const char *secret);

/* 1 when token (64 masked or 32 bare characters) unmasks to secret,
 * comparing in constant time; 0 for a mismatch, a malformed token or
 * secret, or NULL. */
int acc_csrf_check(const char *secret, const char *token);

#endif /* ACC_CSRF_H */
