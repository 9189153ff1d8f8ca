/*
 * src/core/template/output.c -- the buffer rendering writes into, and HTML
 * escaping.
 */
#include "internal.h"

#include <string.h>

void acc_tpl_ob_init(acc_tpl_obuf_t *b, apr_pool_t *p, apr_size_t cap)
{
    b->p = p;
    b->d = apr_palloc(p, cap);
    b->len = 0;
    b->cap = cap;
}

void acc_tpl_ob_put(acc_tpl_obuf_t *b, const char *s, apr_size_t n)
{
    if (n >= b->cap - b->len) {
        apr_size_t cap = b->cap * 2;
        char *d;

        while (n >= cap - b->len) {
            cap *= 2;
        }
        d = apr_palloc(b->p, cap);
        memcpy(d, b->d, b->len);
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->len, s, n);
    b->len += n;
}

void acc_tpl_ob_puts(acc_tpl_obuf_t *b, const char *s)
{
    acc_tpl_ob_put(b, s, strlen(s));
}

static const char *esc_of(char c)
{
    switch (c) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '"':
            return "&quot;";
        case '\'':
            return "&#x27;";
        default:
            return NULL;
    }
}

void acc_tpl_ob_esc(acc_tpl_obuf_t *b, const char *s)
{
    const char *run = s, *e;

    for (; *s; s++) {
        if ((e = esc_of(*s)) != NULL) {
            acc_tpl_ob_put(b, run, (apr_size_t)(s - run));
            acc_tpl_ob_puts(b, e);
            run = s + 1;
        }
    }
    acc_tpl_ob_put(b, run, (apr_size_t)(s - run));
}

const char *acc_html_escape(apr_pool_t *p, const char *s)
{
    apr_size_t n = 0;
    const char *q, *e;
    char *out, *o;

    if (!s) {
        return "";
    }
    for (q = s; *q; q++) {
        n += (e = esc_of(*q)) ? strlen(e) : 1;
    }
    o = out = apr_palloc(p, n + 1);
    for (q = s; *q; q++) {
        if ((e = esc_of(*q)) != NULL) {
            while (*e) {
                *o++ = *e++;
            }
        }
        else {
            *o++ = *q;
        }
    }
    *o = '\0';
    return out;
}
