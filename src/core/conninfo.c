/*
 * src/core/conninfo.c -- what a libpq connection string gives away (see
 * conninfo.h).  The parsing follows libpq's conninfo_parse and
 * conninfo_uri_parse_options, far enough to find a password.
 */
#include "conninfo.h"

#include <apr_lib.h>

#include <string.h>
#include <strings.h>

static int has_password(apr_pool_t *p, const char *s);

static int is_uri(const char *s)
{
    return strncasecmp(s, "postgresql://", 13) == 0 ||
           strncasecmp(s, "postgres://", 11) == 0;
}

static int hexval(char c)
{
    return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* s[0..n) with %XX decoded (a bad escape kept as it is), in p. */
static const char *pct_decode(apr_pool_t *p, const char *s, apr_size_t n)
{
    char *out = apr_palloc(p, n + 1), *o = out;
    apr_size_t i;

    for (i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && apr_isxdigit(s[i + 1]) &&
            apr_isxdigit(s[i + 2])) {
            *o++ = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        }
        else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

/* postgresql://[user[:password]@][netloc][/dbname][?param=value&...] */
static int uri_has_password(apr_pool_t *p, const char *s)
{
    const char *start = strstr(s, "://") + 3, *e, *q;

    /* libpq looks for the credentials' '@' up to the first '/'. */
    e = start + strcspn(start, "@/");
    if (*e == '@') {
        const char *colon = memchr(start, ':', (apr_size_t)(e - start));
        if (colon && colon + 1 < e) {
            return 1;
        }
        start = e + 1;
    }
    q = strchr(start, '?');
    while (q && *q) {
        apr_size_t n, k;
        q++;
        n = strcspn(q, "&");
        k = strcspn(q, "=");
        if (k < n && k + 1 < n &&
            strcasecmp(pct_decode(p, q, k), "password") == 0) {
            return 1;
        }
        q += n;
    }
    return 0;
}

/* keyword = value ..., values bare (backslash escapes) or in single
 * quotes. */
static int kv_has_password(apr_pool_t *p, const char *s)
{
    const char *name;
    apr_size_t nlen;
    char *val, *v;

    while (*s) {
        if (apr_isspace(*s)) {
            s++;
            continue;
        }
        name = s;
        while (*s && *s != '=' && !apr_isspace(*s)) {
            s++;
        }
        nlen = (apr_size_t)(s - name);
        while (apr_isspace(*s)) {
            s++;
        }
        if (*s != '=') {
            return 0; /* libpq stops here: missing "=" */
        }
        s++;
        while (apr_isspace(*s)) {
            s++;
        }
        v = val = apr_palloc(p, strlen(s) + 1);
        if (*s != '\'') {
            while (*s && !apr_isspace(*s)) {
                if (*s == '\\' && s[1]) {
                    s++;
                }
                *v++ = *s++;
            }
        }
        else {
            for (s++; *s && *s != '\''; s++) {
                if (*s == '\\' && s[1]) {
                    s++;
                }
                *v++ = *s;
            }
            if (*s == '\'') {
                s++;
            }
        }
        *v = '\0';
        if (nlen == 8 && strncasecmp(name, "password", 8) == 0 && *val) {
            return 1;
        }
        /* libpq reads a dbname that is a connection string as one. */
        if (nlen == 6 && strncasecmp(name, "dbname", 6) == 0 &&
            (is_uri(val) || strchr(val, '=')) && has_password(p, val)) {
            return 1;
        }
    }
    return 0;
}

static int has_password(apr_pool_t *p, const char *s)
{
    return is_uri(s) ? uri_has_password(p, s) : kv_has_password(p, s);
}

int acc_conninfo_has_password(apr_pool_t *p, const char *conninfo)
{
    return conninfo && *conninfo && has_password(p, conninfo);
}
