/*
 * t/unit/test_validate.c -- Django's username, email and password rules.
 *
 * Expected values were checked against Django 5.x's code paths run under
 * CPython (re, unicodedata, ipaddress, difflib).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/validate.h"

#include <stdlib.h>
#include <string.h>

static apr_pool_t *pool;

#define MSG_REQUIRED "This field is required."
#define MSG_USERNAME                                                           \
    "Enter a valid username. This value may contain only letters, "            \
    "numbers, and @/./+/-/_ characters."
#define MSG_EMAIL    "Enter a valid email address."
#define SIM_USERNAME "The password is too similar to the username."
#define SIM_FIRST    "The password is too similar to the first name."
#define SIM_LAST     "The password is too similar to the last name."
#define SIM_EMAIL    "The password is too similar to the email address."
#define SHORT8                                                                 \
    "This password is too short. It must contain at least 8 characters."
#define SHORT1                                                                 \
    "This password is too short. It must contain at least 1 character."
#define COMMON  "This password is too common."
#define NUMERIC "This password is entirely numeric."

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

/* n copies of s, in the pool. */
static const char *rep(const char *s, int n)
{
    char *out = apr_palloc(pool, strlen(s) * (apr_size_t)n + 1), *o = out;
    int i;

    for (i = 0; i < n; i++) {
        memcpy(o, s, strlen(s));
        o += strlen(s);
    }
    *o = '\0';
    return out;
}

/* Every message of acc_password_validate joined with '|'. */
static const char *pwcheck(const acc_pwpolicy_t *pol, const char *pw,
                           const char *username, const char *first,
                           const char *last, const char *email)
{
    acc_user_attrs_t user = {username, first, last, email};
    apr_array_header_t *errs = acc_password_validate(pool, pol, pw, &user);
    const char *out = "";
    int i;

    for (i = 0; i < errs->nelts; i++) {
        out = apr_pstrcat(pool, out, i ? "|" : "",
                          APR_ARRAY_IDX(errs, i, const char *), NULL);
    }
    return out;
}

static const acc_pwpolicy_t all = {ACC_PWV_ALL, 8, 0.7};

/* ---- UTF-8 ----------------------------------------------------------- */

static void test_utf8_valid(void **state)
{
    static const char *good[] = {"",
                                 "alice",
                                 "Zo\xc3\xab",
                                 "\xe6\x9d\x8e",
                                 "\xf0\x9f\x98\x80",
                                 "\xf4\x8f\xbf\xbf",
                                 "\xed\x9f\xbf",
                                 "\xee\x80\x80"};
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(acc_utf8_valid(good[i], strlen(good[i])), 1);
    }
}

static void test_utf8_invalid(void **state)
{
    static const struct {
        const char *s;
        apr_size_t len;
    } bad[] = {
        {"\xc0\xaf", 2},         /* overlong '/' */
        {"\xc1\xbf", 2},         /* overlong */
        {"\xe0\x80\xaf", 3},     /* overlong, three bytes */
        {"\xe0\x9f\xbf", 3},     /* overlong U+07FF */
        {"\xf0\x80\x80\xaf", 4}, /* overlong, four bytes */
        {"\xf0\x8f\xbf\xbf", 4}, /* overlong U+FFFF */
        {"\xed\xa0\x80", 3},     /* surrogate U+D800 */
        {"\xed\xbf\xbf", 3},     /* surrogate U+DFFF */
        {"\xf4\x90\x80\x80", 4}, /* U+110000 */
        {"\xf5\x80\x80\x80", 4}, /* lead byte past U+10FFFF */
        {"\xff", 1},             /* never valid */
        {"\x80", 1},             /* stray continuation */
        {"a\xbf", 2},            /* stray continuation after ASCII */
        {"\xe2\x82", 2},         /* truncated euro sign */
        {"\xf0\x9f\x98", 3},     /* truncated emoji */
        {"\xc3", 1},             /* truncated two-byte */
        {"\xc3\x28", 2},         /* bad continuation */
        {"ab\0cd", 5},           /* NUL inside */
        {"\0", 1},               /* NUL alone */
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(acc_utf8_valid(bad[i].s, bad[i].len), 0);
    }
    assert_int_equal(acc_utf8_valid(NULL, 0), 0);
    /* the length bounds the scan: a truncated tail is invalid */
    assert_int_equal(acc_utf8_valid("\xc3\xa9", 1), 0);
    assert_int_equal(acc_utf8_valid("\xc3\xa9", 2), 1);
}

