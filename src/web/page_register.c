/*
 * src/web/page_register.c -- register/: Django's UserCreationForm (plus the
 * tutorial's email field), validated in Django's order with its messages.
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
#include "core/validate.h"
#include "core/redirect.h"
#include "csrf.h"
#include "httpd/mail.h"
#include "httpd/flash.h"

#include <apr_strings.h>

#include <string.h>

#define REQUIRED  N_("This field is required.")
#define DUPLICATE N_("A user with that username already exists.")
#define MISMATCH  N_("The two password fields didn\xe2\x80\x99t match.")
#define THROTTLED                                                              \
    NP_("Too many sign-up attempts have come from your network. Please "       \
        "try again in %(minutes)d minute.",                                    \
        "Too many sign-up attempts have come from your network. Please "       \
        "try again in %(minutes)d minutes.")

/* The four fields, in the form's order. */
enum { F_USERNAME, F_EMAIL, F_PASSWORD1, F_PASSWORD2, F_COUNT };
static const char *const names[F_COUNT] = {"username", "email", "password1",
                                           "password2"};

typedef struct {
    const char *value[F_COUNT];
    apr_array_header_t *errors[F_COUNT]; /* const char * */
    apr_table_t *extra;                  /* the site's fields' values */
    acc_errors_t *extra_errors;
} regform_t;

static void add_error(apr_pool_t *p, regform_t *f, int field, const char *m)
{
    if (f->errors[field] == NULL) {
        f->errors[field] = apr_array_make(p, 2, sizeof(const char *));
    }
    APR_ARRAY_PUSH(f->errors[field], const char *) = m;
}

static int has_errors(const regform_t *f)
{
    int i;

    if (f->extra_errors && acc_errors_any(f->extra_errors)) {
        return 1;
    }
    for (i = 0; i < F_COUNT; i++) {
        if (f->errors[i] && f->errors[i]->nelts) {
            return 1;
        }
    }
    return 0;
}

static apr_array_header_t *one(apr_pool_t *p, const char *msg)
{
    apr_array_header_t *a = apr_array_make(p, 1, sizeof(const char *));

    APR_ARRAY_PUSH(a, const char *) = msg;
    return a;
}

static int show_status(acc_page_t *pg, regform_t *f, int status,
                       const char *nonfield)
{
    request_rec *r = pg->r;
    acc_tval_t *ctx = acc_render_context(r);
    acc_tval_t *form = acc_tval_map(r->pool);
    acc_tval_t *all = acc_tval_list(r->pool);
    acc_pwpolicy_t pol = acc_config_pwpolicy(pg->cfg);
    int i, j;

    for (i = 0; i < F_COUNT; i++) {
        acc_tval_t *fv = acc_tval_map(r->pool);
        /* Passwords are never sent back. */
        if (i == F_USERNAME || i == F_EMAIL) {
            acc_tval_setstr(fv, "value", f->value[i] ? f->value[i] : "");
        }
        acc_tval_set(fv, "errors", acc_tval_messages(r->pool, f->errors[i]));
        for (j = 0; f->errors[i] && j < f->errors[i]->nelts; j++) {
            acc_tval_push(all,
                          acc_tval_str(r->pool, APR_ARRAY_IDX(f->errors[i], j,
                                                              const char *)));
        }
        acc_tval_set(form, names[i], fv);
    }
    acc_tval_set(acc_tval_get(form, "password1"), "help",
                 acc_tval_messages(r->pool, acc_password_help_in(r->pool, &pol,
                                                                 acc_lang(r))));
    if (f->extra_errors) {
        const apr_array_header_t *m = acc_errors_all(f->extra_errors);
        for (i = 0; i < m->nelts; i++) {
            acc_tval_push(
                all, acc_tval_str(r->pool, APR_ARRAY_IDX(m, i, const char *)));
        }
    }
    if (nonfield) {
        acc_tval_push(all, acc_tval_str(r->pool, nonfield));
    }
    acc_tval_set(form, "errors", all);
    acc_tval_set(form, "non_field_errors",
                 nonfield ? acc_tval_messages(r->pool, one(r->pool, nonfield))
                          : acc_tval_list(r->pool));
    acc_tval_set(ctx, "form", form);
    acc_tval_set(ctx, "extra_fields",
                 acc_profile_fields_tval(r, pg->cfg, f->extra,
                                         f->extra_errors ? f->extra_errors
                                                         : acc_errors_make(r),
                                         1));
    acc_tval_setbool(ctx, "email_required", pg->cfg->require_verified);
    if (acc_next_param(r, pg->form)) {
        acc_tval_setstr(ctx, "next", acc_next_param(r, pg->form));
    }
    return acc_page_render(r, "register.html", ctx, status);
}

