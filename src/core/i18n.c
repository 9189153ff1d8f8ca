/*
 * src/core/i18n.c -- the translations compiled in, a request's language,
 * Django's %(name)s formatting (see i18n.h).
 */
#include "i18n.h"

#include <apr_strings.h>
#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

const char *acc_i18n_init(apr_pool_t *p, apr_array_header_t **langs)
{
    acc_i18n_lang_t *en = apr_pcalloc(p, sizeof(*en));
    apr_size_t i;

    *langs = apr_array_make(p, (int)acc_i18n_data_count + 1,
                            sizeof(acc_i18n_lang_t *));
    en->code = "en";
    APR_ARRAY_PUSH(*langs, acc_i18n_lang_t *) = en;
    for (i = 0; i < acc_i18n_data_count; i++) {
        acc_i18n_lang_t *l = apr_pcalloc(p, sizeof(*l));
        const char *err;

        l->code = acc_i18n_data[i].code;
        l->data = &acc_i18n_data[i];
        if ((err = acc_plural_parse(p, l->data->plural_forms, &l->plural)) !=
            NULL) {
            return apr_psprintf(p, "the plural rule of %s (%s): %s", l->code,
                                l->data->plural_forms, err);
        }
        APR_ARRAY_PUSH(*langs, acc_i18n_lang_t *) = l;
    }
    return NULL;
}

/* code as Django spells it: lowercase, '-' for '_', in buf (NULL when
 * it is too long to be a language code). */
static const char *norm(const char *code, char *buf, apr_size_t cap)
{
    apr_size_t i;

    for (i = 0; code[i]; i++) {
        char c = code[i];
        if (i + 1 >= cap) {
            return NULL;
        }
        buf[i] = c == '_' ? '-' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    buf[i] = '\0';
    return buf;
}

const acc_i18n_lang_t *acc_i18n_find(const apr_array_header_t *langs,
                                     const char *code)
{
    char buf[32];
    int i;

    if (code == NULL || norm(code, buf, sizeof(buf)) == NULL) {
        return NULL;
    }
    for (i = 0; i < langs->nelts; i++) {
        const acc_i18n_lang_t *l = APR_ARRAY_IDX(langs, i, acc_i18n_lang_t *);
        if (!strcmp(l->code, buf)) {
            return l;
        }
    }
    return NULL;
}

static int by_msgid(const void *key, const void *m)
{
    return strcmp((const char *)key, ((const acc_i18n_msg_t *)m)->msgid);
}

static const acc_i18n_msg_t *lookup(const acc_i18n_lang_t *l, const char *msgid)
{
    if (l == NULL || l->data == NULL || msgid == NULL) {
        return NULL;
    }
    return bsearch(msgid, l->data->msgs, l->data->nmsgs, sizeof(acc_i18n_msg_t),
                   by_msgid);
}

const char *acc_i18n_gettext(const acc_i18n_lang_t *l, const char *msgid)
{
    const acc_i18n_msg_t *m = lookup(l, msgid);

    return m && m->nstr > 0 && m->str[0][0] ? m->str[0] : msgid;
}

const char *acc_i18n_ngettext(const acc_i18n_lang_t *l, const char *msgid,
                              const char *plural, unsigned long n)
{
    const acc_i18n_msg_t *m = lookup(l, msgid);
    int k;

    if (m == NULL || m->plural == NULL || l->plural == NULL) {
        return n == 1 ? msgid : plural;
    }
    k = acc_plural_index(l->plural, n);
    return k < m->nstr && m->str[k][0] ? m->str[k] : n == 1 ? msgid : plural;
}

const char *acc_i18n_capfirst(apr_pool_t *p, const char *s)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t n;
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t m;

    if (s == NULL || !*s) {
        return "";
    }
    n = utf8proc_iterate((const utf8proc_uint8_t *)s, -1, &c);
    if (n <= 0) {
        return s;
    }
    m = utf8proc_encode_char(utf8proc_toupper(c), buf);
    return apr_pstrcat(p, apr_pstrmemdup(p, (const char *)buf, (apr_size_t)m),
                       s + n, NULL);
}

int acc_i18n_rtl(const acc_i18n_lang_t *l)
{
    return l && l->data && l->data->rtl;
}

/* A language we have and may use for code: the code itself, else its
 * generic part ("fr" of "fr-ca"), else a variant of the generic one ("zh"
 * -> "zh-hans"), as Django's get_supported_language_variant. */
static const acc_i18n_lang_t *supported(const apr_array_header_t *langs,
                                        const char *code,
                                        int (*ok)(const char *, void *),
                                        void *ctx)
{
    const acc_i18n_lang_t *l;
    char buf[32], *dash;
    apr_size_t glen;
    int i;

    if (norm(code, buf, sizeof(buf)) == NULL || !*buf) {
        return NULL;
    }
    if ((l = acc_i18n_find(langs, buf)) && (!ok || ok(l->code, ctx))) {
        return l;
    }
    if ((dash = strchr(buf, '-')) != NULL) {
        *dash = '\0';
        if ((l = acc_i18n_find(langs, buf)) && (!ok || ok(l->code, ctx))) {
            return l;
        }
    }
    glen = strlen(buf);
    for (i = 0; i < langs->nelts; i++) {
        l = APR_ARRAY_IDX(langs, i, acc_i18n_lang_t *);
        if (!strncmp(l->code, buf, glen) && l->code[glen] == '-' &&
            (!ok || ok(l->code, ctx))) {
            return l;
        }
    }
    return NULL;
}