static void test_utf8_length(void **state)
{
    (void)state;
    assert_int_equal(acc_utf8_length(""), 0);
    assert_int_equal(acc_utf8_length("abc"), 3);
    assert_int_equal(acc_utf8_length("Zo\xc3\xab"), 3);
    assert_int_equal(acc_utf8_length("\xe6\x9d\x8e\xf0\x9f\x98\x80"), 2);
}

/* ---- strip ----------------------------------------------------------- */

static void test_strip(void **state)
{
    (void)state;
    assert_string_equal(acc_strip(pool, "  alice \t\n"), "alice");
    assert_string_equal(acc_strip(pool, "a b"), "a b");
    assert_string_equal(acc_strip(pool, " \t\r\n\v\f"), "");
    assert_string_equal(acc_strip(pool, ""), "");
    /* Python's whitespace beyond ASCII: U+3000, U+00A0, U+2028, U+0085,
     * U+202F and the ASCII separators \x1c-\x1f */
    assert_string_equal(acc_strip(pool, "\xe3\x80\x80x\xc2\xa0"), "x");
    assert_string_equal(acc_strip(pool, "\xe2\x80\xa8x\xc2\x85"), "x");
    assert_string_equal(acc_strip(pool, "\x1cx\x1f\xe2\x80\xaf"), "x");
    /* not whitespace to Python: U+200B (Cf) and U+180E (Cf) */
    assert_string_equal(acc_strip(pool, "\xe2\x80\x8bx"), "\xe2\x80\x8bx");
    assert_string_equal(acc_strip(pool, "x\xe1\xa0\x8e"), "x\xe1\xa0\x8e");
    /* multi-byte characters next to the cut survive whole */
    assert_string_equal(acc_strip(pool, " \xc3\xa9t\xc3\xa9 "),
                        "\xc3\xa9t\xc3\xa9");
}

/* ---- username -------------------------------------------------------- */

static void test_username_clean(void **state)
{
    (void)state;
    assert_string_equal(acc_username_clean(pool, "  alice  "), "alice");
    /* NFKC: fullwidth letters, the fi ligature, superscript two */
    assert_string_equal(acc_username_clean(pool,
                                           "\xef\xbc\xa1\xef\xbc\xac\xef"
                                           "\xbc\xa9\xef\xbc\xa3\xef\xbc\xa5"),
                        "ALICE");
    assert_string_equal(acc_username_clean(pool, "\xef\xac\x81le"), "file");
    assert_string_equal(acc_username_clean(pool, "x\xc2\xb2"), "x2");
    /* NFKC composes: e + U+0301 becomes U+00E9 */
    assert_string_equal(acc_username_clean(pool, "Zoe\xcc\x88"), "Zo\xc3\xab");
}

static void test_username_clean_long(void **state)
{
    const char *fw150 = rep("\xef\xbd\x81", 150); /* fullwidth a */
    const char *fw151 = rep("\xef\xbd\x81", 151);

    (void)state;
    /* at 150 characters NFKC still runs */
    assert_string_equal(acc_username_clean(pool, fw150), rep("a", 150));
    /* past 150 (after stripping) it is skipped, as Django does */
    assert_string_equal(acc_username_clean(pool, fw151), fw151);
    assert_string_equal(
        acc_username_clean(pool, apr_pstrcat(pool, "  ", fw150, "  ", NULL)),
        rep("a", 150));
}

static void test_username_required(void **state)
{
    (void)state;
    assert_string_equal(acc_username_check(pool, ""), MSG_REQUIRED);
    assert_string_equal(acc_username_check(pool, NULL), MSG_REQUIRED);
    assert_string_equal(
        acc_username_check(pool, acc_username_clean(pool, "   ")),
        MSG_REQUIRED);
}

