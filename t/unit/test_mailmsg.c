/*
 * t/unit/test_mailmsg.c -- the queued mail message: exact headers, no
 * header injection through any input, RFC 2047 words that decode back,
 * a quoted-printable body that decodes back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_base64.h>

#include <string.h>
#include <strings.h>

#include "core/mailmsg.h"
#include "core/utf8.h"

static apr_pool_t *pool;

#define DATE ((apr_time_t)1796157000 * APR_USEC_PER_SEC) /* 2026-12-01 */
#define LABEL63                                                                \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ZOE                                                                    \
    "Zo\xc3\xab \xc3\x9cn\xc3\xaf"                                             \
    "code" /* Zoë Ünïcode */

/* ---- Reading a message back ------------------------------------------- */

/* The message's header block (up to the empty line, "\n" ending each
 * line), checked on the way: every line at most 998 characters, no CR,
 * no control but "\n", and each line a "Name: " or a continuation. */
static const char *head_of(const char *msg)
{
    const char *end = strstr(msg, "\n\n"), *s, *nl;

    assert_non_null(end);
    for (s = msg; s <= end; s = nl + 1) {
        nl = strchr(s, '\n');
        assert_true(nl - s <= 998);
        assert_true(s[0] == ' ' || strcspn(s, ":\n") < (size_t)(nl - s));
        for (; s < nl; s++) {
            assert_true(*s >= 0x20 && *s < 0x7f);
        }
    }
    return apr_pstrmemdup(pool, msg, (apr_size_t)(end - msg) + 1);
}

/* The header lines' names, in order, one a line: "Date\nFrom\n...". */
static const char *names_of(const char *head)
{
    const char *s, *out = "";

    for (s = head; *s; s = strchr(s, '\n') + 1) {
        if (*s != ' ') {
            out =
                apr_pstrcat(pool, out, apr_pstrmemdup(pool, s, strcspn(s, ":")),
                            "\n", NULL);
        }
    }
    return out;
}

