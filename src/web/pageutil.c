/*
 * src/web/pageutil.c -- what the account pages share: form errors in the
 * shape the templates read, plain pages, the mail request form.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "form.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/mail.h"
#include "httpd/render.h"
#include "httpd/throttle.h"
#include "core/validate.h"
#include "core/crypto.h"
#include "core/password.h"

#include <apr_hash.h>
#include <apr_strings.h>

#include <string.h>

struct acc_errors {
    apr_pool_t *pool;
    const acc_i18n_lang_t *lang; /* the messages are said in */
    apr_hash_t *by_field;        /* name -> apr_array_header_t of messages */
    apr_array_header_t *all;     /* every message, in order */
};

acc_errors_t *acc_errors_make(request_rec *r)
{
    apr_pool_t *p = r->pool;
    acc_errors_t *e = apr_pcalloc(p, sizeof(*e));

    e->pool = p;
    e->lang = acc_lang(r);
    e->by_field = apr_hash_make(p);
    e->all = apr_array_make(p, 4, sizeof(const char *));
    return e;
}

void acc_errors_add(acc_errors_t *e, const char *field, const char *msg)
{
    apr_array_header_t *a =
        apr_hash_get(e->by_field, field, APR_HASH_KEY_STRING);

    if (a == NULL) {
        a = apr_array_make(e->pool, 2, sizeof(const char *));
        apr_hash_set(e->by_field, field, APR_HASH_KEY_STRING, a);
    }
    /* A message (an English msgid) in the request's language; one made
     * in it already passes through as it is. */
    msg = acc_i18n_gettext(e->lang, msg);
    APR_ARRAY_PUSH(a, const char *) = msg;
    APR_ARRAY_PUSH(e->all, const char *) = msg;
}

int acc_errors_any(const acc_errors_t *e)
{
    return e->all->nelts > 0;
}

const apr_array_header_t *acc_errors_all(const acc_errors_t *e)
{
    return e->all;
}

acc_tval_t *acc_errors_form(apr_pool_t *p, const acc_errors_t *e,
                            const char *const *fields, const char **values)
{
    acc_tval_t *form = acc_tval_map(p);
    int i;

    for (i = 0; fields[i]; i++) {
        acc_tval_t *fv = acc_tval_map(p);
        if (values && values[i]) {
            acc_tval_setstr(fv, "value", values[i]);
        }
        acc_tval_set(fv, "errors",
                     acc_tval_messages(p, apr_hash_get(e->by_field, fields[i],
                                                       APR_HASH_KEY_STRING)));
        acc_tval_set(form, fields[i], fv);
    }
    acc_tval_set(form, "errors", acc_tval_messages(p, e->all));
    acc_tval_set(form, "non_field_errors",
                 acc_tval_messages(p, apr_hash_get(e->by_field, "__all__",
                                                   APR_HASH_KEY_STRING)));
    return form;
}

int acc_page_plain(acc_page_t *pg, const char *tpl)
{
    return acc_page_render(pg->r, tpl, acc_render_context(pg->r), HTTP_OK);
}

#define THROTTLED_MAIL                                                         \
    NP_("Too many requests have come from your network. Please try again "     \
        "in %(minutes)d minute.",                                              \
        "Too many requests have come from your network. Please try again "     \
        "in %(minutes)d minutes.")

