/*
 * src/phc.h -- argon2 hashes as PHC strings: the parameters and the parser.
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

/* A parsed PHC string. */
typedef struct {
    const char *variant; /* "argon2id", "argon2i", "argon2d" */
    uint32_t version;    /* 19 (0x13) or 16 when v= is absent */
    acc_argon2_params_t params;
    apr_size_t salt_len; /* decoded bytes */
    apr_size_t hash_len; /* decoded bytes */
} acc_phc_t;

/* Parse a PHC string (Django prefix allowed).  Returns 0 and fills out on
 * success, -1 on anything malformed or outside libargon2's limits.  Pure
 * parsing: no hashing. */
int acc_phc_parse(const char *phc, acc_phc_t *out);

#endif /* ACC_PHC_H */
