/*
 * t/unit/test_urlencoded.c -- the x-www-form-urlencoded parser.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/urlencoded.h"

static apr_pool_t *pool;

#define BAD_ESC  ACC_FIELD_BAD_ESCAPE
#define BAD_UTF8 ACC_FIELD_BAD_UTF8
#define NUL      ACC_FIELD_NUL

/* A body holding exactly one field. */
typedef struct {
    const char *name; /* of the test */
    const char *body;
    const char *fname; /* decoded name */
    const char *value; /* decoded value, len bytes */
    apr_size_t len;    /* decoded value length */
    int flags;         /* expected ACC_FIELD_* */
} one_case_t;

static const one_case_t one_cases[] = {
    {"plain", "a=1", "a", "1", 1, 0},
    {"plus_is_space", "a+b=c+d", "a b", "c d", 3, 0},
    {"only_plus", "a=+++", "a", "   ", 3, 0},
    {"pct_upper", "a=%41%42", "a", "AB", 2, 0},
    {"pct_lower", "a=%2f%2B", "a", "/+", 2, 0},
    {"pct_plus_not_space", "a=%2B+", "a", "+ ", 2, 0},
    {"pct_in_name", "%6Eext=x", "next", "x", 1, 0},
    {"pct_amp_eq", "a=%26%3D", "a", "&=", 2, 0},
    {"pct_space", "a=%20", "a", " ", 1, 0},
    {"equals_in_value", "a=b=c", "a", "b=c", 3, 0},
    {"semicolon_kept", "a=1;b=2", "a", "1;b=2", 5, 0},
    {"no_equals", "a", "a", "", 0, 0},
    {"empty_value", "a=", "a", "", 0, 0},
    {"empty_name", "=b", "", "b", 1, 0},
    {"empty_both", "=", "", "", 0, 0},
    {"leading_amps", "&&a=1", "a", "1", 1, 0},
    {"trailing_amps", "a=1&&", "a", "1", 1, 0},
    /* Bad escapes: kept literally, flagged. */
    {"pct_alone", "a=%", "a", "%", 1, BAD_ESC},
    {"pct_one_digit", "a=%4", "a", "%4", 2, BAD_ESC},
    {"pct_not_hex", "a=%zz", "a", "%zz", 3, BAD_ESC},
    {"pct_half_hex", "a=%4g", "a", "%4g", 3, BAD_ESC},
    {"pct_hex_half", "a=%g4", "a", "%g4", 3, BAD_ESC},
    {"pct_pct", "a=%%41", "a", "%A", 2, BAD_ESC},
    {"pct_at_end_of_name", "a%=1", "a%", "1", 1, BAD_ESC},
    {"pct_then_plus", "a=%+1", "a", "% 1", 3, BAD_ESC},
    {"pct_before_amp", "a=%4&", "a", "%4", 2, BAD_ESC},
    /* NUL bytes. */
    {"pct00", "a=%00", "a", "\0", 1, NUL},
    {"pct00_inside", "a=x%00y", "a", "x\0y", 3, NUL},
    {"pct00_in_name", "n%00x=1", "n", "1", 1, NUL},
    /* UTF-8: valid forms. */
    {"utf8_2byte", "a=caf%C3%A9", "a", "caf\xc3\xa9", 5, 0},
    {"utf8_3byte", "a=%E2%82%AC", "a", "\xe2\x82\xac", 3, 0},
    {"utf8_4byte", "a=%F0%9F%98%80", "a", "\xf0\x9f\x98\x80", 4, 0},
    {"utf8_max", "a=%F4%8F%BF%BF", "a", "\xf4\x8f\xbf\xbf", 4, 0},
    {"utf8_last_before_surrogates", "a=%ED%9F%BF", "a", "\xed\x9f\xbf", 3, 0},
    {"utf8_after_surrogates", "a=%EE%80%80", "a", "\xee\x80\x80", 3, 0},
    {"utf8_noncharacter", "a=%EF%BF%BF", "a", "\xef\xbf\xbf", 3, 0},
    {"utf8_raw", "a=caf\xc3\xa9", "a", "caf\xc3\xa9", 5, 0},
    /* UTF-8: invalid forms. */
    {"bad_continuation", "a=%C3%28", "a", "\xc3(", 2, BAD_UTF8},
    {"surrogate_high", "a=%ED%A0%80", "a", "\xed\xa0\x80", 3, BAD_UTF8},
    {"surrogate_low", "a=%ED%BF%BF", "a", "\xed\xbf\xbf", 3, BAD_UTF8},
    {"above_max", "a=%F4%90%80%80", "a", "\xf4\x90\x80\x80", 4, BAD_UTF8},
    {"f5_lead", "a=%F5%80%80%80", "a", "\xf5\x80\x80\x80", 4, BAD_UTF8},
    {"overlong_slash", "a=%C0%AF", "a", "\xc0\xaf", 2, BAD_UTF8},
    {"overlong_c1", "a=%C1%BF", "a", "\xc1\xbf", 2, BAD_UTF8},
    {"overlong_3byte", "a=%E0%80%AF", "a", "\xe0\x80\xaf", 3, BAD_UTF8},
    {"overlong_4byte", "a=%F0%80%80%AF", "a", "\xf0\x80\x80\xaf", 4, BAD_UTF8},
    {"truncated_2", "a=%C3", "a", "\xc3", 1, BAD_UTF8},
    {"truncated_3", "a=%E2%82", "a", "\xe2\x82", 2, BAD_UTF8},
    {"truncated_4", "a=%F0%9F%98", "a", "\xf0\x9f\x98", 3, BAD_UTF8},
    {"truncated_then_ascii", "a=%E2%82x", "a", "\xe2\x82x", 3, BAD_UTF8},
    {"lone_continuation", "a=%80", "a", "\x80", 1, BAD_UTF8},
    {"byte_ff", "a=%FF", "a", "\xff", 1, BAD_UTF8},
    {"raw_latin1", "a=caf\xe9", "a", "caf\xe9", 4, BAD_UTF8},
    {"bad_utf8_in_name", "%FF=1", "\xff", "1", 1, BAD_UTF8},
    /* Several problems at once. */
    {"all_flags", "a=%zz%00%FF", "a", "%zz\0\xff", 5, BAD_ESC | NUL | BAD_UTF8},
};

