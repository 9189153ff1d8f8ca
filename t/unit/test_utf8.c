/*
 * t/unit/test_utf8.c -- strict UTF-8: one sequence, whole strings, counting.
 *
 * Besides hand-picked cases, every sequence of up to three bytes (and
 * four-byte ones with a chosen last byte) is decoded and compared with a
 * model written from the definition (shortest form, no surrogate, at most
 * U+10FFFF) and with utf8proc_iterate(), which redirect.c used before.
 * Then code points and the character classes borrowed from Python (more
 * of acc_strip in test_validate.c, where it started).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include "core/utf8.h"

#include <string.h>
#include <utf8proc.h>

/* ---- one sequence ---------------------------------------------------- */

/* The first and last code point of each row of RFC 3629's table. */
static void test_char_rows(void **state)
{
    static const struct {
        const char *s;
        apr_size_t len;
        int32_t cp;
    } ok[] = {
        {"\x00", 1, 0x0},
        {"\x7f", 1, 0x7F},
        {"\xc2\x80", 2, 0x80},
        {"\xdf\xbf", 2, 0x7FF},
        {"\xe0\xa0\x80", 3, 0x800},
        {"\xe0\xbf\xbf", 3, 0xFFF},
        {"\xe1\x80\x80", 3, 0x1000},
        {"\xec\xbf\xbf", 3, 0xCFFF},
        {"\xed\x80\x80", 3, 0xD000},
        {"\xed\x9f\xbf", 3, 0xD7FF},
        {"\xee\x80\x80", 3, 0xE000},
        {"\xef\xbf\xbf", 3, 0xFFFF},
        {"\xf0\x90\x80\x80", 4, 0x10000},
        {"\xf0\xbf\xbf\xbf", 4, 0x3FFFF},
        {"\xf1\x80\x80\x80", 4, 0x40000},
        {"\xf3\xbf\xbf\xbf", 4, 0xFFFFF},
        {"\xf4\x80\x80\x80", 4, 0x100000},
        {"\xf4\x8f\xbf\xbf", 4, 0x10FFFF},
    };
    apr_size_t i;
    int32_t c;

    (void)state;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        c = -1;
        assert_int_equal(acc_utf8_char(ok[i].s, ok[i].len, &c), ok[i].len);
        assert_int_equal(c, ok[i].cp);
        /* more bytes after it change nothing; c may be NULL */
        assert_int_equal(acc_utf8_char(ok[i].s, ok[i].len + 1, NULL),
                         ok[i].len);
        /* one byte short is refused */
        if (ok[i].len > 1) {
            assert_int_equal(acc_utf8_char(ok[i].s, ok[i].len - 1, &c), 0);
        }
    }
}

static void test_char_refused(void **state)
{
    static const struct {
        const char *s;
        apr_size_t len;
    } bad[] = {
        {"\x80", 1},             /* stray continuation */
        {"\xbf\x80", 2},         /* stray continuation */
        {"\xc0\xaf", 2},         /* overlong '/' */
        {"\xc1\xbf", 2},         /* overlong U+007F */
        {"\xe0\x80\xaf", 3},     /* overlong, three bytes */
        {"\xe0\x9f\xbf", 3},     /* overlong U+07FF */
        {"\xf0\x80\x80\xaf", 4}, /* overlong, four bytes */
        {"\xf0\x8f\xbf\xbf", 4}, /* overlong U+FFFF */
        {"\xed\xa0\x80", 3},     /* surrogate U+D800 */
        {"\xed\xbf\xbf", 3},     /* surrogate U+DFFF */
        {"\xf4\x90\x80\x80", 4}, /* U+110000 */
        {"\xf5\x80\x80\x80", 4}, /* lead byte past U+10FFFF */
        {"\xf8\x88\x80\x80", 4}, /* old five-byte lead */
        {"\xfe", 1},
        {"\xff", 1},
        {"\xc3\x28", 2},         /* second byte not a continuation */
        {"\xe2\x82\x28", 3},     /* third */
        {"\xf0\x9f\x98\x28", 4}, /* fourth */
        {"\xc3\xc3\xa9", 3},     /* a lead where a continuation goes */
    };
    apr_size_t i;
    int32_t c;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = 12345;
        assert_int_equal(acc_utf8_char(bad[i].s, bad[i].len, &c), 0);
        assert_int_equal(c, 12345); /* untouched */
    }
    assert_int_equal(acc_utf8_char("a", 0, &c), 0);
}

/* The definition, from code points: the length the lead byte announces,
 * its bits, and then the range of that length; -1 when not well formed. */
