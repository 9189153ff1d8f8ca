/*
 * src/core/totp.c -- TOTP codes, sealed secrets and recovery codes (see
 * totp.h).
 */
#include "totp.h"
#include "crypto.h"

#include <apr_encode.h>
#include <apr_strings.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string.h>

#define SEAL_PREFIX "v1."
#define NONCE_LEN   12
#define TAG_LEN     16

apr_uint32_t acc_hotp(const unsigned char *key, apr_size_t klen,
                      apr_uint64_t counter)
{
    unsigned char msg[8], mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0, off;
    apr_uint32_t bin;
    int i;

    for (i = 7; i >= 0; i--) {
        msg[i] = (unsigned char)(counter & 0xff);
        counter >>= 8;
    }
    if (HMAC(EVP_sha1(), key, (int)klen, msg, sizeof(msg), mac, &maclen) ==
            NULL ||
        maclen < 20) {
        return 0xffffffffu; /* never a code (codes are below 10^6) */
    }
    /* RFC 4226's dynamic truncation. */
    off = mac[maclen - 1] & 0x0f;
    bin = ((apr_uint32_t)(mac[off] & 0x7f) << 24) |
          ((apr_uint32_t)mac[off + 1] << 16) |
          ((apr_uint32_t)mac[off + 2] << 8) | (apr_uint32_t)mac[off + 3];
    OPENSSL_cleanse(mac, sizeof(mac));
    return bin % 1000000u;
}

apr_int64_t acc_totp_step(apr_int64_t t)
{
    return t < 0 ? 0 : t / ACC_TOTP_STEP;
}

/* The code's value when it is 6 ASCII digits (spaces ignored), else -1. */
static long code_value(const char *code)
{
    long v = 0;
    int n = 0;

    if (code == NULL) {
        return -1;
    }
    for (; *code; code++) {
        if (*code == ' ') {
            continue;
        }
        if (*code < '0' || *code > '9' || ++n > ACC_TOTP_DIGITS) {
            return -1;
        }
        v = v * 10 + (*code - '0');
    }
    return n == ACC_TOTP_DIGITS ? v : -1;
}

apr_int64_t acc_totp_check(const unsigned char *key, apr_size_t klen,
                           const char *code, apr_int64_t now,
                           apr_int64_t last_used)
{
    long want = code_value(code);
    apr_int64_t step = acc_totp_step(now), found = -1, s;

    for (s = step - ACC_TOTP_DRIFT; s <= step + ACC_TOTP_DRIFT; s++) {
        apr_uint32_t v =
            s < 0 ? 0xffffffffu : acc_hotp(key, klen, (apr_uint64_t)s);
        /* Every step is computed; the first good one unused counts. */
        if (want >= 0 && v == (apr_uint32_t)want && s > last_used &&
            found < 0) {
            found = s;
        }
    }
    return found;
}

apr_status_t acc_totp_new_secret(unsigned char key[ACC_TOTP_SECRET_LEN])
{
    return acc_random_bytes(key, ACC_TOTP_SECRET_LEN);
}

const char *acc_totp_base32(apr_pool_t *p, const unsigned char *key,
                            apr_size_t klen)
{
    return apr_pencode_base32_binary(p, key, (apr_ssize_t)klen,
                                     APR_ENCODE_NOPADDING, NULL);
}

/* s percent-encoded but for RFC 3986's unreserved characters, in p. */
static const char *pct(apr_pool_t *p, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = apr_palloc(p, strlen(s) * 3 + 1), *o = out;

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
            c == '~') {
            *o++ = (char)c;
        }
        else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

const char *acc_totp_uri(apr_pool_t *p, const char *issuer, const char *account,
                         const char *secret_b32)
{
    const char *iss = pct(p, issuer);

    return apr_pstrcat(p, "otpauth://totp/", iss, ":", pct(p, account),
                       "?secret=", secret_b32, "&issuer=", iss,
                       "&algorithm=SHA1&digits=6&period=30", NULL);
}