int acc_page_mail_request(acc_page_t *pg, const char *kind, const char *tpl,
                          const char *done, const char *event)
{
    request_rec *r = pg->r;
    static const char *const fields[] = {"email", NULL};
    acc_errors_t *e = acc_errors_make(r);
    const char *err = NULL, *email = "";
    acc_tval_t *ctx;
    int wait = 0, status = HTTP_OK;

    if (pg->form) {
        email = acc_form_value(pg->form, "email", &err);
        if (err) {
            acc_errors_add(e, "email", err);
            email = "";
        }
        else {
            email = acc_strip(r->pool, email);
            if (*email == '\0') {
                acc_errors_add(e, "email",
                               acc_gettext(r, N_("This field is required.")));
            }
            else if ((err = acc_email_check_in(r->pool, email, acc_lang(r))) !=
                     NULL) {
                acc_errors_add(e, "email", err);
            }
        }
        if (!acc_errors_any(e)) {
            /* Per client, a few an hour: said (429).  Per address,
             * silently: the answer must not depend on the address. */
            if (acc_throttle_try_window(
                    pg->store, r->pool, "mailip", r->useragent_ip, 3600,
                    pg->cfg->throttle_mail_client, &wait) != ACC_STORE_OK) {
                return acc_db_unavailable(r, ACC_DB_DOWN);
            }
            if (wait > 0) {
                acc_retry_after(r, wait);
                acc_errors_add(e, "__all__",
                               acc_ngettext_n(r, THROTTLED_MAIL, wait / 60 + 1,
                                              "minutes"));
                status = HTTP_TOO_MANY_REQUESTS;
            }
            else {
                int wait2 = 0;
                if (acc_throttle_try_window(pg->store, r->pool, "mailto",
                                            acc_username_key(r->pool, email),
                                            3600, pg->cfg->throttle_mail,
                                            &wait2) != ACC_STORE_OK) {
                    return acc_db_unavailable(r, ACC_DB_DOWN);
                }
                if (wait2 == 0 &&
                    acc_mail_queue(r, pg->store, kind, email, 0) != OK) {
                    return acc_db_unavailable(r, ACC_DB_DOWN);
                }
                acc_audit(r, pg->store, event, email);
                return acc_see_other(
                    r, apr_pstrcat(r->pool, acc_accounts_base(r), done, NULL));
            }
        }
    }
    ctx = acc_render_context(r);
    acc_tval_set(ctx, "form", acc_errors_form(r->pool, e, fields, &email));
    return acc_page_render(r, tpl, ctx, status);
}

void acc_new_password_check(acc_page_t *pg, acc_errors_t *e,
                            const acc_user_t *u, const char **pw)
{
    request_rec *r = pg->r;
    acc_pwpolicy_t pol = acc_config_pwpolicy(pg->cfg);
    static const char *const names[2] = {"new_password1", "new_password2"};
    const char *v[2], *err;
    int i, bad = 0;

    for (i = 0; i < 2; i++) {
        v[i] = acc_form_value(pg->form, names[i], &err);
        if (err) {
            acc_errors_add(e, names[i], err);
            bad = 1;
        }
        else if (*v[i] == '\0') {
            acc_errors_add(e, names[i],
                           acc_gettext(r, N_("This field is required.")));
            bad = 1;
        }
        else if (strlen(v[i]) > ACC_PASSWORD_MAX_BYTES) {
            acc_errors_add(
                e, names[i],
                apr_psprintf(r->pool,
                             "Ensure this value has at most %d characters "
                             "(it has %" APR_SIZE_T_FMT ").",
                             ACC_PASSWORD_MAX_BYTES, acc_utf8_length(v[i])));
            bad = 1;
        }
    }
    *pw = NULL;
    if (bad) {
        return;
    }
    if (strcmp(v[0], v[1]) != 0) {
        acc_errors_add(e, "new_password2",
                       acc_gettext(r, N_("The two password fields "
                                         "didn\xe2\x80\x99t match.")));
        return;
    }
    {
        acc_user_attrs_t attrs = {u->username, u->first_name, u->last_name,
                                  u->email};
        apr_array_header_t *msgs =
            acc_password_validate_in(r->pool, &pol, v[1], &attrs, acc_lang(r));
        for (i = 0; i < msgs->nelts; i++) {
            acc_errors_add(e, "new_password2",
                           APR_ARRAY_IDX(msgs, i, const char *));
        }
        if (msgs->nelts == 0) {
            *pw = v[1];
        }
    }
}

void acc_page_wipe_passwords(acc_page_t *pg)
{
    static const char *const names[] = {"old_password",
                                        "new_password1",
                                        "new_password2",
                                        "password",
                                        "password1",
                                        "password2",
                                        NULL};
    const char *err;
    int i;

    for (i = 0; pg->form && names[i]; i++) {
        acc_wipe((char *)acc_form_value(pg->form, names[i], &err));
    }
}

acc_tval_t *acc_password_form(acc_page_t *pg, acc_errors_t *e,
                              const char *const *fields)
{
    request_rec *r = pg->r;
    acc_pwpolicy_t pol = acc_config_pwpolicy(pg->cfg);
    acc_tval_t *form = acc_errors_form(r->pool, e, fields, NULL);

    acc_tval_set(acc_tval_get(form, "new_password1"), "help",
                 acc_tval_messages(r->pool, acc_password_help_in(r->pool, &pol,
                                                                 acc_lang(r))));
    acc_page_wipe_passwords(pg);
    return form;
}
