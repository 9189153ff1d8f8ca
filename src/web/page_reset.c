/*
 * src/web/page_reset.c -- password recovery by mail: Django's
 * PasswordResetView, PasswordResetDoneView, PasswordResetConfirmView and
 * PasswordResetCompleteView.
 *
 * password/reset/ queues a request (pageutil.c: the same answer whoever
 * the address belongs to); the sender mails each matching user a link
 * password/reset/<uidb64>/<token>/ (token.h: Django's tokens, bound to the
 * password hash, last_login and email).  Following it moves the token out
 * of the URL into a short-lived cookie only the reset pages see, and
 * redirects to password/reset/<uidb64>/set-password/ -- Django keeps it
 * in the session for the same reason: the URL of the page with the form
 * never holds it, so it cannot leak through Referer.  Setting the new
 * password ends every session of the user.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "form.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/hashgate.h"
#include "httpd/mail.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "core/cookie.h"
#include "core/crypto.h"
#include "core/password.h"
#include "core/token.h"

#include <apr_strings.h>

#include <string.h>

#define RESET_COOKIE "accounts_reset"
/* The form may stay open this long between the link and the submit (the
 * token's own timeout applies too). */
#define RESET_COOKIE_AGE 3600

int acc_page_password_reset(acc_page_t *pg)
{
    return acc_page_mail_request(pg, ACC_MAIL_RESET, "password_reset.html",
                                 "password/reset/done/",
                                 "password_reset_request");
}

int acc_page_password_reset_done(acc_page_t *pg)
{
    return acc_page_plain(pg, "password_reset_done.html");
}

int acc_page_password_reset_complete(acc_page_t *pg)
{
    return acc_page_plain(pg, "password_reset_complete.html");
}

/* The token secrets: for a reset link the Django site's SECRET_KEY when
 * there is one (ours are made with it, and Django's are), then the key,
 * then AccountsSecretKeyFallbacks. */
static acc_token_secret_t *secrets(acc_page_t *pg, const char *salt, int *n)
{
    acc_srv_cfg_t *c = pg->cfg;
    int nf = c->fallback_keys ? c->fallback_keys->nelts : 0, i, j = 0;
    acc_token_secret_t *s = apr_pcalloc(pg->r->pool, sizeof(*s) * (nf + 2));

    if (c->django_key && strcmp(salt, ACC_TOKEN_SALT_RESET) == 0) {
        s[j].key = c->django_key;
        s[j++].len = c->django_key_len;
    }
    s[j].key = c->secret_key;
    s[j++].len = c->secret_key_len;
    for (i = 0; i < nf; i++) {
        acc_key_t *k = &APR_ARRAY_IDX(c->fallback_keys, i, acc_key_t);
        s[j].key = k->bytes;
        s[j++].len = k->len;
    }
    *n = j;
    return s;
}

int acc_page_token_check(acc_page_t *pg, const char *salt, const char *uidb64,
                         const char *token, apr_int64_t timeout,
                         acc_user_t **out)
{
    request_rec *r = pg->r;
    acc_token_subject_t subj;
    acc_user_t *u = NULL;
    apr_int64_t id;
    int n;
    acc_token_secret_t *keys;

    *out = NULL;
    if (!acc_uidb64_decode(uidb64, &id) || token == NULL) {
        return OK;
    }
    switch (acc_user_by_id(pg->store, r->pool, id, &u)) {
        case ACC_STORE_OK:
            break;
        case ACC_STORE_NOTFOUND:
            return OK;
        default:
            return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    memset(&subj, 0, sizeof(subj));
    subj.id = u->id;
    if (strcmp(salt, ACC_TOKEN_SALT_RESET) == 0) {
        subj.password = u->password;
        subj.last_login = u->last_login;
        subj.email = u->email;
    }
    else {
        /* A verification link: for the address waiting, else the email,
         * and the state it was made in. */
        subj.email = *u->pending_email ? u->pending_email : u->email;
        subj.extra = acc_verify_extra(r->pool, u);
    }
    keys = secrets(pg, salt, &n);
    if (acc_token_check(r->pool, salt, keys, n, &subj, token,
                        acc_token_now(apr_time_now()), timeout)) {
        *out = u;
    }
    return OK;
}

static const char *reset_path(request_rec *r)
{
    return apr_pstrcat(r->pool, acc_accounts_base(r), "password/reset/", NULL);
}

/* Set (max_age > 0) or delete the reset cookie, seen by the reset pages
 * only. */
static void reset_cookie(request_rec *r, const char *value, int max_age)
{
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_psprintf(r->pool,
                                "%s=%s; Max-Age=%d; Path=%s; HttpOnly; "
                                "SameSite=Lax%s",
                                RESET_COOKIE, max_age > 0 ? value : "",
                                max_age > 0 ? max_age : 0, reset_path(r),
                                acc_cookie_secure(r) ? "; Secure" : ""));
}