static void test_username_valid(void **state)
{
    static const char *good[] = {
        "alice",
        "Zo\xc3\xab",                               /* Zoë */
        "\xd0\x91\xd0\xbe\xd1\x80\xd0\xb8\xd1\x81", /* Борис */
        "\xe6\x9d\x8e",                             /* 李 */
        "a.b@c+d-e_f",
        "_",
        "\xd9\xa1\xd9\xa2\xd9\xa3", /* Arabic-Indic digits */
        "\xe2\x85\xab",             /* Roman numeral (Nl) */
        "\xc2\xbd",                 /* one half (No) */
        "\xca\xb0",                 /* modifier letter (Lm) */
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_null(acc_username_check(pool, good[i]));
    }
}

static void test_username_invalid(void **state)
{
    static const char *bad[] = {
        "al ice",
        "bob!",
        "#x",
        "a/b",
        "a,b",
        "a\tb",
        "a\nb",
        "a'b",
        "a\xe2\x80\x8b\x62", /* zero-width space (Cf) */
        "e\xcc\x81",         /* combining acute (Mn) is not \w */
        "\xe0\xa4\xbf",      /* Devanagari vowel sign (Mc) */
        "\xf0\x9f\x98\x80",  /* emoji (So) */
        "\xff",              /* not UTF-8 */
        "a\xc0\xaf",         /* overlong */
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_string_equal(acc_username_check(pool, bad[i]), MSG_USERNAME);
    }
}

static void test_username_length(void **state)
{
    (void)state;
    assert_null(acc_username_check(pool, rep("a", 150)));
    assert_string_equal(
        acc_username_check(pool, rep("a", 151)),
        "Ensure this value has at most 150 characters (it has 151).");
    /* characters, not bytes */
    assert_null(acc_username_check(pool, rep("\xc3\xa9", 150)));
    assert_string_equal(
        acc_username_check(pool, rep("\xe6\x9d\x8e", 200)),
        "Ensure this value has at most 150 characters (it has 200).");
    /* too long wins over bad characters, as the form field reports it */
    assert_string_equal(
        acc_username_check(pool, rep("!", 151)),
        "Ensure this value has at most 150 characters (it has 151).");
}

static void test_username_nfkc_twins(void **state)
{
    const char *a, *b;

    (void)state;
    /* fullwidth and ligature twins clean to the plain name, which passes */
    a = acc_username_clean(pool, "\xef\xbd\x82\xef\xbd\x8f\xef\xbd\x82");
    assert_string_equal(a, "bob");
    assert_null(acc_username_check(pool, a));
    b = acc_username_clean(pool, "\xef\xac\x81sh");
    assert_string_equal(b, "fish");
    assert_null(acc_username_check(pool, b));
    /* NFKC can make a name invalid: U+00A8 becomes space + diaeresis */
    assert_string_equal(
        acc_username_check(pool, acc_username_clean(pool, "a\xc2\xa8")),
        MSG_USERNAME);
    /* and longer: 100 U+FB03 (ffi) become 300 characters */
    assert_string_equal(
        acc_username_check(pool,
                           acc_username_clean(pool, rep("\xef\xac\x83", 100))),
        "Ensure this value has at most 150 characters (it has 300).");
}

static void test_username_key(void **state)
{
    const char *k;

    (void)state;
    k = acc_username_key(pool, "alice");
    assert_string_equal(acc_username_key(pool, "Alice"), k);
    assert_string_equal(acc_username_key(pool, "ALICE"), k);
    assert_string_equal(acc_username_key(pool, "\xef\xbc\xa1\xef\xbc\xac\xef"
                                               "\xbc\xa9\xef\xbc\xa3\xef\xbc"
                                               "\xa5"),
                        k);
    assert_string_not_equal(acc_username_key(pool, "alice2"), k);
    /* full case folding: sharp s folds to "ss" */
    assert_string_equal(acc_username_key(pool, "\xc3\x9f"),
                        acc_username_key(pool, "SS"));
    assert_string_equal(acc_username_key(pool, "Stra\xc3\x9f"
                                               "e"),
                        acc_username_key(pool, "STRASSE"));
    /* Greek final sigma and sigma share a key */
    assert_string_equal(acc_username_key(pool, "\xcf\x82"),
                        acc_username_key(pool, "\xce\xa3"));
}

