/*
 * t/unit/test_cookie.c -- the Cookie header parser and acc_is_base64url.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cookie.h"

static apr_pool_t *pool;

typedef struct {
    const char *name;   /* of the test */
    const char *header; /* Cookie header value */
    const char *cookie; /* cookie asked for */
    const char *want;   /* acc_cookie_get, NULL for absent */
} get_case_t;

static const get_case_t get_cases[] = {
    {"first_of_three", "a=1; b=2; c=3", "a", "1"},
    {"middle_of_three", "a=1; b=2; c=3", "b", "2"},
    {"last_of_three", "a=1; b=2; c=3", "c", "3"},
    {"absent", "a=1; b=2", "c", NULL},
    {"no_spaces", "a=1;b=2", "b", "2"},
    {"spaces_around", "  a = 1 ;  b =  2  ", "b", "2"},
    {"tabs_around", "\ta\t=\t1\t;\tb\t=\t2\t", "a", "1"},
    {"inner_space_kept", "a=x y", "a", "x y"},
    {"quoted", "a=\"xyz\"", "a", "xyz"},
    {"quoted_spaces", "a = \"xyz\" ; b=2", "a", "xyz"},
    {"quoted_empty", "a=\"\"", "a", ""},
    {"lone_quote", "a=\"", "a", "\""},
    {"open_quote", "a=\"xyz", "a", "\"xyz"},
    {"close_quote", "a=xyz\"", "a", "xyz\""},
    {"quotes_inside", "a=x\"y\"z", "a", "x\"y\"z"},
    {"duplicate_first_wins", "s=1; s=2", "s", "1"},
    {"prefix_longer_first", "sessionidx=bad; sessionid=good", "sessionid",
     "good"},
    {"prefix_shorter_first", "sessionid=good; sessionidx=bad", "sessionidx",
     "bad"},
    {"prefix_only_longer", "sessionidx=bad", "sessionid", NULL},
    {"suffix_only", "xsessionid=bad", "sessionid", NULL},
    {"value_as_name", "x=sessionid; y=2", "sessionid", NULL},
    {"case_sensitive", "SessionId=1", "sessionid", NULL},
    {"empty_value", "a=; b=2", "a", ""},
    {"empty_value_last", "b=2; a=", "a", ""},
    {"empty_value_spaces", "a=   ; b=2", "a", ""},
    {"no_equals_skipped", "a; b=2", "a", NULL},
    {"no_equals_other", "a; b=2", "b", "2"},
    {"no_equals_alone", "flag", "flag", NULL},
    {"trailing_semicolon", "a=1;", "a", "1"},
    {"trailing_semicolons", "a=1; ; ;", "a", "1"},
    {"leading_semicolons", ";;a=1", "a", "1"},
    {"empty_name_skipped", "=1; a=2", "a", "2"},
    {"equals_in_value", "a=b=c; d=e", "a", "b=c"},
    {"comma_joined", "a=1, b=2", "b", "2"},
    {"comma_no_space", "a=1,b=2", "b", "2"},
    {"comma_and_semicolon", "a=1; b=2, c=3; d=4", "c", "3"},
    {"name_with_space", "a b=1", "a b", "1"},
    {"only_spaces", "   ", "a", NULL},
    {"empty_header", "", "a", NULL},
    {"only_separators", ";;,,; ,", "a", NULL},
    {"base64url_value", "__Host-acc=AbC-_09", "__Host-acc", "AbC-_09"},
    {"utf8_value", "a=caf\xc3\xa9", "a", "caf\xc3\xa9"},
};

#define N_GET (sizeof(get_cases) / sizeof(get_cases[0]))

static void test_get_case(void **state)
{
    const get_case_t *c = *state;
    const char *got = acc_cookie_get(pool, c->header, c->cookie);

    if (c->want == NULL) {
        if (got != NULL) {
            fail_msg("%s: got \"%s\", expected none", c->name, got);
        }
    }
    else {
        if (got == NULL) {
            fail_msg("%s: got none, expected \"%s\"", c->name, c->want);
        }
        assert_string_equal(got, c->want);
    }
}

static void check_all(const char *header, const char *name, int n, ...)
{
    apr_array_header_t *all = acc_cookie_get_all(pool, header, name);
    va_list ap;
    int i;

    assert_non_null(all);
    assert_int_equal(all->nelts, n);
    va_start(ap, n);
    for (i = 0; i < n; i++) {
        assert_string_equal(APR_ARRAY_IDX(all, i, const char *),
                            va_arg(ap, const char *));
    }
    va_end(ap);
}

static void test_get_all(void **state)
{
    ACC_UNUSED(state);
    check_all("s=1; s=2; t=3; s=\"4\"", "s", 3, "1", "2", "4");
    check_all("s=1, s=2", "s", 2, "1", "2");
    check_all("sessionid=a; sessionidx=b; sessionid=c", "sessionid", 2, "a",
              "c");
    check_all("s=; s=x", "s", 2, "", "x");
    check_all("a=1", "s", 0);
    check_all("", "s", 0);
    check_all("s; s=1", "s", 1, "1");
}