static int model(const unsigned char *u, apr_size_t avail, int32_t *cp)
{
    static const int32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    int n, k;
    int32_t c;

    if (avail == 0) {
        return -1;
    }
    if (u[0] < 0x80) {
        *cp = u[0];
        return 1;
    }
    if ((u[0] & 0xE0) == 0xC0) {
        n = 2, c = u[0] & 0x1F;
    }
    else if ((u[0] & 0xF0) == 0xE0) {
        n = 3, c = u[0] & 0x0F;
    }
    else if ((u[0] & 0xF8) == 0xF0) {
        n = 4, c = u[0] & 0x07;
    }
    else {
        return -1;
    }
    if ((apr_size_t)n > avail) {
        return -1;
    }
    for (k = 1; k < n; k++) {
        if ((u[k] & 0xC0) != 0x80) {
            return -1;
        }
        c = c << 6 | (u[k] & 0x3F);
    }
    if (c < min[n] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
        return -1;
    }
    *cp = c;
    return n;
}

/* acc_utf8_char against the model and against utf8proc_iterate. */
static void check_one(const unsigned char *u, apr_size_t avail)
{
    int32_t ours = -1, want = -1;
    utf8proc_int32_t theirs = -1;
    apr_size_t n = acc_utf8_char((const char *)u, avail, &ours);
    int m = model(u, avail, &want);
    utf8proc_ssize_t r = utf8proc_iterate(u, (utf8proc_ssize_t)avail, &theirs);

    if (m < 0) {
        assert_int_equal(n, 0);
        assert_true(r <= 0);
        return;
    }
    assert_int_equal(n, (apr_size_t)m);
    assert_int_equal(ours, want);
    assert_int_equal(r, m);
    assert_int_equal(theirs, want);
}

static void test_char_exhaustive(void **state)
{
    /* Last bytes on either side of the continuation range. */
    static const unsigned char last[] = {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xFF};
    unsigned char u[4];
    unsigned a, b, c, d, want;
    apr_size_t avail;

    (void)state;
    for (a = 0; a < 256; a++) {
        /* The bytes the lead announces; the others are never read. */
        want = a < 0xC0 ? 1 : a < 0xE0 ? 2 : a < 0xF0 ? 3 : a < 0xF8 ? 4 : 1;
        for (b = 0; b < (want >= 2 ? 256u : 1u); b++) {
            for (c = 0; c < (want >= 3 ? 256u : 1u); c++) {
                for (d = 0; d < (want >= 4 ? sizeof(last) : 1u); d++) {
                    u[0] = (unsigned char)a;
                    u[1] = want >= 2 ? (unsigned char)b : 0x80;
                    u[2] = want >= 3 ? (unsigned char)c : 0x80;
                    u[3] = want >= 4 ? last[d] : 0x80;
                    for (avail = 1; avail <= 4; avail++) {
                        check_one(u, avail);
                    }
                }
            }
        }
    }
}

static void test_next_replaces(void **state)
{
    int32_t c;

    (void)state;
    assert_int_equal(acc_utf8_next("\xc3\xa9x", 3, &c), 2);
    assert_int_equal(c, 0xE9);
    assert_int_equal(acc_utf8_next("\x00", 1, &c), 1);
    assert_int_equal(c, 0);
    /* a bad byte is U+FFFD, one byte long, so a loop resyncs at the next */
    assert_int_equal(acc_utf8_next("\xe2\x82x", 3, &c), 1);
    assert_int_equal(c, 0xFFFD);
    assert_int_equal(acc_utf8_next("\x82x", 2, &c), 1);
    assert_int_equal(c, 0xFFFD);
    assert_int_equal(acc_utf8_next("\xed\xa0\x80", 3, &c), 1);
    assert_int_equal(c, 0xFFFD);
    assert_int_equal(acc_utf8_next("\xf0\x9f\x98\x80", 3, &c), 1);
    assert_int_equal(c, 0xFFFD);
}

/* ---- whole strings --------------------------------------------------- */

static void test_wellformed_and_valid(void **state)
{
    static const struct {
        const char *s;
        apr_size_t len;
        int wellformed, valid;
    } cases[] = {
        {"", 0, 1, 1},
        {"alice", 5, 1, 1},
        {"Zo\xc3\xab \xe6\x9d\x8e \xf0\x9f\x98\x80", 13, 1, 1},
        {"\xef\xbb\xbf", 3, 1, 1}, /* a BOM is a code point */
        {"\xef\xbf\xbe", 3, 1, 1}, /* so are noncharacters */
        {"\0", 1, 1, 0},           /* NUL: the one difference */
        {"ab\0cd", 5, 1, 0},
        {"\xc3\xa9\0", 3, 1, 0},
        {"ab\xc3", 3, 0, 0},                   /* truncated at the end */
        {"\xc3\xa9", 1, 0, 0},                 /* ... by len */
        {"\xed\xa0\x80\xed\xb0\x80", 6, 0, 0}, /* a CESU-8 pair */
        {"a\xc0\x80", 3, 0, 0},                /* overlong NUL */
        {"\0\xff", 2, 0, 0},
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(acc_utf8_wellformed(cases[i].s, cases[i].len),
                         cases[i].wellformed);
        assert_int_equal(acc_utf8_valid(cases[i].s, cases[i].len),
                         cases[i].valid);
    }
    assert_int_equal(acc_utf8_wellformed(NULL, 0), 0);
    assert_int_equal(acc_utf8_valid(NULL, 0), 0);
    /* len bounds the scan: what follows is not read */
    assert_int_equal(acc_utf8_valid("ab\xff", 2), 1);
}

