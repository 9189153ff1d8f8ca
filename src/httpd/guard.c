/*
 * src/httpd/guard.c -- the access hook: AccountsLoginRequired.
 */
#include "guard.h"
#include "config.h"
#include "lang.h"
#include "db.h"
#include "core/redirect.h"
#include "render.h"
#include "session.h"

#include <apr_strings.h>
#include <apr_lib.h>

#include <stdlib.h>
#include <string.h>

/* Highest q given to a media type matching want (a full type, or a
 * "+json" suffix when suffix is set); -1 when none matches. */
static double accept_q(request_rec *r, const char *accept, const char *want,
                       const char *suffix)
{
    char *copy = apr_pstrdup(r->pool, accept), *last = NULL, *item;
    double best = -1;

    for (item = apr_strtok(copy, ",", &last); item;
         item = apr_strtok(NULL, ",", &last)) {
        char *semi = strchr(item, ';'), *type = item, *end;
        double q = 1.0;

        if (semi) {
            char *qs = strstr(semi, "q=");
            *semi = '\0';
            if (qs) {
                q = strtod(qs + 2, NULL);
            }
        }
        while (apr_isspace(*type)) {
            type++;
        }
        end = type + strlen(type);
        while (end > type && apr_isspace(end[-1])) {
            *--end = '\0';
        }
        if (strcasecmp(type, want) == 0 ||
            (suffix && (apr_size_t)(end - type) > strlen(suffix) &&
             strcasecmp(end - strlen(suffix), suffix) == 0)) {
            if (q > best) {
                best = q;
            }
        }
    }
    return best;
}

int acc_wants_json(request_rec *r)
{
    const char *xrw = apr_table_get(r->headers_in, "X-Requested-With");
    const char *mode = apr_table_get(r->headers_in, "Sec-Fetch-Mode");
    const char *accept = apr_table_get(r->headers_in, "Accept");

    if (xrw && strcasecmp(xrw, "XMLHttpRequest") == 0) {
        return 1;
    }
    if (mode && strcasecmp(mode, "cors") == 0) {
        return 1;
    }
    if (accept) {
        double json = accept_q(r, accept, "application/json", "+json");
        double html = accept_q(r, accept, "text/html", NULL);
        double xhtml = accept_q(r, accept, "application/xhtml+xml", NULL);
        if (xhtml > html) {
            html = xhtml;
        }
        return json > 0 && json > html;
    }
    return 0;
}

/* Write a whole response from the access phase and stop the request. */
static int answer(request_rec *r, int status, const char *type,
                  const char *body)
{
    if (r->main) {
        return status; /* a subrequest only learns the verdict */
    }
    ap_discard_request_body(r);
    r->status = status;
    ap_set_content_type(r, type);
    ap_set_content_length(r, (apr_off_t)strlen(body));
    if (!r->header_only) {
        ap_rputs(body, r);
    }
    return DONE;
}

static const char *json_escape(apr_pool_t *p, const char *s)
{
    apr_size_t n = strlen(s), i;
    char *out = apr_palloc(p, n * 6 + 1), *o = out;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        }
        else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
            o += apr_snprintf(o, 7, "\\u%04x", c);
        }
        else {
            *o++ = (char)c;
        }
    }
    *o = '\0';
    return out;
}

int acc_guard_anonymous(request_rec *r)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    const char *target, *login;

    apr_table_mergen(r->err_headers_out, "Vary", "Cookie");
    apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
    /* Django's next: the full path with its query, kept as sent. */
    target = r->unparsed_uri ? r->unparsed_uri : r->uri;
    login = apr_pstrcat(r->pool, cfg->login_url,
                        strchr(cfg->login_url, '?') ? "&" : "?",
                        "next=", acc_url_quote(r->pool, target), NULL);
    if (acc_wants_json(r)) {
        apr_table_setn(r->err_headers_out, "X-Login-URL", login);
        return answer(r, HTTP_UNAUTHORIZED, "application/json",
                      apr_psprintf(r->pool,
                                   "{\"error\": \"login required\", "
                                   "\"login_url\": \"%s\"}\n",
                                   json_escape(r->pool, login)));
    }
    apr_table_setn(r->headers_out, "Location", login);
    return HTTP_MOVED_TEMPORARILY;
}

/* The identity headers a client may never send (compared with '_' read
 * as '-', any case). */
static const char *const identity_headers[] = {
    "x-remote-user", "x-remote-email", "x-remote-groups"};

static int is_identity_header(const char *name)
{
    apr_size_t i, j;

    for (i = 0; i < sizeof(identity_headers) / sizeof(identity_headers[0]);
         i++) {
        const char *want = identity_headers[i];
        for (j = 0; want[j]; j++) {
            char c = apr_tolower(name[j]);
            if (c == '_') {
                c = '-';
            }
            if (c != want[j]) {
                break;
            }
        }
        if (want[j] == '\0' && name[j] == '\0') {
            return 1;
        }
    }
    return 0;
}

static int strip_one(void *rec, const char *key, const char *value)
{
    apr_array_header_t *drop = rec;

    if (is_identity_header(key)) {
        APR_ARRAY_PUSH(drop, const char *) = key;
    }
    return 1;
}

