/*
 * src/httpd/throttle.c -- failed-login and registration throttling.
 */
#include "throttle.h"
#include "config.h"
#include "core/cookie.h"
#include "core/device.h"
#include "session.h"

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

/* How long a browser's device token stays good (it is renewed at each
 * login). */
#define DEVICE_MAX_AGE (365 * 86400)
#define DEVICE_COOKIE  "accounts_device"
#define DEVICE_NOTE    "mod_accounts:device"

static const char *device_cookie_name(request_rec *r)
{
    return acc_cookie_secure(r) ? "__Host-" DEVICE_COOKIE : DEVICE_COOKIE;
}

/* Who a device token is for: one account -- the username, and the id and
 * join time that tell this account from an earlier one of the same name
 * (deleted, then registered again by someone else) or from one of
 * another site's database under the same key. */
static const char *device_subject(request_rec *r, const char *user_key,
                                  const acc_user_t *u)
{
    return apr_psprintf(r->pool, "%s\n%" APR_INT64_T_FMT "\n%" APR_TIME_T_FMT,
                        user_key, u->id, apr_time_sec(u->date_joined));
}

/* The nonce of this browser's device token for the account, or NULL. */
static const char *trusted_device(request_rec *r, const char *subject)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_array_header_t *all;
    const char *nonce;
    int i;

    if (header == NULL) {
        return NULL;
    }
    all = acc_cookie_get_all(r->pool, header, device_cookie_name(r));
    for (i = 0; i < all->nelts; i++) {
        if (acc_device_check(r->pool, APR_ARRAY_IDX(all, i, const char *),
                             c->secret_key, c->secret_key_len, subject,
                             apr_time_now(), DEVICE_MAX_AGE, &nonce)) {
            return nonce;
        }
    }
    return NULL;
}

int acc_throttle_login_claim(request_rec *r, acc_store_t *st,
                             const char *user_key, const acc_user_t *u)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *device;
    int wait = 0;

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
    /* A browser that logged this user in before is judged by its own
     * failures, not the username's: whoever guesses the password
     * elsewhere -- behind the same NAT included -- cannot lock the user
     * out of their own browser. */
    device = u ? trusted_device(r, device_subject(r, user_key, u)) : NULL;
    if (device) {
        apr_table_setn(r->notes, DEVICE_NOTE, device);
    }
    if (acc_throttle_try(st, r->pool, device ? "device" : "user",
                         device ? device : user_key, USER_FORGET,
                         c->throttle_user, c->throttle_max_delay,
                         &wait) != ACC_STORE_OK) {
        goto fail;
    }
    if (wait > 0 && c->throttle_addr > 0) {
        /* Refused: this attempt will not happen. */
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
                           const char *user_key, const acc_user_t *u)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *device = apr_table_get(r->notes, DEVICE_NOTE);
    const char *token;

    user_key = user_throttle_key(r->pool, user_key);
    /* The count this attempt was judged by starts again (a device's own,
     * or the username's); the other one is not this browser's to clear. */
    if (c->throttle_user > 0) {
        acc_throttle_reset(st, r->pool, device ? "device" : "user",
                           device ? device : user_key);
    }
    if (c->throttle_addr > 0) {
        acc_throttle_release(st, r->pool, "addr", address(r), c->throttle_addr);
    }
    /* This browser now has logged the user in: a fresh token. */
    token = acc_device_token(r->pool, c->secret_key, c->secret_key_len,
                             device_subject(r, user_key, u), apr_time_now());
    if (token) {
        acc_set_cookie(r, device_cookie_name(r), token, DEVICE_MAX_AGE);
    }
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

void acc_retry_after(request_rec *r, int seconds)
{
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_itoa(r->pool, seconds > 0 ? seconds : 1));
}
