/*
 * src/httpd/render.c -- pages from templates: loading at startup, rendering.
 */
#include "render.h"
#include "lang.h"
#include "flash.h"
#include "builtin.h"
#include "config.h"
#include "session.h"

#include <apr_file_io.h>
#include <apr_fnmatch.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include <string.h>

/* Non-template files of ours served under static/. */
typedef struct {
    const char *name;
    const char *data;
    apr_size_t len;
    const char *type;
} static_file_t;

/* What one AccountsTemplateDir (or none) yields; shared by the servers
 * that name the same directory. */
typedef struct {
    acc_tpl_set_t *set;
    apr_array_header_t *statics; /* static_file_t */
} bundle_t;

static int is_template(const char *name)
{
    apr_size_t n = strlen(name);
    /* Pages (.html) and mail (.txt). */
    return (n > 5 && strcmp(name + n - 5, ".html") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".txt") == 0);
}

static const char *type_of(const char *name)
{
    apr_size_t n = strlen(name);

    if (n > 4 && strcmp(name + n - 4, ".css") == 0) {
        return "text/css; charset=utf-8";
    }
    if (n > 3 && strcmp(name + n - 3, ".js") == 0) {
        return "text/javascript; charset=utf-8";
    }
    if (n > 4 && strcmp(name + n - 4, ".svg") == 0) {
        return "image/svg+xml";
    }
    if (n > 4 && strcmp(name + n - 4, ".png") == 0) {
        return "image/png";
    }
    if (n > 4 && strcmp(name + n - 4, ".ico") == 0) {
        return "image/x-icon";
    }
    return "application/octet-stream";
}

/* Read a whole file into pconf. */
static apr_status_t slurp(apr_pool_t *p, const char *path, const char **data,
                          apr_size_t *len)
{
    apr_file_t *f;
    apr_finfo_t fi;
    apr_status_t rv;
    char *buf;
    apr_size_t n;

    rv = apr_file_open(&f, path, APR_FOPEN_READ | APR_FOPEN_BINARY, 0, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    rv = apr_file_info_get(&fi, APR_FINFO_SIZE, f);
    if (rv == APR_SUCCESS && fi.size > 1024 * 1024) {
        rv = APR_EINVAL;
    }
    if (rv == APR_SUCCESS) {
        n = (apr_size_t)fi.size;
        buf = apr_palloc(p, n + 1);
        rv = apr_file_read_full(f, buf, n, &n);
        if (rv == APR_EOF) {
            rv = APR_SUCCESS;
        }
        buf[n] = '\0';
        *data = buf;
        *len = n;
    }
    apr_file_close(f);
    return rv;
}

static void add_static(bundle_t *b, const char *name, const char *data,
                       apr_size_t len)
{
    static_file_t *sf = NULL;
    int i;

    for (i = 0; i < b->statics->nelts; i++) {
        static_file_t *e = &APR_ARRAY_IDX(b->statics, i, static_file_t);
        if (strcmp(e->name, name) == 0) {
            sf = e;
        }
    }
    if (sf == NULL) {
        sf = apr_array_push(b->statics);
    }
    sf->name = name;
    sf->data = data;
    sf->len = len;
    sf->type = type_of(name);
}

static bundle_t *load_bundle(apr_pool_t *pconf, apr_pool_t *ptemp,
                             server_rec *s, const char *dir)
{
    bundle_t *b = apr_pcalloc(pconf, sizeof(*b));
    const char *err = NULL;
    apr_size_t i;

    b->set = acc_tpl_set_create(pconf);
    b->statics = apr_array_make(pconf, 4, sizeof(static_file_t));
    for (i = 0; i < acc_builtin_templates_count; i++) {
        const acc_builtin_t *t = &acc_builtin_templates[i];
        if (!is_template(t->name)) {
            add_static(b, t->name, t->data, t->len);
            continue;
        }
        if (acc_tpl_add(b->set, t->name, t->data, t->len,
                        apr_pstrcat(ptemp, "built-in ", t->name, NULL),
                        &err) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                         ACC_LOGNO(0020) "broken built-in template: %s", err);
            return NULL;
        }
    }
    if (dir) {
        apr_dir_t *d;
        apr_finfo_t fi;
        apr_status_t rv = apr_dir_open(&d, dir, ptemp);

        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                         ACC_LOGNO(0021) "AccountsTemplateDir: cannot open "
                                         "'%s'",
                         dir);
            return NULL;
        }
        while (apr_dir_read(&fi, APR_FINFO_NAME | APR_FINFO_TYPE, d) ==
               APR_SUCCESS) {
            const char *path, *data;
            apr_size_t len;

            if (fi.filetype != APR_REG || fi.name[0] == '.') {
                continue;
            }
            path = apr_pstrcat(pconf, dir, "/", fi.name, NULL);
            rv = slurp(pconf, path, &data, &len);
            if (rv != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                             ACC_LOGNO(0022) "cannot read template '%s'", path);
                apr_dir_close(d);
                return NULL;
            }
            if (is_template(fi.name)) {
                if (acc_tpl_add(b->set, apr_pstrdup(pconf, fi.name), data, len,
                                path, &err) != APR_SUCCESS) {
                    ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                                 ACC_LOGNO(0023) "broken template: %s", err);
                    apr_dir_close(d);
                    return NULL;
                }
            }
            else if (apr_fnmatch("*.css", fi.name, 0) == APR_SUCCESS ||
                     apr_fnmatch("*.js", fi.name, 0) == APR_SUCCESS ||
                     apr_fnmatch("*.svg", fi.name, 0) == APR_SUCCESS ||
                     apr_fnmatch("*.png", fi.name, 0) == APR_SUCCESS ||
                     apr_fnmatch("*.ico", fi.name, 0) == APR_SUCCESS) {
                add_static(b, apr_pstrdup(pconf, fi.name), data, len);
            }
        }
        apr_dir_close(d);
    }
    if (acc_tpl_link(b->set, &err) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     ACC_LOGNO(0024) "broken template: %s", err);
        return NULL;
    }
    return b;
}