/* The raw value of header name, unfolded (each "\n" dropped), or NULL. */
static const char *field(const char *head, const char *name)
{
    apr_size_t n = strlen(name);
    const char *s, *e;
    char *out, *o;

    for (s = head; *s; s = strchr(s, '\n') + 1) {
        if (strncmp(s, name, n) == 0 && s[n] == ':') {
            break;
        }
    }
    if (*s == '\0') {
        return NULL;
    }
    s += n + 1;
    for (e = s; *e && !(e[0] == '\n' && e[1] != ' '); e++) {
    }
    out = o = apr_palloc(pool, (apr_size_t)(e - s) + 1);
    for (; s < e; s++) {
        if (*s != '\n') {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out[0] == ' ' ? out + 1 : out;
}

/* A header line's encoded-words checked (each at most 75 characters and
 * its text valid UTF-8 on its own, lines holding one at most 76) and
 * decoded as a mail reader does: whitespace between two words goes. */
static const char *decode_2047(const char *value)
{
    const char *s = value, *end, *out = "", *gap = "";
    int last_word = 0;
    apr_size_t n;

    while (*s) {
        if (strncmp(s, "=?utf-8?b?", 10) == 0 &&
            (end = strstr(s + 10, "?=")) != NULL) {
            const char *b64 =
                apr_pstrmemdup(pool, s + 10, (apr_size_t)(end - s - 10));
            char *text = apr_palloc(pool, apr_base64_decode_len(b64) + 1);
            int len = apr_base64_decode(text, b64);

            assert_true(end + 2 - s <= 75);
            assert_true(strspn(b64,
                               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklm"
                               "nopqrstuvwxyz0123456789+/=") == strlen(b64));
            assert_true(len > 0);
            assert_true(acc_utf8_valid(text, (apr_size_t)len));
            out =
                apr_pstrcat(pool, out, last_word ? "" : gap,
                            apr_pstrmemdup(pool, text, (apr_size_t)len), NULL);
            gap = "";
            last_word = 1;
            s = end + 2;
            continue;
        }
        n = strspn(s, " ");
        if (n > 0) {
            gap = apr_pstrmemdup(pool, s, n);
            s += n;
            continue;
        }
        n = strcspn(s, " ");
        out = apr_pstrcat(pool, out, gap, apr_pstrmemdup(pool, s, n), NULL);
        gap = "";
        last_word = 0;
        s += n;
    }
    return out;
}

/* Every line of text that holds an encoded-word is at most 76 long. */
static void assert_2047_lines(const char *text)
{
    const char *s, *nl;

    for (s = text; *s; s = nl + 1) {
        nl = s + strcspn(s, "\n");
        if (strstr(apr_pstrmemdup(pool, s, (apr_size_t)(nl - s)), "=?")) {
            assert_true(nl - s <= 76);
        }
        if (*nl == '\0') {
            break;
        }
    }
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    fail_msg("bad hex digit '%c'", c);
    return 0;
}

/* A quoted-printable body checked (lines at most 76 characters, ending in
 * "\n", printable ASCII only, no trailing whitespace, none starting with
 * "." or "From ") and decoded. */
static const char *decode_qp(const char *qp)
{
    char *out = apr_palloc(pool, strlen(qp) + 1), *o = out;
    const char *s = qp, *nl;

    assert_true(*qp != '\0' && qp[strlen(qp) - 1] == '\n');
    for (; *s; s = nl + 1) {
        nl = strchr(s, '\n');
        assert_true(nl - s <= 76);
        assert_true(nl == s || (nl[-1] != ' ' && nl[-1] != '\t'));
        assert_true(s[0] != '.' && strncmp(s, "From ", 5) != 0);
        for (; s < nl; s++) {
            assert_true((*s >= 0x20 && *s < 0x7f) || *s == '\t');
            if (*s != '=') {
                *o++ = *s;
            }
            else if (s + 1 == nl) {
                break; /* a soft line break */
            }
            else {
                assert_true(nl - s >= 3);
                *o++ = (char)(hexval(s[1]) << 4 | hexval(s[2]));
                s += 2;
            }
        }
        if (s == nl) {
            *o++ = '\n';
        }
    }
    *o = '\0';
    return out;
}

static const char *build(const char *to, const char *to_name,
                         const char *subject, const char *body)
{
    const char *err = "unset";
    const char *m = acc_mail_build(pool, "Example <noreply@example.com>", to,
                                   to_name, subject, body, DATE, NULL, &err);

    assert_non_null(m);
    assert_null(err);
    return m;
}

static void assert_refused(const char *from, const char *to,
                           const char *to_name, const char *subject,
                           const char *body, const char *why)
{
    const char *err = NULL;

    assert_null(acc_mail_build(pool, from, to, to_name, subject, body, DATE,
                               NULL, &err));
    assert_non_null(err);
    assert_non_null(strstr(err, why));
}

/* No header line from any input starts with Bcc (or Cc). */
static void assert_no_bcc(const char *head)
{
    const char *s;

    for (s = head; *s; s = strchr(s, '\n') + 1) {
        assert_true(strncasecmp(s, "Bcc:", 4) != 0);
        assert_true(strncasecmp(s, "Cc:", 3) != 0);
    }
    assert_string_equal(names_of(head), "Date\nFrom\nTo\nSubject\nMessage-ID\n"
                                        "MIME-Version\nContent-Type\n"
                                        "Content-Transfer-Encoding\n"
                                        "Auto-Submitted\n");
}

/* One "@", one "<" and one ">" at most, whatever the name. */
static void assert_one_mailbox(const char *value)
{
    assert_ptr_equal(strchr(value, '@'), strrchr(value, '@'));
    assert_ptr_equal(strchr(value, '<'), strrchr(value, '<'));
    assert_ptr_equal(strchr(value, '>'), strrchr(value, '>'));
    assert_null(strpbrk(value, ",;()\\"));
}

/* ---- Tests ---------------------------------------------------------- */

static void test_plain_message(void **state)
{
    const char *m, *head, *id;
    apr_size_t n;

    ACC_UNUSED(state);
    m = build("alice@example.com", "Alice Smith", "Reset your password",
              "Hello Alice,\n\nhttps://example.com/reset/?t=abc\n");
    head = head_of(m);
    id = field(head, "Message-ID");
    assert_int_equal(strlen(id), 1 + 24 + 1 + 11 + 1);
    assert_true(id[0] == '<');
    n = strspn(id + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                       "0123456789-_");
    assert_int_equal(n, 24);
    assert_string_equal(id + 25, "@example.com>");
    assert_string_equal(
        m, apr_pstrcat(pool,
                       "Date: Tue, 01 Dec 2026 20:30:00 +0000\n"
                       "From: Example <noreply@example.com>\n"
                       "To: Alice Smith <alice@example.com>\n"
                       "Subject: Reset your password\n"
                       "Message-ID: ",
                       id,
                       "\n"
                       "MIME-Version: 1.0\n"
                       "Content-Type: text/plain; charset=utf-8\n"
                       "Content-Transfer-Encoding: quoted-printable\n"
                       "Auto-Submitted: auto-generated\n"
                       "\n"
                       "Hello Alice,\n"
                       "\n"
                       "https://example.com/reset/?t=3Dabc\n",
                       NULL));
    assert_no_bcc(head);

    /* A new Message-ID each time. */
    assert_string_not_equal(
        id, field(head_of(build("alice@example.com", NULL, "x", "y")),
                  "Message-ID"));
}

static void test_other_headers(void **state)
{
    const char *err = NULL, *m;

    ACC_UNUSED(state);
    m = acc_mail_build(pool, "noreply@example.com", "a@b.example", "", NULL,
                       NULL, 0, "mail.example.net", &err);
    assert_non_null(m);
    assert_string_equal(field(head_of(m), "Date"),
                        "Thu, 01 Jan 1970 00:00:00 +0000");
    assert_string_equal(field(head_of(m), "From"), "noreply@example.com");
    assert_string_equal(field(head_of(m), "To"), "a@b.example");
    assert_non_null(strstr(m, "\nSubject:\n"));
    assert_non_null(
        strstr(field(head_of(m), "Message-ID"), "@mail.example.net>"));
    assert_true(strlen(m) > 2 && strcmp(m + strlen(m) - 2, "\n\n") == 0);

    m = acc_mail_build(pool, "<noreply@example.com>", "a@b.example", NULL, "s",
                       "b", (apr_time_t)1709251199 * APR_USEC_PER_SEC, NULL,
                       &err);
    assert_string_equal(field(head_of(m), "Date"),
                        "Thu, 29 Feb 2024 23:59:59 +0000");
    assert_string_equal(field(head_of(m), "From"), "noreply@example.com");

    assert_refused(NULL, "d@e.f", NULL, NULL, NULL, "sender: '");
    assert_null(acc_mail_build(pool, "a@b.c", "d@e.f", NULL, NULL, NULL, 0,
                               "bad domain\nBcc: x@y.z", &err));
    assert_string_equal(err, "the Message-ID domain 'bad domain\\nBcc: x@y.z' "
                             "is not a domain");
    assert_null(acc_mail_build(pool, "a@b.c", "d@e.f", NULL, NULL, NULL, 0,
                               apr_pstrcat(pool, LABEL63, ".", LABEL63, ".",
                                           LABEL63, ".", LABEL63, NULL),
                               &err));
    assert_non_null(acc_mail_build(
        pool, "a@b.c", "d@e.f", NULL, NULL, NULL, 0,
        apr_pstrcat(
            pool, LABEL63, ".", LABEL63, ".", LABEL63, ".",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            NULL),
        &err));
}

static void test_addresses(void **state)
{
    static const char *const good[] = {
        "a@b.c",
        "first.last+tag@sub.example.co.uk",
        "o'brien@example.com",
        "user@localhost",
        "a@[192.0.2.1]",
        "a@[IPv6:2001:db8::1]",
        "x!#$%&'*+-/=?^_`{|}~@example.com",
        "a@xn--bcher-kva.example",
    };
    static const char *const bad[] = {
        "a@b.c\nBcc: x@y.z",
        "a@b.c\r\nBcc: x@y.z",
        "a@b.c, x@y.z",
        "a@b.c,x@y.z",
        "<a@b.c>",
        "a@b.c>",
        "Eve <a@b.c>",
        "\"a b\"@c.d",
        "\"a\"@c.d",
        "a b@c.d",
        " a@b.c",
        "a@b.c ",
        "a@b.c\t",
        "a@b@c.d",
        "a(comment)@b.c",
        "a@b.c;x@y.z",
        "a\\@b.c",
        "",
        "a",
        "a@",
        "@b.c",
        ".a@b.c",
        "a.@b.c",
        "a..b@c.d",
        "a@.b.c",
        "a@b..c",
        "a@b.c.",
        "a@-b.c",
        "a@b-.c",
        "a@b_c.d",
        "a@[1.2.3.4",
        "a@[]",
        "a@[1.2 3.4]",
        "|/bin/sh@b.c",
        "/tmp/x@b.c",
        "zo\xc3\xab@b.c",
        "a@b\xc3\xab.c",
        "\xe2\x84\xaa@b.c", /* the Kelvin sign Django folds to k */
        "a@b.c\x7f",
    };
    apr_size_t i;
    char lng[300];

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_true(acc_mail_addr_ok(good[i]));
        assert_string_equal(
            field(head_of(build(good[i], NULL, "s", "b")), "To"), good[i]);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(acc_mail_addr_ok(bad[i]));
        assert_refused("a@b.c", bad[i], NULL, "s", "b", "recipient");
    }
    assert_false(acc_mail_addr_ok(NULL));
    assert_refused("a@b.c", NULL, NULL, "s", "b", "recipient");

    memset(lng, 'a', sizeof(lng));
    memcpy(lng + 242, "@example.com", 13); /* 254 bytes */
    assert_true(acc_mail_addr_ok(lng));
    memset(lng, 'a', sizeof(lng));
    memcpy(lng + 243, "@example.com", 13);
    assert_false(acc_mail_addr_ok(lng));
    memset(lng, 'a', sizeof(lng));
    lng[0] = 'x';
    lng[1] = '@';
    lng[2 + 63] = '\0';
    assert_true(acc_mail_addr_ok(lng));
    lng[2 + 63] = 'a';
    lng[2 + 64] = '\0';
    assert_false(acc_mail_addr_ok(lng)); /* a label of 64 */
}

/* The To header of a message to name, checked: one mailbox, and the
 * name decoding to want. */
static void check_to(const char *name, const char *want)
{
    const char *m = build("alice@example.com", name, "s", "b");
    const char *head = head_of(m), *to = field(head, "To");
    apr_size_t n = strlen(to);

    assert_no_bcc(head);
    assert_one_mailbox(to);
    assert_2047_lines(head);
    if (*want == '\0') {
        assert_string_equal(to, "alice@example.com");
        return;
    }
    assert_true(n > 20 && strcmp(to + n - 20, " <alice@example.com>") == 0);
    to = apr_pstrmemdup(pool, to, n - 20);
    if (to[0] == '"') {
        to = apr_pstrmemdup(pool, to + 1, strlen(to) - 2);
    }
    assert_string_equal(decode_2047(to), want);
}

static void test_to_name(void **state)
{
    char lng[700];
    apr_size_t i;

    ACC_UNUSED(state);
    check_to("Alice Smith", "Alice Smith");
    check_to("Eve\r\nBcc: x@y.z", "Eve Bcc: x@y.z");
    check_to("Eve\nBcc: x@y.z\n", "Eve Bcc: x@y.z");
    check_to("\"quoted\" <x@y>", "\"quoted\" <x@y>");
    check_to("x@evil.example, y@evil.example", "x@evil.example, y@evil."
                                               "example");
    check_to("Smith, John", "Smith, John");
    check_to("back\\slash", "back\\slash");
    check_to(ZOE, ZOE);
    check_to("=?utf-8?b?eEBldmls?=", "=?utf-8?b?eEBldmls?=");
    check_to("J. R. R. Tolkien", "J. R. R. Tolkien");
    check_to("  Anne \t\x01 Marie  ", "Anne Marie");
    check_to("a\xc2\x85"
             "b\xe2\x80\xa8"
             "c",
             "a b c"); /* U+0085, U+2028 */
    check_to("\r\n\t", "");
    check_to("", "");
    check_to(NULL, "");

    /* The bare and quoted forms, exactly. */
    assert_string_equal(
        field(head_of(build("a@b.c", "O'Brien-Smith", "s", "b")), "To"),
        "O'Brien-Smith <a@b.c>");
    assert_string_equal(
        field(head_of(build("a@b.c", "J. Smith", "s", "b")), "To"),
        "\"J. Smith\" <a@b.c>");
    assert_non_null(strstr(build("a@b.c", ZOE, "s", "b"),
                           "\nTo: =?utf-8?b?Wm/DqyDDnG7Dr2NvZGU=?= <a@b.c>\n"));

    /* Long names, in each UTF-8 length: folded words, whole sequences. */
    for (i = 0; i + 1 < sizeof(lng); i++) {
        lng[i] = 'a';
    }
    lng[i] = '\0';
    check_to(lng, lng);
    strcpy(lng, "");
    for (i = 0; i < 60; i++) {
        strcat(lng, "\xc3\xab\xe6\x97\xa5 \xf0\x9f\x94\x91x");
    }
    check_to(lng, lng);
}

static void test_subject(void **state)
{
    const char *m, *head, *s;
    char lng[1200];
    apr_size_t i;

    ACC_UNUSED(state);
    m = build("a@b.c", NULL, "Reset\r\nBcc: x@y.z", "b");
    head = head_of(m);
    assert_no_bcc(head);
    assert_non_null(strstr(head, "\nSubject: ResetBcc: x@y.z\n"));

    head = head_of(build("a@b.c", NULL,
                         "a\rb\nc\vd\fe\x1c"
                         "f\xc2\x85g"
                         "\xe2\x80\xa8h\xe2\x80\xa9i\x01j\x7f",
                         "b"));
    assert_string_equal(field(head, "Subject"), "abcdefghij");
    assert_no_bcc(head);

    head = head_of(
        build("a@b.c", NULL, "  \t Your\taccount  at  Example \n", "b"));
    assert_string_equal(field(head, "Subject"), "Your account  at  Example");

    /* Non-ASCII and "=?" go encoded. */
    head = head_of(build("a@b.c", NULL, "Bienvenue, " ZOE, "b"));
    assert_string_equal(decode_2047(field(head, "Subject")), "Bienvenue, " ZOE);
    head = head_of(build("a@b.c", NULL, "=?utf-8?b?QmNjOiB4QHkueg==?=", "b"));
    assert_string_equal(decode_2047(field(head, "Subject")),
                        "=?utf-8?b?QmNjOiB4QHkueg==?=");
    assert_null(strstr(head, "QmNjOiB4QHkueg==?=\n"));

    /* Long ASCII folds at spaces, and unfolds back. */
    strcpy(lng, "");
    for (i = 0; i < 40; i++) {
        strcat(lng, i % 3 ? "word " : "longer-word  ");
    }
    strcat(lng, "end");
    m = acc_mail_header_text(pool, "Subject", lng);
    assert_true(strchr(m, '\n') < m + strlen(m) - 1); /* folded */
    for (s = m; *s; s = strchr(s, '\n') + 1) {
        assert_true(strcspn(s, "\n") <= 76);
        assert_true(s == m || (s[0] == ' ' && s[1] != '\0' && s[1] != '\n'));
    }
    assert_string_equal(field(m, "Subject"), lng);
    assert_null(strstr(m, "=?"));

    /* A word too long for a line goes encoded. */
    memset(lng, 'x', 100);
    lng[100] = '\0';
    m = acc_mail_header_text(pool, "Subject", lng);
    assert_2047_lines(m);
    assert_string_equal(decode_2047(field(m, "Subject")), lng);

    assert_string_equal(acc_mail_header_text(pool, "Subject", NULL),
                        "Subject:\n");
    assert_string_equal(acc_mail_header_text(pool, "Subject", " \r\n"),
                        "Subject:\n");
}

/* Encoded-words: each at most 75, lines at most 76, no UTF-8 sequence
 * split, decoding back, for text of 1..4-byte characters at every
 * length up to 400 bytes. */
static void test_rfc2047(void **state)
{
    static const char *const ch[] = {"\xc3\xab", "\xe6\x97\xa5",
                                     "\xf0\x9f\x94\x91", "a", " "};
    char text[420];
    const char *h;
    apr_size_t i, k;

    ACC_UNUSED(state);
    for (k = 0; k < 5; k++) {
        strcpy(text, "\xc3\xa9");
        for (i = 0; strlen(text) < 400; i++) {
            strcat(text, ch[(i * (k + 2) + i / 3) % 5]);
            if (text[strlen(text) - 1] == ' ') {
                continue; /* text never ends in a space */
            }
            h = acc_mail_header_text(pool, "Subject", text);
            assert_2047_lines(h);
            assert_string_equal(decode_2047(field(h, "Subject")), text);
            assert_true(strncmp(h, "Subject: =?utf-8?b?", 19) == 0);
        }
    }
}

static void test_from(void **state)
{
    static const char *const bad[] = {
        "",
        "   ",
        "Example",
        "Example <>",
        "Example <noreply@example.com",
        "Example noreply@example.com>",
        "noreply@example.com\nBcc: x@y.z",
        "Example <noreply@example.com>\nBcc: x@y.z",
        "Ex\r\nBcc: x@y.z <noreply@example.com>",
        "A <a@example.com>, B <b@example.com>",
        "a@example.com, b@example.com",
        "\"Unterminated <a@example.com>",
        "\"Ends in backslash\\\" <a@example.com>",
        "Ex\"ample <a@example.com>",
        "\"Ex\"ample\" <a@example.com>",
        "Ex <am <a@example.com>",
        "Ex > <a@example.com>",
        "Example < noreply@example.com >",
        "Example <noreply@example.com> trailing",
        "Zo\xc3",
    };
    const char *err, *m;
    apr_size_t i;

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_non_null(acc_mail_from_check(pool, bad[i]));
        assert_refused(bad[i], "a@b.c", NULL, "s", "b", "sender: '");
    }
    assert_string_equal(acc_mail_from_check(pool, "Ex\r\nBcc: x@y.z"),
                        "'Ex\\r\\nBcc: x@y.z' is not an email address such "
                        "as noreply@example.org or Example "
                        "<noreply@example.org>");
    assert_non_null(acc_mail_from_check(pool, NULL));

#define FROM(in, want)                                                         \
    do {                                                                       \
        assert_null(acc_mail_from_check(pool, in));                            \
        m = acc_mail_build(pool, in, "a@b.c", NULL, "s", "b", DATE, NULL,      \
                           &err);                                              \
        assert_non_null(m);                                                    \
        assert_string_equal(decode_2047(field(head_of(m), "From")), want);     \
        assert_one_mailbox(field(head_of(m), "From"));                         \
    } while (0)

    FROM("noreply@example.com", "noreply@example.com");
    FROM("  noreply@example.com ", "noreply@example.com");
    FROM("<noreply@example.com>", "noreply@example.com");
    FROM("Example <noreply@example.com>", "Example <noreply@example.com>");
    FROM("Example<noreply@example.com>", "Example <noreply@example.com>");
    FROM("  My   Site  <noreply@example.com>", "My Site <noreply@example.com>");
    FROM("\"Example, Inc.\" <noreply@example.com>",
         "Example, Inc. <noreply@example.com>");
    FROM("\"Say \\\"hi\\\" \\\\o/\" <noreply@example.com>",
         "Say \"hi\" \\o/ <noreply@example.com>");
    FROM("\"<x@evil.example>\" <noreply@example.com>",
         "<x@evil.example> <noreply@example.com>");
    FROM("\"\" <noreply@example.com>", "noreply@example.com");
    FROM(ZOE " <noreply@example.com>", ZOE " <noreply@example.com>");
    FROM("Example Inc. <noreply@example.com>",
         "\"Example Inc.\" <noreply@example.com>");
#undef FROM
    m = acc_mail_build(pool, "Example Inc. <noreply@example.com>", "a@b.c",
                       NULL, "s", "b", DATE, NULL, &err);
    assert_string_equal(field(head_of(m), "From"),
                        "\"Example Inc.\" <noreply@example.com>");
}

