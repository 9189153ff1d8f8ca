/*
 * src/throttle.c -- failed-login and registration throttling, and the
 * audit trail of authentication events.
 */
#include "throttle.h"
#include "config.h"

#include <apr_strings.h>

#include <string.h>

/* Failures of a username are forgotten a day after the last one (or at
 * its next successful login); a registration window is an hour. */
#define USER_FORGET     86400
#define REGISTER_WINDOW 3600

static const char *address(request_rec *r)
{
    return r->useragent_ip ? r->useragent_ip : "";
}

/* A username's throttle key: its case-folded form, cut (at a character
 * boundary) to the 600 bytes a real user's key fits in, so that an
 * overlong name typed into the form is counted rather than refused by the
 * column. */
static const char *user_throttle_key(apr_pool_t *p, const char *key)
{
    apr_size_t n = strlen(key);

    if (n <= 600) {
        return key;
    }
    n = 600;
    while (n > 0 && (key[n] & 0xC0) == 0x80) {
        n--;
    }
    return apr_pstrndup(p, key, n);
}

int acc_throttle_login_claim(request_rec *r, acc_store_t *st,
                             const char *user_key)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    int wait = 0, known = 0;

    user_key = user_throttle_key(r->pool, user_key);

    if (c->throttle_addr > 0 &&
        acc_throttle_try(st, r->pool, "addr", address(r),
                         c->throttle_addr_window, c->throttle_addr,
                         c->throttle_max_delay, &wait) != ACC_STORE_OK) {
        goto fail;
    }
    if (wait > 0 || c->throttle_user == 0) {
        return wait;
    }
    /* An address that logged this user in before is not held back by
     * failures from elsewhere (nor counted against the username). */
    if (acc_address_is_known(st, r->pool, user_key, address(r), &known) !=
        ACC_STORE_OK) {
        goto fail;
    }
    if (known) {
        return 0;
    }
    if (acc_throttle_try(st, r->pool, "user", user_key, USER_FORGET,
                         c->throttle_user, c->throttle_max_delay,
                         &wait) != ACC_STORE_OK) {
        goto fail;
    }
    if (wait > 0 && c->throttle_addr > 0) {
        /* Refused for the username: this attempt will not happen. */
        acc_throttle_release(st, r->pool, "addr", address(r), c->throttle_addr);
    }
    return wait;

fail:
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                  ACC_LOGNO(0090) "cannot read the login throttle: %s",
                  acc_store_error(st, r->pool));
    return -1;
}

void acc_throttle_login_ok(request_rec *r, acc_store_t *st,
                           const char *user_key, apr_int64_t user_id)
{
    acc_srv_cfg_t *c = acc_srv(r->server);

    if (c->throttle_user > 0) {
        acc_throttle_reset(st, r->pool, "user",
                           user_throttle_key(r->pool, user_key));
    }
    if (c->throttle_addr > 0) {
        acc_throttle_release(st, r->pool, "addr", address(r), c->throttle_addr);
    }
    acc_address_known(st, r->pool, user_id, address(r));
}

int acc_throttle_register_claim(request_rec *r, acc_store_t *st)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    int wait = 0;

    if (c->throttle_register == 0) {
        return 0;
    }
    if (acc_throttle_try_window(st, r->pool, "reg", address(r), REGISTER_WINDOW,
                                c->throttle_register, &wait) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0094) "cannot count a registration: %s",
                      acc_store_error(st, r->pool));
        return -1;
    }
    return wait;
}

void acc_throttle_register_release(request_rec *r, acc_store_t *st)
{
    acc_srv_cfg_t *c = acc_srv(r->server);

    if (c->throttle_register > 0) {
        acc_throttle_release(st, r->pool, "reg", address(r),
                             c->throttle_register);
    }
}

void acc_retry_after(request_rec *r, int seconds)
{
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_itoa(r->pool, seconds > 0 ? seconds : 1));
}

/* At most max characters of s (valid UTF-8 in, valid UTF-8 out). */
static const char *clip(apr_pool_t *p, const char *s, apr_size_t max)
{
    apr_size_t i = 0, chars = 0;

    while (s[i] && chars < max) {
        i++;
        while ((s[i] & 0xC0) == 0x80) {
            i++;
        }
        chars++;
    }
    return s[i] ? apr_pstrndup(p, s, i) : s;
}

void acc_audit(request_rec *r, acc_store_t *st, const char *event,
               const char *username)
{
    const char *ua = apr_table_get(r->headers_in, "User-Agent");

    /* The user agent is anything a client sent: escaped to printable
     * ASCII (the column is text in UTF-8) and cut. */
    ua = ua ? clip(r->pool, ap_escape_logitem(r->pool, ua), 512) : "";
    if (acc_audit_add(st, r->pool, event,
                      username ? clip(r->pool, username, 150) : "", address(r),
                      ua) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ACC_LOGNO(0093) "cannot record a %s event: %s", event,
                      acc_store_error(st, r->pool));
    }
}
