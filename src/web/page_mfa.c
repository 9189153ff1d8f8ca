/*
 * src/web/page_mfa.c -- a second factor (TOTP, core/totp.h): mfa/ (set
 * one up, see it on), mfa/qr.svg (the setup's QR code), mfa/recovery/
 * (a new set of recovery codes), mfa/disable/ (turn it off), and
 * login/mfa/ (the second step of a login, or a step-up for Require
 * account-mfa).
 *
 * A setup stores its secret unconfirmed and shows the same one until a
 * current code confirms it: a secret nobody proved their app holds is
 * never asked for.  A code is taken once (the last step used is stored,
 * and a newer one must come).  Wrong codes at login count against the
 * login throttle as wrong passwords do; so does the password asked to
 * turn the factor off.
 *
 * One piece: its five pages share the factor lookup and the code check,
 * and the count of wrong codes.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "form.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/hashgate.h"
#include "httpd/mfa.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "httpd/throttle.h"
#include "core/crypto.h"
#include "core/password.h"
#include "core/qrsvg.h"
#include "core/redirect.h"
#include "core/totp.h"
#include "core/validate.h"
#include "csrf.h"

#include <apr_crypto.h>
#include <apr_strings.h>

#include <string.h>

#define BAD_CODE                                                               \
    N_("The code is not valid. Enter the current code from your "              \
       "authenticator app.")
#define BAD_LOGIN_CODE                                                         \
    N_("The code is not valid. Enter the current code from your "              \
       "authenticator app, or a recovery code.")
#define WRONG_PASSWORD                                                         \
    N_("Your password was entered incorrectly. Please enter it again.")
#define REQUIRED N_("This field is required.")

static int not_here(acc_page_t *pg)
{
    return acc_render_error(pg->r, HTTP_NOT_FOUND,
                            N_("The page you asked for is not here."));
}

static const char *url_of(acc_page_t *pg, const char *rel)
{
    return apr_pstrcat(pg->r->pool, acc_accounts_base(pg->r), rel, NULL);
}

/* "?next=..." for a safe next, or "". */
static const char *next_query(acc_page_t *pg)
{
    const char *next = acc_next_param(pg->r, pg->form);

    return next ? apr_pstrcat(pg->r->pool,
                              "?next=", acc_url_quote(pg->r->pool, next), NULL)
                : "";
}

/* The form value for a page with these fields and one error each at
 * most (NULL: none). */
static acc_tval_t *form_of(acc_page_t *pg, const char *const *fields,
                           const char *const *errs)
{
    acc_errors_t *e = acc_errors_make(pg->r);
    int i;

    for (i = 0; fields[i]; i++) {
        if (errs[i]) {
            acc_errors_add(e, fields[i], errs[i]);
        }
    }
    return acc_errors_form(pg->r->pool, e, fields, NULL);
}

/* The common context of the mfa pages: the user, the next URL. */
static acc_tval_t *context(acc_page_t *pg)
{
    acc_tval_t *ctx = acc_render_context(pg->r);
    const char *next = acc_next_param(pg->r, pg->form);

    if (next) {
        acc_tval_setstr(ctx, "next", next);
    }
    acc_tval_setstr(ctx, "mfa_url", url_of(pg, "mfa/"));
    return ctx;
}

/* A new set of recovery codes: shown (a list value), their hashes into
 * *hashes.  NULL when the OS has no randomness. */
static acc_tval_t *new_codes(acc_page_t *pg, apr_array_header_t **hashes)
{
    acc_tval_t *shown = acc_tval_list(pg->r->pool);
    int i;

    *hashes =
        apr_array_make(pg->r->pool, ACC_RECOVERY_CODES, sizeof(const char *));
    for (i = 0; i < ACC_RECOVERY_CODES; i++) {
        const char *c = acc_recovery_code_new(pg->r->pool);
        const char *h = c ? acc_mfa_code_hash(pg->r, c, 0) : NULL;
        if (h == NULL) {
            return NULL;
        }
        acc_tval_push(shown, acc_tval_str(pg->r->pool, c));
        APR_ARRAY_PUSH(*hashes, const char *) = h;
    }
    return shown;
}

