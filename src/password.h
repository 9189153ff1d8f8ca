/*
 * src/password.h -- argon2id password hashes in PHC string form.
 *
 *   $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>
 *
 * (base64 without padding).  Django's "argon2$argon2id$..." form is
 * accepted too, so users can be imported from a Django auth_user table.
 * Salts are 16 random bytes, tags 32 bytes.  Verification is constant
 * time (libargon2 compares in constant time).
 */
#ifndef ACC_PASSWORD_H
#define ACC_PASSWORD_H

#include "core.h"
#include "phc.h"

/* Passwords longer than this many bytes are refused before hashing. */
#define ACC_PASSWORD_MAX_BYTES 4096

#define ACC_ARGON2_SALT_LEN 16
#define ACC_ARGON2_HASH_LEN 32

/* OWASP's minimum: m=19456 KiB, t=2, p=1. */
#define ACC_ARGON2_DEFAULT_M 19456
#define ACC_ARGON2_DEFAULT_T 2
#define ACC_ARGON2_DEFAULT_P 1

typedef enum {
    ACC_PW_MATCH = 0,
    ACC_PW_MISMATCH,
    ACC_PW_UNUSABLE /* malformed, unknown scheme, or "!" unusable marker */
} acc_pw_result_t;

/* Parse "m=N t=N p=N" (any order, each optional, spaces between) into out,
 * starting from the defaults.  Returns NULL when fine, else a message in p
 * saying what is wrong (for the directive's error). */
const char *acc_argon2_params_parse(apr_pool_t *p, const char *args,
                                    acc_argon2_params_t *out);

/* Hash pw (pwlen bytes) with a fresh random salt, in this thread (argon2's
 * memory as for acc_password_verify).  On success sets *phc to the PHC
 * string (in p) and returns APR_SUCCESS; otherwise returns an
 * error status and, when err is not NULL, a message in p. */
apr_status_t acc_password_hash(apr_pool_t *p, const acc_argon2_params_t *prm,
                               const char *pw, apr_size_t pwlen,
                               const char **phc, const char **err);

/* Verify pw against a stored PHC string (optionally with Django's
 * "argon2" prefix).  Never allocates from a pool (argon2's memory is
 * mapped for the hash and unmapped after it); starts no thread; constant
 * time in pw. */
acc_pw_result_t acc_password_verify(const char *phc, const char *pw,
                                    apr_size_t pwlen);

/* 1 when the stored hash should be re-made with prm: another variant or
 * version, other m/t/p, or another salt or tag length; also when it does
 * not parse.  0 when it is current. */
int acc_password_needs_rehash(const char *phc, const acc_argon2_params_t *prm);

#endif /* ACC_PASSWORD_H */
