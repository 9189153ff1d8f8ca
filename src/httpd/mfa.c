/*
 * src/httpd/mfa.c -- the second factor's cookies and keys (see mfa.h).
 */
#include "mfa.h"
#include "config.h"
#include "session.h"
#include "core/cookie.h"

#include <apr_strings.h>

#include <string.h>

#define KIND_PENDING "pending"
#define KIND_TRUST   "trust"

/* The secret key (which 0) or a fallback (which - 1): 0, or -1 past
 * the last. */
static int key_of(const acc_srv_cfg_t *c, int which, const unsigned char **k,
                  apr_size_t *len)
{
    if (which == 0) {
        *k = c->secret_key;
        *len = c->secret_key_len;
        return c->secret_key ? 0 : -1;
    }
    if (c->fallback_keys == NULL || which > c->fallback_keys->nelts) {
        return -1;
    }
    *k = APR_ARRAY_IDX(c->fallback_keys, which - 1, acc_key_t).bytes;
    *len = APR_ARRAY_IDX(c->fallback_keys, which - 1, acc_key_t).len;
    return 0;
}

/* The last cookie of that name, or NULL. */
static const char *cookie(request_rec *r, const char *name)
{
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_array_header_t *all;

    if (header == NULL) {
        return NULL;
    }
    all = acc_cookie_get_all(r->pool, header, name);
    return all && all->nelts ? APR_ARRAY_IDX(all, all->nelts - 1, const char *)
                             : NULL;
}

static const char *trust_bind(request_rec *r, const acc_user_t *u,
                              apr_time_t created)
{
    return apr_psprintf(r->pool, "%s|%" APR_INT64_T_FMT, u->password,
                        (apr_int64_t)apr_time_sec(created));
}

void acc_mfa_pending_set(request_rec *r, const acc_user_t *u, int remember)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *t = acc_mfa_ticket_make(
        r->pool, c->secret_key, c->secret_key_len, KIND_PENDING, u->id,
        (apr_int64_t)apr_time_sec(apr_time_now()), remember ? 1 : 0,
        u->password);

    acc_set_cookie(r, ACC_MFA_PENDING_COOKIE, t, ACC_MFA_PENDING_SECONDS);
}

/* The pending ticket's numbers when its shape and age are right. */
static const char *pending(request_rec *r, apr_int64_t *uid, int *flags)
{
    const char *t = cookie(r, ACC_MFA_PENDING_COOKIE);
    apr_int64_t issued, now = (apr_int64_t)apr_time_sec(apr_time_now());

    if (t == NULL || acc_mfa_ticket_parse(t, uid, &issued, flags) != 0 ||
        issued > now + 60 || now - issued > ACC_MFA_PENDING_SECONDS) {
        return NULL;
    }
    return t;
}

apr_int64_t acc_mfa_pending_user(request_rec *r)
{
    apr_int64_t uid;
    int flags;

    return pending(r, &uid, &flags) ? uid : 0;
}

int acc_mfa_pending_valid(request_rec *r, const acc_user_t *u, int *remember)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    apr_int64_t uid;
    int flags;
    const char *t = pending(r, &uid, &flags);

    if (t == NULL || uid != u->id ||
        !acc_mfa_ticket_check(r->pool, c->secret_key, c->secret_key_len,
                              KIND_PENDING, t, u->password)) {
        return 0;
    }
    *remember = flags & 1;
    return 1;
}

void acc_mfa_pending_clear(request_rec *r)
{
    acc_set_cookie(r, ACC_MFA_PENDING_COOKIE, "", -1);
}

int acc_mfa_trusted(request_rec *r, const acc_user_t *u, apr_time_t created)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *t = cookie(r, ACC_MFA_TRUST_COOKIE), *bind;
    apr_int64_t uid, issued, now = (apr_int64_t)apr_time_sec(apr_time_now());
    const unsigned char *k;
    apr_size_t klen;
    int flags, i;

    if (c->mfa_remember_days <= 0 || t == NULL ||
        acc_mfa_ticket_parse(t, &uid, &issued, &flags) != 0 || uid != u->id ||
        issued > now + 60 ||
        now - issued > (apr_int64_t)c->mfa_remember_days * 86400) {
        return 0;
    }
    bind = trust_bind(r, u, created);
    for (i = 0; key_of(c, i, &k, &klen) == 0; i++) {
        if (acc_mfa_ticket_check(r->pool, k, klen, KIND_TRUST, t, bind)) {
            return 1;
        }
    }
    return 0;
}

void acc_mfa_trust_set(request_rec *r, const acc_user_t *u, apr_time_t created)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *t;

    if (c->mfa_remember_days <= 0) {
        return;
    }
    t = acc_mfa_ticket_make(r->pool, c->secret_key, c->secret_key_len,
                            KIND_TRUST, u->id,
                            (apr_int64_t)apr_time_sec(apr_time_now()), 0,
                            trust_bind(r, u, created));
    acc_set_cookie(r, ACC_MFA_TRUST_COOKIE, t,
                   (apr_int64_t)c->mfa_remember_days * 86400);
}

const char *acc_mfa_seal_secret(request_rec *r, apr_int64_t uid,
                                const unsigned char *key, apr_size_t len)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    unsigned char seal[ACC_MFA_KEY_LEN], codes[ACC_MFA_KEY_LEN];

    acc_mfa_keys(r->pool, c->secret_key, c->secret_key_len, seal, codes);
    return acc_mfa_seal(r->pool, seal, key, len,
                        apr_off_t_toa(r->pool, (apr_off_t)uid));
}

int acc_mfa_open_secret(request_rec *r, apr_int64_t uid, const char *sealed,
                        unsigned char key[ACC_TOTP_SECRET_LEN])
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    unsigned char seal[ACC_MFA_KEY_LEN], codes[ACC_MFA_KEY_LEN];
    const char *aad = apr_off_t_toa(r->pool, (apr_off_t)uid);
    const unsigned char *k;
    apr_size_t klen, n = 0;
    int i;

    for (i = 0; key_of(c, i, &k, &klen) == 0; i++) {
        acc_mfa_keys(r->pool, k, klen, seal, codes);
        if (acc_mfa_open(r->pool, seal, sealed, aad, key, ACC_TOTP_SECRET_LEN,
                         &n) == 0 &&
            n == ACC_TOTP_SECRET_LEN) {
            return 0;
        }
    }
    ap_log_rerror(
        APLOG_MARK, APLOG_ERR, 0, r,
        ACC_LOGNO(0240) "the second factor's secret of user %" APR_INT64_T_FMT
                        " does not open under the "
                        "secret key or its fallbacks (the key "
                        "changed without AccountsSecretKeyFallbacks, "
                        "or the row was altered): the user cannot "
                        "pass it; 'accountsctl mfa-reset' removes it",
        uid);
    return -1;
}

const char *acc_mfa_code_hash(request_rec *r, const char *typed, int which)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    unsigned char seal[ACC_MFA_KEY_LEN], codes[ACC_MFA_KEY_LEN];
    const unsigned char *k;
    apr_size_t klen;

    if (key_of(c, which, &k, &klen) != 0) {
        return NULL;
    }
    acc_mfa_keys(r->pool, k, klen, seal, codes);
    return acc_recovery_code_hash(r->pool, codes, typed);
}