static int show(acc_page_t *pg, regform_t *f)
{
    return show_status(pg, f, HTTP_OK, NULL);
}

/* Read and check every field; errors land in f.  A username that passes
 * its rules is looked up (is it taken?) only after this hour's attempts
 * from the address were counted: the answer tells whether an account
 * exists, so asking it is what the registration throttle limits.
 * Returns 1 when there are errors, 0 when the form is good, -1 when the
 * store failed, 2 when the address is throttled (*wait seconds). */
static int validate(acc_page_t *pg, regform_t *f, const char **key, int *wait)
{
    request_rec *r = pg->r;
    acc_pwpolicy_t pol = acc_config_pwpolicy(pg->cfg);
    const char *err, *raw;
    int i;

    for (i = 0; i < F_COUNT; i++) {
        raw = acc_form_value(pg->form, names[i], &err);
        if (err) {
            add_error(r->pool, f, i, err);
            f->value[i] = "";
            continue;
        }
        f->value[i] = raw;
    }
    /* username: strip, NFKC, rules, then unique case-insensitively. */
    if (!f->errors[F_USERNAME]) {
        const char *name = acc_username_clean(r->pool, f->value[F_USERNAME]);
        f->value[F_USERNAME] = name;
        if ((err = acc_username_check_in(r->pool, name, acc_lang(r))) != NULL) {
            add_error(r->pool, f, F_USERNAME, err);
        }
        else {
            int taken = 0;
            /* Unique case-insensitively (and across NFKC twins); the
             * insert's unique key settles races.  Counted first. */
            *key = acc_username_key(r->pool, name);
            *wait = acc_throttle_register_begin(r, pg->store, *key, &taken);
            if (*wait != 0) {
                return *wait < 0 ? -1 : 2;
            }
            if (taken) {
                add_error(r->pool, f, F_USERNAME, acc_gettext(r, DUPLICATE));
            }
        }
    }
    /* email: optional, unless it must be verified. */
    if (!f->errors[F_EMAIL]) {
        f->value[F_EMAIL] = acc_strip(r->pool, f->value[F_EMAIL]);
        if (*f->value[F_EMAIL] &&
            (err = acc_email_check_in(r->pool, f->value[F_EMAIL],
                                      acc_lang(r))) != NULL) {
            add_error(r->pool, f, F_EMAIL, err);
        }
        else if (!*f->value[F_EMAIL] && pg->cfg->require_verified) {
            add_error(r->pool, f, F_EMAIL, acc_gettext(r, REQUIRED));
        }
    }
    /* The site's own fields asked at registration. */
    f->extra = apr_table_make(r->pool, 4);
    f->extra_errors = acc_errors_make(r);
    acc_profile_fields_read(pg, f->extra, f->extra_errors, 1);
    /* passwords: not stripped (Django's strip=False). */
    for (i = F_PASSWORD1; i <= F_PASSWORD2; i++) {
        apr_size_t n;
        if (f->errors[i]) {
            continue;
        }
        n = strlen(f->value[i]);
        if (n == 0) {
            add_error(r->pool, f, i, acc_gettext(r, REQUIRED));
        }
        else if (n > ACC_PASSWORD_MAX_BYTES) {
            add_error(r->pool, f, i,
                      apr_psprintf(r->pool,
                                   "Ensure this value has at most %d "
                                   "characters (it has %" APR_SIZE_T_FMT ").",
                                   ACC_PASSWORD_MAX_BYTES,
                                   acc_utf8_length(f->value[i])));
        }
    }
    if (!f->errors[F_PASSWORD1] && !f->errors[F_PASSWORD2]) {
        if (strcmp(f->value[F_PASSWORD1], f->value[F_PASSWORD2]) != 0) {
            add_error(r->pool, f, F_PASSWORD2, acc_gettext(r, MISMATCH));
        }
        else {
            acc_user_attrs_t attrs = {f->value[F_USERNAME], "", "",
                                      f->value[F_EMAIL]};
            apr_array_header_t *msgs = acc_password_validate_in(
                r->pool, &pol, f->value[F_PASSWORD2], &attrs, acc_lang(r));
            for (i = 0; i < msgs->nelts; i++) {
                add_error(r->pool, f, F_PASSWORD2,
                          APR_ARRAY_IDX(msgs, i, const char *));
            }
        }
    }
    return has_errors(f);
}

