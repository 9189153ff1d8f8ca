/*
 * t/unit/test_totp.c -- the second factor's core: HOTP and TOTP against
 * the RFCs' own test vectors, the drift window and single use, malformed
 * codes, base32 and the otpauth:// URI, sealed secrets (round trip,
 * another key, another user, any altered byte), recovery codes, and the
 * QR code's SVG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include <string.h>

#include "core/qrsvg.h"
#include "core/totp.h"

static apr_pool_t *pool;

/* RFC 4226 and RFC 6238's SHA-1 secret. */
static const unsigned char K[] = "12345678901234567890";
#define KLEN 20

static int setup(void **state)
{
    (void)state;
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    return 0;
}

/* RFC 4226 Appendix D: HOTP for counters 0 to 9. */
static void test_hotp_rfc4226(void **state)
{
    static const apr_uint32_t want[] = {755224, 287082, 359152, 969429, 338314,
                                        254676, 287922, 162583, 399871, 520489};
    apr_uint64_t c;

    (void)state;
    for (c = 0; c < 10; c++) {
        assert_int_equal(acc_hotp(K, KLEN, c), want[c]);
    }
}

/* RFC 6238 Appendix B (SHA-1), the last six of its eight digits. */
static void test_totp_rfc6238(void **state)
{
    static const struct {
        apr_int64_t t;
        const char *code;
    } v[] = {{59, "287082"},         {1111111109, "081804"},
             {1111111111, "050471"}, {1234567890, "005924"},
             {2000000000, "279037"}, {20000000000LL, "353130"}};
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(acc_totp_check(K, KLEN, v[i].code, v[i].t, 0),
                         acc_totp_step(v[i].t));
    }
}

static void test_totp_window_and_once(void **state)
{
    apr_int64_t t = 1234567890, step = acc_totp_step(t);
    char prev[8], next[8], far[8];

    (void)state;
    apr_snprintf(prev, sizeof(prev), "%06u", acc_hotp(K, KLEN, step - 1));
    apr_snprintf(next, sizeof(next), "%06u", acc_hotp(K, KLEN, step + 1));
    apr_snprintf(far, sizeof(far), "%06u", acc_hotp(K, KLEN, step - 2));
    /* One step either side: clock drift. */
    assert_int_equal(acc_totp_check(K, KLEN, prev, t, 0), step - 1);
    assert_int_equal(acc_totp_check(K, KLEN, next, t, 0), step + 1);
    /* Two steps ago: no longer. */
    assert_int_equal(acc_totp_check(K, KLEN, far, t, 0), -1);
    /* Once: not at or before the last step used. */
    assert_int_equal(acc_totp_check(K, KLEN, "005924", t, step), -1);
    assert_int_equal(acc_totp_check(K, KLEN, prev, t, step - 1), -1);
    assert_int_equal(acc_totp_check(K, KLEN, next, t, step), step + 1);
    /* Spaces are ignored ("005 924"). */
    assert_int_equal(acc_totp_check(K, KLEN, "005 924", t, 0), step);
}

static void test_totp_malformed(void **state)
{
    static const char *bad[] = {"",       "00592",  "0059245", "00592a",
                                "-05924", "+05924", "٠٠٥٩٢٤",  "005924\n",
                                "0x5924", "  "};
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(acc_totp_check(K, KLEN, bad[i], 1234567890, 0), -1);
    }
    assert_int_equal(acc_totp_check(K, KLEN, NULL, 1234567890, 0), -1);
    /* The wrong code for now. */
    assert_int_equal(acc_totp_check(K, KLEN, "005925", 1234567890, 0), -1);
}

