/*
 * src/core/escape.c -- text made safe to print (see escape.h).
 */
#include "escape.h"
#include "utf8.h"

#include <apr_strings.h>

#include <string.h>

/* How many bytes of s[i..len) go out as they are (0: escape s[i]). */
static apr_size_t plain(const unsigned char *s, apr_size_t i, apr_size_t len)
{
    apr_size_t n;

    if (s[i] < 0x80) {
        return s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\' && s[i] != '"';
    }
    n = acc_utf8_char((const char *)s + i, len - i, NULL);
    if (n == 2 && s[i] == 0xC2 && s[i + 1] < 0xA0) {
        return 0; /* a C1 control */
    }
    return n;
}

static char *put_escape(char *o, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";

    *o++ = '\\';
    switch (c) {
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '\\':
        case '"':
            *o++ = (char)c;
            break;
        default:
            *o++ = 'x';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 0xF];
    }
    return o;
}

const char *acc_escape_text(apr_pool_t *p, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    apr_size_t len, i, n;
    char *out, *o;

    if (s == NULL) {
        return "";
    }
    len = strlen(s);
    for (i = 0; i < len; i += n) {
        if ((n = plain(u, i, len)) == 0) {
            break;
        }
    }
    if (i == len) {
        return s;
    }
    /* At most four bytes out for each byte in. */
    out = apr_palloc(p, 4 * len + 1);
    memcpy(out, s, i);
    o = out + i;
    while (i < len) {
        n = plain(u, i, len);
        if (n == 0) {
            /* One byte: a C1 control's second byte, alone, is then a
             * stray continuation byte and escaped in turn. */
            o = put_escape(o, u[i++]);
            continue;
        }
        memcpy(o, s + i, n);
        o += n;
        i += n;
    }
    *o = '\0';
    return out;
}

static int hexval(char c)
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

const char *acc_unescape_logitem(apr_pool_t *p, const char *s)
{
    char *out, *o;
    int hi, lo;

    if (s == NULL) {
        return "";
    }
    if (strchr(s, '\\') == NULL) {
        return s;
    }
    out = o = apr_palloc(p, strlen(s) + 1);
    while (*s) {
        if (*s != '\\') {
            *o++ = *s++;
            continue;
        }
        switch (s[1]) {
            case 'b':
                *o++ = '\b';
                break;
            case 'n':
                *o++ = '\n';
                break;
            case 'r':
                *o++ = '\r';
                break;
            case 't':
                *o++ = '\t';
                break;
            case 'v':
                *o++ = '\v';
                break;
            case '\\':
            case '"':
                *o++ = s[1];
                break;
            case 'x':
                if ((hi = hexval(s[2])) >= 0 && (lo = hexval(s[3])) >= 0 &&
                    (hi | lo) != 0) {
                    *o++ = (char)(hi << 4 | lo);
                    s += 4;
                    continue;
                }
                /* fall through */
            default:
                *o++ = *s++; /* not an escape: the backslash as it is */
                continue;
        }
        s += 2;
    }
    *o = '\0';
    return out;
}

const char *acc_escape_row(apr_pool_t *p, const char *const *fields, int n)
{
    struct iovec *iov;
    int i, k = 0;

    if (n <= 0) {
        return "";
    }
    iov = apr_palloc(p, sizeof(*iov) * (apr_size_t)(2 * n - 1));
    for (i = 0; i < n; i++) {
        const char *f = acc_escape_text(p, fields[i]);
        if (i > 0) {
            iov[k].iov_base = (void *)"\t";
            iov[k++].iov_len = 1;
        }
        iov[k].iov_base = (void *)f;
        iov[k++].iov_len = strlen(f);
    }
    return apr_pstrcatv(p, iov, (apr_size_t)k, NULL);
}

const char *acc_json_string(apr_pool_t *p, const char *s)
{
    apr_size_t n, i = 0, o = 0, len;
    char *out;

    if (s == NULL) {
        s = "";
    }
    n = strlen(s);
    /* At most six characters (\ufffd, \u00XX) for each input byte. */
    out = apr_palloc(p, n * 6 + 3);
    out[o++] = '"';
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        int32_t cp;

        if (c < 0x80) {
            if (c == '"' || c == '\\') {
                out[o++] = '\\';
                out[o++] = (char)c;
            }
            else if (c < 0x20 || c == 0x7f) {
                o += (apr_size_t)apr_snprintf(out + o, 7, "\\u%04x", c);
            }
            else {
                out[o++] = (char)c;
            }
            i++;
            continue;
        }
        len = acc_utf8_char(s + i, n - i, &cp);
        if (len == 0) {
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
            i++;
            continue;
        }
        memcpy(out + o, s + i, len);
        o += len;
        i += len;
    }
    out[o++] = '"';
    out[o] = '\0';
    return out;
}
