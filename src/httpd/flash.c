/*
 * src/httpd/flash.c -- one-time messages in a signed, short-lived cookie.
 */
#include "flash.h"
#include "lang.h"
#include "config.h"
#include "core/cookie.h"
#include "core/device.h"
#include "session.h"

#include <apr_strings.h>

#include <string.h>

#define COOKIE  "accounts_msg"
#define MAX_AGE 60

static const struct {
    const char *code, *text;
} messages[] = {
    {ACC_FLASH_REGISTERED,
     N_("Your account has been created. You can log in now.")},
    {ACC_FLASH_LOGGED_OUT, N_("You have been logged out.")},
};

static const char *text_of(const char *code)
{
    apr_size_t i;

    for (i = 0; i < sizeof(messages) / sizeof(messages[0]); i++) {
        if (strcmp(messages[i].code, code) == 0) {
            return messages[i].text;
        }
    }
    return NULL;
}

void acc_flash(request_rec *r, const char *code)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *tok = acc_device_token(
        r->pool, c->secret_key, c->secret_key_len,
        apr_pstrcat(r->pool, "flash:", code, NULL), apr_time_now());

    if (tok) {
        acc_set_cookie(r, COOKIE, apr_pstrcat(r->pool, code, ".", tok, NULL),
                       MAX_AGE);
    }
}

const char *acc_flash_take(request_rec *r)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_array_header_t *all;
    const char *v, *dot, *code, *nonce;

    if (header == NULL) {
        return NULL;
    }
    all = acc_cookie_get_all(r->pool, header, COOKIE);
    if (all->nelts == 0) {
        return NULL;
    }
    acc_set_cookie(r, COOKIE, "", -1);
    v = APR_ARRAY_IDX(all, 0, const char *);
    dot = strchr(v, '.');
    if (dot == NULL) {
        return NULL;
    }
    code = apr_pstrmemdup(r->pool, v, (apr_size_t)(dot - v));
    if (text_of(code) == NULL ||
        !acc_device_check(r->pool, dot + 1, c->secret_key, c->secret_key_len,
                          apr_pstrcat(r->pool, "flash:", code, NULL),
                          apr_time_now(), MAX_AGE, &nonce)) {
        return NULL;
    }
    return acc_gettext(r, text_of(code));
}
