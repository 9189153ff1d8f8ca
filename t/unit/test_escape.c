/*
 * t/unit/test_escape.c -- escaping text for accountsctl's output: what
 * ap_escape_logitem escapes, valid UTF-8 kept, C1 controls and invalid
 * bytes escaped byte by byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <string.h>

#include "core/escape.h"

static apr_pool_t *pool;

#define ESC(in, want) assert_string_equal(acc_escape_text(pool, in), want)

static void test_plain_text_unchanged(void **state)
{
    const char *s = "alice@example.com 2026-12-01T20:30:00+00 ok";

    ACC_UNUSED(state);
    assert_ptr_equal(acc_escape_text(pool, s), s);
    ESC("", "");
    assert_string_equal(acc_escape_text(pool, NULL), "");
}

/* What ap_escape_logitem does to ASCII. */
static void test_ascii_controls(void **state)
{
    ACC_UNUSED(state);
    ESC("a\nb", "a\\nb");
    ESC("a\rb", "a\\rb");
    ESC("a\tb", "a\\tb");
    ESC("\x01\x07\x08\x0b\x0c\x1b\x1f\x7f", "\\x01\\x07\\x08\\x0b\\x0c\\x1b"
                                            "\\x1f\\x7f");
    ESC("back\\slash", "back\\\\slash");
    ESC("say \"hi\"", "say \\\"hi\\\"");
    ESC("' ~ ,;", "' ~ ,;");
}

/* The report's attack: a forged log line and a colour change. */
static void test_forged_line(void **state)
{
    ACC_UNUSED(state);
    ESC("nobody\n2026-12-01T20:30:00+00\tlogin_ok\tadmin\t203.0.113.7"
        "\033[31m",
        "nobody\\n2026-12-01T20:30:00+00\\tlogin_ok\\tadmin\\t203.0.113.7"
        "\\x1b[31m");
}

static void test_utf8_kept(void **state)
{
    ACC_UNUSED(state);
    ESC("Zo\xc3\xab", "Zo\xc3\xab");     /* U+00EB */
    ESC("\xc2\xa0nbsp", "\xc2\xa0nbsp"); /* U+00A0 */
    ESC("\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac");
    ESC("\xef\xbf\xbf", "\xef\xbf\xbf");         /* U+FFFF */
    ESC("\xf0\x9f\x94\x91", "\xf0\x9f\x94\x91"); /* U+1F511 */
    ESC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}

/* C1 controls are valid UTF-8, but a terminal may act on them. */
static void test_c1_controls(void **state)
{
    ACC_UNUSED(state);
    ESC("\xc2\x80", "\\xc2\\x80");
    ESC("a\xc2\x9b"
        "31mb",
        "a\\xc2\\x9b"
        "31mb");
    ESC("\xc2\x9f", "\\xc2\\x9f");
}

/* Each byte outside a valid sequence is escaped on its own; what follows
 * is read afresh. */
