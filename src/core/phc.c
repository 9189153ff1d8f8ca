/*
 * src/core/phc.c -- argon2 PHC strings: the strict parser, the base64 decoder
 * for what it accepted, and the encoder of our own hashes.
 *
 * Stricter than libargon2's own decoder (no superfluous leading zeros, no
 * padding, unused base64 bits zero, libargon2's limits checked), so that
 * whatever parses here is something libargon2 can verify, and a
 * malformed row is "unusable" the same way whatever libargon2 thinks.
 * The encoder writes exactly what libargon2's argon2id_hash_encoded
 * writes for the same inputs.
 */
#include "phc.h"

#include <argon2.h>
#include <string.h>

/* The PHC string inside Django's "argon2$argon2id$..." form. */
static const char *skip_django(const char *s)
{
    if (strncmp(s, "argon2$", 7) == 0) {
        return s + 6;
    }
    return s;
}

/* Parse a decimal uint32 at s: digits only, no sign, no superfluous
 * leading zero (PHC rule).  Returns the first byte after it, or NULL. */
static const char *dec_u32(const char *s, uint32_t *out)
{
    const char *b = s;
    uint64_t v = 0;

    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (uint64_t)(*s - '0');
        if (v > UINT32_MAX) {
            return NULL;
        }
        s++;
    }
    if (s == b || (*b == '0' && s - b > 1)) {
        return NULL;
    }
    *out = (uint32_t)v;
    return s;
}

/* Value of a standard base64 character, -1 for anything else. */
static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}

/* Check an unpadded base64 field running up to the next '$' or the end:
 * non-empty, only the standard alphabet, a possible length, and unused
 * bits of the last character zero (as libargon2 insists).  Sets *len to
 * the decoded length and returns the byte after the field, or NULL. */
static const char *b64_field(const char *s, apr_size_t *len)
{
    const char *b = s;
    apr_size_t n, rem;
    int v = 0;

    while (*s != '\0' && *s != '$') {
        v = b64_value(*s);
        if (v < 0) {
            return NULL;
        }
        s++;
    }
    n = (apr_size_t)(s - b);
    rem = n % 4;
    if (n == 0 || rem == 1) {
        return NULL;
    }
    if ((rem == 2 && (v & 0x0f)) || (rem == 3 && (v & 0x03))) {
        return NULL;
    }
    *len = n / 4 * 3 + (rem ? rem - 1 : 0);
    return s;
}

/* "argon2id" etc. at s followed by '$': the name, and s moved past. */
static const char *variant_at(const char **s)
{
    static const char *const names[] = {"argon2id", "argon2i", "argon2d"};
    apr_size_t i, n;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        n = strlen(names[i]);
        if (strncmp(*s, names[i], n) == 0 && (*s)[n] == '$') {
            *s += n + 1;
            return names[i];
        }
    }
    return NULL;
}

int acc_phc_parse(const char *phc, acc_phc_t *out)
{
    acc_phc_t r;
    const char *s;

    if (phc == NULL || out == NULL) {
        return -1;
    }
    s = skip_django(phc);
    if (*s != '$') {
        return -1;
    }
    s++;
    if ((r.variant = variant_at(&s)) == NULL) {
        return -1;
    }
    r.version = ARGON2_VERSION_10;
    if (strncmp(s, "v=", 2) == 0) {
        s = dec_u32(s + 2, &r.version);
        if (s == NULL || *s != '$') {
            return -1;
        }
        s++;
        if (r.version != ARGON2_VERSION_10 && r.version != ARGON2_VERSION_13) {
            return -1;
        }
    }
    if (strncmp(s, "m=", 2) != 0 ||
        (s = dec_u32(s + 2, &r.params.m_kib)) == NULL ||
        strncmp(s, ",t=", 3) != 0 ||
        (s = dec_u32(s + 3, &r.params.t)) == NULL ||
        strncmp(s, ",p=", 3) != 0 ||
        (s = dec_u32(s + 3, &r.params.p)) == NULL || *s != '$') {
        return -1;
    }
    r.salt_b64 = s + 1;
    s = b64_field(r.salt_b64, &r.salt_len);
    if (s == NULL || *s != '$') {
        return -1;
    }
    r.hash_b64 = s + 1;
    s = b64_field(r.hash_b64, &r.hash_len);
    if (s == NULL || *s != '\0') {
        return -1;
    }

    /* libargon2's own limits, so that what parses can be verified. */
    if (r.params.t < ARGON2_MIN_TIME || r.params.p < ARGON2_MIN_LANES ||
        r.params.p > ARGON2_MAX_LANES ||
        (uint64_t)r.params.m_kib < 8 * (uint64_t)r.params.p ||
        r.salt_len < ARGON2_MIN_SALT_LENGTH || r.hash_len < ARGON2_MIN_OUTLEN) {
        return -1;
    }
    /* Ours, so that a verifier can decode into fixed buffers. */
    if (r.salt_len > ACC_PHC_MAX_SALT_LEN ||
        r.hash_len > ACC_PHC_MAX_HASH_LEN) {
        return -1;
    }
    *out = r;
    return 0;
}

void acc_phc_b64_decode(const char *b64, apr_size_t len, unsigned char *out)
{
    apr_size_t i = 0;
    uint32_t acc = 0;
    int bits = 0;

    while (i < len) {
        acc = (acc << 6) | (uint32_t)b64_value(*b64++);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[i++] = (unsigned char)(acc >> bits);
        }
    }
}

static const char b64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Unpadded standard base64 of len bytes at in, written at out (which has
 * room for (len * 4 + 2) / 3 characters and a NUL); returns the NUL. */
static char *b64_encode(char *out, const unsigned char *in, apr_size_t len)
{
    uint32_t acc = 0;
    int bits = 0;

    while (len--) {
        acc = (acc << 8) | *in++;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            *out++ = b64_chars[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        *out++ = b64_chars[(acc << (6 - bits)) & 0x3f];
    }
    *out = '\0';
    return out;
}

char *acc_phc_encode(apr_pool_t *p, const acc_argon2_params_t *prm,
                     const unsigned char *salt, apr_size_t salt_len,
                     const unsigned char *hash, apr_size_t hash_len)
{
    char *head = apr_psprintf(p, "$argon2id$v=%u$m=%u,t=%u,p=%u$",
                              (unsigned)ARGON2_VERSION_13, (unsigned)prm->m_kib,
                              (unsigned)prm->t, (unsigned)prm->p);
    apr_size_t n = strlen(head);
    char *out = apr_palloc(p, n + (salt_len * 4 + 2) / 3 + 1 +
                                  (hash_len * 4 + 2) / 3 + 1);
    char *e;

    memcpy(out, head, n);
    e = b64_encode(out + n, salt, salt_len);
    *e++ = '$';
    b64_encode(e, hash, hash_len);
    return out;
}