/* ---- email ----------------------------------------------------------- */

static void test_email_valid(void **state)
{
    static const char *good[] = {
        "alice@example.com",
        "Alice.Smith+tag@Example.CO.uk",
        "!#$%&'*+/=?^_`{}|~-@example.org",
        "user@localhost",
        "\"john\\ doe\"@example.com",  /* a space must be escaped */
        "\"a\\\"b\\\\c\"@example.com", /* escaped quote and backslash */
        "\"\"@example.com",
        "\"a@b\"@example.com", /* the last @ splits */
        "a@[127.0.0.1]",
        "a@[255.255.255.255]",
        "a@[2001:db8::1]",
        "a@[2001:DB8:0:0:0:0:0:1]",
        "a@[::ffff:127.0.0.1]",
        "a@[::]",
        "x@a-b.example-1.com",
        "a@example.123", /* numeric last label */
        "a@b.-tld",      /* last label may start with '-' */
        "a@x.co",
        "\xc5\xbf@example.com", /* long s: re.IGNORECASE quirk */
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_null(acc_email_check(pool, good[i]));
    }
    /* a 63-character label is fine */
    assert_null(acc_email_check(
        pool, apr_pstrcat(pool, "a@", rep("x", 63), ".com", NULL)));
}

static void test_email_invalid(void **state)
{
    static const char *bad[] = {
        "",
        "plainaddress",
        "@example.com",
        "a@",
        "a@b",            /* no dot, not localhost */
        "a@LOCALHOST",    /* the allowlist is exact */
        "a@example.com.", /* trailing dot */
        "a@.example.com",
        "a@example..com",
        "a@-example.com", /* label starts with a hyphen */
        "a@example-.com", /* label ends with a hyphen */
        "a@example.co-",  /* last label ends with a hyphen */
        "a@example.c",    /* one-character last label */
        "a@exa_mple.com",
        "a@exa mple.com",
        "a..b@example.com",
        ".a@example.com",
        "a.@example.com",
        "a b@example.com",
        "a(b)@example.com",
        "\"john doe\"@example.com", /* bare space in a quoted string */
        "\"a\"b\"@example.com",
        "\"a\\\"@example.com", /* the escape eats the closing quote */
        "\"a\nb\"@example.com",
        "\"a\\\nb\"@example.com",
        "a@example.com\n",
        "a\n@example.com",
        "a@[256.0.0.1]",
        "a@[01.2.3.4]", /* leading zero */
        "a@[1.2.3]",
        "a@[IPv6:2001:db8::1]", /* Django takes no IPv6: tag */
        "a@[1::2:3:4:5:6:7:8]", /* "::" must stand for a group */
        "a@[1:2:3:4:5:6:7]",
        "a@[1::2::3]",
        "a@[12345::1]",
        "a@[::ffff:1.2.3.04]",
        "a@[]",
        "a@b\xc3\xbc\x63her.de",  /* IDN: refused, see validate.c */
        "Zo\xc3\xab@example.com", /* non-ASCII local part */
        "a\xff@example.com",      /* not UTF-8 */
    };
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_string_equal(acc_email_check(pool, bad[i]), MSG_EMAIL);
    }
    /* a 64-character label is too long */
    assert_string_equal(
        acc_email_check(pool,
                        apr_pstrcat(pool, "a@", rep("x", 64), ".com", NULL)),
        MSG_EMAIL);
    /* so is a 64-character last label; 63 is fine */
    assert_string_equal(
        acc_email_check(pool, apr_pstrcat(pool, "a@b.", rep("x", 64), NULL)),
        MSG_EMAIL);
    assert_null(
        acc_email_check(pool, apr_pstrcat(pool, "a@b.", rep("x", 63), NULL)));
    /* an IPv6 literal longer than 39 characters */
    assert_string_equal(
        acc_email_check(pool,
                        "a@[0000:0000:0000:0000:0000:ffff:100.200.100.200]"),
        MSG_EMAIL);
}

