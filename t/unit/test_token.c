/*
 * t/unit/test_token.c -- Django-compatible password-reset tokens: the
 * same tokens as Django for the same user and key, bound to every field,
 * within their timeout, under the current or an old key; nothing
 * malformed passes; uidb64 both ways, one spelling per id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <string.h>

#include "core/token.h"

/*
 * The expected values below were computed outside this code, with
 * Django's algorithm rewritten in Python 3 (hashlib and hmac only; it
 * follows django/contrib/auth/tokens.py and django/utils/crypto.py):
 *
 *   import base64, hashlib, hmac
 *   from datetime import datetime, timezone
 *   def int_to_base36(i):
 *       chars = "0123456789abcdefghijklmnopqrstuvwxyz"
 *       if i < 36:
 *           return chars[i]
 *       b36 = ""
 *       while i != 0:
 *           i, n = divmod(i, 36)
 *           b36 = chars[n] + b36
 *       return b36
 *   def salted_hmac(key_salt, value, secret):
 *       key = hashlib.sha256(key_salt.encode() + secret).digest()
 *       return hmac.new(key, msg=value.encode(), digestmod=hashlib.sha256)
 *   def make_token(key_salt, secret, pk, password, last_login, ts, email,
 *                  extra=""):
 *       login = "" if last_login is None else \
 *           last_login.replace(microsecond=0, tzinfo=None)
 *       value = f"{pk}{password}{login}{ts}{email or ''}{extra}"
 *       return "%s-%s" % (int_to_base36(ts), salted_hmac(
 *           key_salt, value, secret).hexdigest()[::2])
 *   def num_seconds(dt):
 *       return int((dt - datetime(2001, 1, 1)).total_seconds())
 *   def uidb64(pk):
 *       return base64.urlsafe_b64encode(str(pk).encode()).decode() \
 *           .rstrip("=")
 *   RESET = "django.contrib.auth.tokens.PasswordResetTokenGenerator"
 *   VERIFY = "mod_accounts.verify"
 *   S1 = b"test-secret-key-0123456789abcdef"
 *   S2 = b"old-secret-key-fedcba9876543210"
 *   PW = "argon2$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"
 *   LL = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=timezone.utc)
 *   int(LL.timestamp())                       # 1714979289
 *   num_seconds(LL.replace(tzinfo=None))      # 736672089
 *   TS = 800000000
 *   make_token(RESET, S1, 1, PW, None, TS, "alice@example.com")    # V1
 *   make_token(RESET, S1, 1, PW, LL, TS, "alice@example.com")      # V2
 *   make_token(RESET, S1, 42, PW, LL, TS, "")                      # V3
 *   make_token(RESET, S1, 7, PW, None, TS,
 *              "j\u00fcrgen@ex\u00e4mple.org")                     # V4
 *   make_token(RESET, S1, 9223372036854775807, PW, LL, 1,
 *              "big@example.com")                                  # V5
 *   make_token(RESET, S1, 1, PW, None, 0, "alice@example.com")     # V6
 *   make_token(VERIFY, S1, 1, PW, LL, TS, "alice@example.com",
 *              "new@example.com")                                  # V7
 *   make_token(RESET, S2, 1, PW, None, TS, "alice@example.com")    # V8
 *   int_to_base36(2**63 - 1)                  # 1y2p0ij32e8e7
 *   [uidb64(i) for i in (1, 42, 1234567, 2**63 - 1)]
 */
#define RESET ACC_TOKEN_SALT_RESET
#define PW    "argon2$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"
#define TS    800000000
#define LL    (apr_time_from_sec(1714979289) + 123456)
#define DAY   86400
#define V1    "d8ary8-96f29de812c24d18df192ee4a089530c"
#define V2    "d8ary8-6091c7ccbcb71fc111343096013af088"
#define V3    "d8ary8-f063ca136ecc754dd817f15ec8d80c6b"
#define V4    "d8ary8-9bcd10a4e6eb749211696332a9cc18f9"
#define V5    "1-d2ab2e7e325b33e68dd262cb2db002bc"
#define V6    "0-9c8dbca2e7ac551cf6d5663faf3e5968"
#define V7    "d8ary8-64a072d2fde0ab510bd2b108b80bcda2"
#define V8    "d8ary8-3e7d69c514d7662b48f43a31489bf6f8"

