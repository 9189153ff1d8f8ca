/*
 * fuzz/fuzz_djsession.c -- libFuzzer target: Django's session data.
 *
 * The input, as a string, is decoded as it comes, and again signed with
 * the key first (so that the payload, base64url, zlib and JSON are
 * reached).  Invariants: only what ends in the key's own signature
 * decodes; a decoded session has a user id above 0 and an auth hash; the
 * cookie-key check accepts only [a-z0-9]{8,40}.
 */
#include "core/djsession.h"

#include "harness.h"

#include <apr_strings.h>

static const unsigned char KEY[] =
    "fuzz-secret-key-0123456789-abcdefghijklmnop";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_int64_t id = 0;
    const char *hash = NULL, *signed_in;
    char *s;
    int rc;
    size_t i;

    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }
    if (acc_djsession_decode(pool, s, KEY, sizeof(KEY) - 1, &id, &hash) == 0) {
        /* Only what carries the key's own signature decodes. */
        const char *c = strrchr(s, ':');
        if (c == NULL ||
            strcmp(acc_djsession_sign(
                       pool, apr_pstrmemdup(pool, s, (apr_size_t)(c - s)), KEY,
                       sizeof(KEY) - 1),
                   s) != 0) {
            abort();
        }
    }
    signed_in = acc_djsession_sign(pool, s, KEY, sizeof(KEY) - 1);
    rc =
        acc_djsession_decode(pool, signed_in, KEY, sizeof(KEY) - 1, &id, &hash);
    if (rc == 0 && (id <= 0 || hash == NULL)) {
        abort();
    }
    if (acc_djsession_key_ok(s)) {
        if (strlen(s) < 8 || strlen(s) > 40) {
            abort();
        }
        for (i = 0; s[i]; i++) {
            if (!((s[i] >= 'a' && s[i] <= 'z') ||
                  (s[i] >= '0' && s[i] <= '9'))) {
                abort();
            }
        }
    }
    apr_pool_clear(pool);
    free(s);
    return 0;
}
