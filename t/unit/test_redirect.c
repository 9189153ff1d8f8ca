/*
 * t/unit/test_redirect.c -- the `next` check and the two URL encoders.
 *
 * Each row of a table is its own cmocka test, named after the row, so a
 * failure says which value was misjudged.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/redirect.h"

static apr_pool_t *pool;

typedef struct {
    const char *name;
    const char *url;
    int safe;
} next_case_t;

/* Careful with "\x..": a hex escape eats every hex digit after it, so
 * bytes followed by a letter from a to f are written in octal. */
static const next_case_t next_cases[] = {
    /* Empty once stripped. */
    {"empty", "", 0},
    {"spaces_only", "   ", 0},
    {"nul_only", "\0//evil.com", 0},
    /* Absolute URLs, any case, even to this host. */
    {"http_abs", "http://evil.com", 0},
    {"https_abs", "https://evil.com/", 0},
    {"http_upper", "HTTP://evil.com", 0},
    {"https_mixed", "HtTpS://evil.com/x", 0},
    {"ftp_abs", "ftp://evil.com/", 0},
    {"same_host_abs", "http://localhost/accounts/profile/", 0},
    {"http_ipv6", "http://[::1]", 0},
    {"http_ipv6_mapped", "http://[::ffff:127.0.0.1]/", 0},
    {"http_userinfo", "http://mysite@evil.com/", 0},
    /* Scheme without authority: browsers still leave the site. */
    {"http_no_slash", "http:evil.com", 0},
    {"https_one_slash", "https:/evil.com", 0},
    {"http_three_slashes", "http:///evil.com", 0},
    {"http_backslash", "http:\\\\evil.com", 0},
    {"http_slash_backslash", "http:/\\evil.com", 0},
    /* Scripting and data schemes. */
    {"javascript", "javascript:alert(1)", 0},
    {"javascript_mixed", "JaVaScRiPt:alert(1)", 0},
    {"javascript_nl", "java\nscript:alert(1)", 0},
    {"javascript_tab", "java\tscript:alert(1)", 0},
    {"javascript_cr", "java\rscript:alert(1)", 0},
    {"javascript_lead_space", "  javascript:alert(1)", 0},
    {"javascript_lead_esc", "\x1bjavascript:alert(1)", 0},
    {"data_html", "data:text/html,<script>alert(1)</script>", 0},
    {"data_b64", "data:text/html;base64,PHNjcmlwdD4=", 0},
    {"vbscript", "vbscript:msgbox(1)", 0},
    {"mailto", "mailto:a@evil.com", 0},
    {"scheme_plus_dot", "a+b.c-d:x", 0},
    {"host_port_like", "evil.com:443/x", 0},
    {"ipv6_bare", "[::1]/x", 0},
    {"digit_colon", "1:x", 0},
    {"backslash_before_colon", "a\\b:c", 0},
    /* Network-path references, with every slash mix. */
    {"two_slashes", "//evil.com", 0},
    {"three_slashes", "///evil.com", 0},
    {"four_slashes", "////evil.com", 0},
    {"slash_backslash", "/\\evil.com", 0},
    {"backslash_slash", "\\/evil.com", 0},
    {"two_backslashes", "\\\\evil.com", 0},
    {"three_backslashes", "\\\\\\evil.com", 0},
    {"slash_two_backslashes", "/\\\\evil.com", 0},
    {"slash_backslash_slash", "/\\/evil.com", 0},
    {"backslash_slash_backslash", "\\/\\evil.com", 0},
    {"two_slashes_port", "//evil.com:80/", 0},
    {"two_slashes_ipv6", "//[::1]/", 0},
    {"two_slashes_at", "//mysite@evil.com", 0},
    {"lead_space_two_slashes", " //evil.com", 0},
    {"lead_spaces_backslashes", "   \\\\evil.com  ", 0},
    /* Controls anywhere: browsers drop tab/CR/LF and strip C0. */
    {"tab_inside_slashes", "/\t/evil.com", 0},
    {"lf_inside_slashes", "/\n/evil.com", 0},
    {"crlf_inside_slashes", "/\r\n/evil.com", 0},
    {"tab_after_backslash", "\\\t\\evil.com", 0},
    {"lead_tab", "\t//evil.com", 0},
    {"lead_lf", "\n//evil.com", 0},
    {"lead_soh", "\x01//evil.com", 0},
    {"lead_us", "\x1f//evil.com", 0},
    {"trail_soh", "/home/\x01", 0},
    {"vt_inside", "/\x0b/evil.com", 0},
    {"ff_inside", "/\x0c/evil.com", 0},
    {"del_inside", "/\x7f/evil.com", 0},
    {"tab_in_path", "/home/\t", 0},
    {"header_split", "/x\r\nSet-Cookie: a=b", 0},
    {"c1_nel", "/\xc2\x85/evil.com", 0},
    {"c1_csi", "/\xc2\x9b", 0},
    /* Unicode that hides, reorders or breaks text. */
    {"rlo_u202e", "/\342\200\256moc.live", 0},
    {"lead_rlo_u202e", "\xe2\x80\xae//evil.com", 0},
    {"line_sep_u2028", "/a\xe2\x80\xa8//evil.com", 0},
    {"para_sep_u2029", "/a\342\200\251b", 0},
    {"nbsp_lead", "\xc2\xa0//evil.com", 0},
    {"nbsp_inside", "/a\302\240b", 0},
    {"ideographic_space", "/a\343\200\200b", 0},
    {"en_quad_u2000", "/a\342\200\200b", 0},
    {"bom_ufeff", "\xef\xbb\xbf/home/", 0},
    {"zwsp_u200b", "/a\342\200\213b", 0},
    {"soft_hyphen", "/a\302\255b", 0},
    {"tag_ue0001", "/\xf3\xa0\x80\x81", 0},
    {"private_ue000", "/\xee\x80\x80", 0},
    {"unassigned_u0378", "/\xcd\xb8", 0},
    {"nonchar_uffff", "/\xef\xbf\xbf", 0},
    /* Not UTF-8. */
    {"byte_ff", "/\xff", 0},
    {"latin1", "/caf\xe9/", 0},
    {"overlong_slash", "/\xc0\xaf", 0},
    {"overlong_two_slashes", "\300\257\300\257evil.com", 0},
    {"overlong_3byte", "/\xe0\x80\xaf", 0},
    {"surrogate", "/\xed\xa0\x80", 0},
    {"above_10ffff", "/\xf4\x90\x80\x80", 0},
    {"truncated_2", "/\xc3", 0},
    {"truncated_3", "/\xe2\x82", 0},
    {"lone_continuation", "/\x80", 0},

    /* Safe: paths on this site. */
    {"root", "/", 1},
    {"home", "/home/", 1},
    {"home_query", "/home/?a=1&b=2", 1},
    {"fragment", "/a/b#frag", 1},
    {"relative", "home/", 1},
    {"query_only", "?next=/x", 1},
    {"fragment_only", "#top", 1},
    {"dot_relative", "./x", 1},
    {"encoded_spaces", "/url%20with%20spaces/", 1},
    {"raw_inner_spaces", "/url with spaces/", 1},
    {"surrounding_spaces", "  /home/  ", 1},
    {"param_abs_url", "/view/?param=http://example.com", 1},
    {"param_net_path", "/view/?param=//example.com", 1},
    {"query_javascript", "?a=javascript:alert(1)", 1},
    {"colon_after_slash", "/a:b", 1},
    {"colon_in_fragment", "/home/#a:b", 1},
    {"utf8_path", "/caf\xc3\xa9/", 1},
    {"cjk_path", "/\xe6\x97\xa5\xe6\x9c\xac/", 1},
    {"emoji_path", "/\xf0\x9f\x98\x80/", 1},
    /* %XX stays encoded in a path; no browser decodes it there. */
    {"encoded_tab", "/%09/evil.com", 1},
    {"encoded_two_slashes", "%2F%2Fevil.com", 1},
    {"encoded_slash_path", "/%2F/evil.com", 1},
    {"encoded_backslash", "/%5Cevil.com", 1},
    {"encoded_colon", "javascript%3Aalert(1)", 1},
    /* One backslash is one slash: a path on this site. */
    {"one_backslash", "\\evil.com", 1},
    {"slash_evil_path", "/evil.com", 1},
    {"bare_host_is_relative", "evil.com", 1},
    /* Dot segments are resolved inside the path of this site. */
    {"dotdot_two_slashes", "/../..//evil.com", 1},
    {"rel_dotdot_two_slashes", "..//evil.com", 1},
    {"dot_segments", "/a/./b/../c", 1},
    /* Look-alike slashes are not slashes to a URL parser. */
    {"fullwidth_solidus", "\357\274\217\357\274\217evil.com", 1},
    {"division_slash_u2215", "\342\210\225\342\210\225evil.com", 1},
    {"slash_then_fullwidth", "/\357\274\217evil.com", 1},
};

