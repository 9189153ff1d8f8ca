/*
 * src/web/handler.h -- the `accounts` handler: dispatch to one file per page.
 */
#ifndef ACC_HANDLER_H
#define ACC_HANDLER_H

#include "httpd/module.h"
#include "httpd/config.h"
#include "store/store.h"
#include "core/template/template.h"

/* What a page gets: the request, its configuration, the store (already
 * checked) and the parsed form of a POST (CSRF already verified).  The
 * store is the database connection the request holds; a page that waits
 * for something else (a password hash slot) gives it back first with
 * acc_page_release and takes one again with acc_page_store. */
typedef struct {
    request_rec *r;
    acc_srv_cfg_t *cfg;
    acc_store_t *store;       /* NULL while the page holds no connection */
    apr_array_header_t *form; /* NULL for GET/HEAD */
    apr_array_header_t *args; /* the path's "*" segments (const char *) */
} acc_page_t;

/* Form errors, as pages collect them: field name -> list of messages. */
typedef struct acc_errors acc_errors_t;

/* The handler hook. */
int acc_handler(request_rec *r);

/* acc_render for a page with a form: its context gets the CSRF token the
 * form carries.  Returns like acc_render. */
int acc_page_render(request_rec *r, const char *name, acc_tval_t *ctx,
                    int status);

/* Give the page's database connection back (pg->store becomes NULL). */
void acc_page_release(acc_page_t *pg);

/* Take a database connection for the page again: 1 with pg->store set;
 * else 0, with the 503 page sent and *rc what the page returns. */
int acc_page_store(acc_page_t *pg, int *rc);

/* Answer 303 See Other to url (relative or absolute). */
int acc_see_other(request_rec *r, const char *url);

/* The safe `next` of this request (POST field, else query), or NULL. */
const char *acc_next_param(request_rec *r, const apr_array_header_t *form);

/* Pages: each handles GET (render) and POST (validate, act). */
int acc_page_register(acc_page_t *pg);
int acc_page_login(acc_page_t *pg);
int acc_page_logout(acc_page_t *pg);
int acc_page_profile(acc_page_t *pg);
int acc_page_sessions(acc_page_t *pg);
int acc_page_password_change(acc_page_t *pg);
int acc_page_password_change_done(acc_page_t *pg);
int acc_page_password_reset(acc_page_t *pg);
int acc_page_password_reset_done(acc_page_t *pg);
int acc_page_password_reset_complete(acc_page_t *pg);
int acc_page_password_reset_link(acc_page_t *pg);
int acc_page_password_reset_set(acc_page_t *pg);
int acc_page_verify(acc_page_t *pg);
int acc_page_verify_resend(acc_page_t *pg);
int acc_page_verify_sent(acc_page_t *pg);
int acc_page_mfa(acc_page_t *pg);
int acc_page_mfa_qr(acc_page_t *pg);
int acc_page_mfa_recovery(acc_page_t *pg);
int acc_page_mfa_disable(acc_page_t *pg);
int acc_page_login_mfa(acc_page_t *pg);

/* The form of a page that asks for mail by address (a password reset, a
 * verification link again): field email; the same answer -- 303 to the
 * page `done` (relative to the accounts pages) -- whether or not the
 * address is anyone's, after one request queued (none once the address
 * had AccountsThrottleMail's first number of them this hour); 429 when
 * this client asked too often.  event names the audit entry. */
int acc_page_mail_request(acc_page_t *pg, const char *kind, const char *tpl,
                          const char *done, const char *event);

/* Check new_password1 and new_password2 of a POST for user u (Django's
 * SetPasswordForm: required, equal, the validators): errors into e; *pw
 * the new password when it passed, else NULL. */
void acc_new_password_check(acc_page_t *pg, acc_errors_t *e,
                            const acc_user_t *u, const char **pw);

/* The "form" value of a page that sets a password (fields: its password
 * fields, new_password1 among them, NULL-ended): errors from e, the
 * password rules' help on new_password1; the form's passwords wiped. */
acc_tval_t *acc_password_form(acc_page_t *pg, acc_errors_t *e,
                              const char *const *fields);

/* Overwrite every password field of the page's form. */
void acc_page_wipe_passwords(acc_page_t *pg);

/* Check a mailed link's uidb64 and token under salt (token.h) against
 * the user as stored now: OK with *u the user when it holds, NULL when
 * not (bad, expired, used, unknown uid); else the 503 page's status. */
int acc_page_token_check(acc_page_t *pg, const char *salt, const char *uidb64,
                         const char *token, apr_int64_t timeout,
                         acc_user_t **u);

/* The site's profile fields (AccountsProfileField; with registration,
 * those marked register): their check, their template value, and
 * reading them from the form into values (errors into e). */
const char *acc_profile_value_check(apr_pool_t *p, const char *v, int required,
                                    int maxlength);
acc_tval_t *acc_profile_fields_tval(request_rec *r, const acc_srv_cfg_t *cfg,
                                    apr_table_t *values, acc_errors_t *e,
                                    int registration);
void acc_profile_fields_read(acc_page_t *pg, apr_table_t *values,
                             acc_errors_t *e, int registration);

/* A page that only shows a template (a "done" page): GET renders it with
 * the common context. */
int acc_page_plain(acc_page_t *pg, const char *tpl);

/* Errors for r's form, said in r's language: acc_errors_add translates
 * each message (an English msgid; N_ marks them). */
acc_errors_t *acc_errors_make(request_rec *r);
void acc_errors_add(acc_errors_t *e, const char *field, const char *msg);
int acc_errors_any(const acc_errors_t *e);
const apr_array_header_t *acc_errors_all(const acc_errors_t *e);
/* The template's "form" value: for each field name in fields (NULL-ended),
 * {value (unless it is a password: values may be NULL), errors}, plus
 * "errors" (every message, for the summary) and "non_field_errors" (the
 * field "__all__"). */
acc_tval_t *acc_errors_form(apr_pool_t *p, const acc_errors_t *e,
                            const char *const *fields, const char **values);

/* A list value of messages for a template (const char * array). */
acc_tval_t *acc_tval_messages(apr_pool_t *p, const apr_array_header_t *msgs);

#endif /* ACC_HANDLER_H */