#define BUNDLE_KEY "mod_accounts:bundles"

int acc_render_init(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    apr_hash_t *bundles = apr_hash_make(ptemp);

    for (; s; s = s->next) {
        acc_srv_cfg_t *c = acc_srv(s);
        const char *key = c->template_dir ? c->template_dir : "";
        bundle_t *b = apr_hash_get(bundles, key, APR_HASH_KEY_STRING);

        if (b == NULL) {
            b = load_bundle(pconf, ptemp, s, c->template_dir);
            if (b == NULL) {
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            apr_hash_set(bundles, key, APR_HASH_KEY_STRING, b);
        }
        c->templates = b->set;
        c->statics = b->statics;
    }
    return OK;
}

#define BASE_NOTE "mod_accounts:base"

void acc_render_set_base(request_rec *r, const char *base)
{
    apr_table_setn(r->notes, BASE_NOTE, base);
}

const char *acc_accounts_base(request_rec *r)
{
    const char *base = apr_table_get(r->notes, BASE_NOTE);
    const char *c;

    /* The path the client used, when it is plain: anything else (spaces,
     * quotes, a decoded line break) has no business in a header or a
     * link, and the configured one serves. */
    if (base) {
        for (c = base; *c; c++) {
            if (!apr_isalnum(*c) && !strchr("/._~-", *c)) {
                break;
            }
        }
        if (*c == '\0') {
            return base;
        }
    }
    return acc_accounts_base_configured(r);
}

const char *acc_accounts_base_configured(request_rec *r)
{
    const char *login = acc_srv(r->server)->login_url;
    const char *slash;

    /* Outside the accounts pages: the login URL's parent. */
    slash = strrchr(login, '/');
    if (slash && slash == login + strlen(login) - 1 && slash > login) {
        const char *p = slash - 1;
        while (p > login && *p != '/') {
            p--;
        }
        return apr_pstrndup(r->pool, login, (apr_size_t)(p - login) + 1);
    }
    return "/accounts/";
}

acc_tval_t *acc_render_context(request_rec *r)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    acc_tval_t *ctx = acc_tval_map(r->pool);
    acc_tval_t *urls = acc_tval_map(r->pool);
    acc_session_t *sess = acc_session_peek(r);
    const char *base = acc_accounts_base(r);

    const acc_i18n_lang_t *lang = acc_lang(r);
    acc_tval_t *labels = acc_tval_map(r->pool);

    acc_tval_setstr(ctx, "site_name", cfg->site_name);
    /* Django's i18n context processor's names. */
    acc_tval_setstr(ctx, "LANGUAGE_CODE", lang->code);
    acc_tval_setbool(ctx, "LANGUAGE_BIDI", acc_i18n_rtl(lang));
    /* A form field's label is its model field's verbose name, capitalised
     * (Django's capfirst), in the request's language. */
    acc_tval_setstr(
        labels, "username",
        acc_i18n_capfirst(r->pool, acc_i18n_gettext(lang, N_("username"))));
    acc_tval_set(ctx, "labels", labels);
    acc_tval_setstr(urls, "login", cfg->login_url);
    acc_tval_setstr(urls, "logout",
                    apr_pstrcat(r->pool, base, "logout/", NULL));
    acc_tval_setstr(urls, "register",
                    apr_pstrcat(r->pool, base, "register/", NULL));
    acc_tval_setstr(urls, "static",
                    apr_pstrcat(r->pool, base, "static/", NULL));
    acc_tval_setstr(urls, "home", cfg->login_redirect);
    acc_tval_setstr(urls, "profile",
                    apr_pstrcat(r->pool, base, "profile/", NULL));
    acc_tval_setstr(urls, "sessions",
                    apr_pstrcat(r->pool, base, "sessions/", NULL));
    acc_tval_setstr(urls, "password_change",
                    apr_pstrcat(r->pool, base, "password/change/", NULL));
    acc_tval_setstr(urls, "password_reset",
                    apr_pstrcat(r->pool, base, "password/reset/", NULL));
    acc_tval_setstr(urls, "verify_resend",
                    apr_pstrcat(r->pool, base, "verify/resend/", NULL));
    acc_tval_set(ctx, "urls", urls);
    acc_tval_setbool(ctx, "registration_open", cfg->registration);
    acc_tval_setstr(ctx, "password_min_length",
                    apr_itoa(r->pool, cfg->min_length));
    {
        const char *m = acc_flash_take(r);
        if (m) {
            acc_tval_t *l = acc_tval_list(r->pool);
            acc_tval_push(l, acc_tval_str(r->pool, m));
            acc_tval_set(ctx, "messages", l);
        }
    }
    if (sess) {
        acc_tval_t *u = acc_tval_map(r->pool);
        acc_tval_setstr(u, "username", sess->user->username);
        /* for blocktranslate, which takes plain names */
        acc_tval_setstr(ctx, "username", sess->user->username);
        acc_tval_setstr(u, "email", sess->user->email);
        acc_tval_setstr(u, "first_name", sess->user->first_name);
        acc_tval_setstr(u, "last_name", sess->user->last_name);
        acc_tval_setbool(u, "is_authenticated", 1);
        acc_tval_set(ctx, "user", u);
    }
    return ctx;
}