static void test_base32_and_uri(void **state)
{
    const char *b = acc_totp_base32(pool, K, KLEN);

    (void)state;
    assert_string_equal(b, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    assert_string_equal(acc_totp_uri(pool, "My Site", "ann@x/y", b),
                        "otpauth://totp/My%20Site:ann%40x%2Fy?secret="
                        "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=My%20Site"
                        "&algorithm=SHA1&digits=6&period=30");
    assert_string_equal(acc_totp_uri(pool, "a-b.c_d~", "é", "X"),
                        "otpauth://totp/a-b.c_d~:%C3%A9?secret=X&issuer="
                        "a-b.c_d~&algorithm=SHA1&digits=6&period=30");
}

static void test_seal(void **state)
{
    unsigned char seal[ACC_MFA_KEY_LEN], codes[ACC_MFA_KEY_LEN];
    unsigned char other[ACC_MFA_KEY_LEN], ignored[ACC_MFA_KEY_LEN];
    unsigned char out[64];
    apr_size_t n = 0, i;
    const char *s, *s2;
    char *t;

    (void)state;
    acc_mfa_keys(pool, (const unsigned char *)"site key", 8, seal, codes);
    acc_mfa_keys(pool, (const unsigned char *)"site kez", 8, other, ignored);
    assert_memory_not_equal(seal, codes, ACC_MFA_KEY_LEN);
    s = acc_mfa_seal(pool, seal, K, KLEN, "42");
    assert_non_null(s);
    assert_true(strncmp(s, "v1.", 3) == 0);
    /* A fresh nonce every time. */
    s2 = acc_mfa_seal(pool, seal, K, KLEN, "42");
    assert_string_not_equal(s, s2);
    assert_int_equal(acc_mfa_open(pool, seal, s, "42", out, sizeof(out), &n),
                     0);
    assert_int_equal(n, KLEN);
    assert_memory_equal(out, K, KLEN);
    /* Another key, another user, too small a buffer: no. */
    assert_int_equal(acc_mfa_open(pool, other, s, "42", out, sizeof(out), &n),
                     -1);
    assert_int_equal(acc_mfa_open(pool, seal, s, "43", out, sizeof(out), &n),
                     -1);
    assert_int_equal(acc_mfa_open(pool, seal, s, "42", out, KLEN - 1, &n), -1);
    /* Any character altered (but the prefix): no. */
    for (i = 3; i < strlen(s); i++) {
        t = apr_pstrdup(pool, s);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        assert_int_equal(
            acc_mfa_open(pool, seal, t, "42", out, sizeof(out), &n), -1);
    }
    /* Malformed. */
    assert_int_equal(acc_mfa_open(pool, seal, "", "42", out, sizeof(out), &n),
                     -1);
    assert_int_equal(
        acc_mfa_open(pool, seal, "v1.", "42", out, sizeof(out), &n), -1);
    assert_int_equal(
        acc_mfa_open(pool, seal, "v2.AAAA", "42", out, sizeof(out), &n), -1);
    assert_int_equal(acc_mfa_open(pool, seal, NULL, "42", out, sizeof(out), &n),
                     -1);
}

static void test_recovery_codes(void **state)
{
    unsigned char seal[ACC_MFA_KEY_LEN], codes[ACC_MFA_KEY_LEN];
    const char *c = acc_recovery_code_new(pool), *h;
    char typed[32];
    apr_size_t i;

    (void)state;
    acc_mfa_keys(pool, (const unsigned char *)"site key", 8, seal, codes);
    assert_non_null(c);
    assert_int_equal(strlen(c), 11);
    assert_int_equal(c[5], '-');
    for (i = 0; i < 11; i++) {
        if (i != 5) {
            assert_non_null(strchr("abcdefghijklmnopqrstuvwxyz234567", c[i]));
        }
    }
    assert_string_not_equal(c, acc_recovery_code_new(pool));
    h = acc_recovery_code_hash(pool, codes, c);
    assert_non_null(h);
    assert_int_equal(strlen(h), 64);
    /* Typed in capitals, without the dash, with spaces: the same. */
    for (i = 0; i < 11; i++) {
        typed[i] = c[i] >= 'a' && c[i] <= 'z' ? (char)(c[i] - 32) : c[i];
    }
    typed[11] = '\0';
    assert_string_equal(acc_recovery_code_hash(pool, codes, typed), h);
    apr_snprintf(typed, sizeof(typed), " %.5s %.5s ", c, c + 6);
    assert_string_equal(acc_recovery_code_hash(pool, codes, typed), h);
    /* Another key: another hash.  Not a code's shape: none. */
    assert_string_not_equal(acc_recovery_code_hash(pool, seal, c), h);
    assert_null(acc_recovery_code_hash(pool, codes, "abcde-fghi"));
    assert_null(acc_recovery_code_hash(pool, codes, "abcde-fghijk"));
    assert_null(acc_recovery_code_hash(pool, codes, "abcde-fgh1j"));
    assert_null(acc_recovery_code_hash(pool, codes, NULL));
}

static void test_tickets(void **state)
{
    const unsigned char *k = (const unsigned char *)"site key";
    const char *t =
        acc_mfa_ticket_make(pool, k, 8, "pending", 42, 1700000000, 1, "hash");
    apr_int64_t uid, issued;
    int flags;
    char *bad;

    (void)state;
    assert_int_equal(acc_mfa_ticket_parse(t, &uid, &issued, &flags), 0);
    assert_int_equal(uid, 42);
    assert_int_equal(issued, 1700000000);
    assert_int_equal(flags, 1);
    assert_true(acc_mfa_ticket_check(pool, k, 8, "pending", t, "hash"));
    /* Another kind, bind or key: no. */
    assert_false(acc_mfa_ticket_check(pool, k, 8, "trust", t, "hash"));
    assert_false(acc_mfa_ticket_check(pool, k, 8, "pending", t, "hasH"));
    assert_false(acc_mfa_ticket_check(pool, (const unsigned char *)"site kez",
                                      8, "pending", t, "hash"));
    /* Another user, time or flag under the same MAC: no. */
    bad = apr_pstrcat(pool, "43", t + 2, NULL);
    assert_false(acc_mfa_ticket_check(pool, k, 8, "pending", bad, "hash"));
    bad = apr_pstrdup(pool, t);
    bad[strlen("42.170000000")] = '1';
    assert_false(acc_mfa_ticket_check(pool, k, 8, "pending", bad, "hash"));
    /* Malformed. */
    assert_int_equal(acc_mfa_ticket_parse("42.1.1.", &uid, &issued, &flags),
                     -1);
    assert_int_equal(acc_mfa_ticket_parse("-1.1.1.AAAA", &uid, &issued, &flags),
                     -1);
    assert_int_equal(acc_mfa_ticket_parse(NULL, &uid, &issued, &flags), -1);
    assert_false(acc_mfa_ticket_check(pool, k, 8, "pending", "", "hash"));
}

static void test_qr_svg(void **state)
{
    const char *svg = acc_qr_svg(pool, "otpauth://totp/x:y?secret=AB");
    char *big;

    (void)state;
    assert_non_null(svg);
    assert_true(strncmp(svg, "<?xml", 5) == 0);
    assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M"));
    assert_null(strstr(svg, "script"));
    assert_true(strcmp(svg + strlen(svg) - 7, "</svg>\n") == 0);
    /* More than any QR code holds: none. */
    big = apr_palloc(pool, 8000);
    memset(big, 'x', 7999);
    big[7999] = '\0';
    assert_null(acc_qr_svg(pool, big));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hotp_rfc4226),
        cmocka_unit_test(test_totp_rfc6238),
        cmocka_unit_test(test_totp_window_and_once),
        cmocka_unit_test(test_totp_malformed),
        cmocka_unit_test(test_base32_and_uri),
        cmocka_unit_test(test_seal),
        cmocka_unit_test(test_recovery_codes),
        cmocka_unit_test(test_tickets),
        cmocka_unit_test(test_qr_svg),
    };

    apr_initialize();
    return cmocka_run_group_tests(tests, setup, teardown);
}