static apr_pool_t *pool;
static const unsigned char s1[] = "test-secret-key-0123456789abcdef";
static const unsigned char s2[] = "old-secret-key-fedcba9876543210";
static const unsigned char s3[] = "unknown-key-aaaaaaaaaaaaaaaaaaaa";
#define S1LEN (sizeof(s1) - 1)

static acc_token_subject_t alice(void)
{
    acc_token_subject_t s = {1, PW, 0, "alice@example.com", NULL};

    return s;
}

/* Checked with s1 alone, at now_ts, a day's timeout. */
static int check1(const acc_token_subject_t *s, const char *tok,
                  apr_int64_t now_ts)
{
    acc_token_secret_t k = {s1, S1LEN};

    return acc_token_check(pool, RESET, &k, 1, s, tok, now_ts, DAY);
}

static void test_now(void **state)
{
    (void)state;
    assert_int_equal(acc_token_now(apr_time_from_sec(ACC_TOKEN_EPOCH)), 0);
    assert_int_equal(acc_token_now(apr_time_from_sec(ACC_TOKEN_EPOCH) + 999999),
                     0);
    assert_int_equal(acc_token_now(LL), 736672089);
}

static void test_vectors(void **state)
{
    acc_token_subject_t s = alice();

    (void)state;
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V1);
    assert_string_equal(acc_token_make(pool, RESET, s2, sizeof(s2) - 1, &s, TS),
                        V8);
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, 0), V6);
    /* extra "" is Django's token too. */
    s.extra = "";
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V1);

    /* Microseconds of last_login are dropped. */
    s.last_login = LL;
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V2);
    s.last_login = apr_time_from_sec(1714979289);
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V2);

    s.id = 42;
    s.email = "";
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V3);
    s.email = NULL;
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V3);

    s = alice();
    s.id = 7;
    s.email = "j\xc3\xbcrgen@ex\xc3\xa4mple.org";
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, TS), V4);

    s = alice();
    s.id = APR_INT64_MAX;
    s.last_login = LL;
    s.email = "big@example.com";
    assert_string_equal(acc_token_make(pool, RESET, s1, S1LEN, &s, 1), V5);

    s = alice();
    s.last_login = LL;
    s.extra = "new@example.com";
    assert_string_equal(
        acc_token_make(pool, ACC_TOKEN_SALT_VERIFY, s1, S1LEN, &s, TS), V7);

    /* Django's tokens check here. */
    s = alice();
    assert_true(check1(&s, V1, TS));
    s.last_login = LL;
    assert_true(check1(&s, V2, TS + 100));
}

static void test_make_refusals(void **state)
{
    acc_token_subject_t s = alice();

    (void)state;
    assert_null(acc_token_make(pool, RESET, s1, S1LEN, &s, -1));
    assert_null(acc_token_make(pool, RESET, s1, 0, &s, TS));
    assert_null(acc_token_make(pool, RESET, NULL, S1LEN, &s, TS));
    assert_null(acc_token_make(pool, NULL, s1, S1LEN, &s, TS));
    assert_null(acc_token_make(pool, RESET, s1, S1LEN, NULL, TS));
    /* The largest time still makes a 13-digit token. */
    assert_memory_equal(
        acc_token_make(pool, RESET, s1, S1LEN, &s, APR_INT64_MAX),
        "1y2p0ij32e8e7-", 14);
}

static void test_round_trip(void **state)
{
    acc_token_subject_t s = alice();
    apr_int64_t now = acc_token_now(apr_time_now());
    const char *tok;

    (void)state;
    s.last_login = apr_time_now();
    tok = acc_token_make(pool, RESET, s1, S1LEN, &s, now);
    assert_non_null(tok);
    assert_int_equal(strlen(strchr(tok, '-') + 1), 32);
    assert_true(check1(&s, tok, now));
    /* Another use's salt does not check it. */
    {
        acc_token_secret_t k = {s1, S1LEN};

        assert_false(acc_token_check(pool, ACC_TOKEN_SALT_VERIFY, &k, 1, &s,
                                     tok, now, DAY));
    }
}

