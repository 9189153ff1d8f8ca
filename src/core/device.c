/*
 * src/core/device.c -- device tokens: "this browser logged this user in
 * before", signed, for the login throttle.
 */
#include "device.h"
#include "cookie.h"
#include "crypto.h"

#include <apr_encode.h>

#include <string.h>

#define NONCE_BYTES 16
#define NONCE_CHARS 22 /* base64url, no padding */
#define MAC_CHARS   43

/* base64url of the MAC over (subject, issued, nonce), in p: the parts
 * NUL-separated, so none can run into the next. */
static const char *mac_of(apr_pool_t *p, const unsigned char *key,
                          apr_size_t klen, const char *subject,
                          const char *issued, const char *nonce)
{
    unsigned char mac[ACC_SHA256_LEN];
    apr_size_t lk = strlen(subject), li = strlen(issued), ln = strlen(nonce);
    apr_size_t mlen = sizeof("device") + lk + 1 + li + 1 + ln;
    char *msg = apr_palloc(p, mlen), *o = msg;

    memcpy(o, "device", sizeof("device"));
    o += sizeof("device");
    memcpy(o, subject, lk + 1);
    o += lk + 1;
    memcpy(o, issued, li + 1);
    o += li + 1;
    memcpy(o, nonce, ln);
    acc_hmac_sha256(key, klen, msg, mlen, mac);
    return apr_pencode_base64_binary(p, mac, sizeof(mac), APR_ENCODE_BASE64URL,
                                     NULL);
}

const char *acc_device_token(apr_pool_t *p, const unsigned char *key,
                             apr_size_t klen, const char *subject,
                             apr_time_t now)
{
    const char *nonce = acc_random_token(p, NONCE_BYTES);
    const char *issued = apr_off_t_toa(p, (apr_off_t)apr_time_sec(now));

    if (nonce == NULL) {
        return NULL;
    }
    return apr_pstrcat(p, issued, ".", nonce, ".",
                       mac_of(p, key, klen, subject, issued, nonce), NULL);
}

int acc_device_check(apr_pool_t *p, const char *token, const unsigned char *key,
                     apr_size_t klen, const char *subject, apr_time_t now,
                     apr_int64_t max_age, const char **nonce)
{
    const char *dot1, *dot2, *s;
    const char *issued, *n;
    apr_int64_t t = 0, age;

    if (token == NULL || subject == NULL) {
        return 0;
    }
    dot1 = strchr(token, '.');
    if (dot1 == NULL || dot1 == token || dot1 - token > 12) {
        return 0;
    }
    for (s = token; s < dot1; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
        t = t * 10 + (*s - '0');
    }
    dot2 = dot1 + 1 + NONCE_CHARS;
    if (strlen(dot1 + 1) != NONCE_CHARS + 1 + MAC_CHARS || *dot2 != '.') {
        return 0;
    }
    n = apr_pstrmemdup(p, dot1 + 1, NONCE_CHARS);
    if (!acc_is_base64url(n, NONCE_CHARS) ||
        !acc_is_base64url(dot2 + 1, MAC_CHARS)) {
        return 0;
    }
    age = apr_time_sec(now) - t;
    if (age < 0 || age > max_age) {
        return 0;
    }
    issued = apr_pstrmemdup(p, token, (apr_size_t)(dot1 - token));
    if (!acc_str_equal_ct(mac_of(p, key, klen, subject, issued, n), dot2 + 1)) {
        return 0;
    }
    *nonce = n;
    return 1;
}