/* The page that shows a set of codes, once. */
static int show_codes(acc_page_t *pg, acc_tval_t *codes, int first)
{
    acc_tval_t *ctx = context(pg);

    acc_tval_setstr(ctx, "state", "codes");
    acc_tval_set(ctx, "codes", codes);
    acc_tval_setbool(ctx, "first", first);
    apr_table_setn(pg->r->err_headers_out, "Cache-Control", "no-store");
    return acc_page_render(pg->r, "mfa.html", ctx, HTTP_OK);
}

/* The setup page: the secret, its QR code, the confirmation form. */
static int show_setup(acc_page_t *pg, const unsigned char *key, const char *err)
{
    static const char *const fields[] = {"code", NULL};
    const char *errs[1] = {err};
    acc_tval_t *ctx = context(pg);

    acc_tval_setstr(ctx, "state", "setup");
    acc_tval_setstr(ctx, "secret",
                    acc_totp_base32(pg->r->pool, key, ACC_TOTP_SECRET_LEN));
    acc_tval_setstr(ctx, "qr_url",
                    apr_pstrcat(pg->r->pool, url_of(pg, "mfa/qr.svg"), NULL));
    acc_tval_set(ctx, "form", form_of(pg, fields, errs));
    apr_table_setn(pg->r->err_headers_out, "Cache-Control", "no-store");
    return acc_page_render(pg->r, "mfa.html", ctx, HTTP_OK);
}

/* The page of a user whose factor is on: what they can do. */
static int show_on(acc_page_t *pg, const acc_mfa_t *m, const char *perr,
                   const char *cerr, int status)
{
    static const char *const fields[] = {"password", "code", NULL};
    const char *errs[2] = {perr, cerr};
    acc_tval_t *ctx = context(pg);

    acc_tval_setstr(ctx, "state", "on");
    acc_tval_setstr(ctx, "codes_left", apr_itoa(pg->r->pool, m->codes_left));
    acc_tval_set(ctx, "form", form_of(pg, fields, errs));
    return acc_page_render(pg->r, "mfa.html", ctx, status);
}

/* The user's factor (*m; *found 0 when none).  With session (a token
 * hash): a setup of that session's is begun when none waits for it (a
 * confirmed factor stays as it is; another session's setup is replaced,
 * so that only the session that began one ever sees its secret).  OK, or
 * the 503 page's status. */
static int factor_of(acc_page_t *pg, apr_int64_t uid, const char *session,
                     acc_mfa_t *m, int *found)
{
    unsigned char key[ACC_TOTP_SECRET_LEN];
    const char *sealed;

    *found = 0;
    switch (acc_mfa_get(pg->store, pg->r->pool, uid, m)) {
        case ACC_STORE_OK:
            *found = 1;
            if (session == NULL || m->confirmed ||
                (m->setup_fresh && !strcmp(m->setup_session, session))) {
                return OK;
            }
            break;
        case ACC_STORE_NOTFOUND:
            if (session == NULL) {
                return OK;
            }
            break;
        default:
            return acc_db_unavailable(pg->r, ACC_DB_DOWN);
    }
    if (acc_totp_new_secret(key) != APR_SUCCESS ||
        (sealed = acc_mfa_seal_secret(pg->r, uid, key, sizeof(key))) == NULL) {
        return acc_db_unavailable(pg->r, ACC_DB_DOWN);
    }
    apr_crypto_memzero(key, sizeof(key));
    /* Two visits at once: one row wins, both read it. */
    if (acc_mfa_create(pg->store, pg->r->pool, uid, sealed, session) !=
            ACC_STORE_OK ||
        acc_mfa_get(pg->store, pg->r->pool, uid, m) != ACC_STORE_OK) {
        return acc_db_unavailable(pg->r, ACC_DB_DOWN);
    }
    *found = 1;
    return OK;
}

