/*
 * src/core/sessrec.c -- a session lookup's answer as bytes, for the session
 * cache.
 *
 * Layout: a magic ("acs2" signed, "acu2" unsigned), then the
 * NUL-terminated fields in the order of the enum below, then, when
 * signed, 32 bytes of HMAC-SHA256(secret, klen (4 bytes, big-endian) |
 * key | everything before the MAC).  Text fields come from PostgreSQL
 * text columns, which never hold a NUL; numbers are decimal; times are
 * whole seconds since the epoch.
 */
#include "sessrec.h"
#include "crypto.h"

#include <apr_crypto.h>

#include <string.h>

#define MAGIC          "acs3"
#define MAGIC_UNSIGNED "acu3"

enum {
    F_ID,
    F_USERNAME,
    F_EMAIL,
    F_FIRST,
    F_LAST,
    F_ACTIVE,
    F_STAFF,
    F_SUPER,
    F_JOINED,
    F_LAST_LOGIN,
    F_CREATED,
    F_LAST_SEEN,
    F_EXPIRES,
    F_GROUPS,
    F_PERMS,
    F_MFA,
    F_MFA_AT,
    F_UNTIL,   /* the entry is trusted until then (microseconds) */
    F_READ_AT, /* when the store was asked (monotonic microseconds) */
    F_COUNT
};

/* MAC over (klen, key, body). */
static void sign(apr_pool_t *p, const unsigned char *secret,
                 apr_size_t secret_len, const unsigned char *key,
                 apr_size_t klen, const unsigned char *body, apr_size_t blen,
                 unsigned char out[ACC_SHA256_LEN])
{
    unsigned char *msg = apr_palloc(p, 4 + klen + blen);

    msg[0] = (unsigned char)(klen >> 24);
    msg[1] = (unsigned char)(klen >> 16);
    msg[2] = (unsigned char)(klen >> 8);
    msg[3] = (unsigned char)klen;
    memcpy(msg + 4, key, klen);
    memcpy(msg + 4 + klen, body, blen);
    acc_hmac_sha256(secret, secret_len, msg, 4 + klen + blen, out);
}

static const char *str_or_empty(const char *s)
{
    return s ? s : "";
}

unsigned char *acc_sessrec_encode(apr_pool_t *p, const acc_session_row_t *row,
                                  apr_time_t until, const unsigned char *secret,
                                  apr_size_t secret_len,
                                  const unsigned char *key, apr_size_t klen,
                                  apr_size_t *len)
{
    const acc_user_t *u = &row->user;
    const char *f[F_COUNT];
    apr_size_t n = ACC_SLEN(MAGIC), i, mac_len;
    unsigned char *buf, *o;

    f[F_ID] = apr_off_t_toa(p, (apr_off_t)u->id);
    f[F_USERNAME] = str_or_empty(u->username);
    f[F_EMAIL] = str_or_empty(u->email);
    f[F_FIRST] = str_or_empty(u->first_name);
    f[F_LAST] = str_or_empty(u->last_name);
    f[F_ACTIVE] = u->is_active ? "1" : "0";
    f[F_STAFF] = u->is_staff ? "1" : "0";
    f[F_SUPER] = u->is_superuser ? "1" : "0";
    f[F_JOINED] = apr_off_t_toa(p, (apr_off_t)apr_time_sec(u->date_joined));
    f[F_LAST_LOGIN] = apr_off_t_toa(p, (apr_off_t)apr_time_sec(u->last_login));
    f[F_CREATED] = apr_off_t_toa(p, (apr_off_t)apr_time_sec(row->created));
    f[F_LAST_SEEN] = apr_off_t_toa(p, (apr_off_t)apr_time_sec(row->last_seen));
    f[F_EXPIRES] = apr_off_t_toa(p, (apr_off_t)apr_time_sec(row->expires));
    f[F_GROUPS] = str_or_empty(row->groups);
    f[F_PERMS] = str_or_empty(row->perms);
    f[F_MFA] = row->mfa ? "1" : "0";
    f[F_MFA_AT] = apr_off_t_toa(p, (apr_off_t)apr_time_sec(row->mfa_at));
    f[F_UNTIL] = apr_off_t_toa(p, (apr_off_t)until);
    f[F_READ_AT] = apr_off_t_toa(p, (apr_off_t)row->read_at);

    if (f[F_USERNAME][0] == '\0') {
        return NULL; /* no such user; decoding would refuse it */
    }
    for (i = 0; i < F_COUNT; i++) {
        n += strlen(f[i]) + 1;
    }
    mac_len = secret ? ACC_SHA256_LEN : 0;
    if (n + mac_len > ACC_SESSREC_MAX) {
        return NULL;
    }
    o = buf = apr_palloc(p, n + mac_len);
    memcpy(o, secret ? MAGIC : MAGIC_UNSIGNED, ACC_SLEN(MAGIC));
    o += ACC_SLEN(MAGIC);
    for (i = 0; i < F_COUNT; i++) {
        apr_size_t l = strlen(f[i]) + 1;
        memcpy(o, f[i], l);
        o += l;
    }
    if (secret) {
        sign(p, secret, secret_len, key, klen, buf, n, o);
    }
    *len = n + mac_len;
    return buf;
}

