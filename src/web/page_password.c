/*
 * src/web/page_password.c -- password/change/: Django's
 * PasswordChangeView, and its done page.
 *
 * A wrong old password counts against the user's login throttle (it is a
 * password guess like any other).  On success every other session of the
 * user ends at once -- this server's cache forgets them now, other
 * servers' caches within AccountsSessionCacheTTL -- and this one goes on
 * under a new token.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "form.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/hashgate.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "httpd/throttle.h"
#include "core/crypto.h"
#include "core/password.h"
#include "core/validate.h"
#include "csrf.h"

#include <apr_strings.h>

#include <string.h>

#define WRONG_OLD                                                              \
    N_("Your old password was entered incorrectly. Please enter it again.")

static const char *const fields[] = {"old_password", "new_password1",
                                     "new_password2", NULL};

static int show(acc_page_t *pg, acc_errors_t *e, int status)
{
    request_rec *r = pg->r;
    acc_tval_t *ctx = acc_render_context(r);
    acc_tval_t *form = acc_password_form(pg, e, fields);

    acc_tval_set(ctx, "form", form);
    return acc_page_render(r, "password_change.html", ctx, status);
}

int acc_page_password_change(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    acc_errors_t *e = acc_errors_make(r);
    acc_user_t *u = NULL;
    const char *old, *err, *newpw, *phc = NULL, *key;
    apr_array_header_t *ended = NULL;
    int rc, wait, ok;

    if (pg->form == NULL) {
        return show(pg, e, HTTP_OK);
    }
    /* The user as stored (the session's copy has no password hash). */
    rc = acc_user_by_id(pg->store, r->pool, s->user->id, &u);
    if (rc != ACC_STORE_OK) {
        acc_page_wipe_passwords(pg);
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    old = acc_form_value(pg->form, "old_password", &err);
    if (err) {
        acc_errors_add(e, "old_password", err);
    }
    else if (*old == '\0') {
        acc_errors_add(e, "old_password", N_("This field is required."));
    }
    /* Every field is checked and every error said, as Django's form
     * does; the old password is hashed only when one was given. */
    acc_new_password_check(pg, e, u, &newpw);
    if (*old == '\0' || err) {
        return show(pg, e, HTTP_OK);
    }
    key = acc_username_key(r->pool, u->username);
    {
        /* Counted as a login attempt would be (the row read again is not
         * needed: u is the one the session's id names). */
        acc_user_t *again;
        wait = acc_throttle_login_begin(r, pg->store, u->username, key, &again);
    }
    if (wait != 0) {
        if (wait < 0) {
            acc_page_wipe_passwords(pg);
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_audit(r, pg->store, "login_throttled", u->username);
        acc_retry_after(r, wait);
        acc_errors_add(e, "old_password", acc_throttle_message(r, wait));
        return show(pg, e, HTTP_TOO_MANY_REQUESTS);
    }
    /* The hashes without a database connection held. */
    acc_page_release(pg);
    if ((rc = acc_hashgate_enter(r)) != OK) {
        acc_page_wipe_passwords(pg);
        return acc_render_error(r, rc,
                                N_("Too many people are logging in right now. "
                                   "Please try again in a moment."));
    }
    ok = acc_password_verify_in(acc_hashgate_memory(r), u->password, old,
                                strlen(old), &pg->cfg->hash) == ACC_PW_MATCH;
    if (ok && newpw &&
        acc_password_hash_in(acc_hashgate_memory(r), r->pool, &pg->cfg->hash,
                             newpw, strlen(newpw), &phc, &err) != APR_SUCCESS) {
        phc = NULL;
    }
    acc_hashgate_leave(r);
    if (!acc_page_store(pg, &rc)) {
        acc_page_wipe_passwords(pg);
        return rc;
    }
    if (!ok) {
        acc_audit(r, pg->store, "password_change_failed", u->username);
        acc_errors_add(e, "old_password", WRONG_OLD);
        return show(pg, e, HTTP_OK);
    }
    acc_throttle_login_ok(r, pg->store, key, u);
    if (newpw == NULL || acc_errors_any(e)) {
        return show(pg, e, HTTP_OK);
    }
    acc_page_wipe_passwords(pg);
    if (phc == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0210) "cannot hash a password: %s",
                      err ? err : "?");
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    if (acc_user_set_password(pg->store, r->pool, u->id, phc) != ACC_STORE_OK ||
        acc_session_delete_others(pg->store, r->pool, u->id, s->token_hash,
                                  &ended) != ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_session_forget(r, ended);
    /* This browser goes on, under a new token. */
    if (acc_session_renew(r, pg->store) != OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_csrf_rotate(r);
    acc_audit(r, pg->store, "password_change", u->username);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0211) "user '%s' changed their password; %d other "
                                  "session%s ended",
                  ap_escape_logitem(r->pool, u->username), ended->nelts,
                  ended->nelts == 1 ? "" : "s");
    return acc_see_other(r, apr_pstrcat(r->pool, acc_accounts_base(r),
                                        "password/change/done/", NULL));
}

int acc_page_password_change_done(acc_page_t *pg)
{
    return acc_page_plain(pg, "password_change_done.html");
}
