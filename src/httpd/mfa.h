/*
 * src/httpd/mfa.h -- the second factor's cookies and keys: the pending
 * step of a login (after the right password, before the code), a browser
 * the user trusts, and the secret key's derived keys for sealing secrets
 * and hashing recovery codes (core/totp.h does the cryptography).
 */
#ifndef ACC_MFA_H
#define ACC_MFA_H

#include "module.h"
#include "store/store.h"
#include "core/totp.h"

#define ACC_MFA_PENDING_COOKIE  "accounts_mfa"
#define ACC_MFA_TRUST_COOKIE    "accounts_mfa_trust"
#define ACC_MFA_PENDING_SECONDS 300

/* The pending step for u (a cookie of ACC_MFA_PENDING_SECONDS), which
 * dies with u's password hash; remember: the login asked to be
 * remembered (its session will be persistent). */
void acc_mfa_pending_set(request_rec *r, const acc_user_t *u, int remember);

/* The user id a pending cookie of the right shape and age names (0 when
 * none); not yet checked against the user (acc_mfa_pending_valid). */
apr_int64_t acc_mfa_pending_user(request_rec *r);

/* 1 when the pending cookie was made for u as stored now (*remember
 * set), else 0. */
int acc_mfa_pending_valid(request_rec *r, const acc_user_t *u, int *remember);

void acc_mfa_pending_clear(request_rec *r);

/* 1 when the browser's trust cookie was made for u, within
 * AccountsMfaRememberDays, since u's second factor was set up (created)
 * and under u's password hash now: a password change, turning the factor
 * off or setting up a new one ends it. */
int acc_mfa_trusted(request_rec *r, const acc_user_t *u, apr_time_t created);

/* Trust this browser for u (AccountsMfaRememberDays). */
void acc_mfa_trust_set(request_rec *r, const acc_user_t *u, apr_time_t created);

/* Seal a secret for user uid under the secret key: the stored form, or
 * NULL. */
const char *acc_mfa_seal_secret(request_rec *r, apr_int64_t uid,
                                const unsigned char *key, apr_size_t len);

/* Open user uid's stored secret into key (ACC_TOTP_SECRET_LEN bytes)
 * under the secret key or one of AccountsSecretKeyFallbacks: 0, or -1
 * (logged: the key changed without the old one kept as a fallback, or
 * the row was altered). */
int acc_mfa_open_secret(request_rec *r, apr_int64_t uid, const char *sealed,
                        unsigned char key[ACC_TOTP_SECRET_LEN]);

/* The stored form of a recovery code as typed, under the secret key
 * (which = 0) or fallback key which - 1; NULL when which is past the
 * last key or the code is not a code's shape. */
const char *acc_mfa_code_hash(request_rec *r, const char *typed, int which);

#endif /* ACC_MFA_H */