/* Whether the session passed its second factor within the last ten
 * minutes: what making new recovery codes asks. */
#define MFA_RECENT apr_time_from_sec(600)

/* The per-user count of wrong codes (besides the login throttle, which a
 * device token or a login elsewhere resets): at most 20 an hour.  0, the
 * seconds to wait, or -1 when the database failed. */
#define MFA_GUESS_WINDOW 3600
#define MFA_GUESS_LIMIT  20
static int guess_claim(acc_page_t *pg, apr_int64_t uid)
{
    int wait = 0;

    if (acc_throttle_try_window(pg->store, pg->r->pool, "mfa",
                                apr_off_t_toa(pg->r->pool, (apr_off_t)uid),
                                MFA_GUESS_WINDOW, MFA_GUESS_LIMIT,
                                &wait) != ACC_STORE_OK) {
        return -1;
    }
    return wait;
}

static void guess_forget(acc_page_t *pg, apr_int64_t uid)
{
    acc_throttle_reset(pg->store, pg->r->pool, "mfa",
                       apr_off_t_toa(pg->r->pool, (apr_off_t)uid));
}

/* The session has passed the second factor now: it goes on under a new
 * token (what a copy of the old one could do, it cannot), marked so.
 * OK or the 503 page's status. */
static int passed(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s;

    if (acc_session_renew(r, pg->store) != OK ||
        (s = acc_session_peek(r)) == NULL ||
        acc_session_mfa_passed(pg->store, r->pool, s->token_hash) !=
            ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    s->mfa = 1;
    s->mfa_at = apr_time_now();
    acc_csrf_rotate(r);
    return OK;
}

/* The form's code field ("" when missing or malformed). */
static const char *code_field(acc_page_t *pg)
{
    const char *err = NULL, *v;

    v = pg->form ? acc_form_value(pg->form, "code", &err) : "";
    return err ? "" : v;
}

/* Whether code is one of the user's: a current TOTP code not used before
 * (taken now), or, when codes is set, one of their recovery codes (gone
 * now).  1, 0, or -1 when the database failed. */
static int code_ok(acc_page_t *pg, apr_int64_t uid, const acc_mfa_t *m,
                   const char *code, int codes)
{
    unsigned char key[ACC_TOTP_SECRET_LEN];
    apr_int64_t step;
    const char *h;
    int i;

    if (acc_mfa_open_secret(pg->r, uid, m->secret, key) != 0) {
        step = -1;
    }
    else {
        step = acc_totp_check(key, sizeof(key), code,
                              (apr_int64_t)apr_time_sec(apr_time_now()),
                              m->last_step);
        apr_crypto_memzero(key, sizeof(key));
    }
    if (step >= 0) {
        switch (acc_mfa_use_step(pg->store, pg->r->pool, uid, step)) {
            case ACC_STORE_OK:
                return 1;
            case ACC_STORE_NOTFOUND:
                return 0; /* taken by another request meanwhile */
            default:
                return -1;
        }
    }
    /* Under the key, then each fallback: codes outlive a key rotation. */
    for (i = 0; codes && (h = acc_mfa_code_hash(pg->r, code, i)) != NULL; i++) {
        switch (acc_mfa_use_code(pg->store, pg->r->pool, uid, h)) {
            case ACC_STORE_OK:
                ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, pg->r,
                              ACC_LOGNO(0241) "user %" APR_INT64_T_FMT
                                              " used a recovery code; %d "
                                              "left",
                              uid, m->codes_left - 1);
                return 1;
            case ACC_STORE_NOTFOUND:
                break;
            default:
                return -1;
        }
    }
    return 0;
}

/* ---- mfa/ --------------------------------------------------------------- */