static void test_email_length(void **state)
{
    const char *at254 = apr_pstrcat(pool, rep("a", 242), "@example.com", NULL);
    const char *at255 = apr_pstrcat(pool, rep("a", 243), "@example.com", NULL);

    (void)state;
    assert_int_equal(strlen(at254), 254);
    assert_null(acc_email_check(pool, at254));
    assert_string_equal(
        acc_email_check(pool, at255),
        "Ensure this value has at most 254 characters (it has 255).");
    /* counted in characters */
    assert_string_equal(
        acc_email_check(pool, apr_pstrcat(pool, "\"", rep("\xc5\xbf", 241),
                                          "\"@example.com", NULL)),
        "Ensure this value has at most 254 characters (it has 255).");
    /* an invalid long address is reported as invalid */
    assert_string_equal(acc_email_check(pool, apr_pstrcat(pool, rep("a", 243),
                                                          "@example", NULL)),
                        MSG_EMAIL);
    /* past EmailValidator's 320 it is invalid whatever its shape */
    assert_string_equal(
        acc_email_check(pool,
                        apr_pstrcat(pool, rep("a", 309), "@example.com", NULL)),
        MSG_EMAIL);
}

/* ---- passwords ------------------------------------------------------- */

static void test_similarity(void **state)
{
    (void)state;
    assert_string_equal(
        pwcheck(&all, "alice12345", "alice123", NULL, NULL, NULL),
        SIM_USERNAME);
    assert_string_equal(pwcheck(&all, "Tr0ub4dor&3xyz", "alice", "Alice",
                                "Smith", "alice@example.com"),
                        "");
    assert_string_equal(
        pwcheck(&all, "jsmithers1", "bob", "", "", "jsmithers@example.com"),
        SIM_EMAIL);
    assert_string_equal(
        pwcheck(&all, "Katherine#7", "bob", "Katherine", "", ""), SIM_FIRST);
    assert_string_equal(
        pwcheck(&all, "Vanderbilt!9", "bob", "Kate", "Vanderbilt", ""),
        SIM_LAST);
    /* one message: the first similar attribute */
    assert_string_equal(pwcheck(&all, "alice12345", "alice123", NULL, NULL,
                                "alice@example.com"),
                        SIM_USERNAME);
    /* case does not matter */
    assert_string_equal(
        pwcheck(&all, "ALICE12345", "Alice123", NULL, NULL, NULL),
        SIM_USERNAME);
    /* no user, no similarity check */
    assert_int_equal(
        acc_password_validate(pool, &all, "alice12345", NULL)->nelts, 0);
}

static void test_similarity_threshold(void **state)
{
    acc_pwpolicy_t strict = {ACC_PWV_SIMILARITY, 8, 1.0};
    acc_pwpolicy_t sim = {ACC_PWV_SIMILARITY, 0, 0.7};

    (void)state;
    /* quick_ratio is 16/18: similar at 0.7, not at 1.0 */
    assert_string_equal(
        pwcheck(&strict, "alice12345", "alice123", NULL, NULL, NULL), "");
    /* two empty sequences have ratio 1.0 (difflib): "@x" splits to "" */
    assert_string_equal(pwcheck(&sim, "", "@x", NULL, NULL, NULL),
                        SIM_USERNAME);
    assert_string_equal(pwcheck(&sim, "", "x", NULL, NULL, NULL), "");
    /* parts come from re.split(r"\W+"): "smith" alone is compared */
    assert_string_equal(
        pwcheck(&sim, "smith!!", "bob", NULL, NULL, "jo.smith@corp.example"),
        SIM_EMAIL);
    /* Python's lower(): a final capital sigma becomes U+03C2 */
    assert_string_equal(
        pwcheck(&sim, "\xce\xb1\xcf\x83", "\xce\x91\xce\xa3", NULL, NULL, NULL),
        "");
    assert_string_equal(
        pwcheck(&sim, "\xce\xb1\xcf\x82", "\xce\x91\xce\xa3", NULL, NULL, NULL),
        SIM_USERNAME);
    /* and U+0130 lower-cases to two characters, i + U+0307 */
    assert_string_equal(
        pwcheck(&sim, "\xc4\xb0\xc4\xb0\xc4\xb0", "iii", NULL, NULL, NULL), "");
    assert_string_equal(pwcheck(&sim, "iii", "iii", NULL, NULL, NULL),
                        SIM_USERNAME);
}

