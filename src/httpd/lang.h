/*
 * src/httpd/lang.h -- the language of a request, as Django's
 * LocaleMiddleware chooses it: the django_language cookie, else the
 * Accept-Language header, else AccountsDefaultLanguage; among
 * AccountsLanguages (default: every language we carry, core/i18n.h).
 */
#ifndef ACC_LANG_H
#define ACC_LANG_H

#include "module.h"
#include "core/i18n.h"
#include "core/template/template.h"

/* Django's LANGUAGE_COOKIE_NAME. */
#define ACC_LANG_COOKIE "django_language"

/* Every language we carry, their plural rules parsed; and each host's
 * AccountsLanguages and AccountsDefaultLanguage checked against them.
 * At startup (post_config): OK, or an error logged. */
int acc_lang_init(apr_pool_t *pconf, server_rec *s);

/* The request's language (chosen once per request, subrequests share
 * it).  Never NULL. */
const acc_i18n_lang_t *acc_lang(request_rec *r);

/* The request's language's translation of msgid, of (msgid, plural) for
 * n. */
const char *acc_gettext(request_rec *r, const char *msgid);
const char *acc_ngettext(request_rec *r, const char *msgid, const char *plural,
                         unsigned long n);

/* The form of (msgid, plural) for n in the request's language, its
 * %(name)d the number n. */
const char *acc_ngettext_n(request_rec *r, const char *msgid,
                           const char *plural, long n, const char *name);

/* A page in the request's language says so: Content-Language, and Vary:
 * Accept-Language, Cookie. */
void acc_lang_headers(request_rec *r);

/* A translator for the template engine in the request's language. */
const acc_tpl_i18n_t *acc_lang_tpl(request_rec *r);

/* The language called code (English when it is none we have: "", NULL,
 * or one no longer carried), and a translator for it, in p: for work
 * done outside a request (mail). */
const acc_i18n_lang_t *acc_lang_of(const char *code);
const acc_tpl_i18n_t *acc_lang_tpl_of(apr_pool_t *p,
                                      const acc_i18n_lang_t *lang);

/* The configuration's language codes, for the directives' checks: 1
 * when code is a language we carry. */
int acc_lang_known(const char *code);

#endif /* ACC_LANG_H */