int acc_page_mfa(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    unsigned char key[ACC_TOTP_SECRET_LEN];
    apr_array_header_t *hashes;
    acc_tval_t *codes;
    acc_mfa_t m;
    apr_int64_t step;
    int rc, found;

    if (pg->cfg->mfa == ACC_MFA_OFF) {
        return not_here(pg);
    }
    /* A visit begins (or goes on with) this session's setup; a form sent
     * confirms only a setup of this session's, never begins one. */
    if ((rc = factor_of(pg, s->user->id, pg->form ? NULL : s->token_hash, &m,
                        &found)) != OK) {
        return rc;
    }
    if (found && m.confirmed) {
        return show_on(pg, &m, NULL, NULL, HTTP_OK);
    }
    if (!found || !m.setup_fresh || strcmp(m.setup_session, s->token_hash)) {
        /* This session's setup was replaced by another's, or is too old:
         * a new one, on the page. */
        return acc_see_other(r, url_of(pg, "mfa/"));
    }
    if (acc_mfa_open_secret(r, s->user->id, m.secret, key) != 0) {
        return acc_render_error(r, HTTP_INTERNAL_SERVER_ERROR,
                                N_("Your second factor cannot be read. Ask the "
                                   "site's administrator to reset it."));
    }
    if (pg->form == NULL) {
        rc = show_setup(pg, key, NULL);
        apr_crypto_memzero(key, sizeof(key));
        return rc;
    }
    step = acc_totp_check(key, sizeof(key), code_field(pg),
                          (apr_int64_t)apr_time_sec(apr_time_now()), 0);
    if (step < 0) {
        acc_audit(r, pg->store, "mfa_setup_failed", s->user->username);
        rc = show_setup(pg, key, BAD_CODE);
        apr_crypto_memzero(key, sizeof(key));
        return rc;
    }
    apr_crypto_memzero(key, sizeof(key));
    if ((codes = new_codes(pg, &hashes)) == NULL) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    switch (acc_mfa_confirm(pg->store, r->pool, s->user->id, s->token_hash,
                            step, hashes)) {
        case ACC_STORE_OK:
            break;
        case ACC_STORE_NOTFOUND:
            /* Confirmed by another request meanwhile, or the setup was
             * replaced or is too old: the page says where things are. */
            return acc_see_other(r, url_of(pg, "mfa/"));
        default:
            return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    /* Proving the app makes the codes is passing the factor: this
     * session counts for Require account-mfa from now. */
    if ((rc = passed(pg)) != OK) {
        return rc;
    }
    acc_audit(r, pg->store, "mfa_enabled", s->user->username);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0242) "user '%s' set up a second factor",
                  ap_escape_logitem(r->pool, s->user->username));
    return show_codes(pg, codes, 1);
}

/* ---- mfa/qr.svg ------------------------------------------------------- */

int acc_page_mfa_qr(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    unsigned char key[ACC_TOTP_SECRET_LEN];
    const char *svg, *uri;
    acc_mfa_t m;
    int rc, found;

    if (pg->cfg->mfa == ACC_MFA_OFF || r->method_number != M_GET) {
        return not_here(pg);
    }
    if ((rc = factor_of(pg, s->user->id, NULL, &m, &found)) != OK) {
        return rc;
    }
    /* Only while this session's setup waits: a confirmed secret is never
     * shown again, nor one another session is setting up. */
    if (!found || m.confirmed || !m.setup_fresh ||
        strcmp(m.setup_session, s->token_hash) ||
        acc_mfa_open_secret(r, s->user->id, m.secret, key) != 0) {
        return not_here(pg);
    }
    uri = acc_totp_uri(r->pool, pg->cfg->site_name, s->user->username,
                       acc_totp_base32(r->pool, key, sizeof(key)));
    apr_crypto_memzero(key, sizeof(key));
    if ((svg = acc_qr_svg(r->pool, uri)) == NULL) {
        return acc_render_error(r, HTTP_INTERNAL_SERVER_ERROR,
                                N_("The QR code could not be made."));
    }
    acc_page_headers(r);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_mergen(r->headers_out, "Vary", "Cookie");
    ap_set_content_type(r, "image/svg+xml");
    ap_set_content_length(r, (apr_off_t)strlen(svg));
    if (!r->header_only) {
        ap_rputs(svg, r);
    }
    return OK;
}

