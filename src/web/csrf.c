/*
 * src/web/csrf.c -- CSRF protection of every unsafe request to our pages.
 */
#include "csrf.h"
#include "core/i18n.h"
#include "core/cookie.h"
#include "core/csrf.h"
#include "httpd/session.h"
#include "core/urlencoded.h"

#include <apr_strings.h>
#include <apr_uri.h>

#include <string.h>

#define NOTE         "mod_accounts:csrf-secret"
#define CSRF_MAX_AGE (52 * 7 * 24 * 3600) /* Django: a year */

/* The secret the request's cookie holds, if well-formed. */
static const char *cookie_secret(request_rec *r)
{
    const char *h = apr_table_get(r->headers_in, "Cookie");
    const char *v = h ? acc_cookie_get(r->pool, h, ACC_CSRF_COOKIE) : NULL;

    return (v && acc_csrf_secret_valid(v)) ? v : NULL;
}

static const char *new_secret(request_rec *r)
{
    const char *s = acc_csrf_new_secret(r->pool);

    if (s) {
        acc_set_cookie(r, ACC_CSRF_COOKIE, s, CSRF_MAX_AGE);
        apr_table_setn(r->notes, NOTE, s);
    }
    return s;
}

const char *acc_csrf_form_token(request_rec *r)
{
    const char *s = apr_table_get(r->notes, NOTE);

    if (s == NULL) {
        s = cookie_secret(r);
        if (s) {
            apr_table_setn(r->notes, NOTE, s);
        }
        else {
            s = new_secret(r);
        }
    }
    return s ? acc_csrf_mask(r->pool, s) : NULL;
}

void acc_csrf_rotate(request_rec *r)
{
    new_secret(r);
}

/* scheme://host[:port] of this request, as a browser's Origin says it. */
static const char *own_origin(request_rec *r)
{
    const char *host = apr_table_get(r->headers_in, "Host");

    if (host == NULL) {
        host = r->hostname ? r->hostname : "";
    }
    return apr_pstrcat(r->pool, ap_http_scheme(r), "://", host, NULL);
}

static int same_origin(request_rec *r, const char *origin)
{
    const char *own = own_origin(r);
    apr_uri_t a, b;

    if (strcasecmp(origin, own) == 0) {
        return 1;
    }
    /* Tolerate an explicit default port on one side. */
    if (apr_uri_parse(r->pool, origin, &a) != APR_SUCCESS ||
        apr_uri_parse(r->pool, own, &b) != APR_SUCCESS || !a.scheme ||
        !b.scheme || !a.hostname || !b.hostname) {
        return 0;
    }
    if (!a.port) {
        a.port = apr_uri_port_of_scheme(a.scheme);
    }
    if (!b.port) {
        b.port = apr_uri_port_of_scheme(b.scheme);
    }
    return strcasecmp(a.scheme, b.scheme) == 0 &&
           strcasecmp(a.hostname, b.hostname) == 0 && a.port == b.port &&
           (a.path == NULL || *a.path == '\0');
}

int acc_csrf_verify(request_rec *r, const apr_array_header_t *fields,
                    const char **why)
{
    const char *site = apr_table_get(r->headers_in, "Sec-Fetch-Site");
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *secret, *token = NULL;
    const acc_field_t *f;

    if (site && strcasecmp(site, "same-origin") != 0 &&
        strcasecmp(site, "none") != 0) {
        *why = apr_psprintf(r->pool, "Sec-Fetch-Site is '%s'",
                            ap_escape_logitem(r->pool, site));
        return HTTP_FORBIDDEN;
    }
    if (origin) {
        if (!same_origin(r, origin)) {
            *why = apr_psprintf(r->pool,
                                "Origin checking failed - %s does not match "
                                "any trusted origins.",
                                ap_escape_logitem(r->pool, origin));
            return HTTP_FORBIDDEN;
        }
    }
    else if (strcmp(ap_http_scheme(r), "https") == 0) {
        /* Django's strict Referer check for HTTPS without an Origin. */
        const char *ref = apr_table_get(r->headers_in, "Referer");
        apr_uri_t u;
        if (ref == NULL) {
            *why = N_("Referer checking failed - no Referer.");
            return HTTP_FORBIDDEN;
        }
        if (apr_uri_parse(r->pool, ref, &u) != APR_SUCCESS || !u.scheme ||
            !u.hostinfo) {
            *why = N_("Referer checking failed - Referer is malformed.");
            return HTTP_FORBIDDEN;
        }
        if (strcasecmp(u.scheme, "https") != 0) {
            *why = "Referer checking failed - Referer is insecure while "
                   "host is secure.";
            return HTTP_FORBIDDEN;
        }
        if (!same_origin(r,
                         apr_pstrcat(r->pool, "https://", u.hostinfo, NULL))) {
            *why = "Referer checking failed - Referer does not match any "
                   "trusted origins.";
            return HTTP_FORBIDDEN;
        }
    }
    secret = cookie_secret(r);
    if (secret == NULL) {
        *why = "CSRF cookie not set.";
        return HTTP_FORBIDDEN;
    }
    if (fields && (f = acc_urlform_get(fields, ACC_CSRF_FIELD, NULL))) {
        token = f->flags ? "" : f->value;
    }
    if (token == NULL || *token == '\0') {
        token = apr_table_get(r->headers_in, "X-CSRFToken");
    }
    if (token == NULL || *token == '\0') {
        *why = "CSRF token missing.";
        return HTTP_FORBIDDEN;
    }
    if (!acc_csrf_check(secret, token)) {
        *why = "CSRF token incorrect.";
        return HTTP_FORBIDDEN;
    }
    return OK;
}
