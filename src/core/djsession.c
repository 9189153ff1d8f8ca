/*
 * src/core/djsession.c -- Django's signed session data (djsession.h).
 */
#include "djsession.h"
#include "crypto.h"

#include <apr_encode.h>
#include <apr_strings.h>

#include <jansson.h>
#include <string.h>
#include <zlib.h>

#define AUTH_HASH_SALT                                                         \
    "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"

int acc_djsession_key_ok(const char *s)
{
    apr_size_t n = 0;

    if (s == NULL) {
        return 0;
    }
    for (; s[n]; n++) {
        if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9'))) {
            return 0;
        }
    }
    return n >= 8 && n <= 40;
}

/* base64url without padding (n characters) into bytes, in p: *out and
 * *olen, or -1. */
static int b64url_decode(apr_pool_t *p, const char *s, apr_size_t n,
                         unsigned char **out, apr_size_t *olen)
{
    *out = (unsigned char *)apr_pdecode_base64_binary(
        p, s, (apr_ssize_t)n, APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING,
        olen);
    return *out ? 0 : -1;
}

/* The signature Django's Signer makes for value: base64url, no padding,
 * of salted_hmac(salt + "signer", value, SECRET_KEY). */
static const char *signature(apr_pool_t *p, const unsigned char *secret,
                             apr_size_t slen, const char *value,
                             apr_size_t vlen)
{
    unsigned char mac[ACC_SHA256_LEN];

    acc_salted_hmac(p, ACC_DJSESSION_SALT "signer", secret, slen, value, vlen,
                    mac);
    return apr_pencode_base64_binary(
        p, mac, sizeof(mac), APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING, NULL);
}

/* zlib's inflate of in, at most ACC_DJSESSION_MAX_JSON bytes, into a
 * buffer that grows as it fills (most sessions are a few hundred bytes). */
static int inflate_json(apr_pool_t *p, const unsigned char *in, apr_size_t n,
                        unsigned char **out, apr_size_t *olen)
{
    z_stream z;
    apr_size_t cap = 1024, have = 0;
    unsigned char *buf = apr_palloc(p, cap);
    int rc;

    memset(&z, 0, sizeof(z));
    if (inflateInit(&z) != Z_OK) {
        return -1;
    }
    z.next_in = (unsigned char *)in;
    z.avail_in = (uInt)n;
    for (;;) {
        z.next_out = buf + have;
        z.avail_out = (uInt)(cap - have);
        rc = inflate(&z, Z_NO_FLUSH);
        have = cap - z.avail_out;
        if (rc == Z_STREAM_END) {
            break;
        }
        if ((rc != Z_OK && rc != Z_BUF_ERROR) || z.avail_in == 0 ||
            cap >= ACC_DJSESSION_MAX_JSON) {
            inflateEnd(&z);
            return -1; /* corrupt, cut short, or more than the limit */
        }
        if (z.avail_out == 0) {
            unsigned char *bigger = apr_palloc(p, cap * 2);
            memcpy(bigger, buf, have);
            buf = bigger;
            cap *= 2;
        }
    }
    inflateEnd(&z);
    *out = buf;
    *olen = have;
    return 0;
}

/* A user id as Django writes it: 1 to 19 digits, no sign, no spaces. */
static apr_int64_t user_id_of(const char *s)
{
    apr_int64_t v = 0;
    int i;

    if (s == NULL || *s < '1' || *s > '9') {
        return 0;
    }
    for (i = 0; s[i]; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 18) {
            return 0;
        }
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int acc_djsession_decode(apr_pool_t *p, const char *data,
                         const unsigned char *secret, apr_size_t slen,
                         apr_int64_t *user_id, const char **auth_hash)
{
    const char *sig, *ts, *payload;
    unsigned char *raw, *json;
    apr_size_t vlen, plen, rlen, jlen;
    json_t *root, *id, *hash;
    json_error_t jerr;
    int compressed, rc = -2;

    if (data == NULL || secret == NULL || (sig = strrchr(data, ':')) == NULL) {
        return -1;
    }
    vlen = (apr_size_t)(sig - data);
    sig++;
    if (!acc_str_equal_ct(sig, signature(p, secret, slen, data, vlen))) {
        return -1;
    }
    /* The timestamp (not checked: Django does not, for sessions; the
     * row's expire_date decides), then the payload. */
    ts = NULL;
    for (payload = data + vlen; payload > data; payload--) {
        if (payload[-1] == ':') {
            ts = payload;
            break;
        }
    }
    if (ts == NULL) {
        return -1;
    }
    plen = (apr_size_t)(ts - 1 - data);
    payload = data;
    compressed = plen > 0 && payload[0] == '.';
    if (compressed) {
        payload++;
        plen--;
    }
    if (b64url_decode(p, payload, plen, &raw, &rlen) != 0) {
        return -3;
    }
    if (compressed) {
        if (inflate_json(p, raw, rlen, &json, &jlen) != 0) {
            return -3;
        }
    }
    else {
        json = raw;
        jlen = rlen;
    }
    root = json_loadb((const char *)json, jlen, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL || !json_is_object(root)) {
        json_decref(root);
        return -3;
    }
    id = json_object_get(root, "_auth_user_id");
    hash = json_object_get(root, "_auth_user_hash");
    if (id && hash && json_is_string(hash)) {
        /* Django writes the pk as a string (value_to_string); a number
         * is taken too. */
        apr_int64_t v = json_is_integer(id) && json_integer_value(id) > 0
                            ? (apr_int64_t)json_integer_value(id)
                            : user_id_of(json_string_value(id));
        if (v > 0) {
            *user_id = v;
            *auth_hash = apr_pstrdup(p, json_string_value(hash));
            rc = 0;
        }
    }
    json_decref(root);
    return rc;
}

const char *acc_djsession_sign(apr_pool_t *p, const char *value,
                               const unsigned char *secret, apr_size_t slen)
{
    return apr_pstrcat(p, value, ":",
                       signature(p, secret, slen, value, strlen(value)), NULL);
}

const char *acc_djsession_auth_hash(apr_pool_t *p, const char *password,
                                    const unsigned char *secret,
                                    apr_size_t slen)
{
    unsigned char mac[ACC_SHA256_LEN];

    acc_salted_hmac(p, AUTH_HASH_SALT, secret, slen, password ? password : "",
                    password ? strlen(password) : 0, mac);
    return acc_hex(p, mac, sizeof(mac));
}
