/*
 * src/core/totp.h -- a second factor: time-based one-time passwords
 * (RFC 6238 over RFC 4226's HOTP), their secrets sealed at rest, and
 * one-time recovery codes.
 *
 * Codes are what Google Authenticator, FreeOTP and Aegis make: HMAC-SHA1,
 * 30-second steps from the Unix epoch, 6 digits.  A secret is 20 random
 * bytes (RFC 4226's 160 bits), shown to people in base32 (RFC 4648,
 * without padding, as the otpauth:// Key URI format has it).  A code is
 * taken for the step before, the step of and the step after now (clock
 * drift), and never for a step at or before the last one used: each
 * code is good once.
 *
 * Secrets are stored sealed with AES-256-GCM under a key derived from
 * the site's secret key, so a copy of the database alone gives none of
 * them away.  Recovery codes are stored as an HMAC-SHA256 under another
 * derived key: 10 random base32 characters each (50 bits), which no
 * offline guessing against a stolen table reaches without the key.
 * Pure core: APR and OpenSSL's libcrypto; everything in the caller's
 * pool.
 */
#ifndef ACC_TOTP_H
#define ACC_TOTP_H

#include "core.h"

#define ACC_TOTP_SECRET_LEN 20 /* bytes */
#define ACC_TOTP_STEP       30 /* seconds */
#define ACC_TOTP_DIGITS     6
#define ACC_TOTP_DRIFT      1 /* steps either side of now */

/* How many recovery codes a set has, and the characters of one (shown as
 * two groups of five, "abcde-fghij"; typed in any case, with or without
 * the dash and spaces). */
#define ACC_RECOVERY_CODES    10
#define ACC_RECOVERY_CODE_LEN 10

/* RFC 4226's HOTP value of counter under key (the 6-digit code as a
 * number, below 10^6). */
apr_uint32_t acc_hotp(const unsigned char *key, apr_size_t klen,
                      apr_uint64_t counter);

/* The step of the Unix time t (seconds). */
apr_int64_t acc_totp_step(apr_int64_t t);

/* The step code (exactly 6 ASCII digits, spaces ignored) is good for at
 * Unix time now: one of now's step and ACC_TOTP_DRIFT either side, and
 * after last_used (the last step a code was taken for; 0: none).  -1 when
 * none: a malformed code, a wrong one, or one already used (a replay).
 * Every candidate step is computed and compared whatever the code. */
apr_int64_t acc_totp_check(const unsigned char *key, apr_size_t klen,
                           const char *code, apr_int64_t now,
                           apr_int64_t last_used);

/* A new secret: ACC_TOTP_SECRET_LEN random bytes into key.  APR_SUCCESS,
 * or the OS's error when it has no randomness. */
apr_status_t acc_totp_new_secret(unsigned char key[ACC_TOTP_SECRET_LEN]);

/* key in base32 (uppercase, no padding), in p. */
const char *acc_totp_base32(apr_pool_t *p, const unsigned char *key,
                            apr_size_t klen);

/* The otpauth:// URI an authenticator app reads (Google's Key Uri
 * Format): otpauth://totp/<issuer>:<account>?secret=<base32>&issuer=
 * <issuer>&algorithm=SHA1&digits=6&period=30, issuer and account
 * percent-encoded (all but RFC 3986's unreserved characters), in p. */
const char *acc_totp_uri(apr_pool_t *p, const char *issuer, const char *account,
                         const char *secret_b32);

/* The keys secrets and recovery codes are sealed and hashed under,
 * derived from a secret key (klen bytes) by HMAC-SHA256 with a label of
 * their own: neither is the secret key, nor each other. */
#define ACC_MFA_KEY_LEN 32
void acc_mfa_keys(apr_pool_t *p, const unsigned char *secret, apr_size_t slen,
                  unsigned char seal[ACC_MFA_KEY_LEN],
                  unsigned char codes[ACC_MFA_KEY_LEN]);

/* plain (len bytes) sealed under key with a fresh random nonce:
 * "v1." and base64url of nonce (12) || ciphertext || tag (16), in p; NULL
 * when the OS has no randomness or OpenSSL fails.  aad (NUL-terminated,
 * e.g. the user's id) is bound to it: it opens only with the same aad. */
const char *acc_mfa_seal(apr_pool_t *p, const unsigned char *key,
                         const unsigned char *plain, apr_size_t len,
                         const char *aad);

/* Open sealed (acc_mfa_seal's) under key with aad into out (at most
 * outmax bytes; *outlen set).  0 on success, -1 when it is malformed,
 * was sealed under another key or aad, or was altered. */
int acc_mfa_open(apr_pool_t *p, const unsigned char *key, const char *sealed,
                 const char *aad, unsigned char *out, apr_size_t outmax,
                 apr_size_t *outlen);

/* A new recovery code as shown ("abcde-fghij", lowercase base32), in p;
 * NULL when the OS has no randomness. */
const char *acc_recovery_code_new(apr_pool_t *p);

/* The stored form of a recovery code as typed: 64 hex digits of
 * HMAC-SHA256 under key of its ACC_RECOVERY_CODE_LEN characters
 * (lowercased, dashes and spaces dropped), in p; NULL when what was
 * typed is not a code's shape. */
const char *acc_recovery_code_hash(apr_pool_t *p, const unsigned char *key,
                                   const char *typed);

/* Tickets: what a cookie carries between the two steps of a login (the
 * pending step after the right password) and for a browser the user
 * trusts.  "<uid>.<issued>.<flags>.<mac>": the user's id, the Unix time it
 * was made, a small number the caller gives meaning to, and base64url
 * of HMAC-SHA256 under a key derived from the secret key of kind (a
 * label: a ticket of one kind never passes for another), the three
 * numbers, and bind (what the ticket must die with: the user's password
 * hash, and when their second factor was set up).  Stateless: nothing
 * is stored. */
const char *acc_mfa_ticket_make(apr_pool_t *p, const unsigned char *secret,
                                apr_size_t slen, const char *kind,
                                apr_int64_t uid, apr_int64_t issued, int flags,
                                const char *bind);

/* The numbers of a ticket of the right shape (nothing checked yet): 0,
 * or -1 when malformed. */
int acc_mfa_ticket_parse(const char *ticket, apr_int64_t *uid,
                         apr_int64_t *issued, int *flags);

/* 1 when ticket was made by acc_mfa_ticket_make under secret with kind
 * and bind (compared in constant time), else 0.  Its age is the
 * caller's to judge. */
int acc_mfa_ticket_check(apr_pool_t *p, const unsigned char *secret,
                         apr_size_t slen, const char *kind, const char *ticket,
                         const char *bind);

#endif /* ACC_TOTP_H */