static void test_fields_bind(void **state)
{
    acc_token_subject_t s = alice(), t;
    const char *tok;

    (void)state;
    s.last_login = LL;
    s.extra = "new@example.com";
    tok = acc_token_make(pool, RESET, s1, S1LEN, &s, TS);
    assert_true(check1(&s, tok, TS));

    t = s;
    t.id = 2;
    assert_false(check1(&t, tok, TS));
    t = s;
    t.password = PW "x";
    assert_false(check1(&t, tok, TS));
    t = s;
    t.password = NULL;
    assert_false(check1(&t, tok, TS));
    t = s;
    t.last_login = LL + apr_time_from_sec(1);
    assert_false(check1(&t, tok, TS));
    t = s;
    t.last_login = 0;
    assert_false(check1(&t, tok, TS));
    t = s;
    t.email = "alice@example.org";
    assert_false(check1(&t, tok, TS));
    t = s;
    t.email = NULL;
    assert_false(check1(&t, tok, TS));
    t = s;
    t.extra = "other@example.com";
    assert_false(check1(&t, tok, TS));
    t = s;
    t.extra = NULL;
    assert_false(check1(&t, tok, TS));
    /* A login within the same second is the same token (as Django). */
    t = s;
    t.last_login = LL + 1;
    assert_true(check1(&t, tok, TS));
}

static void test_timeout(void **state)
{
    acc_token_subject_t s = alice();

    (void)state;
    assert_true(check1(&s, V1, TS + DAY));
    assert_false(check1(&s, V1, TS + DAY + 1));
    assert_true(check1(&s, V1, TS));
    /* Up to ACC_TOKEN_MAX_SKEW seconds in the future. */
    assert_true(check1(&s, V1, TS - ACC_TOKEN_MAX_SKEW));
    assert_false(check1(&s, V1, TS - ACC_TOKEN_MAX_SKEW - 1));
    {
        acc_token_secret_t k = {s1, S1LEN};

        assert_true(acc_token_check(pool, RESET, &k, 1, &s, V1, TS, 0));
        assert_false(acc_token_check(pool, RESET, &k, 1, &s, V1, TS + 1, 0));
        assert_false(acc_token_check(pool, RESET, &k, 1, &s, V1, TS, -1));
        assert_false(acc_token_check(pool, RESET, &k, 1, &s, V1, -1, DAY));
    }
}

static void test_secrets(void **state)
{
    acc_token_subject_t s = alice();
    acc_token_secret_t cur_old[] = {{s1, S1LEN}, {s2, sizeof(s2) - 1}};
    acc_token_secret_t other[] = {{s3, sizeof(s3) - 1}};
    acc_token_secret_t empty_then_old[] = {
        {s1, 0}, {NULL, 5}, {s2, sizeof(s2) - 1}};

    (void)state;
    /* A token made with the old key checks while it is a fallback. */
    assert_true(acc_token_check(pool, RESET, cur_old, 2, &s, V8, TS, DAY));
    assert_true(acc_token_check(pool, RESET, cur_old, 2, &s, V1, TS, DAY));
    assert_false(acc_token_check(pool, RESET, cur_old, 1, &s, V8, TS, DAY));
    assert_false(acc_token_check(pool, RESET, other, 1, &s, V1, TS, DAY));
    assert_false(acc_token_check(pool, RESET, cur_old, 0, &s, V1, TS, DAY));
    /* Empty keys are skipped, never matched. */
    assert_true(
        acc_token_check(pool, RESET, empty_then_old, 3, &s, V8, TS, DAY));
    assert_false(
        acc_token_check(pool, RESET, empty_then_old, 2, &s, V1, TS, DAY));
    assert_false(acc_token_check(pool, RESET, NULL, 1, &s, V1, TS, DAY));
    assert_false(acc_token_check(pool, NULL, cur_old, 1, &s, V1, TS, DAY));
    assert_false(acc_token_check(pool, RESET, cur_old, 1, NULL, V1, TS, DAY));
}

