/*
 * fuzz/fuzz_csrf.c -- libFuzzer target: CSRF token checking.
 *
 * The input, as a NUL-terminated string, is checked against a fixed
 * secret and compared with a plain re-implementation of Django's
 * unmasking; it is also tried as a secret itself.
 */
#include "core/csrf.h"

#include "harness.h"

#define SECRET "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"

static const char alphabet[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static int pos(char c)
{
    const char *at = c ? strchr(alphabet, c) : NULL;

    return at ? (int)(at - alphabet) : -1;
}

/* What acc_csrf_check(SECRET, s) should say, the slow obvious way. */
static int expected(const char *s)
{
    char plain[33];
    size_t len = strlen(s), i;

    for (i = 0; i < len; i++) {
        if (pos(s[i]) < 0) {
            return 0;
        }
    }
    if (len == 32) {
        return strcmp(s, SECRET) == 0;
    }
    if (len != 64) {
        return 0;
    }
    for (i = 0; i < 32; i++) {
        plain[i] = alphabet[(pos(s[32 + i]) - pos(s[i]) + 62) % 62];
    }
    plain[32] = '\0';
    return strcmp(plain, SECRET) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *tok;
    char *s;
    int valid;

    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }

    if (acc_csrf_check(SECRET, s) != expected(s)) {
        abort();
    }
    valid = acc_csrf_secret_valid(s);
    if (valid != (strlen(s) == 32 && strspn(s, alphabet) == 32)) {
        abort();
    }
    if (acc_csrf_check(s, SECRET) != (strcmp(s, SECRET) == 0)) {
        abort();
    }
    tok = acc_csrf_mask(pool, s);
    if (valid != (tok != NULL) || (tok && !acc_csrf_check(s, tok))) {
        abort();
    }
    apr_pool_clear(pool);
    free(s);
    return 0;
}