static void test_length(void **state)
{
    (void)state;
    assert_int_equal(acc_utf8_length(NULL), 0);
    assert_int_equal(acc_utf8_length(""), 0);
    assert_int_equal(acc_utf8_length("abc"), 3);
    assert_int_equal(acc_utf8_length("Zo\xc3\xab"), 3);
    assert_int_equal(acc_utf8_length("\xe6\x9d\x8e\xf0\x9f\x98\x80"), 2);
    assert_int_equal(acc_utf8_length("\xf4\x8f\xbf\xbf\xc2\x80"), 2);
}

/* ---- code points and Python's classes ------------------------------- */

static void test_decode_encode(void **state)
{
    static const int32_t want[] = {'a', 0xE9, 0x1F600, 0x10FFFF};
    apr_pool_t *p;
    int32_t *cp, bad[] = {'x', -1, 0x110000, 0xFFFD};
    apr_size_t n;

    (void)state;
    assert_int_equal(apr_pool_create(&p, NULL), APR_SUCCESS);
    cp = acc_utf8_decode(p, "a\xc3\xa9\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf", &n);
    assert_int_equal(n, 4);
    assert_memory_equal(cp, want, sizeof(want));
    assert_string_equal(acc_utf8_encode(p, cp, n),
                        "a\xc3\xa9\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf");
    /* each byte that starts no sequence is one U+FFFD */
    cp = acc_utf8_decode(p, "\xff\xe2\x82!", &n);
    assert_int_equal(n, 4);
    assert_int_equal(cp[0], 0xFFFD);
    assert_int_equal(cp[1], 0xFFFD);
    assert_int_equal(cp[2], 0xFFFD);
    assert_int_equal(cp[3], '!');
    cp = acc_utf8_decode(p, NULL, &n);
    assert_int_equal(n, 0);
    assert_string_equal(acc_utf8_encode(p, cp, 0), "");
    /* what is not a code point is left out */
    assert_string_equal(acc_utf8_encode(p, bad, 4), "x\xef\xbf\xbd");
    apr_pool_destroy(p);
}

static void test_classes(void **state)
{
    static const int32_t space[] = {
        ' ',  '\t',   '\n',   '\v',   '\f',   '\r',   0x1C,   0x1F,   0x85,
        0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
    static const int32_t not_space[] = {'a',    0,      0x08,  0x200B,
                                        0x180E, 0xFEFF, 0xFFFD};
    static const int32_t word[] = {'a',  'Z',    '0',    '_',
                                   0xE9, 0x3A3,  0x0663, 0x2167,
                                   0xB2, 0x4E2D, 0x2B0,  0x1D7CE};
    static const int32_t not_word[] = {'-',    '.',   '@',    '+',   ' ',
                                       0x2019, 0x300, 0x200D, 0xFFFD};
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(space) / sizeof(space[0]); i++) {
        assert_int_equal(acc_is_space(space[i]), 1);
    }
    for (i = 0; i < sizeof(not_space) / sizeof(not_space[0]); i++) {
        assert_int_equal(acc_is_space(not_space[i]), 0);
    }
    for (i = 0; i < sizeof(word) / sizeof(word[0]); i++) {
        assert_int_equal(acc_is_word(word[i]), 1);
    }
    for (i = 0; i < sizeof(not_word) / sizeof(not_word[0]); i++) {
        assert_int_equal(acc_is_word(not_word[i]), 0);
    }
}

static void test_strip(void **state)
{
    apr_pool_t *p;

    (void)state;
    assert_int_equal(apr_pool_create(&p, NULL), APR_SUCCESS);
    assert_string_equal(acc_strip(p, NULL), "");
    assert_string_equal(acc_strip(p, "\xe3\x80\x80 a b\xc2\x85"), "a b");
    /* a bad byte is not whitespace, and stays */
    assert_string_equal(acc_strip(p, " \xff "), "\xff");
    assert_string_equal(acc_strip(p, "\xc2 x"), "\xc2 x");
    apr_pool_destroy(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_char_rows),
        cmocka_unit_test(test_char_refused),
        cmocka_unit_test(test_char_exhaustive),
        cmocka_unit_test(test_next_replaces),
        cmocka_unit_test(test_wellformed_and_valid),
        cmocka_unit_test(test_length),
        cmocka_unit_test(test_decode_encode),
        cmocka_unit_test(test_classes),
        cmocka_unit_test(test_strip),
    };

    int rc;

    if (apr_initialize() != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("utf8", tests, NULL, NULL);
    apr_terminate();
    return rc;
}