#define N_NEXT (sizeof(next_cases) / sizeof(next_cases[0]))

/* The invariant the fuzzer checks too: the Location for a safe value is
 * printable ASCII, does not start with "//" and has no ":" before the
 * first "/", "?" or "#". */
static void check_location(const char *url)
{
    const char *loc = acc_location_escape(pool, url);
    const char *c;

    assert_non_null(loc);
    assert_false(loc[0] == '/' && loc[1] == '/');
    for (c = loc; *c; c++) {
        assert_true(*c > 0x20 && *c < 0x7f);
    }
    for (c = loc; *c && !strchr("/?#", *c); c++) {
        assert_int_not_equal(*c, ':');
    }
}

static void test_next_case(void **state)
{
    const next_case_t *c = *state;
    int got = acc_next_is_safe(c->url);

    if (got != c->safe) {
        fail_msg("%s: judged %s, expected %s", c->name, got ? "safe" : "unsafe",
                 c->safe ? "safe" : "unsafe");
    }
    if (got) {
        check_location(c->url);
    }
}

static void test_next_null(void **state)
{
    ACC_UNUSED(state);
    assert_int_equal(acc_next_is_safe(NULL), 0);
}

static void test_next_length(void **state)
{
    char *s = malloc(ACC_NEXT_MAX + 2);

    ACC_UNUSED(state);
    assert_non_null(s);
    s[0] = '/';
    memset(s + 1, 'a', ACC_NEXT_MAX);
    s[ACC_NEXT_MAX] = '\0'; /* 2048 bytes */
    assert_int_equal(acc_next_is_safe(s), 1);
    s[ACC_NEXT_MAX] = 'a';
    s[ACC_NEXT_MAX + 1] = '\0'; /* 2049 bytes */
    assert_int_equal(acc_next_is_safe(s), 0);
    /* 2049 bytes that strip to one slash: still too long. */
    memset(s, ' ', ACC_NEXT_MAX + 1);
    s[5] = '/';
    assert_int_equal(acc_next_is_safe(s), 0);
    free(s);
}

