/*
 * t/unit/test_djhash.c -- Django's PBKDF2, bcrypt and scrypt hashes.
 *
 * The vectors were made outside this code: PBKDF2 and scrypt with
 * Python's hashlib, bcrypt with the Python bcrypt package (the one
 * Django's BCrypt hashers call), in Django's formats; one is the classic
 * crypt_blowfish test vector ("U*U").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_general.h>
#include <string.h>

#include "core/djhash.h"
#include "core/password.h"

static apr_pool_t *pool;

/* "correct horse été" in UTF-8. */
static const char PW[] = "correct horse \xc3\xa9t\xc3\xa9";

static const char *const GOOD[] = {
    "pbkdf2_sha256$1000$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+uJIM=",
    "pbkdf2_sha1$1000$saltsalt$OhjPaZ763JYjcJhGEscUn4+5hDc=",
    "scrypt$1024$saltsalt$8$1$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQXXEuYDa"
    "fl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
    "bcrypt$$2b$04$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNqXvq",
    "bcrypt_sha256$$2b$04$sXr7hRxzhRqVIfaM6RP3buVd2wngZeykq20bdz..NgXBrCNcfozf"
    "y",
};

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

static void test_each_verifies(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(GOOD) / sizeof(GOOD[0]); i++) {
        acc_dj_hash_t h;
        assert_int_equal(acc_dj_parse(GOOD[i], &h), 0);
        assert_int_not_equal(h.kind, ACC_DJ_NONE);
        assert_int_equal(acc_dj_verify(GOOD[i], PW, strlen(PW)), ACC_PW_MATCH);
        /* And through the one entry point the pages use. */
        assert_int_equal(acc_password_verify(GOOD[i], PW, strlen(PW), NULL),
                         ACC_PW_MATCH);
        assert_int_equal(acc_password_verify(GOOD[i], "correct horse ete",
                                             strlen("correct horse ete"), NULL),
                         ACC_PW_MISMATCH);
        assert_int_equal(acc_password_verify(GOOD[i], "", 0, NULL),
                         ACC_PW_MISMATCH);
        /* Never our own form: a login makes an argon2id hash of it. */
        assert_int_equal(acc_password_needs_rehash(GOOD[i], NULL), 1);
    }
}

static void test_crypt_blowfish_vector(void **state)
{
    (void)state;
    assert_int_equal(
        acc_dj_verify("bcrypt$$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQ"
                      "Yb4YMJKvyOeW",
                      "U*U", 3),
        ACC_PW_MATCH);
    assert_int_equal(
        acc_dj_verify("bcrypt$$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQ"
                      "Yb4YMJKvyOeW",
                      "U*V", 3),
        ACC_PW_MISMATCH);
}

/* bcrypt reads 72 bytes; bcrypt_sha256 exists because of that. */
static void test_bcrypt_72_bytes(void **state)
{
    const char *h = "bcrypt$$2b$04$B6w9mZ4ZUhqWoJ1I/qMVHeBlEbGrBwNkumrCXhaqgD1T"
                    ".CR/Vtopq";
    char pw[101];

    (void)state;
    memset(pw, 'x', 100);
    pw[100] = '\0';
    assert_int_equal(acc_dj_verify(h, pw, 100), ACC_PW_MATCH);
    assert_int_equal(acc_dj_verify(h, pw, 72), ACC_PW_MATCH);
    assert_int_equal(acc_dj_verify(h, pw, 71), ACC_PW_MISMATCH);
    /* Longer than libxcrypt takes (512): still the first 72 bytes. */
    {
        char *big = test_malloc(600);
        memset(big, 'x', 600);
        assert_int_equal(acc_dj_verify(h, big, 600), ACC_PW_MATCH);
        /* A NUL would cut the password short: never a match. */
        big[80] = '\0';
        assert_int_equal(acc_dj_verify(h, big, 600), ACC_PW_MISMATCH);
        test_free(big);
    }
}

