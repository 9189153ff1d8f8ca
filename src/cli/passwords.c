/*
 * src/cli/passwords.c -- accountsctl's new passwords: read from stdin or the
 * terminal, checked against the server's rules, hashed.
 */
#include "ctl.h"
#include "core/crypto.h"
#include "core/pwpolicy.h"

#include <apr_crypto.h>
#include <apr_lib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int acc_ctl_read_password(acc_ctl_t *c, char **pw)
{
    char buf[ACC_PASSWORD_MAX_BYTES + 2];
    char again[ACC_PASSWORD_MAX_BYTES + 2];
    apr_size_t n;

    if (!isatty(STDIN_FILENO)) {
        if (fgets(buf, sizeof(buf), stdin) == NULL) {
            return acc_ctl_fail("no password on standard input");
        }
        n = strlen(buf);
        if (n && buf[n - 1] != '\n' && !feof(stdin)) {
            apr_crypto_memzero(buf, sizeof(buf));
            return acc_ctl_fail("password is longer than %d bytes",
                                ACC_PASSWORD_MAX_BYTES);
        }
        while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) {
            buf[--n] = '\0';
        }
    }
    else {
        apr_size_t sz = sizeof(buf);
        if (apr_password_get("Password: ", buf, &sz) != APR_SUCCESS) {
            return acc_ctl_fail("cannot read the password");
        }
        sz = sizeof(again);
        if (apr_password_get("Password (again): ", again, &sz) != APR_SUCCESS) {
            apr_crypto_memzero(buf, sizeof(buf));
            return acc_ctl_fail("cannot read the password");
        }
        if (strcmp(buf, again) != 0) {
            apr_crypto_memzero(buf, sizeof(buf));
            apr_crypto_memzero(again, sizeof(again));
            return acc_ctl_fail("the two passwords didn't match");
        }
        apr_crypto_memzero(again, sizeof(again));
        n = strlen(buf);
    }
    if (n == 0) {
        return acc_ctl_fail("the password is empty");
    }
    if (!acc_utf8_valid(buf, n)) {
        apr_crypto_memzero(buf, sizeof(buf));
        return acc_ctl_fail("the password is not valid UTF-8");
    }
    *pw = apr_pstrmemdup(c->pool, buf, n);
    apr_crypto_memzero(buf, sizeof(buf));
    return 0;
}

int acc_ctl_hash_params(acc_ctl_t *c, acc_argon2_params_t *prm)
{
    const char *env = getenv("ACCOUNTS_PASSWORD_HASH");
    const char *err;

    prm->m_kib = ACC_ARGON2_DEFAULT_M;
    prm->t = ACC_ARGON2_DEFAULT_T;
    prm->p = ACC_ARGON2_DEFAULT_P;
    if (env && *env) {
        err = acc_argon2_params_parse(c->pool, env, prm);
        if (err) {
            return acc_ctl_fail("ACCOUNTS_PASSWORD_HASH: %s", err);
        }
    }
    return 0;
}

int acc_ctl_pw_policy(acc_ctl_t *c, acc_pwpolicy_t *pol)
{
    const char *len = getenv("ACCOUNTS_PASSWORD_MIN_LENGTH");
    const char *words = getenv("ACCOUNTS_PASSWORD_VALIDATORS");
    const char *err;
    unsigned int bits;

    pol->validators = ACC_PWV_ALL;
    pol->min_length = ACC_PW_MIN_LENGTH_DEFAULT;
    pol->max_similarity = 0.7;
    if (len && *len && acc_pw_min_length_parse(len, &pol->min_length) != 0) {
        return acc_ctl_usage(
            apr_psprintf(c->pool,
                         "ACCOUNTS_PASSWORD_MIN_LENGTH takes a "
                         "number of characters from 1 to %d, not "
                         "'%s'",
                         ACC_PW_MIN_LENGTH_MAX, len));
    }
    if (words && *words) {
        if ((err = acc_pwv_list(c->pool, words, &bits)) != NULL) {
            return acc_ctl_usage(apr_pstrcat(
                c->pool, "ACCOUNTS_PASSWORD_VALIDATORS: ", err, NULL));
        }
        pol->validators = bits;
    }
    return 0;
}

int acc_ctl_make_hash(acc_ctl_t *c, const acc_user_t *u, char *pw,
                      const acc_pwpolicy_t *pol, int validate, const char **phc)
{
    acc_argon2_params_t prm;
    const char *err = NULL;
    int rc;

    if (validate) {
        acc_user_attrs_t attrs = {u->username, u->first_name, u->last_name,
                                  u->email};
        apr_array_header_t *msgs =
            acc_password_validate(c->pool, pol, pw, &attrs);
        if (msgs->nelts > 0) {
            int i;
            const char *all = APR_ARRAY_IDX(msgs, 0, const char *);
            for (i = 1; i < msgs->nelts; i++) {
                all = apr_pstrcat(c->pool, all, " ",
                                  APR_ARRAY_IDX(msgs, i, const char *), NULL);
            }
            acc_wipe(pw);
            return acc_ctl_fail("password refused: %s (policy: %s)", all,
                                acc_pwpolicy_describe(c->pool, pol));
        }
    }
    else {
        fprintf(stderr, "accountsctl: warning: --no-validate: the password "
                        "was NOT checked against the password rules\n");
    }
    if ((rc = acc_ctl_hash_params(c, &prm)) != 0) {
        acc_wipe(pw);
        return rc;
    }
    if (acc_password_hash(c->pool, &prm, pw, strlen(pw), phc, &err) !=
        APR_SUCCESS) {
        acc_wipe(pw);
        return acc_ctl_fail("cannot hash the password: %s", err ? err : "?");
    }
    acc_wipe(pw);
    return 0;
}
