/*
 * t/unit/test_sessrec.c -- session cache entries: round trip, and every
 * kind of damage refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <stdlib.h>
#include <string.h>

#include "core/sessrec.h"

static apr_pool_t *pool;
static apr_time_t until;
#define UNTIL APR_INT64_C(1700000300000000)

static const unsigned char secret[] = "0123456789abcdef0123456789abcdef";
#define SECRET_LEN (sizeof(secret) - 1)
static const unsigned char key[] = "acc0:9f86d081884c7d659a2feaa0c55ad015";
#define KEY_LEN (sizeof(key) - 1)

static acc_session_row_t sample(void)
{
    acc_session_row_t r;

    memset(&r, 0, sizeof(r));
    r.user.id = 42;
    r.user.username = "alice";
    r.user.email = "alice@example.com";
    r.user.password = "$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaA";
    r.user.first_name = "Alice";
    r.user.last_name = "Zo\xc3\xab";
    r.user.is_active = 1;
    r.user.is_staff = 1;
    r.user.is_superuser = 0;
    r.user.date_joined = apr_time_from_sec(1700000000);
    r.user.last_login = apr_time_from_sec(1700000100);
    r.created = apr_time_from_sec(1700000100);
    r.last_seen = apr_time_from_sec(1700000200);
    r.expires = apr_time_from_sec(1701209700);
    r.groups = "editors\x1fstaff";
    r.perms = "blog.add_post\x1f"
              "blog.change_post";
    r.read_at = APR_INT64_C(987654321012);
    r.mfa = 1;
    r.mfa_at = apr_time_from_sec(1700000150);
    return r;
}

static void test_round_trip(void **state)
{
    acc_session_row_t in = sample(), out;
    apr_size_t len = 0;
    unsigned char *buf;

    ACC_UNUSED(state);
    buf = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                             &len);
    assert_non_null(buf);
    assert_true(len > 32);
    assert_int_equal(acc_sessrec_decode(pool, buf, len, secret, SECRET_LEN, key,
                                        KEY_LEN, &out, &until),
                     0);
    assert_true(out.user.id == 42);
    assert_string_equal(out.user.username, "alice");
    assert_string_equal(out.user.email, "alice@example.com");
    assert_string_equal(out.user.first_name, "Alice");
    assert_string_equal(out.user.last_name, "Zo\xc3\xab");
    assert_int_equal(out.user.is_active, 1);
    assert_int_equal(out.user.is_staff, 1);
    assert_int_equal(out.user.is_superuser, 0);
    assert_true(out.user.date_joined == in.user.date_joined);
    assert_true(out.user.last_login == in.user.last_login);
    assert_true(out.created == in.created);
    assert_true(out.last_seen == in.last_seen);
    assert_true(out.expires == in.expires);
    assert_string_equal(out.groups, "editors\x1fstaff");
    assert_string_equal(out.perms, "blog.add_post\x1f"
                                   "blog.change_post");
    assert_true(out.read_at == APR_INT64_C(987654321012));
    assert_int_equal(out.mfa, 1);
    assert_true(out.mfa_at == in.mfa_at);
    assert_true(until == UNTIL);
}

static void test_no_password(void **state)
{
    acc_session_row_t in = sample(), out;
    apr_size_t len = 0, i;
    unsigned char *buf;

    ACC_UNUSED(state);
    buf = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                             &len);
    assert_non_null(buf);
    for (i = 0; i + 7 <= len; i++) {
        assert_false(memcmp(buf + i, "$argon2", 7) == 0);
    }
    assert_int_equal(acc_sessrec_decode(pool, buf, len, secret, SECRET_LEN, key,
                                        KEY_LEN, &out, &until),
                     0);
    assert_string_equal(out.user.password, "");
}

static void test_empty_lists_and_nulls(void **state)
{
    acc_session_row_t in = sample(), out;
    apr_size_t len = 0;
    unsigned char *buf;

    ACC_UNUSED(state);
    in.groups = NULL;
    in.perms = "";
    in.user.first_name = NULL;
    in.user.last_login = 0;
    in.user.is_superuser = 1;
    buf = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                             &len);
    assert_non_null(buf);
    assert_int_equal(acc_sessrec_decode(pool, buf, len, secret, SECRET_LEN, key,
                                        KEY_LEN, &out, &until),
                     0);
    assert_string_equal(out.groups, "");
    assert_string_equal(out.perms, "");
    assert_string_equal(out.user.first_name, "");
    assert_true(out.user.last_login == 0);
    assert_int_equal(out.user.is_superuser, 1);
}

/* Any single flipped bit anywhere is refused. */
static void test_every_bit_flip_refused(void **state)
{
    acc_session_row_t in = sample(), out;
    apr_size_t len = 0, i;
    unsigned char *buf, *copy;
    int bit;

    ACC_UNUSED(state);
    buf = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                             &len);
    assert_non_null(buf);
    copy = malloc(len);
    assert_non_null(copy);
    for (i = 0; i < len; i++) {
        for (bit = 0; bit < 8; bit++) {
            memcpy(copy, buf, len);
            copy[i] ^= (unsigned char)(1u << bit);
            out.user.username = "untouched";
            assert_int_equal(acc_sessrec_decode(pool, copy, len, secret,
                                                SECRET_LEN, key, KEY_LEN, &out,
                                                &until),
                             -1);
            assert_string_equal(out.user.username, "untouched");
        }
    }
    free(copy);
}

