/*
 * src/httpd/throttle.c -- failed-login and registration throttling.
 */
#include "throttle.h"
#include "lang.h"
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
                                  apr_int64_t id, apr_int64_t joined)
{
    return apr_psprintf(r->pool, "%s\n%" APR_INT64_T_FMT "\n%" APR_INT64_T_FMT,
                        user_key, id, joined);
}

/* A number of at most 18 digits at *s, up to a dot; *s moves past the
 * dot.  -1 when there is none. */
static apr_int64_t number_dot(const char **s)
{
    const char *c = *s;
    apr_int64_t n = 0;

    if (*c < '0' || *c > '9') {
        return -1;
    }
    for (; *c >= '0' && *c <= '9'; c++) {
        if (c - *s >= 18) {
            return -1;
        }
        n = n * 10 + (*c - '0');
    }
    if (*c != '.') {
        return -1;
    }
    *s = c + 1;
    return n;
}

/* This browser's device token for user_key: the cookie is
 * "<user id>.<join time>.<token>" (device.h's token, signed for the
 * username key, the id and the join time), so that it is checked here and
 * the database, in the same call that reads the user, only compares the
 * id and join time with the user's.  1 and the nonce, id and join time
 * when one is good. */
static int trusted_device(request_rec *r, const char *user_key,
                          const char **nonce, apr_int64_t *id,
                          apr_int64_t *joined)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_array_header_t *all;
    int i;

    if (header == NULL) {
        return 0;
    }
    all = acc_cookie_get_all(r->pool, header, device_cookie_name(r));
    for (i = 0; i < all->nelts; i++) {
        const char *v = APR_ARRAY_IDX(all, i, const char *);
        apr_int64_t uid = number_dot(&v), t = uid < 0 ? -1 : number_dot(&v);
        if (t < 0) {
            continue;
        }
        if (acc_device_check(r->pool, v, c->secret_key, c->secret_key_len,
                             device_subject(r, user_key, uid, t),
                             apr_time_now(), DEVICE_MAX_AGE, nonce)) {
            *id = uid;
            *joined = t;
            return 1;
        }
    }
    return 0;
}

int acc_throttle_login_begin(request_rec *r, acc_store_t *st,
                             const char *username, const char *user_key,
                             acc_user_t **u)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    acc_login_claim_t claim;
    int wait = 0, by_device = 0;

    memset(&claim, 0, sizeof(claim));
    claim.username = username;
    claim.addr = address(r);
    claim.addr_forget = c->throttle_addr_window;
    claim.addr_free = c->throttle_addr;
    claim.user_key = user_throttle_key(r->pool, user_key);
    claim.user_forget = USER_FORGET;
    claim.user_free = c->throttle_user;
    claim.max_delay = c->throttle_max_delay;
    /* A browser that logged this user in before is judged by its own
     * failures, not the username's: whoever guesses the password
     * elsewhere -- behind the same NAT included -- cannot lock the user
     * out of their own browser. */
    if (c->throttle_user == 0 ||
        !trusted_device(r, claim.user_key, &claim.device, &claim.device_user,
                        &claim.device_joined)) {
        claim.device = "";
    }
    if (acc_login_begin(st, r->pool, &claim, &wait, &by_device, u) !=
        ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0090) "cannot read the user and the login "
                                      "throttle: %s",
                      acc_store_error(st, r->pool));
        *u = NULL;
        return -1;
    }
    if (by_device) {
        apr_table_setn(r->notes, DEVICE_NOTE, claim.device);
    }
    return wait;
}

void acc_throttle_login_ok_keys(request_rec *r, const char *user_key,
                                acc_login_done_t *d)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *device = apr_table_get(r->notes, DEVICE_NOTE);

    /* The address's attempt is taken back, and the count this attempt was
     * judged by starts again (a device's own, or the username's); the
     * other one is not this browser's to clear. */
    d->addr = address(r);
    d->addr_free = c->throttle_addr;
    d->kind = c->throttle_user > 0 ? (device ? "device" : "user") : "";
    d->key = device ? device : user_throttle_key(r->pool, user_key);
}

void acc_throttle_device_renew(request_rec *r, const char *user_key,
                               const acc_user_t *u)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *token;

    user_key = user_throttle_key(r->pool, user_key);
    /* This browser now has logged the user in: a fresh token. */
    token = acc_device_token(
        r->pool, c->secret_key, c->secret_key_len,
        device_subject(r, user_key, u->id, apr_time_sec(u->date_joined)),
        apr_time_now());
    if (token) {
        acc_set_cookie(
            r, device_cookie_name(r),
            apr_psprintf(r->pool,
                         "%" APR_INT64_T_FMT ".%" APR_INT64_T_FMT ".%s", u->id,
                         (apr_int64_t)apr_time_sec(u->date_joined), token),
            DEVICE_MAX_AGE);
    }
}

void acc_throttle_login_ok(request_rec *r, acc_store_t *st,
                           const char *user_key, const acc_user_t *u)
{
    acc_login_done_t d;

    acc_throttle_login_ok_keys(r, user_key, &d);
    /* In the order the claim locked them (the address's row, then the
     * other), so that two logins at once cannot deadlock. */
    if (d.addr_free > 0) {
        acc_throttle_release(st, r->pool, "addr", d.addr, d.addr_free);
    }
    if (*d.kind) {
        acc_throttle_reset(st, r->pool, d.kind, d.key);
    }
    acc_throttle_device_renew(r, user_key, u);
}

int acc_throttle_register_begin(request_rec *r, acc_store_t *st,
                                const char *key, int *taken)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    int wait = 0;

    if (acc_register_begin(st, r->pool, address(r), REGISTER_WINDOW,
                           c->throttle_register, key, &wait,
                           taken) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0094) "cannot count a registration: %s",
                      acc_store_error(st, r->pool));
        return -1;
    }
    return wait;
}

const char *acc_throttle_message(request_rec *r, int wait)
{
    return acc_ngettext_n(
        r,
        NP_("Too many failed login attempts. Please try again in "
            "%(seconds)d second.",
            "Too many failed login attempts. Please try again in "
            "%(seconds)d seconds."),
        wait, "seconds");
}

void acc_retry_after(request_rec *r, int seconds)
{
    apr_table_setn(r->err_headers_out, "Retry-After",
                   apr_itoa(r->pool, seconds > 0 ? seconds : 1));
}
