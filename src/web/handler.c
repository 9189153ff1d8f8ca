/*
 * src/web/handler.c -- the `accounts` handler: dispatch to one file per page.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "httpd/db.h"
#include "form.h"
#include "core/redirect.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "csrf.h"
#include "httpd/mail.h"
#include "httpd/guard.h"

#include <apr_strings.h>

#include <string.h>

typedef int (*page_fn)(acc_page_t *pg);

#define LOGIN_REQUIRED 1
#define MFA_SETUP      2 /* open to a user AccountsMfa Required holds back */

/* Each page's path; "*" stands for one path segment the page reads
 * (pg->args).  First match wins: fixed paths before patterns. */
static const struct {
    const char *path;
    page_fn fn;
    int flags;
} pages[] = {
    {"register/", acc_page_register, 0},
    {"login/", acc_page_login, 0},
    {"login/mfa/", acc_page_login_mfa, 0},
    {"logout/", acc_page_logout, 0},
    {"profile/", acc_page_profile, LOGIN_REQUIRED},
    {"sessions/", acc_page_sessions, LOGIN_REQUIRED},
    {"password/change/", acc_page_password_change, LOGIN_REQUIRED},
    {"password/change/done/", acc_page_password_change_done, LOGIN_REQUIRED},
    {"password/reset/", acc_page_password_reset, 0},
    {"password/reset/done/", acc_page_password_reset_done, 0},
    {"password/reset/complete/", acc_page_password_reset_complete, 0},
    {"password/reset/*/set-password/", acc_page_password_reset_set, 0},
    {"password/reset/*/*/", acc_page_password_reset_link, 0},
    {"verify/resend/", acc_page_verify_resend, 0},
    {"verify/sent/", acc_page_verify_sent, 0},
    {"verify/*/*/", acc_page_verify, 0},
    {"mfa/", acc_page_mfa, LOGIN_REQUIRED | MFA_SETUP},
    {"mfa/qr.svg", acc_page_mfa_qr, LOGIN_REQUIRED | MFA_SETUP},
    {"mfa/recovery/", acc_page_mfa_recovery, LOGIN_REQUIRED | MFA_SETUP},
    {"mfa/disable/", acc_page_mfa_disable, LOGIN_REQUIRED | MFA_SETUP},
};

#define NPAGES (sizeof(pages) / sizeof(pages[0]))

/* Whether rel is pattern pat: fixed text equal, each "*" one non-empty
 * segment (put into args, when not NULL, in p).  A path without "*"
 * matches without its final '/' too ("login" reaches "login/"). */
static int path_match(apr_pool_t *p, const char *pat, const char *rel,
                      apr_array_header_t *args)
{
    int fixed = strchr(pat, '*') == NULL;

    while (*pat) {
        if (*pat == '*') {
            const char *end = rel;
            while (*end && *end != '/') {
                end++;
            }
            if (end == rel) {
                return 0;
            }
            if (args) {
                APR_ARRAY_PUSH(args, const char *) =
                    apr_pstrmemdup(p, rel, (apr_size_t)(end - rel));
            }
            rel = end;
            pat++;
            continue;
        }
        if (*pat != *rel) {
            /* "login" for "login/": the last '/' may be missing, on
             * fixed paths only. */
            return *rel == '\0' && pat[0] == '/' && pat[1] == '\0' && fixed;
        }
        pat++;
        rel++;
    }
    return *rel == '\0';
}

/* The page rel names ("login/", "login", "static/x"...): its index, or -1
 * (with *is_static for our static files). */
static int page_index(const char *rel, int *is_static)
{
    apr_size_t i;

    *is_static = strncmp(rel, "static/", 7) == 0 && rel[7] != '\0';
    for (i = 0; !*is_static && i < NPAGES; i++) {
        if (path_match(NULL, pages[i].path, rel, NULL)) {
            return (int)i;
        }
    }
    return -1;
}

static page_fn page_of(const char *rel, int *is_static)
{
    int i = page_index(rel, is_static);

    return i < 0 ? NULL : pages[i].fn;
}

/* Where the handler's pages start in r->uri: the first '/' after which
 * the rest names one of them.  The pages are found from the URL itself,
 * not from the configuration section that set the handler (which httpd
 * does not tell a handler): whatever other section holds an Accounts
 * directive (<Location /> AccountsForwardHeaders On, say) changes
 * nothing.  *rel gets the page's part; the base is the rest. */
static const char *split_uri(request_rec *r, const char **rel)
{
    const char *s;
    int is_static;

    for (s = r->uri; (s = strchr(s, '/')) != NULL; s++) {
        if (page_of(s + 1, &is_static) || is_static) {
            *rel = s + 1;
            return apr_pstrmemdup(r->pool, r->uri,
                                  (apr_size_t)(s + 1 - r->uri));
        }
    }
    *rel = "";
    return NULL;
}

int acc_page_render(request_rec *r, const char *name, acc_tval_t *ctx,
                    int status)
{
    if (acc_tval_get(ctx, "csrf_token") == NULL) {
        const char *tok = acc_csrf_form_token(r);
        if (tok) {
            acc_tval_setstr(ctx, "csrf_token", tok);
        }
    }
    return acc_render(r, name, ctx, status);
}

int acc_see_other(request_rec *r, const char *url)
{
    apr_table_setn(r->headers_out, "Location",
                   acc_location_escape(r->pool, url));
    return HTTP_SEE_OTHER;
}

