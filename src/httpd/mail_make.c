/*
 * src/httpd/mail_make.c -- the sender's first half: a request in the
 * outbox becomes its messages (the users it names looked up, their tokens
 * made, the mail templates rendered, the text built by core/mailmsg.c).
 * The other half, delivering, is mail.c.
 */
#include "mail.h"
#include "lang.h"
#include "config.h"
#include "core/mailmsg.h"
#include "core/token.h"

#include <apr_strings.h>

#include <string.h>

/* A text value for a mail template: not HTML-escaped (mail is text). */
static void put(apr_pool_t *p, acc_tval_t *ctx, const char *k, const char *v)
{
    acc_tval_set(ctx, k, acc_tval_safe(p, v ? v : ""));
}

/* Render subject and body templates with ctx and queue the message to
 * u at address `to`. */
static void queue_message(server_rec *s, acc_store_t *st, apr_pool_t *p,
                          const acc_i18n_lang_t *lang, const acc_user_t *u,
                          const char *to, const char *subject_tpl,
                          const char *body_tpl, acc_tval_t *ctx)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    const char *subject = NULL, *body = NULL, *msg, *err = NULL;
    acc_tval_t *user = acc_tval_map(p);

    put(p, user, "username", u->username);
    /* for {% blocktranslate %}, which takes plain names */
    put(p, ctx, "username", u->username);
    put(p, user, "first_name", u->first_name);
    put(p, user, "last_name", u->last_name);
    put(p, user, "email", to);
    acc_tval_set(ctx, "user", user);
    put(p, ctx, "site_name", cfg->site_name);
    put(p, ctx, "email", to);
    const acc_tpl_i18n_t *tr = acc_lang_tpl_of(p, lang);

    if (acc_tpl_render_i18n(cfg->templates, subject_tpl, ctx, tr, p, &subject,
                            NULL) != APR_SUCCESS ||
        acc_tpl_render_i18n(cfg->templates, body_tpl, ctx, tr, p, &body,
                            NULL) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ACC_LOGNO(0201) "cannot render the mail templates "
                                     "%s and %s",
                     subject_tpl, body_tpl);
        return;
    }
    /* To: the bare address, as Django's PasswordResetForm sends it: the
     * names are the user's to choose, and stay out of the headers. */
    msg = acc_mail_build(p, cfg->mail_from, to, NULL, subject, body,
                         apr_time_now(), NULL, &err);
    if (msg == NULL) {
        /* An address Django's rules accept but we do not mail to (quoted
         * local parts, say): said once, here. */
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     ACC_LOGNO(0202) "no mail to user '%s': %s",
                     ap_escape_logitem(p, u->username), err ? err : "?");
        return;
    }
    if (acc_mail_message(st, p, cfg->mail_site, to, u->id,
                         acc_mail_header_text(p, "S", subject) ? subject : "",
                         msg) != ACC_STORE_OK) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ACC_LOGNO(0203) "cannot queue a message: %s",
                     acc_store_error(st, p));
    }
}

static const char *hours(apr_pool_t *p, const acc_i18n_lang_t *lang,
                         apr_int64_t secs)
{
    apr_int64_t h = secs / 3600, n;
    const char *fmt, *d;

    /* Django's own words for durations (its timesince), so that they
     * are in the mail's language. */
    if (h >= 48 && h % 24 == 0) {
        n = h / 24;
        fmt =
            acc_i18n_ngettext(lang, NP_("%d day", "%d days"), (unsigned long)n);
    }
    else if (h >= 1) {
        n = h;
        fmt = acc_i18n_ngettext(lang, NP_("%d hour", "%d hours"),
                                (unsigned long)n);
    }
    else {
        n = secs / 60 > 0 ? secs / 60 : 1;
        fmt = acc_i18n_ngettext(lang, NP_("%d minute", "%d minutes"),
                                (unsigned long)n);
    }
    /* The translation's one %d the number (no other conversion is
     * trusted to printf). */
    if ((d = strstr(fmt, "%d")) == NULL) {
        return fmt;
    }
    return apr_pstrcat(p, apr_pstrmemdup(p, fmt, (apr_size_t)(d - fmt)),
                       apr_psprintf(p, "%" APR_INT64_T_FMT, n), d + 2, NULL);
}

/* The address a user's verification link is for: the one waiting, else
 * the email if it is not verified yet; NULL when there is nothing to
 * verify. */
static const char *verify_target(const acc_user_t *u)
{
    if (u->pending_email && *u->pending_email) {
        return u->pending_email;
    }
    if (!u->email_verified && *u->email) {
        return u->email;
    }
    return NULL;
}

const char *acc_verify_extra(apr_pool_t *p, const acc_user_t *u)
{
    return apr_pstrcat(p, u->email_verified ? "1|" : "0|", u->email, NULL);
}