#define N_ONE (sizeof(one_cases) / sizeof(one_cases[0]))

static void test_one_case(void **state)
{
    const one_case_t *c = *state;
    apr_array_header_t *f = acc_urlform_parse(pool, c->body, strlen(c->body));
    const acc_field_t *x;

    assert_non_null(f);
    if (f->nelts != 1) {
        fail_msg("%s: %d fields, expected 1", c->name, f->nelts);
    }
    x = &APR_ARRAY_IDX(f, 0, acc_field_t);
    assert_string_equal(x->name, c->fname);
    if (x->flags != c->flags) {
        fail_msg("%s: flags %#x, expected %#x", c->name, x->flags, c->flags);
    }
    assert_int_equal(x->len, c->len);
    assert_memory_equal(x->value, c->value, c->len);
    assert_int_equal(x->value[x->len], '\0');
}

static apr_array_header_t *parse(const char *body)
{
    return acc_urlform_parse(pool, body, strlen(body));
}

static void test_no_fields(void **state)
{
    static const char *bodies[] = {"", "&", "&&", "&&&&&"};
    size_t i;

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
        apr_array_header_t *f = parse(bodies[i]);

        assert_non_null(f);
        assert_int_equal(f->nelts, 0);
    }
    assert_int_equal(acc_urlform_parse(pool, NULL, 0)->nelts, 0);
    assert_int_equal(acc_urlform_parse(pool, NULL, 5)->nelts, 0);
}

static void test_order_and_flags_per_field(void **state)
{
    apr_array_header_t *f = parse("a=1&b=%zz&c&=d&e=%00&f=%FF&g=%4&h=ok");
    static const char *names[] = {"a", "b", "c", "", "e", "f", "g", "h"};
    static const int flags[] = {0, BAD_ESC, 0, 0, NUL, BAD_UTF8, BAD_ESC, 0};
    int i;

    ACC_UNUSED(state);
    assert_int_equal(f->nelts, 8);
    for (i = 0; i < 8; i++) {
        const acc_field_t *x = &APR_ARRAY_IDX(f, i, acc_field_t);

        assert_string_equal(x->name, names[i]);
        assert_int_equal(x->flags, flags[i]);
    }
    assert_string_equal(APR_ARRAY_IDX(f, 6, acc_field_t).value, "%4");
    assert_string_equal(APR_ARRAY_IDX(f, 7, acc_field_t).value, "ok");
}

static void test_get_last_wins(void **state)
{
    apr_array_header_t *f = parse("a=1&b=x&a=2&a=3&ab=9");
    const acc_field_t *x;
    int n = -1;

    ACC_UNUSED(state);
    x = acc_urlform_get(f, "a", &n);
    assert_non_null(x);
    assert_string_equal(x->value, "3");
    assert_int_equal(n, 3);
    x = acc_urlform_get(f, "b", &n);
    assert_string_equal(x->value, "x");
    assert_int_equal(n, 1);
    x = acc_urlform_get(f, "ab", NULL);
    assert_string_equal(x->value, "9");
    /* Exact names only: no prefixes, no case folding. */
    assert_null(acc_urlform_get(f, "A", &n));
    assert_int_equal(n, 0);
    assert_null(acc_urlform_get(f, "", &n));
    assert_int_equal(n, 0);
    assert_null(acc_urlform_get(f, "abc", NULL));
    assert_null(acc_urlform_get(NULL, "a", &n));
    assert_int_equal(n, 0);
    assert_null(acc_urlform_get(f, NULL, &n));
    assert_int_equal(n, 0);
}