const char *acc_next_param(request_rec *r, const apr_array_header_t *form)
{
    const char *next = NULL;

    if (form) {
        const acc_field_t *f = acc_urlform_get(form, "next", NULL);
        if (f && f->flags == 0 && *f->value) {
            next = f->value;
        }
    }
    if (next == NULL && r->args) {
        apr_array_header_t *q =
            acc_urlform_parse(r->pool, r->args, strlen(r->args));
        const acc_field_t *f = acc_urlform_get(q, "next", NULL);
        if (f && f->flags == 0 && *f->value) {
            next = f->value;
        }
    }
    if (next == NULL || !acc_next_is_safe(next)) {
        return NULL;
    }
    /* Safe values may carry surrounding spaces (Django strips them too);
     * redirect to what the check judged. */
    while (*next == ' ') {
        next++;
    }
    {
        apr_size_t n = strlen(next);
        while (n && next[n - 1] == ' ') {
            n--;
        }
        return apr_pstrndup(r->pool, next, n);
    }
}

acc_tval_t *acc_tval_messages(apr_pool_t *p, const apr_array_header_t *msgs)
{
    acc_tval_t *l = acc_tval_list(p);
    int i;

    for (i = 0; msgs && i < msgs->nelts; i++) {
        acc_tval_push(l, acc_tval_str(p, APR_ARRAY_IDX(msgs, i, const char *)));
    }
    return l;
}

int acc_page_store(acc_page_t *pg, int *rc)
{
    acc_db_state_t dbs;

    pg->store = acc_db_store(pg->r, &dbs);
    if (pg->store == NULL) {
        *rc = acc_db_unavailable(pg->r, dbs);
        return 0;
    }
    return 1;
}

void acc_page_release(acc_page_t *pg)
{
    acc_db_release(pg->r);
    pg->store = NULL;
}

int acc_handler(request_rec *r)
{
    acc_page_t pg;
    const char *base, *rel;
    page_fn fn;
    acc_db_state_t dbs;
    int rc, is_static, idx;

    if (r->handler == NULL || strcmp(r->handler, ACC_HANDLER) != 0) {
        return DECLINED;
    }
    base = split_uri(r, &rel);
    if (base) {
        acc_render_set_base(r, base);
    }
    idx = page_index(rel, &is_static);
    fn = idx < 0 ? NULL : pages[idx].fn;
    if (is_static) {
        if (r->method_number != M_GET) {
            r->allowed = AP_METHOD_BIT << M_GET;
            return HTTP_METHOD_NOT_ALLOWED;
        }
        rc = acc_render_static(r, rel + 7);
        return rc == DECLINED ? acc_render_error(r, HTTP_NOT_FOUND,
                                                 N_("There is no such file."))
                              : rc;
    }
    if (fn == NULL ||
        (fn == acc_page_register && !acc_srv(r->server)->registration)) {
        return acc_render_error(r, HTTP_NOT_FOUND,
                                N_("The page you asked for is not here."));
    }
    if (r->method_number != M_GET && r->method_number != M_POST) {
        r->allowed = (AP_METHOD_BIT << M_GET) | (AP_METHOD_BIT << M_POST);
        apr_table_setn(r->err_headers_out, "Allow", "GET, HEAD, POST");
        return acc_render_error(r, HTTP_METHOD_NOT_ALLOWED,
                                N_("This page answers GET and POST only."));
    }

    memset(&pg, 0, sizeof(pg));
    pg.r = r;
    pg.cfg = acc_srv(r->server);
    pg.args = apr_array_make(r->pool, 2, sizeof(const char *));
    path_match(r->pool, pages[idx].path, rel, pg.args);
    acc_mail_note_host(r);
    /* The body first, with no database connection held: a client that
     * sends it slowly keeps a worker thread, never a connection. */
    if (r->method_number == M_POST) {
        const char *why = NULL;

        rc = acc_form_read(r, (apr_off_t)pg.cfg->max_body, &pg.form, &why);
        if (rc != OK) {
            /* 413, 408 (the body stalled) or 400; the rest of the body is
             * not read, so the connection closes. */
            r->connection->keepalive = AP_CONN_CLOSE;
            return acc_render_error(r, rc, why);
        }
        if (acc_csrf_verify(r, pg.form, &why) != OK) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          ACC_LOGNO(0040) "CSRF verification failed: %s", why);
            return acc_render_error(
                r, HTTP_FORBIDDEN,
                apr_pstrcat(r->pool,
                            acc_gettext(r, N_("CSRF verification failed. "
                                              "Request aborted.")),
                            " ", acc_gettext(r, why), NULL));
        }
    }
    if (acc_db_store(r, &dbs) == NULL) {
        return acc_db_unavailable(r, dbs);
    }
    if (acc_session_current(r, &(acc_session_t *){NULL}) != OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    /* The store now: the lookup may have replaced a connection that
     * failed under it. */
    if (!acc_page_store(&pg, &rc)) {
        return rc;
    }
    if ((pages[idx].flags & LOGIN_REQUIRED) && acc_session_peek(r) == NULL) {
        /* Anonymous: as the guard answers (to the login page and back
         * here afterwards; a POST's body is not kept). */
        acc_page_release(&pg);
        return acc_guard_anonymous(r);
    }
    /* AccountsMfa Required: a user without a second factor sets one up
     * before their other pages (logout and the login pages stay open). */
    if ((pages[idx].flags & (LOGIN_REQUIRED | MFA_SETUP)) == LOGIN_REQUIRED &&
        pg.cfg->mfa == ACC_MFA_REQUIRED && !acc_session_peek(r)->mfa) {
        const char *target = r->unparsed_uri ? r->unparsed_uri : r->uri;
        acc_page_release(&pg);
        return acc_see_other(
            r, apr_pstrcat(r->pool, acc_accounts_base(r),
                           "mfa/?next=", acc_url_quote(r->pool, target), NULL));
    }
    rc = fn(&pg);
    acc_page_release(&pg);
    return rc;
}
