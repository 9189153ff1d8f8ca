/*
 * src/core/djhash.c -- Django's PBKDF2, bcrypt and scrypt hashes (djhash.h).
 */
#include "djhash.h"

#include <apr_base64.h>
#include <apr_crypto.h>
#include <apr_strings.h>

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdlib.h>
#include <string.h>

#define MAX_DK        64         /* the longest derived key we compare */
#define BCRYPT_LEN    60         /* "$2b$12$" + 22 salt + 31 hash characters */
#define BCRYPT_MAX_PW 72         /* the bytes of a password bcrypt reads */
#define SCRYPT_WORK   (1u << 22) /* N * r * p: Django's default is 2^17 */
#define PREFIX(s, p)  (strncmp((s), (p), sizeof(p) - 1) == 0)

const char *acc_dj_algorithm(apr_pool_t *p, const char *encoded)
{
    const char *d = encoded ? strchr(encoded, '$') : NULL;

    return d ? apr_pstrmemdup(p, encoded, (apr_size_t)(d - encoded)) : NULL;
}

/* Digits (no sign, no leading zero) up to max, then '$' or the end.
 * Returns the character after the number, or NULL. */
static const char *number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    const char *start = s;

    if (*s == '0') {
        return NULL;
    }
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > max || s - start > 19) {
            return NULL;
        }
        s++;
    }
    if (s == start || (*s != '$' && *s != '\0')) {
        return NULL;
    }
    *out = v;
    return s;
}

/* A field up to the next '$' (not empty, none inside): its length. */
static apr_size_t field(const char *s)
{
    const char *d = strchr(s, '$');

    return d ? (apr_size_t)(d - s) : 0;
}

/* Standard base64 with its padding, to the end of the string: the
 * decoded length, or 0 when it is not that or longer than MAX_DK. */
static apr_size_t b64_len(const char *s)
{
    apr_size_t n = strlen(s), i, pad = 0;

    if (n == 0 || n % 4 != 0 || n / 4 * 3 > MAX_DK + 2) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c == '=' && i >= n - 2) {
            pad++;
            continue;
        }
        if (pad || !((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                     (c >= '0' && c <= '9') || c == '+' || c == '/')) {
            return 0;
        }
    }
    n = n / 4 * 3 - pad;
    return n <= MAX_DK ? n : 0;
}

static int bcrypt_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '/';
}

/* "$2b$NN$" and 53 characters of bcrypt's alphabet, nothing after. */
static int parse_bcrypt(const char *s, acc_dj_hash_t *out)
{
    int cost, i;

    if (strlen(s) != BCRYPT_LEN || s[0] != '$' || s[1] != '2' ||
        (s[2] != 'a' && s[2] != 'b' && s[2] != 'y') || s[3] != '$' ||
        s[4] < '0' || s[4] > '3' || s[5] < '0' || s[5] > '9' || s[6] != '$') {
        return -1;
    }
    for (i = 7; i < BCRYPT_LEN; i++) {
        if (!bcrypt_char(s[i])) {
            return -1;
        }
    }
    cost = (s[4] - '0') * 10 + (s[5] - '0');
    if (cost < 4 || cost > 31) {
        return -1;
    }
    out->iterations = (uint32_t)cost;
    out->bcrypt = s;
    return cost > ACC_DJ_BCRYPT_MAX_COST ? -2 : 0;
}

static int parse_pbkdf2(const char *s, apr_size_t dk_len, acc_dj_hash_t *out)
{
    uint64_t iter;

    /* The count's own ceiling is checked last: a malformed string with a
     * large count is malformed. */
    if ((s = number(s, UINT32_MAX, &iter)) == NULL || *s++ != '$') {
        return -1;
    }
    out->iterations = (uint32_t)iter;
    out->salt = s;
    if ((out->salt_len = field(s)) == 0) {
        return -1;
    }
    s += out->salt_len + 1;
    out->hash_b64 = s;
    if ((out->hash_len = b64_len(s)) != dk_len) {
        return -1;
    }
    return iter > ACC_DJ_PBKDF2_MAX_ITER ? -2 : 0;
}