int acc_page_register(acc_page_t *pg)
{
    request_rec *r = pg->r;
    regform_t f;
    acc_user_t u;
    const char *key = NULL, *phc = NULL, *err = NULL;
    apr_int64_t id;
    int rc, wait, prc;

    memset(&f, 0, sizeof(f));
    if (pg->form == NULL) {
        return show(pg, &f);
    }
    rc = validate(pg, &f, &key, &wait);
    if (rc < 0 || rc == 2) {
        acc_wipe((char *)f.value[F_PASSWORD1]);
        acc_wipe((char *)f.value[F_PASSWORD2]);
        if (rc < 0) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_audit(r, pg->store, "register_throttled", "");
        acc_retry_after(r, wait);
        return show_status(
            pg, &f, HTTP_TOO_MANY_REQUESTS,
            acc_ngettext_n(r, THROTTLED, wait / 60 + 1, "minutes"));
    }
    if (rc) {
        /* Counted if the username was looked up: whether a name is taken
         * is what a script trying names wants to learn. */
        acc_wipe((char *)f.value[F_PASSWORD1]);
        acc_wipe((char *)f.value[F_PASSWORD2]);
        return show(pg, &f);
    }
    /* No connection held while waiting for a hash slot and hashing.  From
     * here on the attempt stays counted whatever happens: the name was
     * looked up, and a failure past this point says it is free. */
    acc_page_release(pg);
    if ((rc = acc_hashgate_enter(r)) != OK) {
        acc_wipe((char *)f.value[F_PASSWORD1]);
        acc_wipe((char *)f.value[F_PASSWORD2]);
        return acc_render_error(r, rc,
                                N_("Too many people are signing up right now. "
                                   "Please try again in a moment."));
    }
    rc = acc_password_hash_in(acc_hashgate_memory(r), r->pool, &pg->cfg->hash,
                              f.value[F_PASSWORD1],
                              strlen(f.value[F_PASSWORD1]), &phc, &err);
    acc_hashgate_leave(r);
    if (!acc_page_store(pg, &prc)) {
        acc_wipe((char *)f.value[F_PASSWORD1]);
        acc_wipe((char *)f.value[F_PASSWORD2]);
        return prc;
    }
    if (rc != APR_SUCCESS) {
        acc_wipe((char *)f.value[F_PASSWORD1]);
        acc_wipe((char *)f.value[F_PASSWORD2]);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0070) "cannot hash a password: %s",
                      err ? err : "?");
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_wipe((char *)f.value[F_PASSWORD1]);
    acc_wipe((char *)f.value[F_PASSWORD2]);

    memset(&u, 0, sizeof(u));
    u.username = f.value[F_USERNAME];
    u.email = f.value[F_EMAIL];
    u.password = phc;
    u.first_name = u.last_name = "";
    u.is_active = 1;
    u.email_verified = !pg->cfg->require_verified;
    /* With a Django site's logins let in (AccountsDjangoSessions), a name
     * its users have is taken: one name, one person behind REMOTE_USER
     * (and nobody shuts a Django user out by registering their name). */
    if (pg->cfg->django_sessions) {
        int has = 0;
        if (acc_store_django_has_name(pg->store, r->pool, u.username, &has) !=
            ACC_STORE_OK) {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          ACC_LOGNO(0074) "cannot read the Django site's "
                                          "users: %s",
                          acc_store_error(pg->store, r->pool));
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        if (has) {
            add_error(r->pool, &f, F_USERNAME, acc_gettext(r, DUPLICATE));
            return show(pg, &f);
        }
    }
    /* The user, the site's fields, the audit row and (when it logs in
     * at once) the session: one commit. */
    acc_store_begin(pg->store, r->pool);
    switch (acc_user_create(pg->store, r->pool, &u, key, &id)) {
        case ACC_STORE_OK:
            break;
        case ACC_STORE_EXISTS:
            /* Lost a race, or a case/NFKC twin of an existing name: the
             * attempt stays counted, like any that learnt a name is
             * taken. */
            acc_store_end(pg->store, r->pool);
            add_error(r->pool, &f, F_USERNAME, acc_gettext(r, DUPLICATE));
            return show(pg, &f);
        default:
            acc_store_end(pg->store, r->pool);
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          ACC_LOGNO(0071) "cannot create a user: %s",
                          acc_store_error(pg->store, r->pool));
            return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    u.id = id;
    {
        const apr_array_header_t *arr = apr_table_elts(f.extra);
        int i;
        for (i = 0; i < arr->nelts; i++) {
            const apr_table_entry_t *t = &((apr_table_entry_t *)arr->elts)[i];
            acc_profile_set(pg->store, r->pool, id, t->key, t->val);
        }
    }
    acc_audit(r, pg->store, "register", u.username);
    if (pg->cfg->register_login && !pg->cfg->require_verified) {
        acc_user_t *nu = apr_pmemdup(r->pool, &u, sizeof(u));
        rc = acc_session_login(r, pg->store, nu, !pg->cfg->remember_me);
        if (rc == OK) {
            acc_user_touch_login(pg->store, r->pool, id);
        }
    }
    else {
        rc = OK;
    }
    if (acc_store_end(pg->store, r->pool) != ACC_STORE_OK || rc != OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0073) "cannot store a new user: %s",
                      acc_store_error(pg->store, r->pool));
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0072) "registered user '%s' from %s",
                  ap_escape_logitem(r->pool, u.username), r->useragent_ip);
    if (pg->cfg->require_verified) {
        /* Logged in once the address is verified: the link goes out (its
         * row committed first, so the sender woken finds it). */
        if (acc_mail_queue(r, pg->store, ACC_MAIL_VERIFY, u.email, id) != OK) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        return acc_see_other(r, apr_pstrcat(r->pool, acc_accounts_base(r),
                                            "verify/sent/", NULL));
    }
    if (pg->cfg->register_login) {
        acc_csrf_rotate(r);
        {
            const char *next = acc_next_param(r, pg->form);
            return acc_see_other(r, next ? next : pg->cfg->login_redirect);
        }
    }
    acc_flash(r, ACC_FLASH_REGISTERED);
    {
        /* On to the login page, still bound where the visitor was
         * going. */
        const char *next = acc_next_param(r, pg->form);
        return acc_see_other(
            r, next ? apr_pstrcat(r->pool, pg->cfg->login_url,
                                  strchr(pg->cfg->login_url, '?') ? "&" : "?",
                                  "next=", acc_url_quote(r->pool, next), NULL)
                    : pg->cfg->login_url);
    }
}
