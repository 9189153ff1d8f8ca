/*
 * src/web/page_profile.c -- profile/: the user's own details, and a form
 * for first name, last name, email and the site's own fields
 * (AccountsProfileField, stored in accounts_profile).
 *
 * With AccountsRequireVerifiedEmail On a new email waits (pending_email)
 * until the link mailed to it is followed; the old one stays the user's
 * until then.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "form.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/mail.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "core/validate.h"

#include <apr_strings.h>

#include <string.h>

#define TOO_LONG "Ensure this value has at most %d characters (it has %d)."

static const char *date_of(apr_pool_t *p, apr_time_t t)
{
    char buf[64];
    apr_time_exp_t x;
    apr_size_t n;

    if (t == 0) {
        return "";
    }
    apr_time_exp_gmt(&x, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%d %H:%M UTC", &x);
    return apr_pstrdup(p, buf);
}

/* A value's check against a field's rules; NULL when good. */
const char *acc_profile_value_check(apr_pool_t *p, const char *v, int required,
                                    int maxlength)
{
    apr_size_t n = acc_utf8_length(v);

    if (required && *v == '\0') {
        return N_("This field is required.");
    }
    if ((int)n > maxlength) {
        return apr_psprintf(p, TOO_LONG, maxlength, (int)n);
    }
    return NULL;
}

/* The site's fields for a template: a list of {name, label, value,
 * required, maxlength, errors}. */
acc_tval_t *acc_profile_fields_tval(request_rec *r, const acc_srv_cfg_t *cfg,
                                    apr_table_t *values, acc_errors_t *e,
                                    int registration)
{
    acc_tval_t *list = acc_tval_list(r->pool);
    static const char *const none[] = {NULL};
    int i;

    (void)none;
    for (i = 0; i < cfg->profile_fields->nelts; i++) {
        acc_profile_field_t *f =
            &APR_ARRAY_IDX(cfg->profile_fields, i, acc_profile_field_t);
        const char *names[2] = {f->name, NULL};
        const char *vals[1];
        acc_tval_t *form, *fv;

        if (registration && !f->on_register) {
            continue;
        }
        vals[0] = values ? apr_table_get(values, f->name) : NULL;
        form = acc_errors_form(r->pool, e, names, vals);
        fv = acc_tval_get(form, f->name);
        acc_tval_setstr(fv, "name", f->name);
        acc_tval_setstr(fv, "label", f->label);
        acc_tval_setbool(fv, "required", f->required);
        acc_tval_setstr(fv, "maxlength", apr_itoa(r->pool, f->maxlength));
        if (!vals[0]) {
            acc_tval_setstr(fv, "value", "");
        }
        acc_tval_push(list, fv);
    }
    return list;
}

/* Read the site's fields from the form into values, errors into e. */
void acc_profile_fields_read(acc_page_t *pg, apr_table_t *values,
                             acc_errors_t *e, int registration)
{
    request_rec *r = pg->r;
    int i;

    for (i = 0; i < pg->cfg->profile_fields->nelts; i++) {
        acc_profile_field_t *f =
            &APR_ARRAY_IDX(pg->cfg->profile_fields, i, acc_profile_field_t);
        const char *err, *v;

        if (registration && !f->on_register) {
            continue;
        }
        v = acc_form_value(pg->form, f->name, &err);
        if (err) {
            acc_errors_add(e, f->name, err);
            continue;
        }
        v = acc_strip(r->pool, v);
        apr_table_set(values, f->name, v);
        if ((err = acc_profile_value_check(r->pool, v, f->required,
                                           f->maxlength)) != NULL) {
            acc_errors_add(e, f->name, err);
        }
    }
}

static const char *const fields[] = {"first_name", "last_name", "email", NULL};

static int show(acc_page_t *pg, acc_user_t *u, apr_table_t *extra,
                acc_errors_t *e, const char **values)
{
    request_rec *r = pg->r;
    acc_tval_t *ctx = acc_render_context(r);
    acc_tval_t *pu = acc_tval_map(r->pool);
    const char *v[3];

    if (values == NULL) {
        v[0] = u->first_name;
        v[1] = u->last_name;
        v[2] = u->email;
        values = v;
    }
    acc_tval_setstr(pu, "username", u->username);
    acc_tval_setstr(pu, "email", u->email);
    acc_tval_setstr(pu, "first_name", u->first_name);
    acc_tval_setstr(pu, "last_name", u->last_name);
    acc_tval_setstr(pu, "date_joined", date_of(r->pool, u->date_joined));
    acc_tval_setstr(pu, "last_login", date_of(r->pool, u->last_login));
    acc_tval_setbool(pu, "email_verified", u->email_verified);
    acc_tval_setstr(pu, "pending_email", u->pending_email);
    acc_tval_set(ctx, "profile", pu);
    acc_tval_setbool(ctx, "require_verified", pg->cfg->require_verified);
    acc_tval_set(ctx, "form", acc_errors_form(r->pool, e, fields, values));
    acc_tval_set(ctx, "extra_fields",
                 acc_profile_fields_tval(r, pg->cfg, extra, e, 0));
    if (r->args && strcmp(r->args, "saved=1") == 0) {
        acc_tval_setbool(ctx, "saved", 1);
    }
    return acc_page_render(r, "profile.html", ctx, HTTP_OK);
}