static void test_truncated_refused(void **state)
{
    acc_session_row_t in = sample(), out;
    apr_size_t len = 0, n;
    unsigned char *buf;

    ACC_UNUSED(state);
    buf = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                             &len);
    assert_non_null(buf);
    for (n = 0; n < len; n++) {
        assert_int_equal(acc_sessrec_decode(pool, buf, n, secret, SECRET_LEN,
                                            key, KEY_LEN, &out, &until),
                         -1);
    }
    assert_int_equal(acc_sessrec_decode(pool, NULL, 0, secret, SECRET_LEN, key,
                                        KEY_LEN, &out, &until),
                     -1);
}

/* An entry is bound to its key and to the secret. */
static void test_other_key_or_secret_refused(void **state)
{
    static const unsigned char other_key[] =
        "acc1:9f86d081884c7d659a2feaa0c55ad015";
    static const unsigned char other_secret[] =
        "0123456789abcdef0123456789abcdeF";
    acc_session_row_t in = sample(), out;
    apr_size_t len = 0;
    unsigned char *buf;

    ACC_UNUSED(state);
    buf = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                             &len);
    assert_non_null(buf);
    assert_int_equal(acc_sessrec_decode(pool, buf, len, secret, SECRET_LEN,
                                        other_key, sizeof(other_key) - 1, &out,
                                        &until),
                     -1);
    assert_int_equal(acc_sessrec_decode(pool, buf, len, other_secret,
                                        sizeof(other_secret) - 1, key, KEY_LEN,
                                        &out, &until),
                     -1);
    /* The key's length is part of what is signed. */
    assert_int_equal(acc_sessrec_decode(pool, buf, len, secret, SECRET_LEN, key,
                                        KEY_LEN - 1, &out, &until),
                     -1);
}

/* Unsigned entries (shared memory only this httpd writes): they round
 * trip, and never pass for signed ones or the other way round. */
static void test_unsigned(void **state)
{
    acc_session_row_t in = sample(), out;
    apr_size_t ulen = 0, slen = 0;
    unsigned char *u, *sg;

    ACC_UNUSED(state);
    u = acc_sessrec_encode(pool, &in, UNTIL, NULL, 0, key, KEY_LEN, &ulen);
    sg = acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key, KEY_LEN,
                            &slen);
    assert_non_null(u);
    assert_non_null(sg);
    assert_int_equal(slen, ulen + 32);
    assert_int_equal(
        acc_sessrec_decode(pool, u, ulen, NULL, 0, key, KEY_LEN, &out, &until),
        0);
    assert_string_equal(out.user.username, "alice");
    assert_string_equal(out.perms, "blog.add_post\x1f"
                                   "blog.change_post");
    assert_true(out.expires == in.expires);
    /* An unsigned entry where a signed one is expected, and back. */
    assert_int_equal(acc_sessrec_decode(pool, u, ulen, secret, SECRET_LEN, key,
                                        KEY_LEN, &out, &until),
                     -1);
    assert_int_equal(
        acc_sessrec_decode(pool, sg, slen, NULL, 0, key, KEY_LEN, &out, &until),
        -1);
    /* Structure is still checked: one byte short, one extra field. */
    assert_int_equal(acc_sessrec_decode(pool, u, ulen - 1, NULL, 0, key,
                                        KEY_LEN, &out, &until),
                     -1);
    {
        unsigned char *more = apr_palloc(pool, ulen + 2);
        memcpy(more, u, ulen);
        more[ulen] = 'x';
        more[ulen + 1] = '\0';
        assert_int_equal(acc_sessrec_decode(pool, more, ulen + 2, NULL, 0, key,
                                            KEY_LEN, &out, &until),
                         -1);
    }
}

