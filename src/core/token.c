/*
 * src/core/token.c -- stateless signed tokens for links sent by mail
 * (password reset, email verification), as Django makes them.
 */
#include "token.h"
#include "cookie.h"
#include "crypto.h"

#include <apr_crypto.h>
#include <apr_encode.h>

#include <string.h>

#define HASH_CHARS 32 /* every other hex digit of a SHA-256 */
#define TS_CHARS   13 /* Django's base36_to_int refuses more */

static const char b36[] = "0123456789abcdefghijklmnopqrstuvwxyz";

/* Django's int_to_base36 of ts (>= 0), in p. */
static const char *to_base36(apr_pool_t *p, apr_int64_t ts)
{
    char buf[TS_CHARS + 1], *o = buf + sizeof(buf) - 1;

    *o = '\0';
    do {
        *--o = b36[ts % 36];
        ts /= 36;
    } while (ts > 0);
    return apr_pstrdup(p, o);
}

/* Django's _make_hash_value, with extra after it, in p. */
static const char *message(apr_pool_t *p, const acc_token_subject_t *s,
                           apr_int64_t ts)
{
    const char *login = "";

    if (s->last_login != 0) {
        apr_time_exp_t tm;

        apr_time_exp_gmt(&tm, s->last_login);
        login = apr_psprintf(p, "%04d-%02d-%02d %02d:%02d:%02d",
                             tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                             tm.tm_hour, tm.tm_min, tm.tm_sec);
    }
    return apr_pstrcat(p, apr_psprintf(p, "%" APR_INT64_T_FMT, s->id),
                       s->password ? s->password : "", login,
                       apr_psprintf(p, "%" APR_INT64_T_FMT, ts),
                       s->email ? s->email : "", s->extra ? s->extra : "",
                       NULL);
}

/* "<ts36>-<hash>" for msg under Django's salted_hmac(key_salt, msg,
 * secret, algorithm="sha256"), in p: the HMAC's key is SHA-256(key_salt
 * || secret); the hash is hexdigest()[::2], i.e. the high hex digit of
 * each of the MAC's 32 bytes. */
static const char *sign(apr_pool_t *p, const char *key_salt,
                        const unsigned char *secret, apr_size_t secret_len,
                        const char *ts36, const char *msg)
{
    apr_size_t lts = strlen(ts36);
    unsigned char mac[ACC_SHA256_LEN];
    char *tok = apr_palloc(p, lts + 1 + HASH_CHARS + 1);
    int i;

    acc_salted_hmac(p, key_salt, secret, secret_len, msg, strlen(msg), mac);

    memcpy(tok, ts36, lts);
    tok[lts] = '-';
    for (i = 0; i < HASH_CHARS; i++) {
        tok[lts + 1 + i] = b36[mac[i] >> 4];
    }
    tok[lts + 1 + HASH_CHARS] = '\0';
    apr_crypto_memzero(mac, sizeof(mac));
    return tok;
}

apr_int64_t acc_token_now(apr_time_t now)
{
    return (apr_int64_t)((now - apr_time_from_sec(ACC_TOKEN_EPOCH)) /
                         APR_USEC_PER_SEC);
}

const char *acc_token_make(apr_pool_t *p, const char *key_salt,
                           const unsigned char *secret, apr_size_t secret_len,
                           const acc_token_subject_t *s, apr_int64_t ts)
{
    if (key_salt == NULL || secret == NULL || secret_len == 0 || s == NULL ||
        ts < 0) {
        return NULL;
    }
    return sign(p, key_salt, secret, secret_len, to_base36(p, ts),
                message(p, s, ts));
}

/* The time of a well-formed token into *ts: 1 to 13 base36 digits
 * (lowercase) that fit in 63 bits, '-', then 32 lowercase hex digits
 * and nothing else.  0 for anything else. */
