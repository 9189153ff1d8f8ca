/*
 * src/core/crypto.c -- hashing, random tokens and constant-time comparison.
 */
#include "crypto.h"

#include <apr_atomic.h>
#include <apr_random.h>
#include <apr_general.h>
#include <apr_encode.h>
#include <apr_crypto.h>

#include <openssl/evp.h>

#include <pthread.h>
#include <string.h>

/* OpenSSL's SHA-256, fetched once per process (an implicit fetch on each
 * use costs as much again as the hash). */
static EVP_MD *sha256_md(void)
{
    static volatile void *md;
    EVP_MD *m = apr_atomic_casptr(&md, NULL, NULL);

    if (m == NULL && (m = EVP_MD_fetch(NULL, "SHA256", NULL)) != NULL &&
        apr_atomic_casptr(&md, m, NULL) != NULL) {
        /* Another thread fetched it first: use that one. */
        EVP_MD_free(m);
        m = apr_atomic_casptr(&md, NULL, NULL);
    }
    return m;
}

/* Each thread's digest context, made at its first hash and freed when
 * the thread ends: a context made and freed per hash was a third of the
 * hash's cost (malloc, free and OpenSSL's bookkeeping). */
static pthread_key_t ctx_key;
static int ctx_key_ok;

static void ctx_free(void *ctx)
{
    EVP_MD_CTX_free(ctx);
}

static void ctx_key_make(void)
{
    ctx_key_ok = pthread_key_create(&ctx_key, ctx_free) == 0;
}

static EVP_MD_CTX *thread_ctx(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    EVP_MD_CTX *ctx;

    if (pthread_once(&once, ctx_key_make) != 0 || !ctx_key_ok) {
        return NULL;
    }
    ctx = pthread_getspecific(ctx_key);
    if (ctx == NULL && (ctx = EVP_MD_CTX_new()) != NULL &&
        pthread_setspecific(ctx_key, ctx) != 0) {
        EVP_MD_CTX_free(ctx);
        ctx = NULL;
    }
    return ctx;
}

/* SHA-256 of the n parts into out: OpenSSL's libcrypto (the CPU's SHA
 * instructions where it has them: about a seventh of the time of APR's
 * portable code, and this runs on every guarded request and every shared
 * cache lookup), APR's should libcrypto fail. */
static void sha256_parts(apr_pool_t *p, const void *const *parts,
                         const apr_size_t *lens, int n,
                         unsigned char out[ACC_SHA256_LEN])
{
    EVP_MD *md = sha256_md();
    EVP_MD_CTX *ctx = md ? thread_ctx() : NULL;
    apr_crypto_hash_t *h;
    int i, ok = ctx != NULL && EVP_DigestInit_ex2(ctx, md, NULL);

    for (i = 0; ok && i < n; i++) {
        ok = EVP_DigestUpdate(ctx, parts[i], lens[i]);
    }
    ok = ok && EVP_DigestFinal_ex(ctx, out, NULL);
    if (ok) {
        return;
    }
    /* The hash's state comes from the caller's pool: a pool of its own
     * per call would cost more than the hash. */
    h = apr_crypto_sha256_new(p);
    h->init(h);
    for (i = 0; i < n; i++) {
        h->add(h, parts[i], lens[i]);
    }
    h->finish(h, out);
}

void acc_sha256(apr_pool_t *p, const void *data, apr_size_t len,
                unsigned char out[ACC_SHA256_LEN])
{
    sha256_parts(p, &data, &len, 1, out);
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

    acc_sha256(p, s, strlen(s), md);
    return acc_hex(p, md, sizeof(md));
}

void acc_hmac_sha256(apr_pool_t *p, const void *key, apr_size_t klen,
                     const void *msg, apr_size_t mlen,
                     unsigned char out[ACC_SHA256_LEN])
{
    enum { BLOCK = 64 };
    unsigned char k0[BLOCK], pad[BLOCK], inner[ACC_SHA256_LEN];
    const void *parts[2];
    apr_size_t lens[2];
    int i;

    memset(k0, 0, sizeof(k0));
    if (klen > BLOCK) {
        acc_sha256(p, key, klen, k0);
    }
    else if (klen) {
        memcpy(k0, key, klen);
    }

    for (i = 0; i < BLOCK; i++) {
        pad[i] = k0[i] ^ 0x36;
    }
    parts[0] = pad;
    lens[0] = BLOCK;
    parts[1] = msg;
    lens[1] = mlen;
    sha256_parts(p, parts, lens, 2, inner);

    for (i = 0; i < BLOCK; i++) {
        pad[i] = k0[i] ^ 0x5c;
    }
    parts[1] = inner;
    lens[1] = sizeof(inner);
    sha256_parts(p, parts, lens, 2, out);

    apr_crypto_memzero(k0, sizeof(k0));
    apr_crypto_memzero(pad, sizeof(pad));
    apr_crypto_memzero(inner, sizeof(inner));
}

void acc_salted_hmac(apr_pool_t *p, const char *key_salt, const void *secret,
                     apr_size_t slen, const void *msg, apr_size_t mlen,
                     unsigned char out[ACC_SHA256_LEN])
{
    apr_size_t ls = strlen(key_salt);
    unsigned char *buf = apr_palloc(p, ls + slen), key[ACC_SHA256_LEN];

    memcpy(buf, key_salt, ls);
    memcpy(buf + ls, secret, slen);
    acc_sha256(p, buf, ls + slen, key);
    apr_crypto_memzero(buf, ls + slen);
    acc_hmac_sha256(p, key, sizeof(key), msg, mlen, out);
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