/* A body through acc_mail_build and acc_mail_qp_encode decodes to want. */
static void check_body(const char *body, const char *want)
{
    const char *m = build("a@b.c", NULL, "s", body);
    const char *qp = acc_mail_qp_encode(pool, body);

    assert_non_null(qp);
    assert_string_equal(strstr(m, "\n\n") + 2, qp);
    assert_string_equal(decode_qp(qp), want);
}

static void test_qp(void **state)
{
    char lng[2100], want[2200];
    const char *qp;
    apr_size_t i;

    ACC_UNUSED(state);
    check_body("Hello\n", "Hello\n");
    check_body("Hello", "Hello\n");
    check_body("", "\n");
    check_body(NULL, "\n");
    check_body("a\r\nb\rc\n\rd\r\n", "a\nb\nc\n\nd\n");
    check_body("caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x94\x91\n",
               "caf\xc3\xa9 \xe6\x97\xa5\xf0\x9f\x94\x91\n");
    check_body("a=b == c=\n=\n", "a=b == c=\n=\n");
    check_body("trailing   \ntab\t\n \n\t\n", "trailing   \ntab\t\n \n\t\n");
    check_body("From here\nFrom\nFromage\n From \n.\n..\n.a\n",
               "From here\nFrom\nFromage\n From \n.\n..\n.a\n");
    check_body("bell\x07 esc\x1b[31m del\x7f\n",
               "bell\x07 esc\x1b[31m del\x7f\n");

    /* Exact encodings. */
    assert_string_equal(
        acc_mail_qp_encode(pool, "From me\n.\nx = 1 \n\xc3\xa9"),
        "=46rom me\n=2E\nx =3D 1=20\n=C3=A9\n");

    /* Long lines: >76, >998, of every kind of character, at every length
     * near a line's end. */
    for (i = 0; i < 2000; i++) {
        lng[i] = "ab =\t.F"[i % 7];
    }
    lng[2000] = '\0';
    for (i = 0; i <= 2000; i += i < 200 ? 1 : 97) {
        memcpy(want, lng, i);
        want[i] = '\n';
        want[i + 1] = '\0';
        check_body(apr_pstrmemdup(pool, lng, i), want);
    }
    strcpy(lng, "");
    for (i = 0; i < 150; i++) {
        strcat(lng, "\xc3\xa9\xe6\x97\xa5\xf0\x9f\x94\x91");
    }
    check_body(apr_pstrcat(pool, lng, "\n", NULL),
               apr_pstrcat(pool, lng, "\n", NULL));

    /* "From " and "." after a soft break are encoded too. */
    for (i = 0; i < 80; i++) {
        memset(lng, 'x', i);
        strcpy(lng + i, "From . From .");
        check_body(lng, apr_pstrcat(pool, lng, "\n", NULL));
    }

    /* Nothing but printable ASCII: even a long line of "=" and bytes
     * above 0x7F stays within 76. */
    qp = acc_mail_qp_encode(pool, "================================"
                                  "================================\n");
    assert_string_equal(decode_qp(qp), "================================"
                                       "================================\n");
}