void acc_page_headers(request_rec *r)
{
    apr_table_t *h = r->err_headers_out;

    apr_table_setn(h, "Cache-Control",
                   "no-store, no-cache, must-revalidate, max-age=0, private");
    apr_table_setn(h, "X-Frame-Options", "DENY");
    if (acc_srv(r->server)->csp && *acc_srv(r->server)->csp) {
        apr_table_setn(h, "Content-Security-Policy", acc_srv(r->server)->csp);
    }
    apr_table_setn(h, "X-Content-Type-Options", "nosniff");
    apr_table_setn(h, "Referrer-Policy", "same-origin");
    apr_table_mergen(h, "Vary", "Cookie");
}

int acc_render(request_rec *r, const char *name, acc_tval_t *ctx, int status)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    const char *out;
    apr_size_t len;
    apr_status_t rv;

    rv = acc_tpl_render_i18n(cfg->templates, name, ctx, acc_lang_tpl(r),
                             r->pool, &out, &len);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, rv, r,
                      ACC_LOGNO(0025) "cannot render template '%s'", name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    acc_page_headers(r);
    acc_lang_headers(r);
    r->status = status;
    ap_set_content_type(r, "text/html; charset=utf-8");
    ap_set_content_length(r, (apr_off_t)len);
    if (!r->header_only) {
        ap_rwrite(out, (int)len, r);
    }
    return OK;
}

