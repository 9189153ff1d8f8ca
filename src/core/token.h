/*
 * src/core/token.h -- stateless signed tokens for links sent by mail
 * (password reset, email verification), as Django makes them.
 *
 * Django's PasswordResetTokenGenerator (django/contrib/auth/tokens.py),
 * reproduced exactly, so that a link made by either checks in the other
 * given the same secret key and user row.  A token is "<ts>-<hash>": ts
 * the whole seconds since 2001-01-01 00:00:00 (UTC here; Django uses
 * local time unless USE_TZ) in lowercase base36, hash every other hex
 * digit (32) of
 *
 *     HMAC-SHA256(key = SHA-256(key_salt || secret),
 *                 msg = id password last_login ts email extra)
 *
 * the message's fields concatenated with nothing between them: id and ts
 * in decimal, last_login "YYYY-MM-DD HH:MM:SS" (UTC, microseconds
 * dropped) or "" for never, email "" when there is none, extra ours
 * (Django has none: "" gives its token).  Nothing is stored: the token
 * dies when any field changes -- a new password, a login since it was
 * sent, a new email -- or when it grows older than the caller's timeout.
 * Each use has its own key_salt, so a token made for one use never
 * checks for another.  Pure core: APR only; everything in the caller's
 * pool, no globals.
 *
 * The uidb64 half of a Django link ("/reset/<uidb64>/<token>/") is the
 * user's id in decimal, base64url without padding.
 */
#ifndef ACC_TOKEN_H
#define ACC_TOKEN_H

#include "core.h"

#include <apr_time.h>

/* Django's key_salt for password-reset tokens, and ours for email
 * verification. */
#define ACC_TOKEN_SALT_RESET                                                   \
    "django.contrib.auth.tokens.PasswordResetTokenGenerator"
#define ACC_TOKEN_SALT_VERIFY "mod_accounts.verify"

/* Seconds from the Unix epoch to 2001-01-01 00:00:00 UTC, Django's
 * token epoch. */
#define ACC_TOKEN_EPOCH 978307200

/* How far in the future (seconds) a token's time may be and still check:
 * clock skew between servers sharing a key.  Django has no such bound. */
#define ACC_TOKEN_MAX_SKEW 60

/* Longest uidb64 acc_uidb64_decode reads (the largest id takes 26). */
#define ACC_UIDB64_MAX 32

/* What a token is bound to: one account as it is now. */
typedef struct {
    apr_int64_t id;        /* the user's id (Django's pk) */
    const char *password;  /* the stored password hash; NULL is "" */
    apr_time_t last_login; /* 0: never logged in (Django's None) */
    const char *email;     /* NULL is "" */
    const char *extra;     /* after email, for uses other than reset
                            * (e.g. the address being verified); NULL
                            * or "" for none, as Django */
} acc_token_subject_t;

/* A secret key: raw bytes (Django's SECRET_KEY is its UTF-8 bytes). */
typedef struct {
    const unsigned char *key;
    apr_size_t len;
} acc_token_secret_t;

/* Seconds since 2001-01-01 00:00:00 UTC at now (truncated toward zero,
 * as Django's int()). */
apr_int64_t acc_token_now(apr_time_t now);

/* The token "<ts base36>-<32 hex>" for s at ts (acc_token_now), signed
 * with secret (secret_len bytes) under key_salt, in p.  NULL when an
 * argument is NULL, the secret is empty or ts is negative. */
const char *acc_token_make(apr_pool_t *p, const char *key_salt,
                           const unsigned char *secret, apr_size_t secret_len,
                           const acc_token_subject_t *s, apr_int64_t ts);

/* 1 when token is one acc_token_make made for s under key_salt with one
 * of secrets[0..nsecrets) (the current key first, then the old ones
 * still honoured; an empty one never matches), whose time is no more
 * than timeout seconds before now_ts (exactly timeout checks, as
 * Django's "> timeout" refuses) and no more than ACC_TOKEN_MAX_SKEW
 * after it.  0 for anything else: NULL arguments, a negative now_ts or
 * timeout, a malformed token (anything but 1-13 base36 digits that fit
 * in 63 bits, '-', 32 lowercase hex digits).  The hash compares in
 * constant time; scratch memory comes from p. */
int acc_token_check(apr_pool_t *p, const char *key_salt,
                    const acc_token_secret_t *secrets, int nsecrets,
                    const acc_token_subject_t *s, const char *token,
                    apr_int64_t now_ts, apr_int64_t timeout);

/* Django's urlsafe_base64_encode(force_bytes(id)): id in decimal,
 * base64url without '=' padding, in p.  NULL for an id below 1. */
const char *acc_uidb64_encode(apr_pool_t *p, apr_int64_t id);

/* 1 and *id set when s is exactly what acc_uidb64_encode makes for an
 * id from 1 to 2^63-1; otherwise 0 and *id 0 (when id is not NULL).
 * Strict where Django is lenient: no '=' padding ("MQ==" is refused),
 * no characters outside [A-Za-z0-9_-], no leading zeros or signs in the
 * decimal, no stray bits in the last character, at most ACC_UIDB64_MAX
 * characters -- one id, one spelling. */
int acc_uidb64_decode(const char *s, apr_int64_t *id);

#endif /* ACC_TOKEN_H */