void acc_mfa_keys(apr_pool_t *p, const unsigned char *secret, apr_size_t slen,
                  unsigned char seal[ACC_MFA_KEY_LEN],
                  unsigned char codes[ACC_MFA_KEY_LEN])
{
    static const char seal_label[] = "mod_accounts.mfa.seal";
    static const char codes_label[] = "mod_accounts.mfa.recovery";

    acc_hmac_sha256(secret, slen, seal_label, sizeof(seal_label) - 1, seal);
    acc_hmac_sha256(secret, slen, codes_label, sizeof(codes_label) - 1, codes);
}

const char *acc_mfa_seal(apr_pool_t *p, const unsigned char *key,
                         const unsigned char *plain, apr_size_t len,
                         const char *aad)
{
    EVP_CIPHER_CTX *ctx;
    unsigned char *buf = apr_palloc(p, NONCE_LEN + len + TAG_LEN);
    int n = 0, m = 0, ok;
    const char *out;

    if (acc_random_bytes(buf, NONCE_LEN) != APR_SUCCESS ||
        (ctx = EVP_CIPHER_CTX_new()) == NULL) {
        return NULL;
    }
    ok = EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) ==
             1 &&
         EVP_EncryptInit_ex(ctx, NULL, NULL, key, buf) == 1 &&
         EVP_EncryptUpdate(ctx, NULL, &n, (const unsigned char *)aad,
                           (int)strlen(aad)) == 1 &&
         EVP_EncryptUpdate(ctx, buf + NONCE_LEN, &n, plain, (int)len) == 1 &&
         EVP_EncryptFinal_ex(ctx, buf + NONCE_LEN + n, &m) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN,
                             buf + NONCE_LEN + n + m) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        return NULL;
    }
    out = apr_pencode_base64_binary(p, buf, NONCE_LEN + n + m + TAG_LEN,
                                    APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING,
                                    NULL);
    return out ? apr_pstrcat(p, SEAL_PREFIX, out, NULL) : NULL;
}

int acc_mfa_open(apr_pool_t *p, const unsigned char *key, const char *sealed,
                 const char *aad, unsigned char *out, apr_size_t outmax,
                 apr_size_t *outlen)
{
    EVP_CIPHER_CTX *ctx;
    const unsigned char *buf;
    apr_size_t blen = 0, clen;
    int n = 0, m = 0, ok;

    *outlen = 0;
    if (sealed == NULL ||
        strncmp(sealed, SEAL_PREFIX, sizeof(SEAL_PREFIX) - 1) != 0) {
        return -1;
    }
    sealed += sizeof(SEAL_PREFIX) - 1;
    /* At most a little over what outmax needs: no large decode. */
    if (strlen(sealed) > ((NONCE_LEN + outmax + TAG_LEN) * 4) / 3 + 4) {
        return -1;
    }
    buf = apr_pdecode_base64_binary(p, sealed, APR_ENCODE_STRING,
                                    APR_ENCODE_BASE64URL, &blen);
    if (buf == NULL || blen < NONCE_LEN + TAG_LEN ||
        blen - NONCE_LEN - TAG_LEN > outmax) {
        return -1;
    }
    clen = blen - NONCE_LEN - TAG_LEN;
    if ((ctx = EVP_CIPHER_CTX_new()) == NULL) {
        return -1;
    }
    ok = EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) ==
             1 &&
         EVP_DecryptInit_ex(ctx, NULL, NULL, key, buf) == 1 &&
         EVP_DecryptUpdate(ctx, NULL, &n, (const unsigned char *)aad,
                           (int)strlen(aad)) == 1 &&
         EVP_DecryptUpdate(ctx, out, &n, buf + NONCE_LEN, (int)clen) == 1 &&
         EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                             (void *)(buf + NONCE_LEN + clen)) == 1 &&
         EVP_DecryptFinal_ex(ctx, out + n, &m) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (!ok) {
        OPENSSL_cleanse(out, outmax);
        return -1;
    }
    *outlen = (apr_size_t)(n + m);
    return 0;
}

