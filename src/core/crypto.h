/*
 * src/core/crypto.h -- hashing, random tokens and constant-time comparison.
 *
 * SHA-256 comes from OpenSSL's libcrypto (APR's portable one, apr_random.h,
 * should libcrypto fail); HMAC-SHA256 (RFC 2104) is built on it.
 * Random bytes come from the OS through apr_generate_random_bytes.
 */
#ifndef ACC_CRYPTO_H
#define ACC_CRYPTO_H

#include "core.h"

#define ACC_SHA256_LEN 32

/* SHA-256 of data into out (32 bytes). */
void acc_sha256(const void *data, apr_size_t len,
                unsigned char out[ACC_SHA256_LEN]);

/* SHA-256 of a NUL-terminated string as 64 lowercase hex digits, in p. */
const char *acc_sha256_hex(apr_pool_t *p, const char *s);

/* HMAC-SHA256 (RFC 2104) of msg under key into out (32 bytes). */
void acc_hmac_sha256(const void *key, apr_size_t klen, const void *msg,
                     apr_size_t mlen, unsigned char out[ACC_SHA256_LEN]);

/* Django's salted_hmac(key_salt, msg, secret, algorithm="sha256"):
 * HMAC-SHA256 of msg under the key SHA-256(key_salt || secret), into out
 * (32 bytes).  Django's reset tokens, its session signatures and its
 * session auth hash are all made with it. */
void acc_salted_hmac(apr_pool_t *p, const char *key_salt, const void *secret,
                     apr_size_t slen, const void *msg, apr_size_t mlen,
                     unsigned char out[ACC_SHA256_LEN]);

/* Lowercase hex of len bytes, in p. */
const char *acc_hex(apr_pool_t *p, const unsigned char *buf, apr_size_t len);

/* nbytes random bytes from the OS, base64url without padding, in p.
 * Returns NULL (and logs nothing) when the OS has no randomness. */
const char *acc_random_token(apr_pool_t *p, apr_size_t nbytes);

/* nbytes random bytes from the OS into buf. */
apr_status_t acc_random_bytes(unsigned char *buf, apr_size_t nbytes);

/* 1 when a and b are equal, comparing in time that depends only on the
 * lengths; 0 otherwise.  NULL never equals anything. */
int acc_str_equal_ct(const char *a, const char *b);

/* Overwrite a NUL-terminated string's bytes with zeros (not optimised
 * away).  NULL is ignored. */
void acc_wipe(char *s);

#endif /* ACC_CRYPTO_H */
