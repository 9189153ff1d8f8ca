/*
 * fuzz/fuzz_token.c -- libFuzzer target: password-reset and verification
 * tokens, and the uidb64 in a reset link.
 *
 * Input: the token, a NUL byte, then a uidb64 (the whole input is both
 * when there is no NUL).  Checks that nothing an attacker writes passes
 * for a token without the secret key; that a uidb64 which decodes is the
 * one spelling acc_uidb64_encode makes for an id of at least 1; and that
 * a token made for a subject whose email and extra are the input's bytes
 * checks for it, and not once the extra changes, nor under another salt.
 */
#include "core/token.h"

#include "harness.h"

static const unsigned char key[] = "fuzz-token-key-0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    acc_token_secret_t k = {key, sizeof(key) - 1};
    acc_token_subject_t s = {1, "pbkdf2_sha256$1$salt$hash", 0, "a@b.c", NULL};
    apr_int64_t now = 800000000, id = -1;
    const char *uid, *made;
    char *token;

    if ((token = fuzz_cstr(data, nul ? (size_t)(nul - data) : size)) == NULL) {
        apr_pool_clear(pool);
        return 0;
    }
    uid = nul ? apr_pstrmemdup(pool, (const char *)nul + 1,
                               size - (size_t)(nul - data) - 1)
              : token;

    /* Random bytes cannot forge a MAC: nothing fuzzed may pass. */
    if (acc_token_check(pool, ACC_TOKEN_SALT_RESET, &k, 1, &s, token, now,
                        APR_INT64_MAX)) {
        abort();
    }

    /* A uidb64 that decodes is the encoding of its id, and nothing
     * else; one that does not leaves 0. */
    if (acc_uidb64_decode(uid, &id)) {
        made = acc_uidb64_encode(pool, id);
        if (id < 1 || made == NULL || strcmp(made, uid) != 0) {
            abort();
        }
    }
    else if (id != 0) {
        abort();
    }

    /* The input as subject: its token checks, for it only. */
    s.email = token;
    s.extra = uid;
    s.last_login = apr_time_from_sec(1714979289);
    made = acc_token_make(pool, ACC_TOKEN_SALT_VERIFY, key, sizeof(key) - 1, &s,
                          now);
    if (made == NULL ||
        !acc_token_check(pool, ACC_TOKEN_SALT_VERIFY, &k, 1, &s, made, now,
                         0) ||
        acc_token_check(pool, ACC_TOKEN_SALT_RESET, &k, 1, &s, made, now, 0)) {
        abort();
    }
    s.extra = apr_pstrcat(pool, uid, "x", NULL);
    if (acc_token_check(pool, ACC_TOKEN_SALT_VERIFY, &k, 1, &s, made, now, 0)) {
        abort();
    }
    free(token);
    apr_pool_clear(pool);
    return 0;
}