/* A ticket's MAC over its numbers, base64url, in p. */
static const char *ticket_mac(apr_pool_t *p, const unsigned char *secret,
                              apr_size_t slen, const char *kind,
                              apr_int64_t uid, apr_int64_t issued, int flags,
                              const char *bind)
{
    static const char label[] = "mod_accounts.mfa.ticket";
    unsigned char key[ACC_SHA256_LEN], mac[ACC_SHA256_LEN];
    const char *msg;

    acc_hmac_sha256(secret, slen, label, sizeof(label) - 1, key);
    msg = apr_psprintf(p, "%s|%" APR_INT64_T_FMT "|%" APR_INT64_T_FMT "|%d|%s",
                       kind, uid, issued, flags, bind ? bind : "");
    acc_hmac_sha256(key, sizeof(key), msg, strlen(msg), mac);
    return apr_pencode_base64_binary(
        p, mac, sizeof(mac), APR_ENCODE_BASE64URL | APR_ENCODE_NOPADDING, NULL);
}

const char *acc_mfa_ticket_make(apr_pool_t *p, const unsigned char *secret,
                                apr_size_t slen, const char *kind,
                                apr_int64_t uid, apr_int64_t issued, int flags,
                                const char *bind)
{
    return apr_psprintf(
        p, "%" APR_INT64_T_FMT ".%" APR_INT64_T_FMT ".%d.%s", uid, issued,
        flags, ticket_mac(p, secret, slen, kind, uid, issued, flags, bind));
}

/* Digits up to the next '.', as a number (at most 18 digits, no sign). */
static int ticket_num(const char **s, apr_int64_t *v)
{
    int n = 0;

    *v = 0;
    while (**s >= '0' && **s <= '9' && n < 18) {
        *v = *v * 10 + (**s - '0');
        (*s)++;
        n++;
    }
    if (n == 0 || **s != '.') {
        return -1;
    }
    (*s)++;
    return 0;
}

int acc_mfa_ticket_parse(const char *ticket, apr_int64_t *uid,
                         apr_int64_t *issued, int *flags)
{
    const char *s = ticket;
    apr_int64_t f;

    if (s == NULL || ticket_num(&s, uid) != 0 || ticket_num(&s, issued) != 0 ||
        ticket_num(&s, &f) != 0 || f > 255 || strlen(s) != 43) {
        return -1;
    }
    *flags = (int)f;
    return 0;
}

int acc_mfa_ticket_check(apr_pool_t *p, const unsigned char *secret,
                         apr_size_t slen, const char *kind, const char *ticket,
                         const char *bind)
{
    apr_int64_t uid, issued;
    int flags;

    if (acc_mfa_ticket_parse(ticket, &uid, &issued, &flags) != 0) {
        return 0;
    }
    return acc_str_equal_ct(
        strrchr(ticket, '.') + 1,
        ticket_mac(p, secret, slen, kind, uid, issued, flags, bind));
}

/* RFC 4648's base32 alphabet, lowercase. */
static const char b32[] = "abcdefghijklmnopqrstuvwxyz234567";

const char *acc_recovery_code_new(apr_pool_t *p)
{
    unsigned char r[ACC_RECOVERY_CODE_LEN];
    char *out = apr_palloc(p, ACC_RECOVERY_CODE_LEN + 2);
    int i, o = 0;

    if (acc_random_bytes(r, sizeof(r)) != APR_SUCCESS) {
        return NULL;
    }
    for (i = 0; i < ACC_RECOVERY_CODE_LEN; i++) {
        if (i == ACC_RECOVERY_CODE_LEN / 2) {
            out[o++] = '-';
        }
        out[o++] = b32[r[i] & 31]; /* 256 is a multiple of 32: unbiased */
    }
    out[o] = '\0';
    return out;
}

const char *acc_recovery_code_hash(apr_pool_t *p, const unsigned char *key,
                                   const char *typed)
{
    char norm[ACC_RECOVERY_CODE_LEN];
    unsigned char mac[ACC_SHA256_LEN];
    int n = 0;

    if (typed == NULL) {
        return NULL;
    }
    for (; *typed; typed++) {
        char c = *typed;
        if (c == '-' || c == ' ') {
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (n == ACC_RECOVERY_CODE_LEN || strchr(b32, c) == NULL || c == 0) {
            return NULL;
        }
        norm[n++] = c;
    }
    if (n != ACC_RECOVERY_CODE_LEN) {
        return NULL;
    }
    acc_hmac_sha256(key, ACC_MFA_KEY_LEN, norm, (apr_size_t)n, mac);
    return acc_hex(p, mac, sizeof(mac));
}