/* A whole decimal number (optional '-'), or 0 with *ok cleared when it is
 * not one or does not fit 64 bits.  Read digit by digit: strtoll's locale
 * and errno handling were most of what decoding an entry cost, and this
 * runs for several fields on every guarded request. */
static apr_int64_t number(const char *s, int *ok)
{
    const apr_uint64_t max = APR_UINT64_C(9223372036854775807);
    apr_uint64_t v = 0;
    int neg = *s == '-';
    const char *d = s + neg;

    if (*d < '0' || *d > '9') {
        *ok = 0;
        return 0;
    }
    for (; *d >= '0' && *d <= '9'; d++) {
        unsigned int digit = (unsigned int)(*d - '0');
        if (v > (max - digit) / 10) {
            *ok = 0;
            return 0;
        }
        v = v * 10 + digit;
    }
    if (*d != '\0') {
        *ok = 0;
        return 0;
    }
    return neg ? -(apr_int64_t)v : (apr_int64_t)v;
}

/* Seconds since the epoch as apr_time_t (within +-30,000 years, so the
 * multiplication cannot overflow). */
static apr_time_t seconds(const char *s, int *ok)
{
    apr_int64_t v = number(s, ok);

    if (v > APR_INT64_C(1000000000000) || v < -APR_INT64_C(1000000000000)) {
        *ok = 0;
        return 0;
    }
    return apr_time_from_sec(v);
}

static int flag(const char *s, int *ok)
{
    if ((s[0] != '0' && s[0] != '1') || s[1] != '\0') {
        *ok = 0;
        return 0;
    }
    return s[0] == '1';
}

int acc_sessrec_decode(apr_pool_t *p, const unsigned char *buf, apr_size_t len,
                       const unsigned char *secret, apr_size_t secret_len,
                       const unsigned char *key, apr_size_t klen,
                       acc_session_row_t *row, apr_time_t *until)
{
    unsigned char mac[ACC_SHA256_LEN];
    const char *f[F_COUNT];
    apr_size_t mac_len = secret ? ACC_SHA256_LEN : 0, blen, pos, i;
    char *body;
    acc_session_row_t r;
    apr_int64_t u;
    int ok = 1;

    if (buf == NULL || len < ACC_SLEN(MAGIC) + F_COUNT + mac_len ||
        len > ACC_SESSREC_MAX ||
        memcmp(buf, secret ? MAGIC : MAGIC_UNSIGNED, ACC_SLEN(MAGIC)) != 0) {
        return -1;
    }
    blen = len - mac_len;
    if (secret) {
        sign(p, secret, secret_len, key, klen, buf, blen, mac);
        if (!apr_crypto_equals(mac, buf + blen, ACC_SHA256_LEN)) {
            return -1;
        }
    }
    /* Exactly F_COUNT NUL-terminated fields, the last NUL ending the
     * body. */
    body = apr_pmemdup(p, buf, blen);
    pos = ACC_SLEN(MAGIC);
    for (i = 0; i < F_COUNT; i++) {
        const char *nul = memchr(body + pos, '\0', blen - pos);
        if (nul == NULL) {
            return -1;
        }
        f[i] = body + pos;
        pos = (apr_size_t)(nul - body) + 1;
    }
    if (pos != blen) {
        return -1;
    }

    memset(&r, 0, sizeof(r));
    r.user.id = number(f[F_ID], &ok);
    r.user.username = f[F_USERNAME];
    r.user.email = f[F_EMAIL];
    r.user.password = "";
    r.user.first_name = f[F_FIRST];
    r.user.last_name = f[F_LAST];
    r.user.is_active = flag(f[F_ACTIVE], &ok);
    r.user.is_staff = flag(f[F_STAFF], &ok);
    r.user.is_superuser = flag(f[F_SUPER], &ok);
    r.user.date_joined = seconds(f[F_JOINED], &ok);
    r.user.last_login = seconds(f[F_LAST_LOGIN], &ok);
    r.created = seconds(f[F_CREATED], &ok);
    r.last_seen = seconds(f[F_LAST_SEEN], &ok);
    r.expires = seconds(f[F_EXPIRES], &ok);
    r.groups = f[F_GROUPS];
    r.perms = f[F_PERMS];
    r.mfa = flag(f[F_MFA], &ok);
    r.mfa_at = seconds(f[F_MFA_AT], &ok);
    r.read_at = number(f[F_READ_AT], &ok);
    u = number(f[F_UNTIL], &ok);
    if (!ok || r.user.username[0] == '\0' || u < 0 || r.read_at < 0) {
        return -1;
    }
    *row = r;
    *until = (apr_time_t)u;
    return 0;
}
