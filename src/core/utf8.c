/*
 * src/core/utf8.c -- the core's Unicode helpers: strict UTF-8 and code points.
 */
#include "utf8.h"

#include <string.h>

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