static void test_malformed(void **state)
{
    acc_token_subject_t s = alice();
    static const char *const bad[] = {
        "",
        "-",
        "d8ary8",
        "d8ary896f29de812c24d18df192ee4a089530c",
        "-96f29de812c24d18df192ee4a089530c",
        "d8ary8-",
        "D8ARY8-96f29de812c24d18df192ee4a089530c",
        "d8ary!-96f29de812c24d18df192ee4a089530c",
        "+d8ary8-96f29de812c24d18df192ee4a089530c",
        " d8ary8-96f29de812c24d18df192ee4a089530c",
        "0d8ary8-96f29de812c24d18df192ee4a089530c",
        "d8ary8-96f29de812c24d18df192ee4a08953",
        "d8ary8-96f29de812c24d18df192ee4a089530",
        "d8ary8-96f29de812c24d18df192ee4a089530c0",
        "d8ary8-96F29DE812C24D18DF192EE4A089530C",
        "d8ary8-96f29de812c24d18df192ee4a089530C",
        "d8ary8-96f29de812c24d18df192ee4a089530c ",
        "d8ary8-96f29de812c24d18df192ee4a089530c\n",
        "d8ary8-96f29de812c24d18df192ee4a089530c-",
        "d8ary8--96f29de812c24d18df192ee4a089530c",
        "d8ary8-96f29de812c24d18-df192ee4a089530c",
        "d8ary8-96f29de812c24d18df192ee4a089530g",
        /* 2^63 and beyond: overflow; 14 digits: too long. */
        "1y2p0ij32e8e8-96f29de812c24d18df192ee4a089530c",
        "zzzzzzzzzzzzz-96f29de812c24d18df192ee4a089530c",
        "00000000d8ary8-96f29de812c24d18df192ee4a089530c",
        "zzzzzzzzzzzzzzzzzzzzzzzzzz-96f29de812c24d18df192ee4a089530c",
    };
    apr_size_t i;
    char *tok;

    (void)state;
    assert_true(check1(&s, V1, TS));
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(check1(&s, bad[i], TS));
    }
    assert_false(check1(&s, NULL, TS));
    /* Any one character changed. */
    for (i = 0; V1[i]; i++) {
        tok = apr_pstrdup(pool, V1);
        tok[i] = tok[i] == 'a' ? 'b' : 'a';
        assert_false(check1(&s, tok, TS));
    }
}

static void test_uidb64_encode(void **state)
{
    (void)state;
    assert_string_equal(acc_uidb64_encode(pool, 1), "MQ");
    assert_string_equal(acc_uidb64_encode(pool, 42), "NDI");
    assert_string_equal(acc_uidb64_encode(pool, 1234567), "MTIzNDU2Nw");
    assert_string_equal(acc_uidb64_encode(pool, APR_INT64_MAX),
                        "OTIyMzM3MjAzNjg1NDc3NTgwNw");
    assert_null(acc_uidb64_encode(pool, 0));
    assert_null(acc_uidb64_encode(pool, -1));
}

static void test_uidb64_decode(void **state)
{
    static const struct {
        const char *in;
        apr_int64_t id;
    } good[] = {
        {"MQ", 1},
        {"NDI", 42},
        {"MTIzNDU2Nw", 1234567},
        {"OTIyMzM3MjAzNjg1NDc3NTgwNw", APR_INT64_MAX},
    };
    static const char *const bad[] = {
        "",
        "MQ==", /* padding: refused, one spelling per id */
        "MQ=",  /* likewise */
        "NDI=", /* likewise */
        "AA",   /* "\0" */
        "MA",   /* "0" */
        "MDE",  /* "01" */
        "LTE",  /* "-1" */
        "KzE",  /* "+1" */
        "IDE",  /* " 1" */
        "MWE",  /* "1a" */
        "MQA",  /* "1\0" */
        "YWJj", /* "abc" */
        "M+Q",  /* not base64url */
        "M/Q",  /* likewise */
        "M Q",  /* likewise */
        "MQ\n", /* likewise */
        "M",    /* a lone sextet is no byte */
        "MR",   /* "1" with stray bits: not canonical */
        "NDJ",  /* "42" with stray bits */
        "OTIyMzM3MjAzNjg1NDc3NTgwOA",       /* 2^63 */
        "OTk5OTk5OTk5OTk5OTk5OTk5OTk",      /* 20 nines */
        "MTExMTExMTExMTExMTExMTExMTExMTEx", /* 24 ones, 32 chars */
        "MTExMTExMTExMTExMTExMTExMTExMTExMQ",
    };
    apr_int64_t id;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        id = 0;
        assert_true(acc_uidb64_decode(good[i].in, &id));
        assert_int_equal(id, good[i].id);
        assert_string_equal(acc_uidb64_encode(pool, id), good[i].in);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        id = 99;
        assert_false(acc_uidb64_decode(bad[i], &id));
        assert_int_equal(id, 0);
    }
    id = 99;
    assert_false(acc_uidb64_decode(NULL, &id));
    assert_int_equal(id, 0);
    assert_false(acc_uidb64_decode("MQ", NULL));
    /* Round trip over a spread of ids. */
    for (id = 1; id < APR_INT64_MAX / 7; id = id * 7 + 3) {
        apr_int64_t back = 0;

        assert_true(acc_uidb64_decode(acc_uidb64_encode(pool, id), &back));
        assert_int_equal(back, id);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_now),
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_make_refusals),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_fields_bind),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_secrets),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_uidb64_encode),
        cmocka_unit_test(test_uidb64_decode),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
