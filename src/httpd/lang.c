/*
 * src/httpd/lang.c -- the language of a request (see lang.h).
 */
#include "lang.h"
#include "config.h"
#include "core/cookie.h"

#include <apr_lib.h>
#include <apr_strings.h>

#include <string.h>

/* Every language we carry: made once at startup, read-only after (each
 * child has the parent's copy). */
static apr_array_header_t *langs;

#define NOTE_KEY "mod_accounts:lang"

int acc_lang_known(const char *code)
{
    apr_size_t i;

    if (code == NULL) {
        return 0;
    }
    if (!strcasecmp(code, "en")) {
        return 1;
    }
    for (i = 0; i < acc_i18n_data_count; i++) {
        char buf[32];
        apr_size_t j;
        for (j = 0; code[j] && j + 1 < sizeof(buf); j++) {
            buf[j] = code[j] == '_' ? '-' : (char)apr_tolower(code[j]);
        }
        buf[j] = '\0';
        if (!strcmp(buf, acc_i18n_data[i].code)) {
            return 1;
        }
    }
    return 0;
}

int acc_lang_init(apr_pool_t *pconf, server_rec *s)
{
    const char *err;

    if (langs == NULL && (err = acc_i18n_init(pconf, &langs)) != NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     ACC_LOGNO(0250) "the translations compiled in are "
                                     "broken: %s",
                     err);
        langs = NULL;
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* AccountsLanguages: whether code may be chosen on this host. */
static int allowed(const char *code, void *ctx)
{
    const acc_srv_cfg_t *c = ctx;
    int i;

    if (c->languages == NULL) {
        return 1;
    }
    for (i = 0; i < c->languages->nelts; i++) {
        if (!strcasecmp(APR_ARRAY_IDX(c->languages, i, const char *), code)) {
            return 1;
        }
    }
    return 0;
}

const acc_i18n_lang_t *acc_lang(request_rec *r)
{
    static const acc_i18n_lang_t english = {"en", NULL, NULL};
    request_rec *top = r;
    acc_srv_cfg_t *c = acc_srv(r->server);
    const acc_i18n_lang_t *l = NULL, *deflt;
    const char *header, *cookie = NULL;
    apr_array_header_t *all;

    while (top->main) {
        top = top->main;
    }
    while (top->prev) {
        top = top->prev;
    }
    apr_pool_userdata_get((void **)&l, NOTE_KEY, top->pool);
    if (l) {
        return l;
    }
    if (langs == NULL) {
        return &english;
    }
    deflt = acc_i18n_find(langs, c->default_language);
    if (deflt == NULL) {
        deflt = &english;
    }
    header = apr_table_get(r->headers_in, "Cookie");
    if (header &&
        (all = acc_cookie_get_all(r->pool, header, ACC_LANG_COOKIE)) != NULL &&
        all->nelts) {
        cookie = APR_ARRAY_IDX(all, all->nelts - 1, const char *);
    }
    l = acc_i18n_negotiate(r->pool, langs,
                           apr_table_get(r->headers_in, "Accept-Language"),
                           cookie, allowed, c, deflt);
    apr_pool_userdata_setn(l, NOTE_KEY, apr_pool_cleanup_null, top->pool);
    return l;
}

const char *acc_gettext(request_rec *r, const char *msgid)
{
    return acc_i18n_gettext(acc_lang(r), msgid);
}

const char *acc_ngettext(request_rec *r, const char *msgid, const char *plural,
                         unsigned long n)
{
    return acc_i18n_ngettext(acc_lang(r), msgid, plural, n);
}

const char *acc_ngettext_n(request_rec *r, const char *msgid,
                           const char *plural, long n, const char *name)
{
    const char *names[1], *values[1];

    names[0] = name;
    values[0] = apr_ltoa(r->pool, n);
    return acc_i18n_format(
        r->pool, acc_ngettext(r, msgid, plural, (unsigned long)(n < 0 ? 0 : n)),
        names, values, 1);
}

void acc_lang_headers(request_rec *r)
{
    apr_table_setn(r->err_headers_out, "Content-Language", acc_lang(r)->code);
    apr_table_mergen(r->err_headers_out, "Vary", "Accept-Language");
    apr_table_mergen(r->err_headers_out, "Vary", "Cookie");
}

static const char *tpl_gettext(void *ctx, const char *msgid)
{
    return acc_i18n_gettext(ctx, msgid);
}

static const char *tpl_ngettext(void *ctx, const char *msgid,
                                const char *plural, unsigned long n)
{
    return acc_i18n_ngettext(ctx, msgid, plural, n);
}

const acc_tpl_i18n_t *acc_lang_tpl_of(apr_pool_t *p,
                                      const acc_i18n_lang_t *lang)
{
    acc_tpl_i18n_t *t = apr_palloc(p, sizeof(*t));

    t->gettext = tpl_gettext;
    t->ngettext = tpl_ngettext;
    t->ctx = (void *)lang;
    return t;
}

const acc_tpl_i18n_t *acc_lang_tpl(request_rec *r)
{
    return acc_lang_tpl_of(r->pool, acc_lang(r));
}

const acc_i18n_lang_t *acc_lang_of(const char *code)
{
    static const acc_i18n_lang_t english = {"en", NULL, NULL};
    const acc_i18n_lang_t *l;

    if (langs == NULL || code == NULL || !*code ||
        (l = acc_i18n_find(langs, code)) == NULL) {
        return &english;
    }
    return l;
}
