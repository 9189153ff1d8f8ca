/*
 * src/core/phc.h -- argon2 hashes as PHC strings: the parameters and the
 * parser.
 *
 *   $argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt b64>$<hash b64>
 *
 * (standard base64 without padding).  Django's "argon2$argon2id$..." form
 * is the same string after "argon2".  Pure parsing: no hashing here.
 */
#ifndef ACC_PHC_H
#define ACC_PHC_H

#include "core.h"

typedef struct {
    uint32_t m_kib; /* memory in KiB */
    uint32_t t;     /* passes */
    uint32_t p;     /* lanes (threads) */
} acc_argon2_params_t;

/* The longest salt and tag accepted, in bytes: the PHC string format's
 * own recommendation is at most 48 and 64; libargon2 and Django make 16
 * (Django: 22) and 32.  Verification decodes them into buffers this
 * size. */
#define ACC_PHC_MAX_SALT_LEN 64
#define ACC_PHC_MAX_HASH_LEN 64

/* A parsed PHC string. */
typedef struct {
    const char *variant; /* "argon2id", "argon2i", "argon2d" */
    uint32_t version;    /* 19 (0x13) or 16 when v= is absent */
    acc_argon2_params_t params;
    apr_size_t salt_len;  /* decoded bytes */
    apr_size_t hash_len;  /* decoded bytes */
    const char *salt_b64; /* the salt field, in the parsed string */
    const char *hash_b64; /* the hash field, in the parsed string */
} acc_phc_t;

/* Parse a PHC string (Django prefix allowed).  Returns 0 and fills out on
 * success, -1 on anything malformed, outside libargon2's limits, or with
 * a salt or tag longer than the maxima above.  out's b64 fields point
 * into phc, which must outlive them.  Pure parsing: no hashing. */
int acc_phc_parse(const char *phc, acc_phc_t *out);

/* Decode len bytes of the base64 field b64 into out.  b64 must be a salt
 * or hash field acc_phc_parse accepted, and len its decoded length (so
 * nothing is checked here).  No allocation. */
void acc_phc_b64_decode(const char *b64, apr_size_t len, unsigned char *out);

/* The PHC string of an argon2id (v=19) hash with prm, salt and tag, in p:
 * byte for byte what libargon2's argon2id_hash_encoded writes. */
char *acc_phc_encode(apr_pool_t *p, const acc_argon2_params_t *prm,
                     const unsigned char *salt, apr_size_t salt_len,
                     const unsigned char *hash, apr_size_t hash_len);

#endif /* ACC_PHC_H */
