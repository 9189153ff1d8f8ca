/*
 * fuzz/fuzz_sessrec.c -- libFuzzer target: session cache entries.
 *
 * A shared cache (memcached, redis) is a network service, so its bytes
 * are read as an attacker's.  Input: the entry as read from the cache.
 * Checks that decoding never reads out of bounds and accepts nothing it
 * did not sign; and that a row re-encoded from any input decodes to the
 * same fields.
 */
#include "core/sessrec.h"

#include "harness.h"

static apr_time_t until;
#define UNTIL APR_INT64_C(1700000300000000)
static const unsigned char secret[] = "fuzzing-secret-fuzzing-secret-32";
static const unsigned char key[] = "acc0:0123456789abcdef";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly size bytes, no NUL (the decoder reads by length), so ASan
     * sees a read past the end. */
    unsigned char *copy = malloc(size ? size : 1);
    acc_session_row_t row, back;
    unsigned char *enc;
    apr_size_t len = 0;
    char *text;

    if (copy == NULL) {
        return 0;
    }
    memcpy(copy, data, size);
    /* Raw bytes: an unsigned entry must be refused. */
    if (acc_sessrec_decode(pool, copy, size, secret, sizeof(secret) - 1, key,
                           sizeof(key) - 1, &row, &until) == 0) {
        abort();
    }
    /* Unsigned (shared memory): may decode; must not misbehave. */
    if (acc_sessrec_decode(pool, copy, size, NULL, 0, key, sizeof(key) - 1,
                           &row, &until) == 0 &&
        (row.user.username == NULL || row.groups == NULL)) {
        abort();
    }
    free(copy);

    /* The input as field text: encode, decode, compare. */
    text = apr_pstrmemdup(pool, (const char *)data, size);
    memset(&row, 0, sizeof(row));
    row.user.id = (apr_int64_t)size;
    row.user.username = size ? text : "x";
    row.user.email = text;
    row.user.first_name = text + strlen(text) / 2;
    row.user.last_name = "";
    row.user.is_active = 1;
    row.groups = text;
    row.perms = text + strlen(text) / 3;
    row.expires = apr_time_from_sec(2000000000);
    enc = acc_sessrec_encode(pool, &row, UNTIL, secret, sizeof(secret) - 1, key,
                             sizeof(key) - 1, &len);
    if (enc) {
        if (acc_sessrec_decode(pool, enc, len, secret, sizeof(secret) - 1, key,
                               sizeof(key) - 1, &back, &until) != 0 ||
            strcmp(back.user.username, row.user.username) != 0 ||
            strcmp(back.groups, row.groups) != 0 ||
            strcmp(back.perms, row.perms) != 0 || back.expires != row.expires) {
            abort();
        }
    }
    apr_pool_clear(pool);
    return 0;
}
