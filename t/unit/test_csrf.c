/*
 * t/unit/test_csrf.c -- CSRF secrets, masking and checking.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_general.h>
#include <string.h>

#include "core/csrf.h"

static apr_pool_t *pool;

/* Django's CSRF_ALLOWED_CHARS, kept here independently of csrf.c. */
static const char alphabet[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

#define SECRET "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"

static int setup(void **state)
{
    (void)state;
    if (apr_initialize() != APR_SUCCESS) {
        return -1;
    }
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

static int pos(char c)
{
    const char *at = c ? strchr(alphabet, c) : NULL;

    assert_non_null(at);
    return (int)(at - alphabet);
}

static void assert_alnum(const char *s, apr_size_t n)
{
    apr_size_t i;

    assert_int_equal(strlen(s), n);
    for (i = 0; i < n; i++) {
        assert_non_null(strchr(alphabet, s[i]));
    }
}

/* Django's _unmask_cipher_token, written the plain way. */
static void unmask(const char *tok, char out[33])
{
    int i;

    for (i = 0; i < 32; i++) {
        out[i] = alphabet[(pos(tok[32 + i]) - pos(tok[i]) + 62) % 62];
    }
    out[32] = '\0';
}

static void test_new_secret(void **state)
{
    const char *a, *b;

    (void)state;
    a = acc_csrf_new_secret(pool);
    b = acc_csrf_new_secret(pool);
    assert_non_null(a);
    assert_non_null(b);
    assert_alnum(a, ACC_CSRF_SECRET_LEN);
    assert_alnum(b, ACC_CSRF_SECRET_LEN);
    assert_string_not_equal(a, b);
    assert_true(acc_csrf_secret_valid(a));
    assert_true(acc_csrf_check(a, a));
    assert_false(acc_csrf_check(a, b));
}

static void test_secret_valid(void **state)
{
    (void)state;
    assert_true(acc_csrf_secret_valid(SECRET));
    assert_true(acc_csrf_secret_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    assert_true(acc_csrf_secret_valid("99999999999999999999999999999999"));
    assert_false(acc_csrf_secret_valid(NULL));
    assert_false(acc_csrf_secret_valid(""));
    assert_false(acc_csrf_secret_valid("Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1e"));
    assert_false(acc_csrf_secret_valid(SECRET "a"));
    assert_false(acc_csrf_secret_valid("Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1e-"));
    assert_false(acc_csrf_secret_valid("Xk3mQ9vTz0LbN7pR_2sYc8dFh5jGa1eU"));
    assert_false(acc_csrf_secret_valid(" k3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"));
    assert_false(acc_csrf_secret_valid("Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1e\xc3"));
}

static void test_mask(void **state)
{
    const char *a, *b;
    char plain[33];
    int i;

    (void)state;
    a = acc_csrf_mask(pool, SECRET);
    b = acc_csrf_mask(pool, SECRET);
    assert_non_null(a);
    assert_non_null(b);
    assert_alnum(a, ACC_CSRF_TOKEN_LEN);
    assert_alnum(b, ACC_CSRF_TOKEN_LEN);
    assert_string_not_equal(a, b);
    assert_memory_not_equal(a, b, 32); /* the masks differ */
    assert_true(acc_csrf_check(SECRET, a));
    assert_true(acc_csrf_check(SECRET, b));

    /* The cipher half is Django's arithmetic on the mask half. */
    unmask(a, plain);
    assert_string_equal(plain, SECRET);
    for (i = 0; i < 32; i++) {
        assert_int_equal(a[32 + i],
                         alphabet[(pos(SECRET[i]) + pos(a[i])) % 62]);
    }

    assert_null(acc_csrf_mask(pool, NULL));
    assert_null(acc_csrf_mask(pool, "short"));
    assert_null(acc_csrf_mask(pool, "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1e!"));
}

/* Tokens worked out by hand from Django's formula. */
static void test_fixed_vectors(void **state)
{
    (void)state;
    /* idx('a') == 0: the cipher is the mask. */
    assert_true(acc_csrf_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                               "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"
                               "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"));
    /* idx('9') == 61, idx('b') == 1: 62 mod 62 == 0 == 'a'. */
    assert_true(acc_csrf_check("99999999999999999999999999999999",
                               "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                               "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
    /* idx('Z') == 51, idx('9') == 61: 112 mod 62 == 50 == 'Y'. */
    assert_true(acc_csrf_check("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ",
                               "99999999999999999999999999999999"
                               "YYYYYYYYYYYYYYYYYYYYYYYYYYYYYYYY"));
    /* idx('z') == 25, idx('A') == 26: 51 == 'Z'. */
    assert_true(acc_csrf_check("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
                               "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ"));
    /* idx('0') == 52: 52 + 0 == '0', 104 mod 62 == 42 == 'Q'. */
    assert_true(acc_csrf_check("0000000000000000000000000000000a",
                               "a000000000000000000000000000000a"
                               "0QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQa"));
    assert_false(acc_csrf_check("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab",
                                "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"
                                "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"));
}

/* Each of the 62 characters, as secret and as mask, round-trips. */
static void test_every_char(void **state)
{
    char secret[33], tok[65];
    int s, m, i;

    (void)state;
    for (s = 0; s < 62; s++) {
        for (m = 0; m < 62; m++) {
            for (i = 0; i < 32; i++) {
                secret[i] = alphabet[s];
                tok[i] = alphabet[m];
                tok[32 + i] = alphabet[(s + m) % 62];
            }
            secret[32] = tok[64] = '\0';
            assert_true(acc_csrf_check(secret, tok));
            tok[40] = alphabet[(s + m + 1) % 62];
            assert_false(acc_csrf_check(secret, tok));
        }
        assert_true(acc_csrf_check(secret, secret));
    }
}

static void test_bare_and_wrong(void **state)
{
    const char *other;

    (void)state;
    assert_true(acc_csrf_check(SECRET, SECRET));
    other = acc_csrf_new_secret(pool);
    assert_false(acc_csrf_check(SECRET, other));
    assert_false(acc_csrf_check(SECRET, acc_csrf_mask(pool, other)));
    assert_false(acc_csrf_check(other, acc_csrf_mask(pool, SECRET)));
    assert_false(acc_csrf_check(SECRET, "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eV"));
    assert_false(acc_csrf_check(SECRET, "xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1eU"));
    assert_false(acc_csrf_check(NULL, SECRET));
    assert_false(acc_csrf_check(SECRET, NULL));
    assert_false(acc_csrf_check(NULL, NULL));
    /* A malformed secret never checks, even against itself. */
    assert_false(acc_csrf_check("Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1e!",
                                "Xk3mQ9vTz0LbN7pRw2sYc8dFh5jGa1e!"));
    assert_false(acc_csrf_check("", ""));
}

static void test_bad_shape(void **state)
{
    static const char bad_chars[] = "-_ +/=.!\"\\\x7f\x80\xff\t";
    const char *tok;
    char buf[80];
    apr_size_t len, i;

    (void)state;
    tok = acc_csrf_mask(pool, SECRET);
    /* Every length but 32 and 64: prefixes of the token and of
     * token + more characters. */
    for (len = 0; len < sizeof(buf) - 1; len++) {
        for (i = 0; i < len; i++) {
            buf[i] = i < 64 ? tok[i] : 'a';
        }
        buf[len] = '\0';
        if (len == 64) {
            assert_true(acc_csrf_check(SECRET, buf));
        }
        else {
            assert_false(acc_csrf_check(SECRET, buf));
        }
    }
    /* One character outside the alphabet, anywhere, in either form. */
    for (i = 0; i < strlen(bad_chars); i++) {
        for (len = 0; len < 64; len++) {
            strcpy(buf, tok);
            buf[len] = bad_chars[i];
            assert_false(acc_csrf_check(SECRET, buf));
            if (len < 32) {
                strcpy(buf, SECRET);
                buf[len] = bad_chars[i];
                assert_false(acc_csrf_check(SECRET, buf));
            }
        }
    }
}

static void test_altered_token(void **state)
{
    const char *tok;
    char buf[65];
    int i;

    (void)state;
    tok = acc_csrf_mask(pool, SECRET);
    for (i = 0; i < 64; i++) {
        strcpy(buf, tok);
        buf[i] = alphabet[(pos(buf[i]) + 1 + i % 61) % 62]; /* +1..+61 */
        assert_false(acc_csrf_check(SECRET, buf));
    }
    /* Mask and cipher swapped. */
    memcpy(buf, tok + 32, 32);
    memcpy(buf + 32, tok, 32);
    buf[64] = '\0';
    if (strcmp(buf, tok) != 0) {
        assert_false(acc_csrf_check(SECRET, buf));
    }
}

/* Smoke test of uniformity: over 1000 secrets (32000 characters, about
 * 516 of each) every character turns up near its share, and Pearson's
 * chi-square (61 degrees of freedom, mean 61) stays under 130, which a
 * plain "byte % 62" (8 characters a quarter more likely) would exceed. */
static void test_uniform(void **state)
{
    const double expect = 32000.0 / 62;
    int count[62] = {0};
    double chi2 = 0;
    const char *s;
    int n, i;

    (void)state;
    for (n = 0; n < 1000; n++) {
        s = acc_csrf_new_secret(pool);
        assert_non_null(s);
        for (i = 0; i < 32; i++) {
            count[pos(s[i])]++;
        }
    }
    for (i = 0; i < 62; i++) {
        if (count[i] < 380 || count[i] > 660) {
            fail_msg("'%c' appeared %d times in 32000", alphabet[i], count[i]);
        }
        chi2 += (count[i] - expect) * (count[i] - expect) / expect;
    }
    if (chi2 > 130) {
        fail_msg("chi-square %.1f over 61 degrees of freedom", chi2);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_secret),
        cmocka_unit_test(test_secret_valid),
        cmocka_unit_test(test_mask),
        cmocka_unit_test(test_fixed_vectors),
        cmocka_unit_test(test_every_char),
        cmocka_unit_test(test_bare_and_wrong),
        cmocka_unit_test(test_bad_shape),
        cmocka_unit_test(test_altered_token),
        cmocka_unit_test(test_uniform),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
