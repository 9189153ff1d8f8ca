/*
 * src/web/page_login.c -- login/: the form, and checking a username and
 * password the way Django's authenticate() and login() do.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "httpd/db.h"
#include "core/crypto.h"
#include "form.h"
#include "httpd/hashgate.h"
#include "core/password.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "httpd/audit.h"
#include "httpd/throttle.h"
#include "httpd/mfa.h"

#include <apr_atomic.h>
#include "core/validate.h"
#include "core/redirect.h"
#include "csrf.h"

#include <apr_strings.h>

#include <string.h>

/* Django's AuthenticationForm's, %(username)s its username field's name. */
#define BAD_LOGIN                                                              \
    N_("Please enter a correct %(username)s and password. Note that both "     \
       "fields may be case-sensitive.")
#define REQUIRED N_("This field is required.")
#define UNVERIFIED                                                             \
    N_("This account\xe2\x80\x99s email address is not verified yet. "         \
       "Follow the link in the mail we sent you, or ask for a new one.")

static int show_status(acc_page_t *pg, int status, const char *username,
                       const char *uerr, const char *perr,
                       const char *nonfield);

/* Whether the login asks to be remembered: the "remember" box ticked, or
 * no box offered (AccountsRememberMe Off: every session lasts). */
static int remember_of(acc_page_t *pg)
{
    const char *err;

    if (!pg->cfg->remember_me) {
        return 1;
    }
    return pg->form && *acc_form_value(pg->form, "remember", &err) != '\0' &&
           err == NULL;
}

static int show(acc_page_t *pg, const char *username, const char *uerr,
                const char *perr, const char *nonfield)
{
    return show_status(pg, HTTP_OK, username, uerr, perr, nonfield);
}

static int show_status(acc_page_t *pg, int status, const char *username,
                       const char *uerr, const char *perr, const char *nonfield)
{
    request_rec *r = pg->r;
    const char *unverified =
        nonfield && !strcmp(nonfield, UNVERIFIED) ? "1" : NULL;

    /* The messages in the request's language. */
    if (uerr) {
        uerr = acc_gettext(r, uerr);
    }
    if (perr) {
        perr = acc_gettext(r, perr);
    }
    if (nonfield && !strcmp(nonfield, BAD_LOGIN)) {
        static const char *const names[1] = {"username"};
        const char *values[1];
        values[0] = acc_gettext(r, N_("username"));
        nonfield = acc_i18n_format(r->pool, acc_gettext(r, BAD_LOGIN), names,
                                   values, 1);
    }
    else if (nonfield) {
        nonfield = acc_gettext(r, nonfield);
    }
    acc_tval_t *ctx = acc_render_context(r);
    acc_tval_t *form = acc_tval_map(r->pool);
    acc_tval_t *fu = acc_tval_map(r->pool), *fp = acc_tval_map(r->pool);
    acc_tval_t *all = acc_tval_list(r->pool), *nf = acc_tval_list(r->pool);
    const char *next = acc_next_param(r, pg->form);

    acc_tval_setstr(fu, "value", username);
    acc_tval_set(fu, "errors", acc_tval_list(r->pool));
    acc_tval_set(fp, "errors", acc_tval_list(r->pool));
    if (uerr) {
        acc_tval_push(acc_tval_get(fu, "errors"), acc_tval_str(r->pool, uerr));
        acc_tval_push(all, acc_tval_str(r->pool, uerr));
    }
    if (perr) {
        acc_tval_push(acc_tval_get(fp, "errors"), acc_tval_str(r->pool, perr));
        acc_tval_push(all, acc_tval_str(r->pool, perr));
    }
    if (nonfield) {
        acc_tval_push(nf, acc_tval_str(r->pool, nonfield));
        acc_tval_push(all, acc_tval_str(r->pool, nonfield));
    }
    acc_tval_set(form, "username", fu);
    acc_tval_set(form, "password", fp);
    acc_tval_set(form, "errors", all);
    acc_tval_set(form, "non_field_errors", nf);
    acc_tval_set(ctx, "form", form);
    if (next) {
        acc_tval_setstr(ctx, "next", next);
        /* The link to register/ keeps it, so that a new account arrives
         * where the visitor was going. */
        acc_tval_setstr(
            ctx, "next_query",
            apr_pstrcat(r->pool, "?next=", acc_url_quote(r->pool, next), NULL));
    }
    if (pg->cfg->remember_me) {
        /* Ticked unless this very form came back unticked. */
        acc_tval_setstr(ctx, "remember_me",
                        pg->form && !remember_of(pg) ? "off" : "on");
    }
    if (unverified) {
        acc_tval_setstr(ctx, "unverified", "1");
    }
    return acc_page_render(r, "login.html", ctx, status);
}