static void test_null_arguments(void **state)
{
    apr_array_header_t *all;

    ACC_UNUSED(state);
    assert_null(acc_cookie_get(pool, NULL, "a"));
    assert_null(acc_cookie_get(pool, "a=1", NULL));
    assert_null(acc_cookie_get(pool, "=1", ""));
    all = acc_cookie_get_all(pool, NULL, "a");
    assert_non_null(all);
    assert_int_equal(all->nelts, 0);
    all = acc_cookie_get_all(pool, "a=1", NULL);
    assert_non_null(all);
    assert_int_equal(all->nelts, 0);
    all = acc_cookie_get_all(pool, "=1", "");
    assert_non_null(all);
    assert_int_equal(all->nelts, 0);
}

/* The value is a copy: the header can go away. */
static void test_value_is_copy(void **state)
{
    char h[] = "a=hello; b=2";
    const char *v;

    ACC_UNUSED(state);
    v = acc_cookie_get(pool, h, "a");
    memset(h, 'x', sizeof(h) - 1);
    assert_string_equal(v, "hello");
}

/* Many cookies: the one asked for is last; memory stays O(header). */
static void test_long_header(void **state)
{
    enum { N = 20000 };
    apr_pool_t *sub;
    char *h = malloc(N * 16 + 64), *o = h;
    apr_array_header_t *all;
    apr_size_t used, before;
    int i;

    ACC_UNUSED(state);
    assert_non_null(h);
    for (i = 0; i < N; i++) {
        o += sprintf(o, "c%05d=v%05d; ", i, i);
    }
    strcpy(o, "sessionid=last");
    assert_string_equal(acc_cookie_get(pool, h, "sessionid"), "last");
    assert_string_equal(acc_cookie_get(pool, h, "c12345"), "v12345");
    assert_null(acc_cookie_get(pool, h, "c1234"));

    /* Every cookie a duplicate: all N values, in order. */
    o = h;
    for (i = 0; i < N; i++) {
        o += sprintf(o, "d=%d;", i);
    }
    /* Its own allocator, so every block it takes comes from malloc. */
    assert_int_equal(apr_pool_create_ex(&sub, NULL, NULL, NULL), APR_SUCCESS);
    before = mallinfo2().uordblks;
    all = acc_cookie_get_all(sub, h, "d");
    assert_int_equal(all->nelts, N);
    assert_string_equal(APR_ARRAY_IDX(all, 0, const char *), "0");
    assert_string_equal(APR_ARRAY_IDX(all, N - 1, const char *), "19999");
    /* One pointer and one copy a cookie (8 + 2..6 bytes, for 4..8 bytes
     * of header): O(header), with no array regrowth.  (mallinfo2 reads 0
     * under ASan, which makes this check vacuous there.) */
    used = (apr_size_t)(o - h);
    assert_true(mallinfo2().uordblks - before < used * 4 + 65536);
    apr_pool_destroy(sub);
    free(h);
}

/* One very long value with no terminator. */
static void test_long_value(void **state)
{
    apr_size_t n = 1 << 20;
    char *h = malloc(n + 8);
    const char *v;

    ACC_UNUSED(state);
    assert_non_null(h);
    memcpy(h, "big=", 4);
    memset(h + 4, 'x', n);
    h[n + 4] = '\0';
    v = acc_cookie_get(pool, h, "big");
    assert_non_null(v);
    assert_int_equal(strlen(v), n);
    assert_null(acc_cookie_get(pool, h, "bigx"));
    free(h);
}

static void test_base64url(void **state)
{
    const char *tok = "q0L2d1fA5x-_Zk9Yw3pR7tHcV8bN4mJ6sE1uI0oPaGe";

    ACC_UNUSED(state);
    assert_int_equal(strlen(tok), 43);
    assert_int_equal(acc_is_base64url(tok, 43), 1);
    assert_int_equal(acc_is_base64url("AZaz09-_", 8), 1);
    assert_int_equal(acc_is_base64url("abc", 3), 1);
    /* Length must match exactly. */
    assert_int_equal(acc_is_base64url(tok, 42), 0);
    assert_int_equal(acc_is_base64url("abc", 4), 0);
    assert_int_equal(acc_is_base64url("abcd", 3), 0);
    /* Outside the alphabet: standard base64, padding, space, UTF-8. */
    assert_int_equal(acc_is_base64url("ab+c", 4), 0);
    assert_int_equal(acc_is_base64url("ab/c", 4), 0);
    assert_int_equal(acc_is_base64url("abc=", 4), 0);
    assert_int_equal(acc_is_base64url("ab c", 4), 0);
    assert_int_equal(acc_is_base64url("ab.c", 4), 0);
    assert_int_equal(acc_is_base64url("caf\xc3\xa9", 5), 0);
    /* Empty and NULL are never a token. */
    assert_int_equal(acc_is_base64url("", 0), 0);
    assert_int_equal(acc_is_base64url(NULL, 0), 0);
    assert_int_equal(acc_is_base64url(NULL, 43), 0);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_get_all),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_value_is_copy),
        cmocka_unit_test(test_long_header),
        cmocka_unit_test(test_long_value),
        cmocka_unit_test(test_base64url),
    };
    size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
    size_t total = N_GET + nfixed, i, n = 0;
    struct CMUnitTest *tests = calloc(total, sizeof(*tests));
    int rc;

    if (tests == NULL || apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    for (i = 0; i < N_GET; i++, n++) {
        tests[n].name = get_cases[i].name;
        tests[n].test_func = test_get_case;
        tests[n].initial_state = (void *)&get_cases[i];
    }
    for (i = 0; i < nfixed; i++, n++) {
        tests[n] = fixed[i];
    }
    rc = _cmocka_run_group_tests("cookie", tests, total, NULL, NULL);
    free(tests);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
