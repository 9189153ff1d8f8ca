/*
 * fuzz/fuzz_device.c -- libFuzzer target: device tokens, as a browser's
 * accounts_device cookie gives them.
 *
 * Input: a username key, a NUL byte, then the token (the key defaults to
 * "alice" when there is no NUL).  Checks that nothing an attacker writes
 * passes for a token without the secret key: a token that checks must be
 * one made here, for that key, and its nonce 22 base64url characters.
 * Tokens made for the key check; for any other user key they do not.
 */
#include "core/device.h"

#include "harness.h"

static const unsigned char key[] = "fuzz-device-key-0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    const char *user = "alice", *nonce = NULL, *made;
    apr_time_t now = apr_time_from_sec(1800000000);
    char *token;
    size_t tlen;

    if (nul) {
        user =
            apr_pstrmemdup(pool, (const char *)data, (apr_size_t)(nul - data));
        tlen = size - (size_t)(nul - data) - 1;
        data = nul + 1;
    }
    else {
        tlen = size;
    }
    if ((token = fuzz_cstr(data, tlen)) == NULL) {
        apr_pool_clear(pool);
        return 0;
    }
    /* Random bytes cannot forge a MAC: nothing fuzzed may pass. */
    if (acc_device_check(pool, token, key, sizeof(key) - 1, user, now,
                         365 * 86400, &nonce)) {
        abort();
    }
    free(token);

    /* A real token checks for its user, and for no other. */
    made = acc_device_token(pool, key, sizeof(key) - 1, user, now);
    if (made == NULL ||
        !acc_device_check(pool, made, key, sizeof(key) - 1, user, now, 60,
                          &nonce) ||
        strlen(nonce) != 22 ||
        acc_device_check(pool, made, key, sizeof(key) - 1,
                         apr_pstrcat(pool, user, "x", NULL), now, 60, &nonce)) {
        abort();
    }
    apr_pool_clear(pool);
    return 0;
}
