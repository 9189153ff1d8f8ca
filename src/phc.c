/*
 * src/phc.c -- argon2 PHC strings: the strict parser.
 *
 * Stricter than libargon2's own decoder (no superfluous leading zeros, no
 * padding, unused base64 bits zero, libargon2's limits checked), so that
 * whatever parses here is something libargon2 can verify, and a
 * malformed row is "unusable" the same way whatever libargon2 thinks.
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
    s = b64_field(s + 1, &r.salt_len);
    if (s == NULL || *s != '$') {
        return -1;
    }
    s = b64_field(s + 1, &r.hash_len);
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
    *out = r;
    return 0;
}