static void test_next_huge(void **state)
{
    apr_size_t n = 1 << 20;
    char *s = malloc(n + 1);

    ACC_UNUSED(state);
    assert_non_null(s);
    memset(s, 'a', n);
    s[0] = '/';
    s[n] = '\0';
    assert_int_equal(acc_next_is_safe(s), 0);
    free(s);
}

typedef struct {
    const char *name;
    const char *in;
    const char *out;
} enc_case_t;

/* Python: urllib.parse.quote(s, safe="/"). */
static const enc_case_t quote_cases[] = {
    {"quote_empty", "", ""},
    {"quote_path", "/accounts/profile/", "/accounts/profile/"},
    {"quote_unreserved", "AZaz09_.-~", "AZaz09_.-~"},
    {"quote_space", "/a b", "/a%20b"},
    {"quote_query", "/p/?a=1&b=2", "/p/%3Fa%3D1%26b%3D2"},
    {"quote_fragment", "/p#f", "/p%23f"},
    {"quote_percent", "/100%", "/100%25"},
    {"quote_plus_colon", "+:@", "%2B%3A%40"},
    {"quote_backslash", "\\x", "%5Cx"},
    {"quote_utf8", "/caf\xc3\xa9/", "/caf%C3%A9/"},
    {"quote_controls", "\x01\x7f\xff", "%01%7F%FF"},
    {"quote_specials", "!*'();$,[]", "%21%2A%27%28%29%3B%24%2C%5B%5D"},
};