/* ---- mfa/recovery/ ---------------------------------------------------- */

int acc_page_mfa_recovery(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    apr_array_header_t *hashes;
    acc_tval_t *codes;

    if (pg->cfg->mfa == ACC_MFA_OFF) {
        return not_here(pg);
    }
    if (pg->form == NULL) {
        return acc_see_other(r, url_of(pg, "mfa/"));
    }
    /* Codes that pass for the factor are made only for a session that
     * passed it a moment ago: not for one that never did (a stolen
     * cookie, a trusted browser's login), which could make its own. */
    if (!s->mfa_at || apr_time_now() - s->mfa_at > MFA_RECENT) {
        return acc_see_other(
            r, apr_pstrcat(r->pool, url_of(pg, "login/mfa/"), "?next=",
                           acc_url_quote(r->pool, url_of(pg, "mfa/")), NULL));
    }
    if ((codes = new_codes(pg, &hashes)) == NULL) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    switch (acc_mfa_new_codes(pg->store, r->pool, s->user->id, hashes)) {
        case ACC_STORE_OK:
            break;
        case ACC_STORE_NOTFOUND:
            return acc_see_other(r, url_of(pg, "mfa/"));
        default:
            return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_audit(r, pg->store, "mfa_recovery_codes", s->user->username);
    return show_codes(pg, codes, 0);
}

/* ---- mfa/disable/ ----------------------------------------------------- */

int acc_page_mfa_disable(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    const char *pw, *err = NULL, *code, *key, *perr = NULL, *cerr = NULL;
    acc_user_t *u = NULL, *again;
    acc_mfa_t m;
    int rc, found, wait, ok;

    if (pg->cfg->mfa == ACC_MFA_OFF) {
        return not_here(pg);
    }
    if ((rc = factor_of(pg, s->user->id, NULL, &m, &found)) != OK) {
        return rc;
    }
    if (pg->form == NULL || !found || !m.confirmed) {
        acc_page_wipe_passwords(pg);
        return acc_see_other(r, url_of(pg, "mfa/"));
    }
    pw = acc_form_value(pg->form, "password", &err);
    code = code_field(pg);
    if (err || *pw == '\0') {
        perr = err ? err : REQUIRED;
    }
    if (*code == '\0') {
        cerr = REQUIRED;
    }
    if (perr || cerr) {
        acc_page_wipe_passwords(pg);
        return show_on(pg, &m, perr, cerr, HTTP_OK);
    }
    if (acc_user_by_id(pg->store, r->pool, s->user->id, &u) != ACC_STORE_OK) {
        acc_page_wipe_passwords(pg);
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    /* The password is a guess like any other: counted as a login's. */
    key = acc_username_key(r->pool, u->username);
    wait = acc_throttle_login_begin(r, pg->store, u->username, key, &again);
    if (wait != 0) {
        acc_page_wipe_passwords(pg);
        if (wait < 0) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_retry_after(r, wait);
        return show_on(pg, &m, acc_throttle_message(r, wait), NULL,
                       HTTP_TOO_MANY_REQUESTS);
    }
    acc_page_release(pg);
    if ((rc = acc_hashgate_enter(r)) != OK) {
        acc_page_wipe_passwords(pg);
        return acc_render_error(r, rc,
                                N_("Too many people are logging in right now. "
                                   "Please try again in a moment."));
    }
    ok = acc_password_verify_in(acc_hashgate_memory(r), u->password, pw,
                                strlen(pw), &pg->cfg->hash) == ACC_PW_MATCH;
    acc_hashgate_leave(r);
    acc_page_wipe_passwords(pg);
    if (!acc_page_store(pg, &rc)) {
        return rc;
    }
    if (!ok) {
        acc_audit(r, pg->store, "mfa_disable_failed", u->username);
        return show_on(pg, &m, WRONG_PASSWORD, NULL, HTTP_OK);
    }
    if ((wait = guess_claim(pg, u->id)) != 0) {
        if (wait < 0) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_retry_after(r, wait);
        return show_on(pg, &m, NULL, acc_throttle_message(r, wait),
                       HTTP_TOO_MANY_REQUESTS);
    }
    switch (code_ok(pg, u->id, &m, code, 1)) {
        case 1:
            break;
        case 0:
            acc_audit(r, pg->store, "mfa_disable_failed", u->username);
            return show_on(pg, &m, NULL, BAD_CODE, HTTP_OK);
        default:
            return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    guess_forget(pg, u->id);
    acc_throttle_login_ok(r, pg->store, key, u);
    if (acc_mfa_delete(pg->store, r->pool, u->id) == ACC_STORE_ERROR) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_set_cookie(r, ACC_MFA_TRUST_COOKIE, "", -1);
    acc_audit(r, pg->store, "mfa_disabled", u->username);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0243) "user '%s' turned their second factor off",
                  ap_escape_logitem(r->pool, u->username));
    return acc_see_other(r, url_of(pg, "mfa/"));
}

/* ---- login/mfa/ ------------------------------------------------------- */

static int show_login(acc_page_t *pg, int stepup, const char *err, int status)
{
    static const char *const fields[] = {"code", NULL};
    const char *errs[1] = {err};
    acc_tval_t *ctx = context(pg);

    acc_tval_set(ctx, "form", form_of(pg, fields, errs));
    acc_tval_setbool(ctx, "stepup", stepup);
    if (!stepup && pg->cfg->mfa_remember_days > 0) {
        acc_tval_setstr(ctx, "remember_days",
                        apr_itoa(pg->r->pool, pg->cfg->mfa_remember_days));
    }
    apr_table_setn(pg->r->err_headers_out, "Cache-Control", "no-store");
    return acc_page_render(pg->r, "login_mfa.html", ctx, status);
}

/* The login's second step done: the session, as the login would have made
 * it, marked as having passed the factor, in one transaction. */
static int finish_login(acc_page_t *pg, acc_user_t *u, const char *key,
                        int remember, const acc_mfa_t *m)
{
    request_rec *r = pg->r;
    acc_login_done_t done;
    acc_new_session_t ns;
    const char *err = NULL, *next;
    acc_session_t *s;

    memset(&done, 0, sizeof(done));
    done.user_id = u->id;
    acc_throttle_login_ok_keys(r, key, &done);
    if (acc_session_prepare_login(r, remember, &ns, &done) != OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    done.event = "login_ok";
    acc_audit_values(r, u->username, &done.audit_username, &done.audit_address,
                     &done.audit_user_agent);
    if (acc_store_begin(pg->store, r->pool) != ACC_STORE_OK ||
        acc_login_end(pg->store, r->pool, &done) != ACC_STORE_OK ||
        acc_session_mfa_passed(pg->store, r->pool, ns.hash) != ACC_STORE_OK ||
        acc_store_end(pg->store, r->pool) != ACC_STORE_OK) {
        err = acc_store_error(pg->store, r->pool);
        acc_store_end(pg->store, r->pool);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0244) "cannot store a login: %s", err);
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_throttle_device_renew(r, key, u);
    acc_mfa_pending_clear(r);
    u->mfa = 1;
    acc_session_started(r, u, &ns);
    if ((s = acc_session_peek(r)) != NULL) {
        s->mfa_at = apr_time_now();
    }
    acc_csrf_rotate(r);
    if (pg->form && *acc_form_value(pg->form, "remember", &err) &&
        err == NULL) {
        acc_mfa_trust_set(r, u, m->created);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0245) "user '%s' logged in from %s, with a "
                                  "second factor",
                  ap_escape_logitem(r->pool, u->username), r->useragent_ip);
    next = acc_next_param(r, pg->form);
    return acc_see_other(r, next ? next : pg->cfg->login_redirect);
}