static void test_invalid_utf8(void **state)
{
    static const char *const bad[] = {"\xff",         "a\x80",
                                      "\xc3",         "\xc0\xaf",
                                      "\xed\xa0\x80", "\xf4\x90\x80\x80"};
    apr_size_t i;

    ACC_UNUSED(state);
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_refused("a@b.c", "d@e.f", bad[i], "s", "b", "name");
        assert_refused("a@b.c", "d@e.f", NULL, bad[i], "b", "subject");
        assert_refused("a@b.c", "d@e.f", NULL, "s", bad[i], "body");
        assert_refused(apr_pstrcat(pool, bad[i], " <a@b.c>", NULL), "d@e.f",
                       NULL, "s", "b", "sender");
        assert_null(acc_mail_header_text(pool, "Subject", bad[i]));
        assert_null(acc_mail_qp_encode(pool, bad[i]));
    }
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_message),
        cmocka_unit_test(test_other_headers),
        cmocka_unit_test(test_addresses),
        cmocka_unit_test(test_to_name),
        cmocka_unit_test(test_subject),
        cmocka_unit_test(test_rfc2047),
        cmocka_unit_test(test_from),
        cmocka_unit_test(test_qp),
        cmocka_unit_test(test_invalid_utf8),
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("mailmsg", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
