/*
 * src/core/urlencoded.c -- application/x-www-form-urlencoded bodies.
 *
 * Fields are split on "&", the name from the value on the first "=".
 * Names and values are decoded alike ("+" is a space, %XX a byte in
 * either hex case) and checked alike: a "%" without two hex digits after
 * it is kept as it is and flagged, and the decoded bytes are flagged when
 * they hold a NUL or are not strict UTF-8.  Memory is O(len): one array
 * sized by a counting pass, and decoded copies no longer than the input.
 */
#include "urlencoded.h"
#include "utf8.h"

#include <string.h>

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decode s[0..n) into a NUL-terminated copy in p; *out_len gets its
 * length and *flags the problems found. */
static char *decode(apr_pool_t *p, const char *s, apr_size_t n,
                    apr_size_t *out_len, int *flags)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out = apr_palloc(p, n + 1);
    apr_size_t i, o = 0;
    int hi, lo;

    for (i = 0; i < n; i++) {
        if (in[i] == '+') {
            out[o++] = ' ';
        }
        else if (in[i] != '%') {
            out[o++] = (char)in[i];
        }
        else if (n - i >= 3 && (hi = hexval(in[i + 1])) >= 0 &&
                 (lo = hexval(in[i + 2])) >= 0) {
            out[o++] = (char)(hi << 4 | lo);
            i += 2;
        }
        else {
            out[o++] = '%';
            *flags |= ACC_FIELD_BAD_ESCAPE;
        }
    }
    out[o] = '\0';
    if (memchr(out, '\0', o)) {
        *flags |= ACC_FIELD_NUL;
    }
    /* RFC 3629, U+0000 included: a NUL byte is flagged on its own. */
    if (!acc_utf8_wellformed(out, o)) {
        *flags |= ACC_FIELD_BAD_UTF8;
    }
    *out_len = o;
    return out;
}

/* The "&" that ends the piece at pos, or end. */
static const char *piece_end(const char *pos, const char *end)
{
    const char *amp = memchr(pos, '&', (apr_size_t)(end - pos));

    return amp ? amp : end;
}

/* Where the piece after the one ending at amp starts. */
static const char *next_piece(const char *amp, const char *end)
{
    return amp < end ? amp + 1 : end;
}

apr_array_header_t *acc_urlform_parse(apr_pool_t *p, const char *body,
                                      apr_size_t len)
{
    const char *pos, *end, *amp = NULL, *eq;
    apr_array_header_t *fields;
    acc_field_t *f;
    apr_size_t nlen;
    int count = 0;

    if (body == NULL || len == 0) {
        return apr_array_make(p, 0, sizeof(acc_field_t));
    }
    end = body + len;

    /* Count the non-empty pieces, so the array never grows. */
    for (pos = body; pos < end; pos = next_piece(amp, end)) {
        amp = piece_end(pos, end);
        count += amp > pos;
    }
    fields = apr_array_make(p, count, sizeof(acc_field_t));

    for (pos = body; pos < end; pos = next_piece(amp, end)) {
        amp = piece_end(pos, end);
        if (amp == pos) {
            continue;
        }
        eq = memchr(pos, '=', (apr_size_t)(amp - pos));
        f = apr_array_push(fields);
        f->flags = 0;
        f->name = decode(p, pos, (apr_size_t)((eq ? eq : amp) - pos), &nlen,
                         &f->flags);
        if (eq) {
            f->value = decode(p, eq + 1, (apr_size_t)(amp - eq - 1), &f->len,
                              &f->flags);
        }
        else {
            f->value = "";
            f->len = 0;
        }
    }
    return fields;
}

const acc_field_t *acc_urlform_get(const apr_array_header_t *fields,
                                   const char *name, int *count)
{
    const acc_field_t *last = NULL, *f;
    int i, n = 0;

    if (fields != NULL && name != NULL) {
        for (i = 0; i < fields->nelts; i++) {
            f = &APR_ARRAY_IDX(fields, i, acc_field_t);
            if (strcmp(f->name, name) == 0) {
                last = f;
                n++;
            }
        }
    }
    if (count) {
        *count = n;
    }
    return last;
}