int acc_page_login_mfa(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    acc_user_t *u = NULL, *again = NULL;
    const char *key, *code, *next;
    apr_int64_t uid;
    acc_mfa_t m;
    int rc, found, wait, stepup, remember = 0;

    if (pg->cfg->mfa == ACC_MFA_OFF) {
        return not_here(pg);
    }
    /* Who: a login's pending step (also when the browser holds another
     * user's session: this login replaces it), else the session's user
     * (a step-up). */
    uid = acc_mfa_pending_user(r);
    stepup = uid == 0 && s != NULL;
    if (stepup) {
        uid = s->user->id;
    }
    if (uid == 0) {
        return acc_see_other(
            r, apr_pstrcat(r->pool, pg->cfg->login_url, next_query(pg), NULL));
    }
    if (acc_user_by_id(pg->store, r->pool, uid, &u) == ACC_STORE_ERROR) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    if (u == NULL || !u->is_active ||
        (!stepup && !acc_mfa_pending_valid(r, u, &remember))) {
        acc_mfa_pending_clear(r);
        return acc_see_other(
            r, apr_pstrcat(r->pool, pg->cfg->login_url, next_query(pg), NULL));
    }
    if ((rc = factor_of(pg, uid, NULL, &m, &found)) != OK) {
        return rc;
    }
    if (!found || !m.confirmed) {
        /* No factor to pass: set one up (a step-up), or log in again (its
         * factor was removed meanwhile). */
        acc_mfa_pending_clear(r);
        return acc_see_other(
            r, apr_pstrcat(r->pool,
                           stepup ? url_of(pg, "mfa/") : pg->cfg->login_url,
                           next_query(pg), NULL));
    }
    if (pg->form == NULL) {
        return show_login(pg, stepup, NULL, HTTP_OK);
    }
    code = code_field(pg);
    if (*code == '\0') {
        return show_login(pg, stepup, REQUIRED, HTTP_OK);
    }
    /* Counted as a password guess would be: claimed before the check,
     * given back when it passes. */
    key = acc_username_key(r->pool, u->username);
    wait = acc_throttle_login_begin(r, pg->store, u->username, key, &again);
    if (wait != 0) {
        if (wait < 0) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_audit(r, pg->store, "login_throttled", u->username);
        acc_retry_after(r, wait);
        return show_login(pg, stepup, acc_throttle_message(r, wait),
                          HTTP_TOO_MANY_REQUESTS);
    }
    /* And the user's own count of wrong codes, which no device token and
     * no login elsewhere resets. */
    if ((wait = guess_claim(pg, uid)) != 0) {
        if (wait < 0) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_audit(r, pg->store, "login_throttled", u->username);
        acc_retry_after(r, wait);
        return show_login(pg, stepup, acc_throttle_message(r, wait),
                          HTTP_TOO_MANY_REQUESTS);
    }
    switch (code_ok(pg, uid, &m, code, 1)) {
        case 1:
            break;
        case 0:
            acc_audit(r, pg->store, "mfa_failed", u->username);
            ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                          ACC_LOGNO(0246) "second factor failed for '%s' "
                                          "from %s",
                          ap_escape_logitem(r->pool, u->username),
                          r->useragent_ip);
            return show_login(pg, stepup, BAD_LOGIN_CODE, HTTP_OK);
        default:
            return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    guess_forget(pg, uid);
    if (!stepup) {
        return finish_login(pg, u, key, remember, &m);
    }
    /* A step-up: this session has passed the factor now. */
    acc_throttle_login_ok(r, pg->store, key, u);
    if ((rc = passed(pg)) != OK) {
        return rc;
    }
    acc_audit(r, pg->store, "mfa_stepup", u->username);
    next = acc_next_param(r, pg->form);
    return acc_see_other(r, next ? next : pg->cfg->login_redirect);
}