/* Header- and URL-unsafe bytes only. */
static const enc_case_t escape_cases[] = {
    {"esc_empty", "", ""},
    {"esc_plain", "/home/?a=1&b=2#f", "/home/?a=1&b=2#f"},
    {"esc_spaces", "/url with spaces/", "/url%20with%20spaces/"},
    {"esc_surrounding", " /x ", "%20/x%20"},
    {"esc_utf8", "/caf\xc3\xa9/", "/caf%C3%A9/"},
    {"esc_listed", "/a\"<>\\^`{|}b", "/a%22%3C%3E%5C%5E%60%7B%7C%7Db"},
    {"esc_keeps_percent", "/%20/%zz", "/%20/%zz"},
    {"esc_keeps_subdelims", "/!$&'()*+,;=:@[]~-._", "/!$&'()*+,;=:@[]~-._"},
    {"esc_controls", "/\t\r\n\x7f", "/%09%0D%0A%7F"},
    {"esc_high", "\x80\xff", "%80%FF"},
};

#define N_QUOTE  (sizeof(quote_cases) / sizeof(quote_cases[0]))
#define N_ESCAPE (sizeof(escape_cases) / sizeof(escape_cases[0]))

static void test_quote_case(void **state)
{
    const enc_case_t *c = *state;

    assert_string_equal(acc_url_quote(pool, c->in), c->out);
}

static void test_escape_case(void **state)
{
    const enc_case_t *c = *state;

    assert_string_equal(acc_location_escape(pool, c->in), c->out);
}

static void test_encoders_null(void **state)
{
    ACC_UNUSED(state);
    assert_string_equal(acc_url_quote(pool, NULL), "");
    assert_string_equal(acc_location_escape(pool, NULL), "");
}

/* Every byte value through both encoders: the output is printable ASCII,
 * and url_quote's decodes back to the input. */
static void test_encoders_all_bytes(void **state)
{
    char in[256], back[256];
    const char *q, *loc, *o;
    unsigned int v;
    int i, n = 0;

    ACC_UNUSED(state);
    for (i = 1; i < 256; i++) {
        in[i - 1] = (char)i;
    }
    in[255] = '\0';
    q = acc_url_quote(pool, in);
    loc = acc_location_escape(pool, in);
    for (o = loc; *o; o++) {
        assert_true(*o > 0x20 && *o < 0x7f);
    }
    for (o = q; *o;) {
        assert_true(*o > 0x20 && *o < 0x7f);
        assert_true(n < 255);
        if (*o == '%') {
            assert_int_equal(sscanf(o + 1, "%2X", &v), 1);
            back[n++] = (char)v;
            o += 3;
        }
        else {
            back[n++] = *o++;
        }
    }
    back[n] = '\0';
    assert_string_equal(back, in);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_next_null),
        cmocka_unit_test(test_next_length),
        cmocka_unit_test(test_next_huge),
        cmocka_unit_test(test_encoders_null),
        cmocka_unit_test(test_encoders_all_bytes),
    };
    size_t nfixed = sizeof(fixed) / sizeof(fixed[0]);
    size_t total = N_NEXT + N_QUOTE + N_ESCAPE + nfixed, i, n = 0;
    struct CMUnitTest *tests = calloc(total, sizeof(*tests));
    int rc;

    if (tests == NULL || apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    for (i = 0; i < N_NEXT; i++, n++) {
        tests[n].name = next_cases[i].name;
        tests[n].test_func = test_next_case;
        tests[n].initial_state = (void *)&next_cases[i];
    }
    for (i = 0; i < N_QUOTE; i++, n++) {
        tests[n].name = quote_cases[i].name;
        tests[n].test_func = test_quote_case;
        tests[n].initial_state = (void *)&quote_cases[i];
    }
    for (i = 0; i < N_ESCAPE; i++, n++) {
        tests[n].name = escape_cases[i].name;
        tests[n].test_func = test_escape_case;
        tests[n].initial_state = (void *)&escape_cases[i];
    }
    for (i = 0; i < nfixed; i++, n++) {
        tests[n] = fixed[i];
    }
    rc = _cmocka_run_group_tests("redirect", tests, total, NULL, NULL);
    free(tests);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