static void mail_verify(server_rec *s, acc_store_t *st, apr_pool_t *p,
                        const acc_i18n_lang_t *lang, const acc_user_t *u,
                        const char *base_url)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    const char *to = verify_target(u);
    acc_token_subject_t subj;
    acc_tval_t *ctx = acc_tval_map(p);
    const char *token, *uid;

    if (to == NULL || !u->is_active) {
        return;
    }
    memset(&subj, 0, sizeof(subj));
    subj.id = u->id;
    subj.email = to;
    subj.extra = acc_verify_extra(p, u);
    token = acc_token_make(p, ACC_TOKEN_SALT_VERIFY, cfg->secret_key,
                           cfg->secret_key_len, &subj,
                           acc_token_now(apr_time_now()));
    uid = acc_uidb64_encode(p, u->id);
    if (token == NULL || uid == NULL) {
        return;
    }
    put(p, ctx, "verify_url",
        apr_pstrcat(p, base_url, "verify/", uid, "/", token, "/", NULL));
    put(p, ctx, "expires", hours(p, lang, cfg->reset_timeout));
    queue_message(s, st, p, lang, u, to, "verify_subject.txt",
                  "verify_email.txt", ctx);
}

static void mail_reset(server_rec *s, acc_store_t *st, apr_pool_t *p,
                       const acc_i18n_lang_t *lang, const acc_user_t *u,
                       const char *base_url)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    acc_token_subject_t subj;
    acc_tval_t *ctx = acc_tval_map(p);
    const char *token, *uid;

    /* Django's get_users: active, with a usable password. */
    if (!u->is_active || u->password[0] == '\0' || u->password[0] == '!') {
        return;
    }
    memset(&subj, 0, sizeof(subj));
    subj.id = u->id;
    subj.password = u->password;
    subj.last_login = u->last_login;
    subj.email = u->email;
    /* Under the Django site's SECRET_KEY when there is one: Django's own
     * reset view takes the link then (live tables: the same user row). */
    token = acc_token_make(p, ACC_TOKEN_SALT_RESET,
                           cfg->django_key ? cfg->django_key : cfg->secret_key,
                           cfg->django_key ? cfg->django_key_len
                                           : cfg->secret_key_len,
                           &subj, acc_token_now(apr_time_now()));
    uid = acc_uidb64_encode(p, u->id);
    if (token == NULL || uid == NULL) {
        return;
    }
    put(p, ctx, "reset_url",
        apr_pstrcat(p, base_url, "password/reset/", uid, "/", token, "/",
                    NULL));
    put(p, ctx, "uid", uid);
    put(p, ctx, "token", token);
    put(p, ctx, "expires", hours(p, lang, cfg->reset_timeout));
    queue_message(s, st, p, lang, u, u->email, "password_reset_subject.txt",
                  "password_reset_email.txt", ctx);
}

/* A request becomes its messages (none when the address is nobody's):
 * OK, or HTTP_SERVICE_UNAVAILABLE when the users could not be read. */
int acc_mail_expand(server_rec *s, acc_store_t *st, apr_pool_t *p,
                    const acc_mail_row_t *m)
{
    apr_array_header_t *users = NULL;
    acc_user_t *u;
    int i, pass;
    /* In the language of the page that asked for it. */
    const acc_i18n_lang_t *lang = acc_lang_of(m->language);

    if (strcmp(m->kind, ACC_MAIL_VERIFY) == 0) {
        switch (acc_user_by_id(st, p, m->user_id, &u)) {
            case ACC_STORE_OK:
                if (verify_target(u) &&
                    strcasecmp(verify_target(u), m->recipient) == 0) {
                    mail_verify(s, st, p, lang, u, m->base_url);
                }
                return OK;
            case ACC_STORE_NOTFOUND:
                return OK;
            default:
                return HTTP_SERVICE_UNAVAILABLE;
        }
    }
    for (pass = 0; pass < 2; pass++) {
        /* A reset goes to users whose email it is; verification links
         * also to users for whom it is the address waiting. */
        if (pass == 1 && strcmp(m->kind, ACC_MAIL_RESEND) != 0) {
            break;
        }
        if (acc_user_by_email(st, p, m->recipient, pass, &users) !=
            ACC_STORE_OK) {
            return HTTP_SERVICE_UNAVAILABLE;
        }
        for (i = 0; i < users->nelts; i++) {
            u = APR_ARRAY_IDX(users, i, acc_user_t *);
            if (strcmp(m->kind, ACC_MAIL_RESET) == 0) {
                mail_reset(s, st, p, lang, u, m->base_url);
            }
            else if (strcasecmp(verify_target(u) ? verify_target(u) : "",
                                m->recipient) == 0) {
                mail_verify(s, st, p, lang, u, m->base_url);
            }
        }
    }
    return OK;
}
