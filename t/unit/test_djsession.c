/*
 * t/unit/test_djsession.c -- Django's signed session data.
 *
 * The vectors are Django's own: session_data made by Django 3.2's
 * SessionStore.encode (database backend) under the secret below, and the
 * auth hash by its salted_hmac, as get_session_auth_hash makes it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>
#include <string.h>

#include "core/djsession.h"

static apr_pool_t *pool;

#define SECRET "unit-test-secret-key-0123456789-abcdefghij"
#define SLEN   (sizeof(SECRET) - 1)
#define KEY    ((const unsigned char *)SECRET)

#define HASH "b4001fead15ef8af5c493f70179433e897f5d2da1a17200de7fd2605bf480335"

/* {"_auth_user_id":"42", backend, "_auth_user_hash": HASH}, compressed */
static const char *logged_in =
    ".eJxVjDsOwjAQBe_iGlnrH44p6XOGaJ3dxQFkS_lUiLtDpBTQvpl5LzXgtpZhW3geJlIX5a06_"
    "Y4ZxwfXndAd663psdV1nrLeFX3QRfeN-Hk93L-"
    "Dgkv51tkDGGEkE1g6lDD65CSCick7x12KEsgS"
    "GjTRAhBHIXuGkMV34FxQ7w8PTzfO:1xYimR:36H1VJtXdmjb6cMNGh-M35WvGMDJIbjz2VRgt"
    "35KHcc";
/* the same with a 500-character "cart" beside it */
static const char *with_cart =
    ".eJztjEsOgkAQRO8yazPp-Tng0j1nID3T3YIaSBhITIx3FxIWegatZdWr91QtLnPXLoWntid1"
    "Ut6qw2eZMN942Ba64nAZdR6HeeqT3hC9r0U3I_H9vLNfgg5Lt76TBzDCSCawVCgh-9pJBBNr7x"
    "xXdZRAltCgiRaAOArZI4QkvgLnwirNOM2r6fHPz0W93mLoJNU:1xYimR:"
    "0awNU2yMYgPzvzbdNK"
    "n8FQkl7gV-sL00V16NUVSlhPk";
/* {"foo":"bar"}: a session, nobody logged in, not compressed */
static const char *anonymous =
    "eyJmb28iOiJiYXIifQ:1xYimR:GDxmfIiN8H7zjkpevIH2QfOyMogUzAsfLnRCuQ0cK6Y";

static int setup(void **state)
{
    (void)state;
    apr_initialize();
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

static void test_django_made(void **state)
{
    apr_int64_t id = 0;
    const char *hash = NULL;

    (void)state;
    assert_int_equal(
        acc_djsession_decode(pool, logged_in, KEY, SLEN, &id, &hash), 0);
    assert_int_equal(id, 42);
    assert_string_equal(hash, HASH);
    id = 0;
    assert_int_equal(
        acc_djsession_decode(pool, with_cart, KEY, SLEN, &id, &hash), 0);
    assert_int_equal(id, 42);
    assert_int_equal(
        acc_djsession_decode(pool, anonymous, KEY, SLEN, &id, &hash), -2);
}

static void test_auth_hash(void **state)
{
    (void)state;
    assert_string_equal(
        acc_djsession_auth_hash(pool, "pbkdf2_sha256$1$a$b", KEY, SLEN), HASH);
    assert_string_not_equal(
        acc_djsession_auth_hash(pool, "pbkdf2_sha256$1$a$c", KEY, SLEN), HASH);
}

static void test_refused(void **state)
{
    apr_int64_t id = 0;
    const char *hash = NULL;
    char *bad;
    size_t i;

    (void)state;
    /* another secret */
    assert_int_equal(acc_djsession_decode(pool, logged_in,
                                          (const unsigned char *)SECRET "x",
                                          SLEN + 1, &id, &hash),
                     -1);
    /* every single character changed */
    bad = apr_pstrdup(pool, logged_in);
    for (i = 0; bad[i]; i++) {
        char was = bad[i];
        bad[i] = was == 'A' ? 'B' : 'A';
        assert_int_equal(acc_djsession_decode(pool, bad, KEY, SLEN, &id, &hash),
                         -1);
        bad[i] = was;
    }
    assert_int_equal(acc_djsession_decode(pool, "", KEY, SLEN, &id, &hash), -1);
    assert_int_equal(acc_djsession_decode(pool, ":", KEY, SLEN, &id, &hash),
                     -1);
    assert_int_equal(acc_djsession_decode(pool, NULL, KEY, SLEN, &id, &hash),
                     -1);
    assert_int_equal(id, 0);
}

static void test_key_shape(void **state)
{
    (void)state;
    assert_true(acc_djsession_key_ok("3w0xkqf9m1v8b2n7c6x5z4l3k2j1h0g9"));
    assert_false(acc_djsession_key_ok("3W0XKQF9M1V8B2N7C6X5Z4L3K2J1H0G9"));
    assert_false(acc_djsession_key_ok("short"));
    assert_false(acc_djsession_key_ok("3w0xkqf9m1v8b2n7c6x5z4l3k2j1h0g9'--"));
    assert_false(acc_djsession_key_ok(""));
    assert_false(acc_djsession_key_ok(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_django_made),
        cmocka_unit_test(test_auth_hash),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_key_shape),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