static void test_invalid_utf8(void **state)
{
    ACC_UNUSED(state);
    ESC("\x80", "\\x80"); /* stray continuation */
    ESC("a\xbf"
        "b",
        "a\\xbf"
        "b");
    ESC("\xe6\x97", "\\xe6\\x97"); /* cut short at the end */
    ESC("\xe6"
        "a",
        "\\xe6"
        "a");                                        /* cut short */
    ESC("\xc3\xc3\xab", "\\xc3\xc3\xab");            /* bad lead, then good */
    ESC("\xc0\xaf", "\\xc0\\xaf");                   /* overlong '/' */
    ESC("\xe0\x80\xaf", "\\xe0\\x80\\xaf");          /* overlong */
    ESC("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"); /* overlong */
    ESC("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* surrogate */
    ESC("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* beyond U+10FFFF */
    ESC("\xf5\xff\xfe", "\\xf5\\xff\\xfe");
}

/* Escaped text is printable ASCII or valid UTF-8 with no control. */
static void test_every_byte(void **state)
{
    char in[2] = {0, 0};
    int c;

    ACC_UNUSED(state);
    for (c = 1; c < 256; c++) {
        const unsigned char *o;
        in[0] = (char)c;
        o = (const unsigned char *)acc_escape_text(pool, in);
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
            assert_int_equal(strlen((const char *)o), 1);
            continue;
        }
        assert_true(o[0] == '\\');
        for (; *o; o++) {
            assert_true(*o >= 0x20 && *o < 0x7f);
        }
    }
}

static void test_row(void **state)
{
    const char *f[] = {"2026-12-01T20:30:00+00", "login_failed", "a\tb\nc",
                       NULL, "curl/8"};

    ACC_UNUSED(state);
    assert_string_equal(acc_escape_row(pool, f, 5),
                        "2026-12-01T20:30:00+00\tlogin_failed\ta\\tb\\nc\t\t"
                        "curl/8");
    assert_string_equal(acc_escape_row(pool, f, 1), "2026-12-01T20:30:00+00");
    assert_string_equal(acc_escape_row(pool, f, 0), "");
}

#define UNESC(in, want)                                                        \
    assert_string_equal(acc_unescape_logitem(pool, in), want)

/* What ap_escape_logitem makes, undone. */
static void test_unescape(void **state)
{
    const char *s = "Mozilla/5.0 (X11; Linux x86_64)";

    ACC_UNUSED(state);
    assert_ptr_equal(acc_unescape_logitem(pool, s), s);
    assert_string_equal(acc_unescape_logitem(pool, NULL), "");
    UNESC("a\\nb", "a\nb");
    UNESC("\\b\\n\\r\\t\\v", "\b\n\r\t\v");
    UNESC("\\\\ \\\"", "\\ \"");
    UNESC("evil\\xff\\xfe\\x1B[31m", "evil\xff\xfe\x1b[31m");
    UNESC("caf\\xc3\\xa9", "caf\xc3\xa9");
}

/* What it would not have made is kept. */
static void test_unescape_leftovers(void **state)
{
    ACC_UNUSED(state);
    UNESC("a\\qb", "a\\qb");
    UNESC("a\\x0", "a\\x0");
    UNESC("a\\xg1", "a\\xg1");
    UNESC("a\\x00b", "a\\x00b");
    UNESC("end\\", "end\\");
}

/* Stored escaped, printed escaped: the same text, but UTF-8 reads as
 * text. */
static void test_round_trip(void **state)
{
    ACC_UNUSED(state);
    assert_string_equal(
        acc_escape_text(
            pool, acc_unescape_logitem(pool, "evil\\xff\\xfe\\\"'; --\\x1b")),
        "evil\\xff\\xfe\\\"'; --\\x1b");
    assert_string_equal(
        acc_escape_text(pool, acc_unescape_logitem(pool, "caf\\xc3\\xa9")),
        "caf\xc3\xa9");
}

/* JSON strings for accountsctl list --json: quotes, backslashes and
 * controls escaped, valid UTF-8 kept, invalid bytes as U+FFFD. */
static void test_json_string(void **state)
{
    (void)state;
    assert_string_equal(acc_json_string(pool, NULL), "\"\"");
    assert_string_equal(acc_json_string(pool, "alice"), "\"alice\"");
    assert_string_equal(acc_json_string(pool, "a\"b\\c"), "\"a\\\"b\\\\c\"");
    assert_string_equal(acc_json_string(pool, "x\ny\t\x7f"),
                        "\"x\\u000ay\\u0009\\u007f\"");
    assert_string_equal(acc_json_string(pool, "Zo\xc3\xab"), "\"Zo\xc3\xab\"");
    assert_string_equal(acc_json_string(pool, "a\xff\xc3"
                                              "b"),
                        "\"a\\ufffd\\ufffdb\"");
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_ascii_controls),
        cmocka_unit_test(test_forged_line),
        cmocka_unit_test(test_utf8_kept),
        cmocka_unit_test(test_c1_controls),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_row),
        cmocka_unit_test(test_unescape),
        cmocka_unit_test(test_unescape_leftovers),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_json_string),
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("escape", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