/* Check the password against u's hash, or against a dummy hash when there
 * is no such user, so both cost the same.  A stored hash that cannot be
 * checked -- malformed, costing more than the ceiling this host's
 * AccountsPasswordHash sets, an algorithm we do not know -- is not
 * hashed: it fails like a wrong password, with a warning for the
 * administrator (an unknown algorithm once per process: a table imported
 * from an old Django site may hold thousands). */
static int password_ok(acc_page_t *pg, const acc_user_t *u, const char *pw,
                       apr_size_t pwlen)
{
    static apr_uint32_t unknown_logged;
    const char *phc = u ? u->password : pg->cfg->dummy_hash, *why;
    acc_pw_result_t res = acc_password_verify_in(
        acc_hashgate_memory(pg->r), phc, pw, pwlen, &pg->cfg->hash);
    int unknown;

    if (res == ACC_PW_UNUSABLE && u &&
        (why = acc_password_problem(pg->r->pool, phc, &pg->cfg->hash,
                                    &unknown)) != NULL &&
        (!unknown || apr_atomic_cas32(&unknown_logged, 1, 0) == 0)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, pg->r,
                      ACC_LOGNO(0055) "password hash of '%s' not checked: "
                                      "%s%s",
                      ap_escape_logitem(pg->r->pool, u->username),
                      ap_escape_logitem(pg->r->pool, why),
                      unknown ? " (said once per process)" : "");
    }
    return u ? res == ACC_PW_MATCH : 0;
}

/* Whether a login re-makes the stored hash.  In our own tables: when it
 * is not argon2id at the configured cost (Django hashes included).  In
 * the Django site's (live != 0): a hash of ours Django cannot read always
 * (the store writes Django's form); one Django can read only with
 * AccountsDjangoRehash On, since Django ties its sessions to the stored
 * hash: a new one logs the user out of the Django site. */
static int wants_rehash(const acc_srv_cfg_t *cfg, const char *stored, int live)
{
    if (!live) {
        return acc_password_needs_rehash(stored, &cfg->hash);
    }
    if (stored[0] == '$') {
        return 1; /* our own form: Django's all begin with a name */
    }
    if (!cfg->django_rehash) {
        return 0;
    }
    /* Django's argon2 form is ours after its prefix. */
    return acc_password_needs_rehash(
        strncmp(stored, "argon2$", 7) == 0 ? stored + 6 : stored, &cfg->hash);
}