/* An unsigned entry made by hand, its user id and `until` fields as given,
 * decoded: 0 (with *id, *u) or -1. */
static int decode_numbers(const char *id, const char *u, apr_int64_t *out_id,
                          apr_time_t *out_until)
{
    const char *f[] = {id,           "alice",      "a@example.com",
                       "",           "",           "1",
                       "0",          "0",          "1700000000",
                       "0",          "1700000000", "1700000000",
                       "1700086400", "",           "",
                       "0",          "0",          u,
                       "12"};
    apr_size_t i, len = 4;
    unsigned char *buf, *o;
    acc_session_row_t out;
    int rc;

    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        len += strlen(f[i]) + 1;
    }
    o = buf = apr_palloc(pool, len);
    memcpy(o, "acu3", 4);
    o += 4;
    for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        memcpy(o, f[i], strlen(f[i]) + 1);
        o += strlen(f[i]) + 1;
    }
    rc = acc_sessrec_decode(pool, buf, len, NULL, 0, key, KEY_LEN, &out,
                            out_until);
    if (rc == 0) {
        *out_id = out.user.id;
    }
    return rc;
}

/* The numbers' reader: whole decimal numbers that fit 64 bits, nothing
 * else. */
static void test_numbers(void **state)
{
    apr_int64_t id = 0;
    apr_time_t u = 0;

    ACC_UNUSED(state);
    assert_int_equal(decode_numbers("42", "1700000300000000", &id, &u), 0);
    assert_true(id == 42);
    assert_true(u == APR_INT64_C(1700000300000000));
    assert_int_equal(decode_numbers("007", "0", &id, &u), 0);
    assert_true(id == 7);
    assert_int_equal(decode_numbers("9223372036854775807", "1", &id, &u), 0);
    assert_true(id == APR_INT64_C(9223372036854775807));
    assert_int_equal(decode_numbers("-9223372036854775807", "1", &id, &u), 0);
    assert_true(id == -APR_INT64_C(9223372036854775807));
    /* One past the largest, far past it, and not numbers at all. */
    assert_int_equal(decode_numbers("9223372036854775808", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("1", "184467440737095516160", &id, &u), -1);
    assert_int_equal(decode_numbers("", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("-", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("+5", "1", &id, &u), -1);
    assert_int_equal(decode_numbers(" 5", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("5 ", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("12a", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("0x10", "1", &id, &u), -1);
    assert_int_equal(decode_numbers("--1", "1", &id, &u), -1);
    /* `until` may not be negative. */
    assert_int_equal(decode_numbers("1", "-1", &id, &u), -1);
}

static void test_too_big_not_cached(void **state)
{
    acc_session_row_t in = sample();
    apr_size_t len = 0;
    char *groups = malloc(ACC_SESSREC_MAX + 1);

    ACC_UNUSED(state);
    assert_non_null(groups);
    memset(groups, 'g', ACC_SESSREC_MAX);
    groups[ACC_SESSREC_MAX] = '\0';
    in.groups = groups;
    assert_null(acc_sessrec_encode(pool, &in, UNTIL, secret, SECRET_LEN, key,
                                   KEY_LEN, &len));
    free(groups);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_no_password),
        cmocka_unit_test(test_empty_lists_and_nulls),
        cmocka_unit_test(test_every_bit_flip_refused),
        cmocka_unit_test(test_truncated_refused),
        cmocka_unit_test(test_other_key_or_secret_refused),
        cmocka_unit_test(test_unsigned),
        cmocka_unit_test(test_too_big_not_cached),
        cmocka_unit_test(test_numbers),
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("sessrec", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