static void test_min_length(void **state)
{
    acc_pwpolicy_t one = {ACC_PWV_MINLENGTH, 1, 0.7};
    acc_pwpolicy_t twelve = {ACC_PWV_MINLENGTH, 12, 0.7};

    (void)state;
    /* eight two-byte characters are eight characters */
    assert_string_equal(
        pwcheck(&all, rep("\xc3\xa9", 8), NULL, NULL, NULL, NULL), "");
    assert_string_equal(
        pwcheck(&all, rep("\xc3\xa9", 7), NULL, NULL, NULL, NULL), SHORT8);
    assert_string_equal(pwcheck(&one, "", NULL, NULL, NULL, NULL), SHORT1);
    assert_string_equal(pwcheck(&one, "x", NULL, NULL, NULL, NULL), "");
    assert_string_equal(pwcheck(&twelve, "abcdefghijk", NULL, NULL, NULL, NULL),
                        "This password is too short. It must contain at "
                        "least 12 characters.");
}

static void test_common(void **state)
{
    (void)state;
    assert_true(acc_password_is_common(pool, "password"));
    assert_true(acc_password_is_common(pool, "PASSWORD "));
    assert_true(acc_password_is_common(pool, "\t Password\xe3\x80\x80"));
    assert_true(acc_password_is_common(pool, "12345678"));
    assert_true(acc_password_is_common(pool, "qwertyuiop"));
    /* Kelvin sign lower-cases to 'k', as in Python */
    assert_true(acc_password_is_common(pool, "mon\xe2\x84\xaa"
                                             "ey"));
    assert_false(acc_password_is_common(pool, "xK9#mQ2$vL7!pR4@"));
    assert_false(acc_password_is_common(pool, "pass word"));
    assert_false(acc_password_is_common(pool, ""));
    assert_string_equal(pwcheck(&all, "PASSWORD ", NULL, NULL, NULL, NULL),
                        COMMON);
    assert_string_equal(
        pwcheck(&all, "xK9#mQ2$vL7!pR4@", "alice", NULL, NULL, NULL), "");
}

static void test_common_list(void **state)
{
    apr_size_t i;

    (void)state;
    assert_true(acc_common_passwords_count > 19000);
    for (i = 1; i < acc_common_passwords_count; i++) {
        assert_true(
            strcmp(acc_common_passwords[i - 1], acc_common_passwords[i]) < 0);
    }
}

static void test_numeric(void **state)
{
    acc_pwpolicy_t num = {ACC_PWV_NUMERIC, 8, 0.7};

    (void)state;
    assert_string_equal(pwcheck(&all, "12345678", NULL, NULL, NULL, NULL),
                        COMMON "|" NUMERIC);
    assert_string_equal(pwcheck(&all, "90817263", NULL, NULL, NULL, NULL),
                        NUMERIC);
    /* Arabic-Indic digits (Nd) */
    assert_string_equal(pwcheck(&all,
                                "\xd9\xa1\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9"
                                "\xa6\xd9\xa7\xd9\xa8",
                                NULL, NULL, NULL, NULL),
                        NUMERIC);
    /* str.isdigit() also takes superscript digits (No, Numeric_Type=Digit) */
    assert_string_equal(
        pwcheck(&all, rep("\xc2\xb2", 8), NULL, NULL, NULL, NULL), NUMERIC);
    /* but not vulgar fractions */
    assert_string_equal(
        pwcheck(&all, rep("\xc2\xbd", 8), NULL, NULL, NULL, NULL), "");
    /* the empty password is not numeric (str.isdigit() is false) */
    assert_string_equal(pwcheck(&num, "", NULL, NULL, NULL, NULL), "");
    /* a letter makes it not numeric (though this one is common) */
    assert_string_equal(pwcheck(&num, "1234567a", NULL, NULL, NULL, NULL), "");
    assert_string_equal(pwcheck(&all, "1234567a", NULL, NULL, NULL, NULL),
                        COMMON);
    assert_string_equal(pwcheck(&all, "7394051q", NULL, NULL, NULL, NULL), "");
    assert_string_equal(pwcheck(&all, "12345678 ", NULL, NULL, NULL, NULL),
                        COMMON);
}