/* Names are compared after decoding. */
static void test_get_decoded_names(void **state)
{
    apr_array_header_t *f = parse("n%65xt=%2Fhome%2F&next=%2F&ne+xt=z");
    const acc_field_t *x;
    int n;

    ACC_UNUSED(state);
    x = acc_urlform_get(f, "next", &n);
    assert_string_equal(x->value, "/");
    assert_int_equal(n, 2);
    x = acc_urlform_get(f, "ne xt", &n);
    assert_string_equal(x->value, "z");
    assert_int_equal(n, 1);
}

/* Only body[0..len) is read. */
static void test_len_is_respected(void **state)
{
    const char body[] = "a=1&b=2";
    apr_array_header_t *f;

    ACC_UNUSED(state);
    f = acc_urlform_parse(pool, body, 3);
    assert_int_equal(f->nelts, 1);
    assert_string_equal(APR_ARRAY_IDX(f, 0, acc_field_t).value, "1");
    /* A "%4" cut short by len is a bad escape, not "%4&". */
    f = acc_urlform_parse(pool, "a=%41", 4);
    assert_int_equal(APR_ARRAY_IDX(f, 0, acc_field_t).flags, BAD_ESC);
    assert_string_equal(APR_ARRAY_IDX(f, 0, acc_field_t).value, "%4");
}

/* A raw NUL inside the body (not %00) is data too. */
static void test_raw_nul(void **state)
{
    const char body[] = "a=x\0y&b=2";
    apr_array_header_t *f = acc_urlform_parse(pool, body, sizeof(body) - 1);
    const acc_field_t *x;

    ACC_UNUSED(state);
    assert_int_equal(f->nelts, 2);
    x = &APR_ARRAY_IDX(f, 0, acc_field_t);
    assert_int_equal(x->len, 3);
    assert_int_equal(x->flags, NUL);
    assert_memory_equal(x->value, "x\0y", 3);
    assert_string_equal(APR_ARRAY_IDX(f, 1, acc_field_t).value, "2");
}

/* A body of a few MB with thousands of fields and a long value. */
static void test_big_body(void **state)
{
    enum { N = 50000, LONG = 1 << 20 };
    char *b = malloc((apr_size_t)N * 24 + LONG * 3 + 64), *o = b;
    apr_array_header_t *f;
    const acc_field_t *x;
    int i, n;

    ACC_UNUSED(state);
    assert_non_null(b);
    for (i = 0; i < N; i++) {
        o += sprintf(o, "f%d=v%%20%d&", i, i);
    }
    o += sprintf(o, "same=1&long=");
    for (i = 0; i < LONG; i++) {
        memcpy(o, "%41", 3);
        o += 3;
    }
    o += sprintf(o, "&same=2");
    f = acc_urlform_parse(pool, b, (apr_size_t)(o - b));
    assert_int_equal(f->nelts, N + 3);
    x = acc_urlform_get(f, "f49999", &n);
    assert_string_equal(x->value, "v 49999");
    assert_int_equal(n, 1);
    x = acc_urlform_get(f, "long", NULL);
    assert_int_equal(x->len, LONG);
    assert_int_equal(x->flags, 0);
    assert_int_equal(x->value[0], 'A');
    assert_int_equal(x->value[LONG - 1], 'A');
    x = acc_urlform_get(f, "same", &n);
    assert_string_equal(x->value, "2");
    assert_int_equal(n, 2);
    free(b);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_no_fields),
        cmocka_unit_test(test_order_and_flags_per_field),
        cmocka_unit_test(test_get_last_wins),
        cmocka_unit_test(test_get_decoded_names),
        cmocka_unit_test(test_len_is_respected),
        cmocka_unit_test(test_raw_nul),
        cmocka_unit_test(test_big_body),
    };
    size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
    size_t total = N_ONE + nfixed, i, n = 0;
    struct CMUnitTest *tests = calloc(total, sizeof(*tests));
    int rc;

    if (tests == NULL || apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    for (i = 0; i < N_ONE; i++, n++) {
        tests[n].name = one_cases[i].name;
        tests[n].test_func = test_one_case;
        tests[n].initial_state = (void *)&one_cases[i];
    }
    for (i = 0; i < nfixed; i++, n++) {
        tests[n] = fixed[i];
    }
    rc = _cmocka_run_group_tests("urlform", tests, total, NULL, NULL);
    free(tests);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