int acc_page_profile(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *s = acc_session_peek(r);
    acc_errors_t *e = acc_errors_make(r);
    apr_table_t *extra = NULL;
    acc_user_t *u;
    const char *v[3], *err;
    const apr_array_header_t *arr;
    int i, changed_email;

    if (acc_user_by_id(pg->store, r->pool, s->user->id, &u) != ACC_STORE_OK ||
        acc_profile_get(pg->store, r->pool, u->id, &extra) != ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    if (pg->form == NULL) {
        return show(pg, u, extra, e, NULL);
    }
    for (i = 0; i < 3; i++) {
        v[i] = acc_form_value(pg->form, fields[i], &err);
        if (err) {
            acc_errors_add(e, fields[i], err);
            v[i] = "";
            continue;
        }
        v[i] = acc_strip(r->pool, v[i]);
        if (i < 2 && (err = acc_profile_value_check(r->pool, v[i], 0,
                                                    ACC_NAME_MAX)) != NULL) {
            acc_errors_add(e, fields[i], err);
        }
    }
    if (!acc_errors_any(e) || *v[2]) {
        if (*v[2] == '\0') {
            if (pg->cfg->require_verified) {
                acc_errors_add(e, "email", N_("This field is required."));
            }
        }
        else if ((err = acc_email_check(r->pool, v[2])) != NULL) {
            acc_errors_add(e, "email", err);
        }
    }
    acc_profile_fields_read(pg, extra, e, 0);
    if (acc_errors_any(e)) {
        return show(pg, u, extra, e, v);
    }
    if (acc_user_set_names(pg->store, r->pool, u->id, v[0], v[1]) !=
        ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    /* A new address (not only in case: "Alice@" and "alice@" reach the
     * same mailbox, and change nothing but how it is written). */
    changed_email = strcasecmp(v[2], u->email) != 0;
    if (pg->cfg->require_verified) {
        /* The old address stays until the new one is verified; the one
         * it has again withdraws a pending change. */
        if (!changed_email) {
            if (strcmp(v[2], u->email) != 0 && u->email_verified &&
                acc_user_verify(pg->store, r->pool, u->id, v[2]) ==
                    ACC_STORE_ERROR) {
                return acc_db_unavailable(r, ACC_DB_DOWN);
            }
            if (*u->pending_email &&
                acc_user_set_email(pg->store, r->pool, u->id, "", 1) !=
                    ACC_STORE_OK) {
                return acc_db_unavailable(r, ACC_DB_DOWN);
            }
        }
        else if (strcasecmp(v[2], u->pending_email) != 0) {
            if (acc_user_set_email(pg->store, r->pool, u->id, v[2], 1) !=
                    ACC_STORE_OK ||
                acc_mail_queue(r, pg->store, ACC_MAIL_VERIFY, v[2], u->id) !=
                    OK) {
                return acc_db_unavailable(r, ACC_DB_DOWN);
            }
        }
    }
    else if (strcmp(v[2], u->email) != 0) {
        /* Nobody verified the new address (it counts once
         * AccountsRequireVerifiedEmail is turned on). */
        if (acc_user_set_email(pg->store, r->pool, u->id, v[2], 0) !=
            ACC_STORE_OK) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
    }
    arr = apr_table_elts(extra);
    for (i = 0; i < arr->nelts; i++) {
        const apr_table_entry_t *t = &((apr_table_entry_t *)arr->elts)[i];
        if (acc_profile_set(pg->store, r->pool, u->id, t->key, t->val) !=
            ACC_STORE_OK) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
    }
    acc_audit(r, pg->store, "profile_change", u->username);
    return acc_see_other(r, apr_pstrcat(r->pool, acc_accounts_base(r),
                                        "profile/?saved=1", NULL));
}
