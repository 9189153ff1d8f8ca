/*
 * src/httpd/render.h -- pages from templates: loading at startup, rendering.
 */
#ifndef ACC_RENDER_H
#define ACC_RENDER_H

#include "module.h"
#include "core/template/template.h"

/* Parse the templates of every server: the built-in ones, each replaced
 * by the file of the same name in AccountsTemplateDir when there is one
 * (other *.html files there are added too, for includes).  A broken
 * template stops httpd with a message naming file and line.  Returns OK
 * or HTTP_INTERNAL_SERVER_ERROR. */
int acc_render_init(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

/* The path the accounts pages are under, ending in '/' ("/accounts/" for
 * the usual config): as the handler found it in the URL it serves
 * (acc_render_set_base) when that holds only letters, digits and
 * / . _ ~ -, else (pages rendered elsewhere, error pages of the guard,
 * odd paths) the login URL's parent. */
const char *acc_accounts_base(request_rec *r);

/* The same from the configuration only (the login URL's parent): what
 * links in mail use, since the client chose the request's path. */
const char *acc_accounts_base_configured(request_rec *r);
void acc_render_set_base(request_rec *r, const char *base);

/* The context every page starts from: site_name, user (when logged in),
 * urls (login, logout, register, static), csrf_token. */
acc_tval_t *acc_render_context(request_rec *r);

/* Send template name rendered with ctx as an HTML response with the given
 * status and the headers every accounts page carries (forms get their
 * CSRF token from acc_page_render, in the web layer).  Returns OK (the
 * status is in r->status), or HTTP_INTERNAL_SERVER_ERROR when the
 * template cannot be rendered (logged). */
int acc_render(request_rec *r, const char *name, acc_tval_t *ctx, int status);

/* Send the error page for status (403.html, 404.html, ...) with message
 * as its explanation.  Returns like acc_render. */
int acc_render_error(request_rec *r, int status, const char *message);

/* The error page for status with message as its explanation, rendered
 * into r->pool (its length in *len), for what cannot use acc_render (an
 * output filter); NULL when it cannot be rendered (logged). */
const char *acc_render_error_text(request_rec *r, int status,
                                  const char *message, apr_size_t *len);

/* Send a static file of ours (the stylesheet) by name; DECLINED when
 * there is no such file. */
int acc_render_static(request_rec *r, const char *name);

/* Add the headers every accounts page carries (no-store, not frameable,
 * nosniff, same-origin referrer) to r->err_headers_out. */
void acc_page_headers(request_rec *r);

#endif /* ACC_RENDER_H */
