/*
 * src/core/cookie.c -- reading a cookie out of a Cookie header.
 *
 * A header is read as pairs separated by ";" (or "," where several Cookie
 * headers were joined).  In each pair the name runs to the first "=";
 * spaces and tabs around the name and the value are dropped, and a value
 * wrapped in double quotes loses them.  A pair without "=" or with an
 * empty name is skipped.  Every pointer stays inside the header's bytes,
 * and the only allocations are the copies of matching values (and, for
 * acc_cookie_get_all, one array sized by a first counting pass).
 */
#include "cookie.h"

#include <string.h>

/* Called for each cookie called name; returns 0 to stop the walk. */
typedef int (*visit_fn)(void *ctx, const char *v, apr_size_t vlen);

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Narrow [*b, *e) by the spaces and tabs at either end. */
static void trim(const char **b, const char **e)
{
    while (*b < *e && is_ows(**b)) {
        (*b)++;
    }
    while (*e > *b && is_ows((*e)[-1])) {
        (*e)--;
    }
}

static void walk(const char *h, const char *name, apr_size_t nlen, visit_fn fn,
                 void *ctx)
{
    const char *pos = h;

    while (*pos) {
        const char *end = pos + strcspn(pos, ";,");
        const char *eq = memchr(pos, '=', (apr_size_t)(end - pos));

        if (eq) {
            const char *nb = pos, *ne = eq, *vb = eq + 1, *ve = end;

            trim(&nb, &ne);
            trim(&vb, &ve);
            if (ve - vb >= 2 && *vb == '"' && ve[-1] == '"') {
                vb++;
                ve--;
            }
            if ((apr_size_t)(ne - nb) == nlen && memcmp(nb, name, nlen) == 0 &&
                !fn(ctx, vb, (apr_size_t)(ve - vb))) {
                return;
            }
        }
        pos = *end ? end + 1 : end;
    }
}

typedef struct {
    apr_pool_t *p;
    const char *value;
    apr_array_header_t *all;
    int count;
} collect_t;

static int take_first(void *ctx, const char *v, apr_size_t vlen)
{
    collect_t *c = ctx;

    c->value = apr_pstrmemdup(c->p, v, vlen);
    return 0;
}

static int count_one(void *ctx, const char *v, apr_size_t vlen)
{
    collect_t *c = ctx;

    ACC_UNUSED(v);
    ACC_UNUSED(vlen);
    c->count++;
    return 1;
}

static int take_all(void *ctx, const char *v, apr_size_t vlen)
{
    collect_t *c = ctx;

    APR_ARRAY_PUSH(c->all, const char *) = apr_pstrmemdup(c->p, v, vlen);
    return 1;
}

const char *acc_cookie_get(apr_pool_t *p, const char *header, const char *name)
{
    collect_t c = {p, NULL, NULL, 0};

    if (header == NULL || name == NULL || *name == '\0') {
        return NULL;
    }
    walk(header, name, strlen(name), take_first, &c);
    return c.value;
}

apr_array_header_t *acc_cookie_get_all(apr_pool_t *p, const char *header,
                                       const char *name)
{
    collect_t c = {p, NULL, NULL, 0};
    apr_size_t nlen;

    if (header == NULL || name == NULL || *name == '\0') {
        return apr_array_make(p, 0, sizeof(const char *));
    }
    nlen = strlen(name);
    walk(header, name, nlen, count_one, &c);
    c.all = apr_array_make(p, c.count, sizeof(const char *));
    if (c.count) {
        walk(header, name, nlen, take_all, &c);
    }
    return c.all;
}

int acc_is_base64url(const char *s, apr_size_t len)
{
    apr_size_t i;

    if (s == NULL || len == 0) {
        return 0;
    }
    /* Stops at a NUL, so a shorter s is never read past its end. */
    for (i = 0; i < len; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            return 0;
        }
    }
    return s[len] == '\0';
}
