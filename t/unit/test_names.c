/*
 * t/unit/test_names.c -- group and permission names: what is refused
 * (separators, controls, whitespace at the ends or, for permissions,
 * anywhere; invalid UTF-8; length in characters) and what is not.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <string.h>

#include "core/names.h"

static apr_pool_t *pool;

#define GROUP_OK(n)  assert_null(acc_group_name_check(pool, n))
#define GROUP_BAD(n) assert_non_null(acc_group_name_check(pool, n))
#define PERM_OK(n)   assert_null(acc_perm_name_check(pool, n))
#define PERM_BAD(n)  assert_non_null(acc_perm_name_check(pool, n))

/* s repeated n times, in pool. */
static const char *rep(const char *s, int n)
{
    const char *out = "";

    while (n-- > 0) {
        out = apr_pstrcat(pool, out, s, NULL);
    }
    return out;
}

static void test_good_names(void **state)
{
    ACC_UNUSED(state);
    GROUP_OK("editors");
    GROUP_OK("Blog editors");
    GROUP_OK("r\xc3\xa9"
             "dacteurs");
    GROUP_OK("\xe7\xb7\xa8\xe9\x9b\x86\xe8\x80\x85");
    GROUP_OK("a.b-c_d@e+f/g:h;i'j\"k");
    PERM_OK("blog.add_post");
    PERM_OK("blog.publier_\xc3\xa9");
    PERM_OK("x");
}

static void test_empty_and_null(void **state)
{
    ACC_UNUSED(state);
    GROUP_BAD("");
    GROUP_BAD(NULL);
    PERM_BAD("");
    PERM_BAD(NULL);
}

/* Lengths are in characters, as the columns count them. */
static void test_lengths(void **state)
{
    ACC_UNUSED(state);
    GROUP_OK(rep("g", 150));
    GROUP_BAD(rep("g", 151));
    GROUP_OK(rep("\xc3\xa9", 150)); /* 300 bytes */
    GROUP_BAD(rep("\xc3\xa9", 151));
    GROUP_OK(rep("\xf0\x9f\x94\x91", 150));
    PERM_OK(rep("p", 100));
    PERM_BAD(rep("p", 101));
    PERM_OK(rep("\xc3\xa9", 100));
    PERM_BAD(rep("\xc3\xa9", 101));
}

static void test_separators(void **state)
{
    ACC_UNUSED(state);
    GROUP_BAD("a,b");
    GROUP_BAD(",");
    GROUP_BAD("a\x1f"
              "b");
    PERM_BAD("a,b");
    PERM_BAD("a\x1f"
             "b");
}

static void test_controls(void **state)
{
    char g[4] = "a?b";
    int c;

    ACC_UNUSED(state);
    for (c = 1; c < 0x20; c++) {
        g[1] = (char)c;
        GROUP_BAD(g);
        PERM_BAD(g);
    }
    GROUP_BAD("a\x7f"
              "b");
    PERM_BAD("a\x7f"
             "b");
    GROUP_BAD("a\xc2\x80"
              "b"); /* U+0080 */
    GROUP_BAD("a\xc2\x85"
              "b"); /* U+0085 NEL */
    GROUP_BAD("a\xc2\x9f"
              "b");
    PERM_BAD("a\xc2\x9b"
             "b");
    GROUP_OK("a\xc2\xa9"
             "b"); /* U+00A9, not a control */
}

static void test_whitespace(void **state)
{
    ACC_UNUSED(state);
    GROUP_BAD(" editors");
    GROUP_BAD("editors ");
    GROUP_BAD(" ");
    GROUP_BAD("editors\xc2\xa0"); /* no-break space */
    GROUP_BAD("\xe3\x80\x80"
              "editors"); /* ideographic space */
    GROUP_OK("blog editors");
    GROUP_OK("blog\xc2\xa0"
             "editors");
    PERM_BAD("blog.add post");
    PERM_BAD(" blog.add_post");
    PERM_BAD("blog.add_post ");
    PERM_BAD("blog.add\xc2\xa0post");
    PERM_BAD("blog.add\xe2\x80\x83post"); /* em space */
    PERM_BAD("blog.add\xe2\x80\xa8post"); /* line separator */
}

static void test_invalid_utf8(void **state)
{
    ACC_UNUSED(state);
    GROUP_BAD("a\xff");
    GROUP_BAD("\xc3");
    GROUP_BAD("\xc0\xaf");
    GROUP_BAD("\xed\xa0\x80");
    PERM_BAD("a\x80");
}

/* One line, and the name is not quoted back. */
static void test_messages(void **state)
{
    const char *m;

    ACC_UNUSED(state);
    m = acc_group_name_check(pool, "a,b");
    assert_non_null(m);
    assert_null(strchr(m, '\n'));
    assert_non_null(strstr(m, "group name"));
    assert_null(strstr(m, "a,b"));
    m = acc_perm_name_check(pool, "a b");
    assert_non_null(m);
    assert_non_null(strstr(m, "permission name"));
    assert_non_null(strstr(m, "whitespace"));
    m = acc_group_name_check(pool, rep("g", 151));
    assert_non_null(m);
    assert_non_null(strstr(m, "151"));
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_names),
        cmocka_unit_test(test_empty_and_null),
        cmocka_unit_test(test_lengths),
        cmocka_unit_test(test_separators),
        cmocka_unit_test(test_controls),
        cmocka_unit_test(test_whitespace),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_messages),
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("names", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
