/*
 * t/unit/test_device.c -- device tokens: made for a username, they check
 * for it and no other, within their age, with the key they were made
 * with, and nothing altered or malformed passes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <string.h>

#include "core/device.h"

static apr_pool_t *pool;
static const unsigned char key[] = "0123456789abcdef0123456789abcdef";
static const unsigned char other[] = "fedcba9876543210fedcba9876543210";
#define KLEN (sizeof(key) - 1)
#define DAY  86400

static void test_round_trip(void **state)
{
    apr_time_t now = apr_time_now();
    const char *tok = acc_device_token(pool, key, KLEN, "alice", now);
    const char *nonce = NULL, *nonce2 = NULL;

    (void)state;
    assert_non_null(tok);
    assert_true(
        acc_device_check(pool, tok, key, KLEN, "alice", now, DAY, &nonce));
    assert_non_null(nonce);
    assert_int_equal(strlen(nonce), 22);
    /* Each token is its own device. */
    tok = acc_device_token(pool, key, KLEN, "alice", now);
    assert_true(
        acc_device_check(pool, tok, key, KLEN, "alice", now, DAY, &nonce2));
    assert_string_not_equal(nonce, nonce2);
}

static void test_refusals(void **state)
{
    apr_time_t now = apr_time_now();
    const char *tok = acc_device_token(pool, key, KLEN, "alice", now);
    const char *nonce = NULL;
    char *bad;
    apr_size_t i;

    (void)state;
    /* Another user, another key. */
    assert_false(
        acc_device_check(pool, tok, key, KLEN, "alicf", now, DAY, &nonce));
    assert_false(
        acc_device_check(pool, tok, key, KLEN, "alice ", now, DAY, &nonce));
    assert_false(
        acc_device_check(pool, tok, other, KLEN, "alice", now, DAY, &nonce));
    /* Too old, or from the future. */
    assert_false(acc_device_check(pool, tok, key, KLEN, "alice",
                                  now + apr_time_from_sec(DAY + 1), DAY,
                                  &nonce));
    assert_false(acc_device_check(pool, tok, key, KLEN, "alice",
                                  now - apr_time_from_sec(5), DAY, &nonce));
    /* Any one character changed. */
    for (i = 0; tok[i]; i++) {
        bad = apr_pstrdup(pool, tok);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        assert_false(
            acc_device_check(pool, bad, key, KLEN, "alice", now, DAY, &nonce));
    }
    /* Cut, lengthened, malformed. */
    assert_false(acc_device_check(pool,
                                  apr_pstrndup(pool, tok, strlen(tok) - 1), key,
                                  KLEN, "alice", now, DAY, &nonce));
    assert_false(acc_device_check(pool, apr_pstrcat(pool, tok, "A", NULL), key,
                                  KLEN, "alice", now, DAY, &nonce));
    assert_false(
        acc_device_check(pool, "", key, KLEN, "alice", now, DAY, &nonce));
    assert_false(
        acc_device_check(pool, "...", key, KLEN, "alice", now, DAY, &nonce));
    assert_false(
        acc_device_check(pool, NULL, key, KLEN, "alice", now, DAY, &nonce));
    assert_false(acc_device_check(pool, "-1.AAAAAAAAAAAAAAAAAAAAAA.x", key,
                                  KLEN, "alice", now, DAY, &nonce));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refusals),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
