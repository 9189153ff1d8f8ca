/*
 * t/unit/test_crypto.c -- SHA-256, HMAC-SHA256, tokens, comparison.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_thread_proc.h>
#include <string.h>

#include "core/crypto.h"

static apr_pool_t *pool;

static void sha256_vectors(void **state)
{
    (void)state;
    /* FIPS 180-2 examples. */
    assert_string_equal(acc_sha256_hex(pool, ""),
                        "e3b0c44298fc1c149afbf4c8996fb924"
                        "27ae41e4649b934ca495991b7852b855");
    assert_string_equal(acc_sha256_hex(pool, "abc"),
                        "ba7816bf8f01cfea414140de5dae2223"
                        "b00361a396177a9cb410ff61f20015ad");
    assert_string_equal(
        acc_sha256_hex(pool, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmn"
                             "lmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    {
        /* ... and a million 'a's: many blocks through one call. */
        char *a = apr_palloc(pool, 1000001);
        memset(a, 'a', 1000000);
        a[1000000] = '\0';
        assert_string_equal(acc_sha256_hex(pool, a),
                            "cdc76e5c9914fb9281a1c7e284d73e67"
                            "f1809a48a497200e046d39ccc7112cd0");
    }
}

/* httpd's threads hash at once: each gets the right answers, hashes
 * interleaved with HMACs (no state may be shared between calls). */
static void *APR_THREAD_FUNC hash_often(apr_thread_t *t, void *data)
{
    apr_pool_t *p;
    unsigned char mac[ACC_SHA256_LEN];
    int i, *bad = data;

    apr_pool_create(&p, NULL);
    for (i = 0; i < 2000; i++) {
        if (strcmp(acc_sha256_hex(p, "abc"),
                   "ba7816bf8f01cfea414140de5dae2223"
                   "b00361a396177a9cb410ff61f20015ad") != 0) {
            (*bad)++;
        }
        acc_hmac_sha256("key", 3, "The quick brown fox jumps over the lazy dog",
                        43, mac);
        if (strcmp(acc_hex(p, mac, sizeof(mac)),
                   "f7bc83f430538424b13298e6aa6fb143"
                   "ef4d59a14946175997479dbc2d1a3cd8") != 0) {
            (*bad)++;
        }
        apr_pool_clear(p);
    }
    apr_pool_destroy(p);
    apr_thread_exit(t, APR_SUCCESS);
    return NULL;
}

static void sha256_threads(void **state)
{
    apr_thread_t *t[4];
    apr_status_t rv;
    int bad[4] = {0, 0, 0, 0}, i;

    (void)state;
    for (i = 0; i < 4; i++) {
        assert_int_equal(
            apr_thread_create(&t[i], NULL, hash_often, &bad[i], pool),
            APR_SUCCESS);
    }
    for (i = 0; i < 4; i++) {
        apr_thread_join(&rv, t[i]);
        assert_int_equal(bad[i], 0);
    }
}

static void hmac_vectors(void **state)
{
    unsigned char out[ACC_SHA256_LEN];
    unsigned char key[131];

    (void)state;
    /* RFC 4231 test case 2. */
    acc_hmac_sha256("Jefe", 4, "what do ya want for nothing?", 28, out);
    assert_string_equal(acc_hex(pool, out, sizeof(out)),
                        "5bdcc146bf60754e6a042426089575c7"
                        "5a003f089d2739839dec58b964ec3843");
    /* RFC 4231 test case 6: a key longer than the block. */
    memset(key, 0xaa, sizeof(key));
    acc_hmac_sha256(key, sizeof(key),
                    "Test Using Larger Than Block-Size Key - Hash Key First",
                    54, out);
    assert_string_equal(acc_hex(pool, out, sizeof(out)),
                        "60e431591ee0b67f0d8a26aacbf5b77f"
                        "8e0bc6213728c5140546040f0ee37f54");
}

static void tokens(void **state)
{
    const char *a = acc_random_token(pool, 32);
    const char *b = acc_random_token(pool, 32);
    apr_size_t i;

    (void)state;
    assert_non_null(a);
    assert_int_equal(strlen(a), 43);
    assert_string_not_equal(a, b);
    for (i = 0; a[i]; i++) {
        assert_true(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx"
                           "yz0123456789-_",
                           a[i]) != NULL);
    }
    assert_null(acc_random_token(pool, 65));
}

static void equal_ct(void **state)
{
    char s[] = "secret";

    (void)state;
    assert_true(acc_str_equal_ct("abc", "abc"));
    assert_false(acc_str_equal_ct("abc", "abd"));
    assert_false(acc_str_equal_ct("abc", "abcd"));
    assert_false(acc_str_equal_ct(NULL, "abc"));
    assert_true(acc_str_equal_ct("", ""));
    acc_wipe(s);
    assert_int_equal(s[0], 0);
    assert_int_equal(s[5], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sha256_vectors), cmocka_unit_test(sha256_threads),
        cmocka_unit_test(hmac_vectors),   cmocka_unit_test(tokens),
        cmocka_unit_test(equal_ct),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_terminate();
    return rc;
}