static void test_all_failures_in_order(void **state)
{
    (void)state;
    assert_string_equal(pwcheck(&all, "123", "123", NULL, NULL, NULL),
                        SIM_USERNAME "|" SHORT8 "|" COMMON "|" NUMERIC);
}

static void test_validators_bits(void **state)
{
    acc_pwpolicy_t none = {0, 8, 0.7};
    acc_pwpolicy_t num = {ACC_PWV_NUMERIC, 8, 0.7};

    (void)state;
    assert_string_equal(pwcheck(&none, "123", "123", NULL, NULL, NULL), "");
    assert_string_equal(pwcheck(&num, "123", "123", NULL, NULL, NULL), NUMERIC);
    /* bad UTF-8 is counted, not crashed on */
    assert_string_equal(pwcheck(&all, "\xff\xfe", NULL, NULL, NULL, NULL),
                        SHORT8);
}

static void test_help(void **state)
{
    acc_pwpolicy_t one = {ACC_PWV_MINLENGTH | ACC_PWV_NUMERIC, 1, 0.7};
    apr_array_header_t *h = acc_password_help(pool, &all);

    (void)state;
    assert_int_equal(h->nelts, 4);
    assert_string_equal(APR_ARRAY_IDX(h, 0, const char *),
                        "Your password can\xe2\x80\x99t be too similar to "
                        "your other personal information.");
    assert_string_equal(APR_ARRAY_IDX(h, 1, const char *),
                        "Your password must contain at least 8 characters.");
    assert_string_equal(APR_ARRAY_IDX(h, 2, const char *),
                        "Your password can\xe2\x80\x99t be a commonly used "
                        "password.");
    assert_string_equal(APR_ARRAY_IDX(h, 3, const char *),
                        "Your password can\xe2\x80\x99t be entirely numeric.");
    h = acc_password_help(pool, &one);
    assert_int_equal(h->nelts, 2);
    assert_string_equal(APR_ARRAY_IDX(h, 0, const char *),
                        "Your password must contain at least 1 character.");
    assert_string_equal(APR_ARRAY_IDX(h, 1, const char *),
                        "Your password can\xe2\x80\x99t be entirely numeric.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_utf8_invalid),
        cmocka_unit_test(test_utf8_length),
        cmocka_unit_test(test_strip),
        cmocka_unit_test(test_username_clean),
        cmocka_unit_test(test_username_clean_long),
        cmocka_unit_test(test_username_required),
        cmocka_unit_test(test_username_valid),
        cmocka_unit_test(test_username_invalid),
        cmocka_unit_test(test_username_length),
        cmocka_unit_test(test_username_nfkc_twins),
        cmocka_unit_test(test_username_key),
        cmocka_unit_test(test_email_valid),
        cmocka_unit_test(test_email_invalid),
        cmocka_unit_test(test_email_length),
        cmocka_unit_test(test_similarity),
        cmocka_unit_test(test_similarity_threshold),
        cmocka_unit_test(test_min_length),
        cmocka_unit_test(test_common),
        cmocka_unit_test(test_common_list),
        cmocka_unit_test(test_numeric),
        cmocka_unit_test(test_all_failures_in_order),
        cmocka_unit_test(test_validators_bits),
        cmocka_unit_test(test_help),
    };

    apr_initialize();
    atexit(apr_terminate);
    return cmocka_run_group_tests_name("validate", tests, setup, teardown);
}