static int invalid(acc_page_t *pg)
{
    acc_tval_t *ctx = acc_render_context(pg->r);

    acc_tval_setbool(ctx, "validlink", 0);
    return acc_page_render(pg->r, "password_reset_confirm.html", ctx, HTTP_OK);
}

int acc_page_password_reset_link(acc_page_t *pg)
{
    request_rec *r = pg->r;
    const char *uid = APR_ARRAY_IDX(pg->args, 0, const char *);
    const char *token = APR_ARRAY_IDX(pg->args, 1, const char *);
    acc_user_t *u;
    int rc;

    rc = acc_page_token_check(pg, ACC_TOKEN_SALT_RESET, uid, token,
                              pg->cfg->reset_timeout, &u);
    if (rc != OK) {
        return rc;
    }
    if (u == NULL) {
        return invalid(pg);
    }
    reset_cookie(r, token, RESET_COOKIE_AGE);
    apr_table_setn(
        r->headers_out, "Location",
        apr_pstrcat(r->pool, reset_path(r), uid, "/set-password/", NULL));
    return HTTP_MOVED_TEMPORARILY;
}

static const char *const set_fields[] = {"new_password1", "new_password2",
                                         NULL};

static int show_set(acc_page_t *pg, acc_errors_t *e)
{
    request_rec *r = pg->r;
    acc_tval_t *ctx = acc_render_context(r);
    acc_tval_t *form = acc_password_form(pg, e, set_fields);

    acc_tval_set(ctx, "form", form);
    acc_tval_setbool(ctx, "validlink", 1);
    return acc_page_render(r, "password_reset_confirm.html", ctx, HTTP_OK);
}

int acc_page_password_reset_set(acc_page_t *pg)
{
    request_rec *r = pg->r;
    const char *uid = APR_ARRAY_IDX(pg->args, 0, const char *);
    const char *header = apr_table_get(r->headers_in, "Cookie");
    const char *token = NULL, *pw, *phc = NULL, *err = NULL;
    apr_array_header_t *all, *ended = NULL;
    acc_errors_t *e = acc_errors_make(r);
    acc_user_t *u = NULL;
    int rc, i;

    if (header) {
        all = acc_cookie_get_all(r->pool, header, RESET_COOKIE);
        for (i = 0; i < all->nelts && token == NULL; i++) {
            token = APR_ARRAY_IDX(all, i, const char *);
        }
    }
    rc = acc_page_token_check(pg, ACC_TOKEN_SALT_RESET, uid, token,
                              pg->cfg->reset_timeout, &u);
    if (rc != OK) {
        acc_page_wipe_passwords(pg);
        return rc;
    }
    if (u == NULL) {
        acc_page_wipe_passwords(pg);
        return invalid(pg);
    }
    if (pg->form == NULL) {
        return show_set(pg, e);
    }
    acc_new_password_check(pg, e, u, &pw);
    if (pw == NULL) {
        return show_set(pg, e);
    }
    acc_page_release(pg);
    if ((rc = acc_hashgate_enter(r)) != OK) {
        acc_page_wipe_passwords(pg);
        return acc_render_error(r, rc,
                                N_("Too many people are logging in right now. "
                                   "Please try again in a moment."));
    }
    if (acc_password_hash_in(acc_hashgate_memory(r), r->pool, &pg->cfg->hash,
                             pw, strlen(pw), &phc, &err) != APR_SUCCESS) {
        phc = NULL;
    }
    acc_hashgate_leave(r);
    acc_page_wipe_passwords(pg);
    if (!acc_page_store(pg, &rc)) {
        return rc;
    }
    if (phc == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0212) "cannot hash a password: %s",
                      err ? err : "?");
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    /* The new hash kills the token (and every other link mailed). */
    if (acc_user_set_password(pg->store, r->pool, u->id, phc) != ACC_STORE_OK ||
        acc_session_delete_user(pg->store, r->pool, u->id, &ended) !=
            ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_session_forget(r, ended);
    reset_cookie(r, NULL, 0);
    acc_audit(r, pg->store, "password_reset", u->username);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0213) "user '%s' set a new password by a reset "
                                  "link; %d session%s ended",
                  ap_escape_logitem(r->pool, u->username), ended->nelts,
                  ended->nelts == 1 ? "" : "s");
    return acc_see_other(
        r, apr_pstrcat(r->pool, reset_path(r), "complete/", NULL));
}