int acc_strip_identity_headers(request_rec *r)
{
    apr_array_header_t *drop = apr_array_make(r->pool, 2, sizeof(const char *));
    int i;

    apr_table_do(strip_one, drop, r->headers_in, NULL);
    for (i = 0; i < drop->nelts; i++) {
        ap_log_rerror(
            APLOG_MARK, APLOG_INFO, 0, r,
            ACC_LOGNO(0080) "dropped a client-sent %s header",
            ap_escape_logitem(r->pool, APR_ARRAY_IDX(drop, i, const char *)));
        apr_table_unset(r->headers_in, APR_ARRAY_IDX(drop, i, const char *));
    }
    return DECLINED;
}

/* The response depends on the cookie: no shared cache may keep one
 * user's page for another -- neither this response nor, when this is a
 * subrequest, the request it serves (lookups made before that one's
 * headers go out).  An SSI include runs after its page's headers are
 * sent, so a page that includes a guarded fragment must be marked private
 * by its own configuration (README). */
static void mark_private(request_rec *r)
{
    request_rec *top;

    for (top = r; top; top = top->main) {
        if (!apr_table_get(top->notes, "mod_accounts:private")) {
            apr_table_setn(top->notes, "mod_accounts:private", "1");
            apr_table_mergen(top->err_headers_out, "Cache-Control", "private");
            apr_table_mergen(top->err_headers_out, "Vary", "Cookie");
        }
    }
}

/* Whether this location leaves authentication to mod_accounts: no
 * AuthType, or AuthType Accounts.  Under another (Basic, say) the user is
 * whoever that module authenticates, and the session must not stand in
 * for them. */
static int ours_to_identify(request_rec *r)
{
    const char *type = ap_auth_type(r);

    return type == NULL || strcasecmp(type, ACC_AUTH_TYPE) == 0;
}

/* Who the session is, for httpd, the log and what is behind. */
static void identify(request_rec *r, acc_session_t *s)
{
    acc_dir_cfg_t *d = acc_dir(r);

    mark_private(r);
    if (!ours_to_identify(r)) {
        /* Logged in, as AccountsLoginRequired asks; who the request is
         * for is the other AuthType's to say.  (Setting r->user here
         * would let mod_authz_core grant 'Require valid-user' or
         * 'Require user NAME' before that module asked for anything.) */
        return;
    }
    r->user = apr_pstrdup(r->pool, s->user->username);
    r->ap_auth_type = ACC_AUTH_TYPE;
    if (d && d->forward_headers == 1) {
        const char *groups = "";
        int i;
        for (i = 0; i < s->groups->nelts; i++) {
            groups =
                apr_pstrcat(r->pool, groups, i ? "," : "",
                            APR_ARRAY_IDX(s->groups, i, const char *), NULL);
        }
        apr_table_setn(r->headers_in, "X-Remote-User", r->user);
        apr_table_setn(r->headers_in, "X-Remote-Email", s->user->email);
        apr_table_setn(r->headers_in, "X-Remote-Groups", groups);
        apr_table_setn(r->subprocess_env, "REMOTE_EMAIL", s->user->email);
        apr_table_setn(r->subprocess_env, "REMOTE_GROUPS", groups);
    }
}

/* 503 from the access or authn phase. */
static int unavailable(request_rec *r)
{
    /* The answer depends on the cookie, and is only for now. */
    apr_table_mergen(r->err_headers_out, "Vary", "Cookie");
    if (acc_wants_json(r)) {
        apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
        return answer(r, HTTP_SERVICE_UNAVAILABLE, "application/json",
                      "{\"error\": \"service unavailable\"}\n");
    }
    if (r->main) {
        return HTTP_SERVICE_UNAVAILABLE; /* a subrequest only learns it */
    }
    ap_discard_request_body(r);
    /* The same 503 page, from the templates, as the accounts pages. */
    acc_db_unavailable(r, ACC_DB_DOWN);
    return DONE;
}

/* Where a session goes to pass its second factor (or to set one up, with
 * what = "mfa/"), and back to this request's URL afterwards. */
static const char *mfa_url(request_rec *r, const char *what)
{
    const char *target = r->unparsed_uri ? r->unparsed_uri : r->uri;

    return apr_pstrcat(r->pool, acc_accounts_base_configured(r), what,
                       "?next=", acc_url_quote(r->pool, target), NULL);
}

/* The guard itself: `ok` when the request has a live session (after
 * identifying it), else the anonymous or unavailable answer. */
static int guard(request_rec *r, int ok)
{
    acc_session_t *s = NULL;

    if (acc_session_guard(r, &s) != OK) {
        return unavailable(r);
    }
    if (s == NULL) {
        return acc_guard_anonymous(r);
    }
    /* AccountsMfa Required: a user of ours without a second factor sets
     * one up before anything else opens. */
    if (!s->django && !s->mfa && acc_srv(r->server)->mfa == ACC_MFA_REQUIRED) {
        apr_table_mergen(r->err_headers_out, "Vary", "Cookie");
        apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
        apr_table_setn(r->headers_out, "Location", mfa_url(r, "mfa/"));
        return HTTP_MOVED_TEMPORARILY;
    }
    identify(r, s);
    return ok;
}

