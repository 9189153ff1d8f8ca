/*
 * src/core/crypto.c -- hashing, random tokens and constant-time comparison.
 */
#include "crypto.h"

#include <apr_random.h>
#include <apr_general.h>
#include <apr_encode.h>
#include <apr_crypto.h>

#include <nettle/hmac.h>
#include <nettle/sha2.h>

#include <string.h>

/* SHA-256 by Nettle: its context lives on the stack, nothing is
 * allocated or looked up per hash, and it uses the CPU's SHA instructions
 * where there are some.  This runs on every guarded request (the cookie's
 * hash) and every shared cache lookup (the entry's HMAC).  libcrypto
 * 3.0's EVP, used before, allocated, wiped and freed a provider context on
 * every hash, and its first hash cost each process 2.2 MiB of provider
 * tables. */
void acc_sha256(const void *data, apr_size_t len,
                unsigned char out[ACC_SHA256_LEN])
{
    struct sha256_ctx ctx;

    sha256_init(&ctx);
    sha256_update(&ctx, len, data);
    sha256_digest(&ctx, ACC_SHA256_LEN, out);
}

const char *acc_hex(apr_pool_t *p, const unsigned char *buf, apr_size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(p, len * 2 + 1);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[buf[i] >> 4];
        out[2 * i + 1] = digits[buf[i] & 0xf];
    }
    out[len * 2] = '\0';
    return out;
}

const char *acc_sha256_hex(apr_pool_t *p, const char *s)
{
    unsigned char md[ACC_SHA256_LEN];

    acc_sha256(s, strlen(s), md);
    return acc_hex(p, md, sizeof(md));
}

void acc_hmac_sha256(const void *key, apr_size_t klen, const void *msg,
                     apr_size_t mlen, unsigned char out[ACC_SHA256_LEN])
{
    struct hmac_sha256_ctx ctx;

    hmac_sha256_set_key(&ctx, klen, key);
    hmac_sha256_update(&ctx, mlen, msg);
    hmac_sha256_digest(&ctx, ACC_SHA256_LEN, out);
    /* The key's inner and outer states. */
    apr_crypto_memzero(&ctx, sizeof(ctx));
}

void acc_salted_hmac(apr_pool_t *p, const char *key_salt, const void *secret,
                     apr_size_t slen, const void *msg, apr_size_t mlen,
                     unsigned char out[ACC_SHA256_LEN])
{
    apr_size_t ls = strlen(key_salt);
    unsigned char *buf = apr_palloc(p, ls + slen), key[ACC_SHA256_LEN];

    memcpy(buf, key_salt, ls);
    memcpy(buf + ls, secret, slen);
    acc_sha256(buf, ls + slen, key);
    apr_crypto_memzero(buf, ls + slen);
    acc_hmac_sha256(key, sizeof(key), msg, mlen, out);
    apr_crypto_memzero(key, sizeof(key));
}

apr_status_t acc_random_bytes(unsigned char *buf, apr_size_t nbytes)
{
    return apr_generate_random_bytes(buf, nbytes);
}

const char *acc_random_token(apr_pool_t *p, apr_size_t nbytes)
{
    unsigned char buf[64];
    const char *tok;

    if (nbytes > sizeof(buf) || acc_random_bytes(buf, nbytes) != APR_SUCCESS) {
        return NULL;
    }
    tok = apr_pencode_base64_binary(p, buf, nbytes, APR_ENCODE_BASE64URL, NULL);
    apr_crypto_memzero(buf, sizeof(buf));
    return tok;
}

int acc_str_equal_ct(const char *a, const char *b)
{
    apr_size_t la, lb;

    if (a == NULL || b == NULL) {
        return 0;
    }
    la = strlen(a);
    lb = strlen(b);
    if (la != lb) {
        return 0;
    }
    return apr_crypto_equals(a, b, la);
}

void acc_wipe(char *s)
{
    if (s) {
        apr_crypto_memzero(s, strlen(s));
    }
}