/* An error page's title: the status line's words, as msgids. */
static const char *status_title(int status, const char *line)
{
    switch (status) {
        case HTTP_BAD_REQUEST:
            return N_("Bad Request");
        case HTTP_FORBIDDEN:
            return N_("Forbidden");
        case HTTP_NOT_FOUND:
            return N_("Not Found");
        case HTTP_METHOD_NOT_ALLOWED:
            return N_("Method Not Allowed");
        case HTTP_REQUEST_TIME_OUT:
            return N_("Request Timeout");
        case HTTP_REQUEST_ENTITY_TOO_LARGE:
            return N_("Request Entity Too Large");
        case HTTP_TOO_MANY_REQUESTS:
            return N_("Too Many Requests");
        case HTTP_INTERNAL_SERVER_ERROR:
            return N_("Internal Server Error");
        case HTTP_SERVICE_UNAVAILABLE:
            return N_("Service Unavailable");
        default:
            return line ? line + 4 : N_("Error");
    }
}

/* The context and template name of an error page. */
static const char *error_page(request_rec *r, int status, const char *message,
                              acc_tval_t **ctxp)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    acc_tval_t *ctx = acc_render_context(r);
    const char *name = apr_psprintf(r->pool, "%d.html", status);
    const char *title = ap_get_status_line(status);

    if (!acc_tpl_has(cfg->templates, name)) {
        name = "error.html";
    }
    acc_tval_setstr(ctx, "status", apr_itoa(r->pool, status));
    acc_tval_setstr(ctx, "title", acc_gettext(r, status_title(status, title)));
    acc_tval_setstr(ctx, "message", acc_gettext(r, message));
    /* Error pages never set a CSRF cookie. */
    acc_tval_setstr(ctx, "csrf_token", "");
    *ctxp = ctx;
    return name;
}

int acc_render_error(request_rec *r, int status, const char *message)
{
    acc_tval_t *ctx;
    const char *name = error_page(r, status, message, &ctx);

    if (status == HTTP_SERVICE_UNAVAILABLE) {
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
    }
    return acc_render(r, name, ctx, status);
}

const char *acc_render_error_text(request_rec *r, int status,
                                  const char *message, apr_size_t *len)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    acc_tval_t *ctx;
    const char *name = error_page(r, status, message, &ctx);
    const char *out;

    if (acc_tpl_render_i18n(cfg->templates, name, ctx, acc_lang_tpl(r), r->pool,
                            &out, len) != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0025) "cannot render template '%s'", name);
        return NULL;
    }
    return out;
}

int acc_render_static(request_rec *r, const char *name)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    int i;

    for (i = 0; i < cfg->statics->nelts; i++) {
        static_file_t *sf = &APR_ARRAY_IDX(cfg->statics, i, static_file_t);
        if (strcmp(sf->name, name) == 0) {
            ap_set_content_type(r, sf->type);
            apr_table_setn(r->headers_out, "Cache-Control",
                           "public, max-age=3600");
            apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
            ap_set_content_length(r, (apr_off_t)sf->len);
            if (!r->header_only) {
                ap_rwrite(sf->data, (int)sf->len, r);
            }
            return OK;
        }
    }
    return DECLINED;
}