/* scrypt$N$salt$r$p$hash */
static int parse_scrypt(const char *s, acc_dj_hash_t *out)
{
    uint64_t n, r, p;

    if ((s = number(s, (uint64_t)1 << 40, &n)) == NULL || *s++ != '$' ||
        n < 2 || (n & (n - 1)) != 0) {
        return -1;
    }
    out->salt = s;
    if ((out->salt_len = field(s)) == 0) {
        return -1;
    }
    s += out->salt_len + 1;
    if ((s = number(s, UINT32_MAX, &r)) == NULL || *s++ != '$' ||
        (s = number(s, UINT32_MAX, &p)) == NULL || *s++ != '$') {
        return -1;
    }
    out->hash_b64 = s;
    if ((out->hash_len = b64_len(s)) < 16) {
        return -1;
    }
    /* scrypt itself requires N < 2^(16 r) (RFC 7914; OpenSSL refuses the
     * rest): a hash that names such an N was never made. */
    if (r < 1 || p < 1 || (16 * r < 64 && (n >> (16 * r)) != 0)) {
        return -1;
    }
    out->n = n;
    out->r = (uint32_t)r;
    out->p = (uint32_t)p;
    /* Memory: 128 r (N + p + 2) bytes, as OpenSSL counts it; time: N r p. */
    if (p > ACC_DJ_SCRYPT_MAX_P || n > ACC_DJ_SCRYPT_MAX_MEM ||
        r > ACC_DJ_SCRYPT_MAX_MEM ||
        128 * r * (n + p + 2) > ACC_DJ_SCRYPT_MAX_MEM ||
        n * r * p > SCRYPT_WORK) {
        return -2;
    }
    return 0;
}

int acc_dj_parse(const char *encoded, acc_dj_hash_t *out)
{
    if (encoded == NULL) {
        return -1;
    }
    memset(out, 0, sizeof(*out));
    if (PREFIX(encoded, "pbkdf2_sha256$")) {
        out->kind = ACC_DJ_PBKDF2_SHA256;
        return parse_pbkdf2(encoded + sizeof("pbkdf2_sha256$") - 1, 32, out);
    }
    if (PREFIX(encoded, "pbkdf2_sha1$")) {
        out->kind = ACC_DJ_PBKDF2_SHA1;
        return parse_pbkdf2(encoded + sizeof("pbkdf2_sha1$") - 1, 20, out);
    }
    if (PREFIX(encoded, "bcrypt_sha256$")) {
        out->kind = ACC_DJ_BCRYPT_SHA256;
        return parse_bcrypt(encoded + sizeof("bcrypt_sha256$") - 1, out);
    }
    if (PREFIX(encoded, "bcrypt$")) {
        out->kind = ACC_DJ_BCRYPT;
        return parse_bcrypt(encoded + sizeof("bcrypt$") - 1, out);
    }
    if (PREFIX(encoded, "scrypt$")) {
        out->kind = ACC_DJ_SCRYPT;
        return parse_scrypt(encoded + sizeof("scrypt$") - 1, out);
    }
    out->kind = ACC_DJ_NONE;
    return -1;
}

/* The stored key, decoded, against the one just derived. */
static int same_key(const acc_dj_hash_t *h, const unsigned char *got)
{
    unsigned char want[MAX_DK + 3];
    int n = apr_base64_decode_binary(want, h->hash_b64);

    return n == (int)h->hash_len && CRYPTO_memcmp(want, got, h->hash_len) == 0;
}

