/*
 * src/core/password.h -- argon2id password hashes in PHC string form.
 *
 *   $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>
 *
 * (base64 without padding).  Django's "argon2$argon2id$..." form is
 * accepted too, and verification also takes Django's PBKDF2, bcrypt and
 * scrypt hashes (djhash.h), so users can be imported from a Django
 * auth_user table; a login rehashes them into our own form.
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

/* Verification's ceiling on the cost a stored hash names for itself.
 * Without one, a planted or corrupt row such as m=2097152,t=1000 makes a
 * single login cost 2 GiB and most of an hour of CPU.  A stored hash is
 * refused unhashed (ACC_PW_UNUSABLE) when its m is over max(configured m,
 * the M floor), its t over max(configured t, the T floor), or its p over
 * the P maximum.  The floors are there so that the ceiling is not the
 * configured cost itself: users hashed at an earlier, higher
 * AccountsPasswordHash must still log in (and are rehashed then), and
 * hashes imported from Django must verify (Django's argon2 default is
 * m=102400 t=2 p=8).  At the floors one check is 256 MiB and 16 passes.
 * The P maximum is also the most lanes AccountsPasswordHash allows. */
#define ACC_ARGON2_VERIFY_M_FLOOR 262144 /* KiB: 256 MiB */
#define ACC_ARGON2_VERIFY_T_FLOOR 16
#define ACC_ARGON2_VERIFY_P_MAX   16

typedef enum {
    ACC_PW_MATCH = 0,
    ACC_PW_MISMATCH,
    ACC_PW_UNUSABLE /* malformed, unknown scheme, "!" unusable marker, or a
                       cost over the ceiling */
} acc_pw_result_t;

/* Parse "m=N t=N p=N" (any order, each optional, spaces between) into out,
 * starting from the defaults.  Returns NULL when fine, else a message in p
 * saying what is wrong (for the directive's error). */
const char *acc_argon2_params_parse(apr_pool_t *p, const char *args,
                                    acc_argon2_params_t *out);

/* Memory for argon2's blocks that outlives one hash: len bytes at base.
 * A hash whose blocks fit in it works there rather than in a mapping of
 * its own; one hash at a time (the caller sees to that: hashgate.h gives
 * each of its slots one).  libargon2 wipes the blocks at the end of every
 * hash, so nothing of a password stays in it. */
typedef struct {
    unsigned char *base;
    apr_size_t len;
} acc_hash_mem_t;

/* Map len bytes for acc_hash_mem_t: shared and anonymous, so that httpd's
 * parent can make it for all of its children, and not reserved (a page
 * exists once a hash first touches it, and stays until the unmap).  NULL
 * when the mapping fails. */
unsigned char *acc_hash_mem_map(apr_size_t len);
/* The bytes of argon2's blocks one hash at prm takes (m KiB, at least
 * 8 KiB a lane): what acc_hash_mem_t must hold for it. */
apr_size_t acc_hash_mem_len(const acc_argon2_params_t *prm);
void acc_hash_mem_unmap(unsigned char *base, apr_size_t len);

/* Hash pw (pwlen bytes) with a fresh random salt, in this thread (argon2's
 * memory as for acc_password_verify).  On success sets *phc to the PHC
 * string (in p) and returns APR_SUCCESS; otherwise returns an
 * error status and, when err is not NULL, a message in p. */
apr_status_t acc_password_hash(apr_pool_t *p, const acc_argon2_params_t *prm,
                               const char *pw, apr_size_t pwlen,
                               const char **phc, const char **err);
/* The same, with argon2's blocks in mem when they fit (NULL: mapped). */
apr_status_t acc_password_hash_in(const acc_hash_mem_t *mem, apr_pool_t *p,
                                  const acc_argon2_params_t *prm,
                                  const char *pw, apr_size_t pwlen,
                                  const char **phc, const char **err);

/* 1 when a stored hash's cost is within the ceiling that configured
 * (NULL: the defaults) sets (see ACC_ARGON2_VERIFY_M_FLOOR), 0 when it
 * is over it. */
int acc_password_cost_ok(const acc_argon2_params_t *stored,
                         const acc_argon2_params_t *configured);

/* Verify pw against a stored PHC string (optionally with Django's
 * "argon2" prefix).  configured is the cost new hashes are made with
 * (NULL: the defaults); a stored cost over the ceiling it sets is
 * ACC_PW_UNUSABLE, without hashing.  Never allocates from a pool (argon2's
 * memory is mapped for the hash and unmapped after it); starts no thread;
 * constant time in pw. */
acc_pw_result_t acc_password_verify(const char *phc, const char *pw,
                                    apr_size_t pwlen,
                                    const acc_argon2_params_t *configured);
/* The same, with argon2's blocks in mem when they fit (NULL: mapped). */
acc_pw_result_t acc_password_verify_in(const acc_hash_mem_t *mem,
                                       const char *phc, const char *pw,
                                       apr_size_t pwlen,
                                       const acc_argon2_params_t *configured);

/* 1 when the stored hash should be re-made with prm: another variant or
 * version, other m/t/p, or another salt or tag length; also when it does
 * not parse.  0 when it is current. */
int acc_password_needs_rehash(const char *phc, const acc_argon2_params_t *prm);

/* Why acc_password_verify would call phc unusable, for the log: NULL
 * when it is usable or Django's deliberate "!" (no user to blame), else
 * a phrase in p.  *unknown is set when the reason is an algorithm we do
 * not know (logged once per process by the caller). */
const char *acc_password_problem(apr_pool_t *p, const char *phc,
                                 const acc_argon2_params_t *configured,
                                 int *unknown);

#endif /* ACC_PASSWORD_H */