static int parse(const char *token, apr_int64_t *ts)
{
    const char *s = token, *h;
    apr_int64_t v = 0;
    int d;

    for (; *s != '-'; s++) {
        if (*s >= '0' && *s <= '9') {
            d = *s - '0';
        }
        else if (*s >= 'a' && *s <= 'z') {
            d = *s - 'a' + 10;
        }
        else {
            return 0; /* the NUL too: no '-' */
        }
        if (s - token >= TS_CHARS || v > (APR_INT64_MAX - d) / 36) {
            return 0;
        }
        v = v * 36 + d;
    }
    if (s == token) {
        return 0;
    }
    for (h = ++s; *h; h++) {
        if (h - s >= HASH_CHARS ||
            !((*h >= '0' && *h <= '9') || (*h >= 'a' && *h <= 'f'))) {
            return 0;
        }
    }
    if (h - s != HASH_CHARS) {
        return 0;
    }
    *ts = v;
    return 1;
}

int acc_token_check(apr_pool_t *p, const char *key_salt,
                    const acc_token_secret_t *secrets, int nsecrets,
                    const acc_token_subject_t *s, const char *token,
                    apr_int64_t now_ts, apr_int64_t timeout)
{
    apr_int64_t ts;
    const char *ts36, *msg;
    int i, ok = 0;

    if (key_salt == NULL || secrets == NULL || s == NULL || token == NULL ||
        now_ts < 0 || timeout < 0 || !parse(token, &ts)) {
        return 0;
    }
    /* The whole token is compared with the one made afresh, its time
     * included: "0abc-..." does not pass for "abc-...". */
    ts36 = to_base36(p, ts);
    msg = message(p, s, ts);
    for (i = 0; i < nsecrets && !ok; i++) {
        if (secrets[i].key != NULL && secrets[i].len > 0) {
            ok = acc_str_equal_ct(
                sign(p, key_salt, secrets[i].key, secrets[i].len, ts36, msg),
                token);
        }
    }
    /* Both times are >= 0 here: neither difference overflows. */
    if (!ok || now_ts - ts > timeout || ts - now_ts > ACC_TOKEN_MAX_SKEW) {
        return 0;
    }
    return 1;
}

const char *acc_uidb64_encode(apr_pool_t *p, apr_int64_t id)
{
    if (id < 1) {
        return NULL;
    }
    return apr_pencode_base64(p, apr_psprintf(p, "%" APR_INT64_T_FMT, id),
                              APR_ENCODE_STRING, APR_ENCODE_BASE64URL, NULL);
}

int acc_uidb64_decode(const char *s, apr_int64_t *id)
{
    /* 32 base64 characters decode to 24 bytes; 19 digits encode to 26. */
    char digits[ACC_UIDB64_MAX], again[ACC_UIDB64_MAX + 1];
    apr_size_t n, dlen, alen, i;
    apr_int64_t v = 0;

    if (id == NULL) {
        return 0;
    }
    *id = 0;
    if (s == NULL) {
        return 0;
    }
    for (n = 0; s[n] && n <= ACC_UIDB64_MAX; n++) {
    }
    /* apr_decode_base64 would skip what is not base64; '=' is not
     * either (one spelling). */
    if (n == 0 || n > ACC_UIDB64_MAX || n % 4 == 1 || !acc_is_base64url(s, n) ||
        apr_decode_base64(digits, s, (apr_ssize_t)n, APR_ENCODE_BASE64URL,
                          &dlen) != APR_SUCCESS ||
        dlen == 0 || dlen > 19 || digits[0] == '0') {
        return 0;
    }
    for (i = 0; i < dlen; i++) {
        int d = digits[i] - '0';

        if (d < 0 || d > 9 || v > (APR_INT64_MAX - d) / 10) {
            return 0;
        }
        v = v * 10 + d;
    }
    /* Stray bits in the last character decode to the same digits: only
     * the canonical spelling passes. */
    if (apr_encode_base64(again, digits, (apr_ssize_t)dlen,
                          APR_ENCODE_BASE64URL, &alen) != APR_SUCCESS ||
        alen != n || memcmp(again, s, n) != 0) {
        return 0;
    }
    *id = v;
    return 1;
}