static acc_pw_result_t verify_bcrypt(const acc_dj_hash_t *h, const char *pw,
                                     apr_size_t pwlen)
{
    struct crypt_data *cd;
    char phrase[65], *heap = NULL;
    const char *in = phrase, *out;
    acc_pw_result_t res = ACC_PW_UNUSABLE;

    if (h->kind == ACC_DJ_BCRYPT_SHA256) {
        /* Django: bcrypt of the hex digest, so that long passwords count
         * beyond bcrypt's 72 bytes. */
        unsigned char d[32];
        static const char hex[] = "0123456789abcdef";
        int i;
        SHA256((const unsigned char *)pw, pwlen, d);
        for (i = 0; i < 32; i++) {
            phrase[2 * i] = hex[d[i] >> 4];
            phrase[2 * i + 1] = hex[d[i] & 15];
        }
        phrase[64] = '\0';
        apr_crypto_memzero(d, sizeof(d));
    }
    else {
        /* bcrypt reads 72 bytes at most (and libxcrypt refuses 512 or
         * more: a long password Django accepted must still match), up to
         * a NUL, which would cut the password short: Django's bcrypt
         * refuses one, so does this. */
        apr_size_t n = pwlen < BCRYPT_MAX_PW ? pwlen : BCRYPT_MAX_PW;
        if (memchr(pw, '\0', pwlen) != NULL) {
            return ACC_PW_MISMATCH;
        }
        if ((heap = malloc(n + 1)) == NULL) {
            return ACC_PW_UNUSABLE;
        }
        memcpy(heap, pw, n);
        heap[n] = '\0';
        pwlen = n;
        in = heap;
    }
    if ((cd = calloc(1, sizeof(*cd))) != NULL) {
        out = crypt_rn(in, h->bcrypt, cd, (int)sizeof(*cd));
        if (out != NULL && out[0] == '$' && strlen(out) == BCRYPT_LEN) {
            res = CRYPTO_memcmp(out, h->bcrypt, BCRYPT_LEN) == 0
                      ? ACC_PW_MATCH
                      : ACC_PW_MISMATCH;
        }
        apr_crypto_memzero(cd, sizeof(*cd));
        free(cd);
    }
    apr_crypto_memzero(phrase, sizeof(phrase));
    if (heap) {
        apr_crypto_memzero(heap, pwlen);
        free(heap);
    }
    return res;
}

acc_pw_result_t acc_dj_verify(const char *encoded, const char *pw,
                              apr_size_t pwlen)
{
    unsigned char got[MAX_DK];
    acc_dj_hash_t h;
    acc_pw_result_t res = ACC_PW_UNUSABLE;

    if (pw == NULL || acc_dj_parse(encoded, &h) != 0) {
        return ACC_PW_UNUSABLE;
    }
    if (pwlen > ACC_PASSWORD_MAX_BYTES) {
        return ACC_PW_MISMATCH;
    }
    switch (h.kind) {
        case ACC_DJ_PBKDF2_SHA256:
        case ACC_DJ_PBKDF2_SHA1:
            if (PKCS5_PBKDF2_HMAC(pw, (int)pwlen, (const unsigned char *)h.salt,
                                  (int)h.salt_len, (int)h.iterations,
                                  h.kind == ACC_DJ_PBKDF2_SHA1 ? EVP_sha1()
                                                               : EVP_sha256(),
                                  (int)h.hash_len, got) == 1) {
                res = same_key(&h, got) ? ACC_PW_MATCH : ACC_PW_MISMATCH;
            }
            break;
        case ACC_DJ_SCRYPT:
            if (EVP_PBE_scrypt(pw, pwlen, (const unsigned char *)h.salt,
                               h.salt_len, h.n, h.r, h.p,
                               2 * (uint64_t)ACC_DJ_SCRYPT_MAX_MEM, got,
                               h.hash_len) == 1) {
                res = same_key(&h, got) ? ACC_PW_MATCH : ACC_PW_MISMATCH;
            }
            break;
        case ACC_DJ_BCRYPT:
        case ACC_DJ_BCRYPT_SHA256:
            res = verify_bcrypt(&h, pw, pwlen);
            break;
        default:
            break;
    }
    apr_crypto_memzero(got, sizeof(got));
    return res;
}