static void test_malformed(void **state)
{
    static const char *const bad[] = {
        "pbkdf2_sha256$",
        "pbkdf2_sha256$1000",
        "pbkdf2_sha256$1000$saltsalt",
        "pbkdf2_sha256$1000$$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+uJIM=",
        "pbkdf2_sha256$01000$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+"
        "uJIM=",
        "pbkdf2_sha256$-1$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+"
        "uJIM=",
        "pbkdf2_sha256$0$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+uJIM=",
        "pbkdf2_sha256$99999999999999999999999$s$YZinw11zVE9U+0TeLyizyKNjCaFA9m"
        "UMVj4neU+uJIM=",
        /* the tag of the wrong length, or not base64 */
        "pbkdf2_sha256$1000$saltsalt$OhjPaZ763JYjcJhGEscUn4+5hDc=",
        "pbkdf2_sha256$1000$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+uJI"
        "M",
        "pbkdf2_sha256$1000$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+uJ*"
        "M=",
        "pbkdf2_sha256$1000$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4neU+uJI"
        "M=$",
        "bcrypt$",
        "bcrypt$$2b$04$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNqXv",
        "bcrypt$$2b$04$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNqXvqq",
        "bcrypt$$2x$04$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNqXvq",
        "bcrypt$$2b$03$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNqXvq",
        "bcrypt$$2b$04$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNq$vq",
        "scrypt$1000$saltsalt$8$1$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQXXE"
        "uYDafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        "scrypt$1024$saltsalt$8$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQXXEuY"
        "Dafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        "scrypt$1024$saltsalt$0$1$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQXXE"
        "uYDafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        /* N must be below 2^(16 r) */
        "scrypt$65536$saltsalt$1$1$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQX"
        "XEuYDafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        NULL,
    };
    size_t i;

    (void)state;
    for (i = 0; bad[i]; i++) {
        acc_dj_hash_t h;
        int unknown;
        assert_int_equal(acc_dj_parse(bad[i], &h), -1);
        assert_int_equal(acc_password_verify(bad[i], PW, strlen(PW), NULL),
                         ACC_PW_UNUSABLE);
        assert_non_null(strstr(
            acc_password_problem(pool, bad[i], NULL, &unknown), "malformed"));
        assert_int_equal(unknown, 0);
    }
}

/* A stored hash names its own cost: over the ceiling, nothing is hashed
 * (each of these would take minutes or gigabytes). */
static void test_ceilings(void **state)
{
    static const char *const costly[] = {
        "pbkdf2_sha256$4000000000$saltsalt$YZinw11zVE9U+0TeLyizyKNjCaFA9mUMVj4"
        "neU+uJIM=",
        "bcrypt$$2b$31$HoAGwsWMB53Cv.lg7J7cluzCnzwvGaOJreVB1YGeaPFkhwqfNqXvq",
        "scrypt$1073741824$saltsalt$8$1$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat"
        "9fQXXEuYDafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        "scrypt$2$saltsalt$4000000$1$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQ"
        "XXEuYDafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        "scrypt$16384$saltsalt$8$64$nCdF3RVQ5hawiabUjCTD3eYTgOlVgSUPnzOsat9fQX"
        "XEuYDafl9N5m+OirxWx1uRbs+QZA3B89Nc5WYNsUdQtw==",
        NULL,
    };
    size_t i;

    (void)state;
    for (i = 0; costly[i]; i++) {
        acc_dj_hash_t h;
        int unknown;
        assert_int_equal(acc_dj_parse(costly[i], &h), -2);
        assert_int_equal(acc_password_verify(costly[i], PW, strlen(PW), NULL),
                         ACC_PW_UNUSABLE);
        assert_non_null(strstr(
            acc_password_problem(pool, costly[i], NULL, &unknown), "ceiling"));
    }
}

static void test_unknown_and_unusable(void **state)
{
    int unknown;

    (void)state;
    assert_int_equal(acc_password_verify("md5$salt$0123456789abcdef0123456789"
                                         "abcdef",
                                         PW, strlen(PW), NULL),
                     ACC_PW_UNUSABLE);
    assert_string_equal(
        acc_password_problem(pool, "md5$salt$0123", NULL, &unknown),
        "an unknown algorithm 'md5'");
    assert_int_equal(unknown, 1);
    assert_string_equal(acc_dj_algorithm(pool, "pbkdf2_sha1$1$a$b"),
                        "pbkdf2_sha1");
    assert_null(acc_dj_algorithm(pool, "0123456789abcdef"));
    /* Django's unusable password: never matches, and is no one's fault. */
    assert_int_equal(acc_password_verify("!Xk1sJ0WfqTpZ9yq3rGmQeVb7nL2uHcA8oD4"
                                         "iE6tF",
                                         PW, strlen(PW), NULL),
                     ACC_PW_UNUSABLE);
    assert_null(acc_password_problem(pool, "!Xk1sJ0WfqTpZ9yq3rGmQeVb7nL2u",
                                     NULL, &unknown));
    /* Ours and Django's argon2 are still argon2's. */
    assert_null(acc_password_problem(
        pool,
        "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
        "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4",
        NULL, &unknown));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_verifies),
        cmocka_unit_test(test_crypt_blowfish_vector),
        cmocka_unit_test(test_bcrypt_72_bytes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_ceilings),
        cmocka_unit_test(test_unknown_and_unusable),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
