/*
 * t/unit/test_pwpolicy.c -- the password policy in words: validator
 * names (ours and Django's), lists, the minimum length's range, and the
 * description a refusal quotes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <string.h>

#include "core/pwpolicy.h"

static apr_pool_t *pool;

static void test_words(void **state)
{
    unsigned int bits = 0;

    ACC_UNUSED(state);
    assert_null(acc_pwv_word(pool, "common", &bits));
    assert_int_equal(bits, ACC_PWV_COMMON);
    assert_null(acc_pwv_word(pool, "NumericPasswordValidator", &bits));
    assert_int_equal(bits, ACC_PWV_COMMON | ACC_PWV_NUMERIC);
    assert_null(acc_pwv_word(pool, "LENGTH", &bits));
    assert_null(acc_pwv_word(pool, "userattributesimilarityvalidator", &bits));
    assert_int_equal(bits, ACC_PWV_ALL);
    assert_null(acc_pwv_word(pool, "none", &bits));
    assert_int_equal(bits, 0);
    assert_null(acc_pwv_word(pool, "All", &bits));
    assert_int_equal(bits, ACC_PWV_ALL);
    assert_null(acc_pwv_word(pool, "MinimumLengthValidator", &bits));
    assert_null(acc_pwv_word(pool, "CommonPasswordValidator", &bits));
    assert_null(acc_pwv_word(pool, "similarity", &bits));
}

static void test_unknown_word(void **state)
{
    unsigned int bits = ACC_PWV_COMMON;
    const char *m;

    ACC_UNUSED(state);
    m = acc_pwv_word(pool, "bogus", &bits);
    assert_non_null(m);
    assert_non_null(strstr(m, "'bogus'"));
    assert_non_null(strstr(m, "similarity, length, common, numeric, all or "
                              "none"));
    assert_int_equal(bits, ACC_PWV_COMMON);
    assert_non_null(acc_pwv_word(pool, "", &bits));
    assert_non_null(acc_pwv_word(pool, "commonx", &bits));
    assert_non_null(acc_pwv_word(pool,
                                 "django.contrib.auth.password_validation."
                                 "CommonPasswordValidator",
                                 &bits));
}

static void test_lists(void **state)
{
    unsigned int bits = 99;

    ACC_UNUSED(state);
    assert_null(acc_pwv_list(pool, "similarity length common numeric", &bits));
    assert_int_equal(bits, ACC_PWV_ALL);
    assert_null(acc_pwv_list(pool, "  common,numeric\t", &bits));
    assert_int_equal(bits, ACC_PWV_COMMON | ACC_PWV_NUMERIC);
    assert_null(acc_pwv_list(pool, "none", &bits));
    assert_int_equal(bits, 0);
    assert_null(acc_pwv_list(pool, "all", &bits));
    assert_int_equal(bits, ACC_PWV_ALL);
    assert_null(acc_pwv_list(pool, "none length", &bits));
    assert_int_equal(bits, ACC_PWV_MINLENGTH);
    bits = 7;
    assert_non_null(acc_pwv_list(pool, "common bogus", &bits));
    assert_int_equal(bits, 7);
    assert_non_null(acc_pwv_list(pool, "", &bits));
    assert_non_null(acc_pwv_list(pool, " , ", &bits));
    assert_int_equal(bits, 7);
}

static void test_min_length(void **state)
{
    int n = 5;

    ACC_UNUSED(state);
    assert_int_equal(acc_pw_min_length_parse("1", &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(acc_pw_min_length_parse("4096", &n), 0);
    assert_int_equal(n, 4096);
    assert_int_equal(acc_pw_min_length_parse("12", &n), 0);
    assert_int_equal(n, 12);
    assert_int_equal(acc_pw_min_length_parse("0", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("4097", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("-3", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("+3", &n), -1);
    assert_int_equal(acc_pw_min_length_parse(" 3", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("3 ", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("8x", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("", &n), -1);
    assert_int_equal(acc_pw_min_length_parse("99999999999999999999", &n), -1);
    assert_int_equal(acc_pw_min_length_parse(NULL, &n), -1);
    assert_int_equal(n, 12);
}

static void test_describe(void **state)
{
    acc_pwpolicy_t pol = {ACC_PWV_ALL, 8, 0.7};

    ACC_UNUSED(state);
    assert_string_equal(acc_pwpolicy_describe(pool, &pol),
                        "min length 8; validators: similarity, length, "
                        "common, numeric");
    pol.min_length = 20;
    pol.validators = ACC_PWV_MINLENGTH | ACC_PWV_NUMERIC;
    assert_string_equal(acc_pwpolicy_describe(pool, &pol),
                        "min length 20; validators: length, numeric");
    pol.validators = ACC_PWV_COMMON;
    assert_string_equal(acc_pwpolicy_describe(pool, &pol),
                        "validators: common");
    pol.validators = 0;
    assert_string_equal(acc_pwpolicy_describe(pool, &pol), "validators: none");
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words),    cmocka_unit_test(test_unknown_word),
        cmocka_unit_test(test_lists),    cmocka_unit_test(test_min_length),
        cmocka_unit_test(test_describe),
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("pwpolicy", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