int acc_page_login(acc_page_t *pg)
{
    request_rec *r = pg->r;
    const char *raw, *uerr = NULL, *perr = NULL, *username, *next;
    const char *pw, *key, *rehash = NULL;
    char *pwcopy;
    apr_size_t pwlen;
    acc_user_t *u = NULL;
    acc_login_done_t done;
    acc_new_session_t ns;
    int ok, rc, wait, unverified, live, mfa_step = 0;
    const char *pend_kind = "", *pend_key = "";

    if (pg->form == NULL) {
        return show(pg, "", NULL, NULL, NULL);
    }
    raw = acc_form_value(pg->form, "username", &uerr);
    username = uerr ? "" : acc_username_clean(r->pool, raw);
    pw = acc_form_value(pg->form, "password", &perr);
    pwlen = strlen(pw);
    if (!uerr && *username == '\0') {
        uerr = REQUIRED;
    }
    if (!perr && pwlen == 0) {
        perr = REQUIRED;
    }
    if (uerr || perr) {
        return show(pg, username, uerr, perr, NULL);
    }
    if (pwlen > ACC_PASSWORD_MAX_BYTES) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      ACC_LOGNO(0050) "login refused for '%s': password "
                                      "over %d bytes",
                      ap_escape_logitem(r->pool, username),
                      ACC_PASSWORD_MAX_BYTES);
        return show(pg, username, NULL, NULL, BAD_LOGIN);
    }
    /* Our own copy, wiped whatever happens. */
    pwcopy = apr_pstrmemdup(r->pool, pw, pwlen);
    acc_wipe((char *)pw);
    key = acc_username_key(r->pool, username);

    /* The user's row and the attempt counted, in one round trip: the
     * attempt is counted before the hash, so that attempts sent at once
     * cannot all get past the limits; a successful one is taken back. */
    wait = acc_throttle_login_begin(r, pg->store, username, key, &u);
    if (wait != 0) {
        acc_wipe(pwcopy);
        if (wait < 0) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_audit(r, pg->store, "login_throttled", username);
        acc_retry_after(r, wait);
        return show_status(pg, HTTP_TOO_MANY_REQUESTS, username, NULL, NULL,
                           acc_throttle_message(r, wait));
    }

    live = acc_store_django_live(pg->store);
    /* Nothing needs the database until the hash is done: the connection
     * goes back before the wait for a hash slot, so logins queued behind
     * the hashes never starve other pages of connections. */
    acc_page_release(pg);
    /* At most AccountsHashConcurrency hashes at once, server-wide. */
    if ((rc = acc_hashgate_enter(r)) != OK) {
        acc_wipe(pwcopy);
        return acc_render_error(r, rc,
                                N_("Too many people are logging in right now. "
                                   "Please try again in a moment."));
    }
    /* The password is checked before is_active, as Django does, so an
     * inactive account costs the same and reads the same. */
    ok = password_ok(pg, u, pwcopy, pwlen) && u->is_active;
    /* Django's must_update: re-make the hash when the cost changed (stored
     * below, once the database is ours again). */
    if (ok && wants_rehash(pg->cfg, u->password, live) &&
        acc_password_hash_in(acc_hashgate_memory(r), r->pool, &pg->cfg->hash,
                             pwcopy, pwlen, &rehash, NULL) != APR_SUCCESS) {
        rehash = NULL;
    }
    acc_hashgate_leave(r);
    acc_wipe(pwcopy);
    if (!acc_page_store(pg, &rc)) {
        return rc;
    }
    if (!ok) {
        acc_audit(r, pg->store, "login_failed", username);
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      ACC_LOGNO(0052) "login failed for '%s' from %s",
                      ap_escape_logitem(r->pool, username), r->useragent_ip);
        return show(pg, username, NULL, NULL, BAD_LOGIN);
    }
    /* What a successful login writes, in one call and one commit (a
     * failure writes none of it, and no session is made) that does not
     * wait for the disk: a crash of PostgreSQL itself right after it
     * could lose this session (the user logs in again), last_login, the
     * audit row or a re-made hash (the old one still verifies) -- nothing
     * a user relies on.  A registration, a logout and a password change
     * wait for theirs. */
    memset(&done, 0, sizeof(done));
    done.user_id = u->id;
    done.rehash = rehash;
    /* The right password, but the address is not verified yet: only now
     * is that said, so nothing leaks to someone without the password. */
    unverified = pg->cfg->require_verified && !u->email_verified;
    /* The right password of a user with a second factor: no session yet
     * (unless this browser is one they trust), the second step next. */
    if (!unverified && u->mfa && pg->cfg->mfa != ACC_MFA_OFF) {
        acc_mfa_t m;
        switch (acc_mfa_get(pg->store, r->pool, u->id, &m)) {
            case ACC_STORE_OK:
                mfa_step = !acc_mfa_trusted(r, u, m.created);
                break;
            case ACC_STORE_NOTFOUND:
                break; /* removed meanwhile */
            default:
                return acc_db_unavailable(r, ACC_DB_DOWN);
        }
    }
    /* The attempt is given back; the count of this user's failures (the
     * browser's, or the username's) is forgotten when the login is done,
     * not before a second factor is passed: else each right password
     * would clear the count of wrong codes. */
    acc_throttle_login_ok_keys(r, key, &done);
    if (mfa_step) {
        /* Only given back (below), not forgotten. */
        pend_kind = done.kind;
        pend_key = done.key;
        done.kind = "";
    }
    if (!unverified && !mfa_step) {
        if (acc_session_prepare_login(r, remember_of(pg), &ns, &done) != OK) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
    }
    done.event = unverified ? "login_unverified"
                 : mfa_step ? "login_mfa_step"
                            : "login_ok";
    acc_audit_values(r, u->username, &done.audit_username, &done.audit_address,
                     &done.audit_user_agent);
    if (acc_login_end(pg->store, r->pool, &done) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0056) "cannot store a login: %s",
                      acc_store_error(pg->store, r->pool));
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    if (rehash) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      ACC_LOGNO(0053) "re-hashed the password of '%s' "
                                      "with the configured cost",
                      ap_escape_logitem(r->pool, username));
    }
    if (mfa_step) {
        const char *nx = acc_next_param(r, pg->form);
        if (*pend_kind) {
            acc_throttle_release(pg->store, r->pool, pend_kind, pend_key,
                                 pg->cfg->throttle_user);
        }
        /* Bound to the hash as stored now (a re-made one included). */
        if (rehash) {
            u->password = acc_store_password_form(pg->store, r->pool, rehash);
        }
        acc_mfa_pending_set(r, u, remember_of(pg));
        return acc_see_other(
            r, apr_pstrcat(r->pool, acc_accounts_base(r), "login/mfa/",
                           nx ? "?next=" : "",
                           nx ? acc_url_quote(r->pool, nx) : "", NULL));
    }
    acc_throttle_device_renew(r, key, u);
    if (unverified) {
        return show(pg, username, NULL, NULL, UNVERIFIED);
    }
    acc_session_started(r, u, &ns);
    acc_csrf_rotate(r);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0054) "user '%s' logged in from %s",
                  ap_escape_logitem(r->pool, u->username), r->useragent_ip);
    next = acc_next_param(r, pg->form);
    return acc_see_other(r, next ? next : pg->cfg->login_redirect);
}
