/*
 * src/core/djhash.h -- the password hashes a Django database holds, other
 * than argon2 (phc.h reads Django's "argon2$..." form).
 *
 *   pbkdf2_sha256$<iterations>$<salt>$<base64 of 32 bytes>  Django's default
 *   pbkdf2_sha1$<iterations>$<salt>$<base64 of 20 bytes>
 *   bcrypt_sha256$$2b$<cost>$<53 characters>   bcrypt of hex(SHA-256(pw))
 *   bcrypt$$2b$<cost>$<53 characters>          bcrypt of pw (72 bytes at most)
 *   scrypt$<N>$<salt>$<r>$<p>$<base64 of 64 bytes>  (Django 4.0 and later)
 *
 * PBKDF2 and scrypt come from OpenSSL's libcrypto, bcrypt from libxcrypt
 * (Debian's libcrypt: glibc's own crypt has no bcrypt, OpenSSL has none
 * at all).  Every comparison is constant time.  A stored hash names its
 * own cost, so each has a ceiling, as argon2's has (password.h): a planted
 * or corrupt row must not make one login cost minutes or gigabytes.
 */
#ifndef ACC_DJHASH_H
#define ACC_DJHASH_H

#include "core.h"
#include "password.h"

/* Ceilings on the cost a stored hash names for itself.  Django 6.1 makes
 * PBKDF2 with 1,500,000 iterations and raises the count each release;
 * bcrypt's cost is 12 in Django, scrypt's N=2^14, r=8, p=1 (16 MiB). */
#define ACC_DJ_PBKDF2_MAX_ITER 20000000u
#define ACC_DJ_BCRYPT_MAX_COST 16
#define ACC_DJ_SCRYPT_MAX_MEM  (256u * 1024 * 1024) /* 128 * N * r bytes */
#define ACC_DJ_SCRYPT_MAX_P    16

typedef enum {
    ACC_DJ_NONE = 0, /* not one of these forms (argon2 or unknown) */
    ACC_DJ_PBKDF2_SHA256,
    ACC_DJ_PBKDF2_SHA1,
    ACC_DJ_BCRYPT_SHA256,
    ACC_DJ_BCRYPT,
    ACC_DJ_SCRYPT
} acc_dj_kind_t;

/* A parsed hash: pointers into the parsed string. */
typedef struct {
    acc_dj_kind_t kind;
    uint32_t iterations;  /* PBKDF2; bcrypt's cost */
    uint64_t n;           /* scrypt */
    uint32_t r, p;        /* scrypt */
    const char *salt;     /* PBKDF2, scrypt: the salt as Django stores it */
    apr_size_t salt_len;  /* its length in characters */
    const char *hash_b64; /* PBKDF2, scrypt: base64 with padding */
    apr_size_t hash_len;  /* decoded bytes */
    const char *bcrypt;   /* bcrypt: the whole "$2b$..." string */
} acc_dj_hash_t;

/* Which algorithm an encoded hash names ("pbkdf2_sha256", "md5", ...):
 * the text before its first '$', or NULL when there is none.  In p. */
const char *acc_dj_algorithm(apr_pool_t *p, const char *encoded);

/* Parse one of the forms above.  Returns 0 and fills out; -1 when encoded
 * is none of them or malformed; -2 when it is well formed but its cost
 * is over the ceiling. */
int acc_dj_parse(const char *encoded, acc_dj_hash_t *out);

/* Check pw (pwlen bytes) against an encoded hash of one of the forms
 * above: ACC_PW_MATCH, ACC_PW_MISMATCH, or ACC_PW_UNUSABLE (not one of
 * them, malformed, or over a ceiling: nothing hashed). */
acc_pw_result_t acc_dj_verify(const char *encoded, const char *pw,
                              apr_size_t pwlen);

#endif /* ACC_DJHASH_H */