typedef struct {
    const char *code;
    double q;
    int order;
} accept_t;

static int by_q(const void *a, const void *b)
{
    const accept_t *x = a, *y = b;

    if (x->q != y->q) {
        return x->q > y->q ? -1 : 1;
    }
    return x->order - y->order;
}

/* A q-value ("q=0.8"): 0..1, -1 when malformed. */
static double qvalue(const char *s)
{
    char *end = NULL;
    double q;

    while (*s == ' ') {
        s++;
    }
    if ((s[0] != 'q' && s[0] != 'Q') || s[1] != '=') {
        return -1;
    }
    q = strtod(s + 2, &end);
    if (end == s + 2 || q < 0 || q > 1) {
        return -1;
    }
    return q;
}

const acc_i18n_lang_t *
acc_i18n_negotiate(apr_pool_t *p, const apr_array_header_t *langs,
                   const char *accept, const char *cookie,
                   int (*ok)(const char *code, void *ctx), void *ctx,
                   const acc_i18n_lang_t *deflt)
{
    const acc_i18n_lang_t *l;
    accept_t *list;
    char *copy, *item, *last = NULL;
    int n = 0, i;

    if (cookie && *cookie && (l = supported(langs, cookie, ok, ctx))) {
        return l;
    }
    /* Django reads at most the first 500 characters of the header. */
    if (accept == NULL || !*accept) {
        return deflt;
    }
    copy = apr_pstrndup(p, accept, 500);
    list = apr_palloc(p, sizeof(*list) * (strlen(copy) / 2 + 1));
    for (item = apr_strtok(copy, ",", &last); item;
         item = apr_strtok(NULL, ",", &last)) {
        char *semi = strchr(item, ';'), *e;
        double q = 1;

        if (semi) {
            *semi = '\0';
            if ((q = qvalue(semi + 1)) < 0) {
                continue;
            }
        }
        while (*item == ' ' || *item == '\t') {
            item++;
        }
        for (e = item + strlen(item);
             e > item && (e[-1] == ' ' || e[-1] == '\t'); e--) {
        }
        *e = '\0';
        if (!*item || !strcmp(item, "*") || q <= 0) {
            continue;
        }
        list[n].code = item;
        list[n].q = q;
        list[n].order = n;
        n++;
    }
    qsort(list, (apr_size_t)n, sizeof(*list), by_q);
    for (i = 0; i < n; i++) {
        if ((l = supported(langs, list[i].code, ok, ctx)) != NULL) {
            return l;
        }
    }
    return deflt;
}

const char *acc_i18n_format(apr_pool_t *p, const char *fmt,
                            const char *const *names, const char *const *values,
                            int n)
{
    struct iovec *v;
    const char *s = fmt, *pc, *e;
    int nv = 0, cap = 8, i;

    v = apr_palloc(p, sizeof(*v) * (apr_size_t)cap);
    while (*s) {
        const char *piece = NULL;
        apr_size_t plen = 0, skip;

        if ((pc = strchr(s, '%')) == NULL) {
            piece = s;
            plen = strlen(s);
            skip = plen;
        }
        else if (pc > s) {
            piece = s;
            plen = (apr_size_t)(pc - s);
            skip = plen;
        }
        else if (pc[1] == '%') {
            piece = "%";
            plen = 1;
            skip = 2;
        }
        else if (pc[1] == '(' && (e = strchr(pc + 2, ')')) != NULL &&
                 (e[1] == 's' || e[1] == 'd')) {
            piece = pc;
            plen = (apr_size_t)(e + 2 - pc);
            for (i = 0; i < n; i++) {
                if (strlen(names[i]) == (apr_size_t)(e - pc - 2) &&
                    !memcmp(names[i], pc + 2, (apr_size_t)(e - pc - 2))) {
                    piece = values[i];
                    plen = strlen(values[i]);
                    break;
                }
            }
            skip = (apr_size_t)(e + 2 - pc);
        }
        else {
            piece = "%";
            plen = 1;
            skip = 1;
        }
        if (nv == cap) {
            struct iovec *w = apr_palloc(p, sizeof(*w) * (apr_size_t)cap * 2);
            memcpy(w, v, sizeof(*v) * (apr_size_t)cap);
            v = w;
            cap *= 2;
        }
        v[nv].iov_base = (void *)piece;
        v[nv].iov_len = plen;
        nv++;
        s += skip;
    }
    return apr_pstrcatv(p, v, (apr_size_t)nv, NULL);
}
