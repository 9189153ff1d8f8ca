/*
 * src/core/utf8.c -- the core's Unicode helpers: strict UTF-8, code points,
 * Python's whitespace and word characters.
 *
 * Character data (categories) comes from utf8proc, so characters newer
 * than its tables behave as unassigned ones.
 */
#include "utf8.h"

#include <utf8proc.h>

#include <string.h>

/* ---- UTF-8 ----------------------------------------------------------- */

apr_size_t acc_utf8_char(const char *s, apr_size_t avail, int32_t *c)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char lo = 0x80, hi = 0xBF;
    apr_size_t need, k;
    int32_t cp;

    if (avail == 0) {
        return 0;
    }
    if (u[0] < 0x80) {
        if (c) {
            *c = u[0];
        }
        return 1;
    }
    if (u[0] < 0xC2) { /* stray continuation, or overlong C0/C1 lead */
        return 0;
    }
    else if (u[0] < 0xE0) {
        need = 1;
        cp = u[0] & 0x1F;
    }
    else if (u[0] < 0xF0) {
        need = 2;
        cp = u[0] & 0x0F;
        if (u[0] == 0xE0) {
            lo = 0xA0; /* overlong */
        }
        else if (u[0] == 0xED) {
            hi = 0x9F; /* surrogates */
        }
    }
    else if (u[0] < 0xF5) {
        need = 3;
        cp = u[0] & 0x07;
        if (u[0] == 0xF0) {
            lo = 0x90; /* overlong */
        }
        else if (u[0] == 0xF4) {
            hi = 0x8F; /* above U+10FFFF */
        }
    }
    else {
        return 0; /* F5..FF */
    }
    if (avail - 1 < need || u[1] < lo || u[1] > hi) {
        return 0;
    }
    for (k = 1; k <= need; k++) {
        if ((u[k] & 0xC0) != 0x80) {
            return 0;
        }
        cp = cp << 6 | (u[k] & 0x3F);
    }
    if (c) {
        *c = cp;
    }
    return need + 1;
}

apr_size_t acc_utf8_next(const char *s, apr_size_t avail, int32_t *c)
{
    apr_size_t n = acc_utf8_char(s, avail, c);

    if (n == 0) {
        *c = 0xFFFD;
        return 1;
    }
    return n;
}

int acc_utf8_wellformed(const char *s, apr_size_t len)
{
    apr_size_t i = 0, n;

    if (s == NULL) {
        return 0;
    }
    while (i < len) {
        if ((n = acc_utf8_char(s + i, len - i, NULL)) == 0) {
            return 0;
        }
        i += n;
    }
    return 1;
}

int acc_utf8_valid(const char *s, apr_size_t len)
{
    return acc_utf8_wellformed(s, len) && memchr(s, '\0', len) == NULL;
}

apr_size_t acc_utf8_length(const char *s)
{
    apr_size_t n = 0;

    for (; s && *s; s++) {
        n += ((unsigned char)*s & 0xC0) != 0x80;
    }
    return n;
}

/* ---- Code points ----------------------------------------------------- */

int32_t *acc_utf8_decode(apr_pool_t *p, const char *s, apr_size_t *n)
{
    apr_size_t len, i = 0, k = 0;
    int32_t *out;

    if (s == NULL) {
        s = "";
    }
    len = strlen(s);
    out = apr_palloc(p, (len + 1) * sizeof(*out));
    while (i < len) {
        i += acc_utf8_next(s + i, len - i, &out[k++]);
    }
    *n = k;
    return out;
}

char *acc_utf8_encode(apr_pool_t *p, const int32_t *cp, apr_size_t n)
{
    char *out = apr_palloc(p, 4 * n + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        o += utf8proc_encode_char(cp[i], (utf8proc_uint8_t *)o);
    }
    *o = '\0';
    return out;
}

/* ---- Python's character classes -------------------------------------- */

/* Python's str.isspace(): bidi class WS, B or S, or category Zs. */
int acc_is_space(int32_t c)
{
    if (c < 0x80) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
    }
    return c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
           c == 0x202F || c == 0x205F || c == 0x3000;
}

/* Python's Unicode \w: str.isalnum() (categories L* and N*) or '_'. */
int acc_is_word(int32_t c)
{
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
            return 1;
        default:
            return c == '_';
    }
}

const char *acc_strip(apr_pool_t *p, const char *s)
{
    apr_size_t len, i = 0, start = 0, end = 0, step;
    int32_t c;
    int seen = 0;

    if (s == NULL) {
        return "";
    }
    len = strlen(s);
    while (i < len) {
        step = acc_utf8_next(s + i, len - i, &c);
        if (!acc_is_space(c)) {
            if (!seen) {
                start = i;
                seen = 1;
            }
            end = i + step;
        }
        i += step;
    }
    return apr_pstrmemdup(p, s + start, end - start);
}
