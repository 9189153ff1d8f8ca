/*
 * t/unit/test_conninfo.c -- spotting a password in a libpq connection
 * string: keyword/value and URI forms, quoting, case, and the strings that
 * only look like they hold one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include "core/conninfo.h"

static apr_pool_t *pool;

#define HAS(s)   assert_int_equal(acc_conninfo_has_password(pool, s), 1)
#define HASNT(s) assert_int_equal(acc_conninfo_has_password(pool, s), 0)

static void test_keyword_value(void **state)
{
    ACC_UNUSED(state);
    HAS("password=secret");
    HAS("host=db dbname=accounts user=www password=secret");
    HAS("host=db password = secret port=5432");
    HAS("  password=secret  ");
    HAS("password='two words' host=db");
    HAS("password='it\\'s' host=db");
    HAS("password=a\\ b host=db");
    HAS("PASSWORD=secret");
    HAS("PassWord=secret");
    HAS("\tpassword\t=\tsecret");
    /* libpq takes the next word as the value after "= ". */
    HAS("password= host=db");
}

static void test_keyword_value_without(void **state)
{
    ACC_UNUSED(state);
    HASNT(NULL);
    HASNT("");
    HASNT("host=db dbname=accounts user=www");
    HASNT("service=accounts");
    HASNT("passfile=/etc/accounts/pgpass host=db");
    HASNT("password='' host=db");
    HASNT("password=");
    HASNT("application_name='password=x' host=db");
    HASNT("application_name=password=x host=db");
    HASNT("user='password=x'");
    HASNT("sslpassword_x=1");
    HASNT("mypassword=1");
    HASNT("options='-c password=x'");
}

/* A dbname may itself be a connection string. */
static void test_expanded_dbname(void **state)
{
    ACC_UNUSED(state);
    HAS("dbname='host=db password=secret'");
    HAS("dbname=postgresql://u:secret@db/accounts");
    HASNT("dbname='host=db user=www'");
    HASNT("dbname=accounts");
}

static void test_uri(void **state)
{
    ACC_UNUSED(state);
    HAS("postgresql://www:secret@db/accounts");
    HAS("postgres://www:secret@db:5432/accounts?sslmode=require");
    HAS("postgresql://www:secret@db");
    HAS("postgresql://www:s%40cret@[::1]:5432/accounts");
    HAS("postgresql://www:p@ss@db/accounts");
    HAS("postgresql://www@db/accounts?password=secret");
    HAS("postgresql://db/accounts?sslmode=require&password=secret");
    HAS("postgresql://db/accounts?PASSWORD=secret");
    HAS("postgresql://db/accounts?pass%77ord=secret");
    HAS("POSTGRESQL://www:secret@db/accounts");
    HAS("postgresql://www:secret@");
}

static void test_uri_without(void **state)
{
    ACC_UNUSED(state);
    HASNT("postgresql://");
    HASNT("postgresql://db/accounts");
    HASNT("postgresql://www@db/accounts");
    HASNT("postgresql://www:@db/accounts");
    HASNT("postgresql://www@db/accounts?sslmode=require");
    HASNT("postgresql://www@db/accounts?password=");
    HASNT("postgresql://www@db/pass:word@x");
    HASNT("postgresql://www@db/accounts?application_name=a:b@c");
    HASNT("postgresql://www@db/accounts?passwordx=1");
    HASNT("postgresql:/www:secret@db");
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyword_value),
        cmocka_unit_test(test_keyword_value_without),
        cmocka_unit_test(test_expanded_dbname),
        cmocka_unit_test(test_uri),
        cmocka_unit_test(test_uri_without),
    };

    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("conninfo", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