int acc_guard_authn(request_rec *r)
{
    const char *type = ap_auth_type(r);

    if (type == NULL || strcasecmp(type, ACC_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    return guard(r, OK);
}

int acc_guard_access(request_rec *r)
{
    acc_dir_cfg_t *d = acc_dir(r);

    if (d == NULL || d->login_required != 1) {
        return DECLINED;
    }
    /* DECLINED: the other access checkers (Require ip, ...) still run. */
    return guard(r, DECLINED);
}

/* The note that mod_authz_core's final answer refused our logged-in
 * user. */
#define REFUSED        "mod_accounts:refused"
#define STEPUP         "mod_accounts:stepup"
#define REFUSED_FILTER "ACCOUNTS_REFUSED"

int acc_guard_note_failure(request_rec *r, const char *type)
{
    acc_session_t *s;

    if (strcasecmp(type, ACC_AUTH_TYPE) != 0) {
        return DECLINED;
    }
    /* mod_authz_core calls this once, when its final decision refuses a
     * user it knows: for our logged-in users that is the moment to say
     * 403, where httpd would say 401 and invite a new login (a loop back
     * to the login page).  No WWW-Authenticate challenge is added: a
     * login form is not one. */
    s = acc_session_guard_peek(r);
    if (r->user && s && strcmp(s->user->username, r->user) == 0) {
        apr_table_setn(r->notes, REFUSED, "1");
    }
    return OK;
}

void acc_guard_note_stepup(request_rec *r)
{
    request_rec *top;

    for (top = r; top; top = top->main) {
        apr_table_setn(top->notes, STEPUP, "1");
    }
}

void acc_guard_error(request_rec *r)
{
    if (r->status == HTTP_UNAUTHORIZED && apr_table_get(r->notes, REFUSED)) {
        ap_add_output_filter(REFUSED_FILTER, NULL, r, r->connection);
    }
}

/* The error response httpd makes for that refusal, replaced by our 403
 * page: status, headers and body, before any of it is sent. */
static apr_status_t refused_filter(ap_filter_t *f, apr_bucket_brigade *bb)
{
    request_rec *r = f->r;
    apr_bucket *b;
    const char *page;
    apr_size_t len = 0;
    int eos = 0;

    for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
         b = APR_BUCKET_NEXT(b)) {
        if (APR_BUCKET_IS_EOS(b)) {
            eos = 1;
            break;
        }
    }
    apr_brigade_cleanup(bb); /* httpd's own text goes */
    if (!eos) {
        return APR_SUCCESS;
    }
    ap_remove_output_filter(f);
    apr_table_unset(r->err_headers_out, "WWW-Authenticate");
    apr_table_unset(r->headers_out, "WWW-Authenticate");
    if (apr_table_get(r->notes, STEPUP) && !acc_wants_json(r)) {
        /* Refused for want of a recent second factor: to pass it, and
         * back here. */
        r->status = HTTP_MOVED_TEMPORARILY;
        r->status_line = ap_get_status_line(HTTP_MOVED_TEMPORARILY);
        apr_table_setn(r->err_headers_out, "Location",
                       mfa_url(r, "login/mfa/"));
        apr_table_setn(r->err_headers_out, "Cache-Control", "no-store");
        ap_set_content_length(r, 0);
        APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
        return ap_pass_brigade(f->next, bb);
    }
    page = acc_render_error_text(
        r, HTTP_FORBIDDEN, N_("Your account is not allowed to see this page."),
        &len);
    r->status = HTTP_FORBIDDEN;
    r->status_line = ap_get_status_line(HTTP_FORBIDDEN);
    acc_page_headers(r);
    if (page) {
        ap_set_content_type(r, "text/html; charset=utf-8");
        ap_set_content_length(r, (apr_off_t)len);
        if (!r->header_only) {
            APR_BRIGADE_INSERT_TAIL(
                bb,
                apr_bucket_pool_create(page, len, r->pool, bb->bucket_alloc));
        }
    }
    APR_BRIGADE_INSERT_TAIL(bb, apr_bucket_eos_create(bb->bucket_alloc));
    return ap_pass_brigade(f->next, bb);
}

void acc_guard_register_filters(void)
{
    ap_register_output_filter(REFUSED_FILTER, refused_filter, NULL,
                              AP_FTYPE_RESOURCE);
}

int acc_well_known(request_rec *r)
{
    if (r->uri == NULL || strcmp(r->uri, "/.well-known/change-password") != 0 ||
        r->method_number != M_GET || !acc_srv(r->server)->well_known) {
        return DECLINED;
    }
    /* RFC 8615's well-known URL for changing passwords (password managers
     * use it): to our page. */
    apr_table_setn(
        r->headers_out, "Location",
        apr_pstrcat(r->pool, acc_accounts_base(r), "password/change/", NULL));
    return HTTP_MOVED_TEMPORARILY;
}
