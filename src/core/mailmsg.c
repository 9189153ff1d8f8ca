/*
 * src/core/mailmsg.c -- a whole mail message, safe to pipe into
 * `sendmail -t -i` (see mailmsg.h).
 */
#include "mailmsg.h"
#include "crypto.h"
#include "escape.h"
#include "utf8.h"

#include <string.h>

#define LINE_MAX_HDR 76 /* a header line holding an encoded-word (RFC 2047) */
#define LINE_MAX_QP  76 /* a quoted-printable line (RFC 2045, 6.7) */
#define EW_OPEN      "=?utf-8?b?"
#define EW_CLOSE     "?="
#define EW_MIN       20 /* the shortest encoded-word holding any character */
#define MSGID_BYTES  18 /* 24 base64url characters */

#define MSG_FROM                                                               \
    "'%s' is not an email address such as noreply@example.org or "             \
    "Example <noreply@example.org>"

/* ---- A string that grows ------------------------------------------- */

typedef struct {
    apr_pool_t *p;
    char *s;
    apr_size_t len, cap;
} buf_t;

static void put(buf_t *b, const char *s, apr_size_t n)
{
    if (b->len + n + 1 > b->cap) {
        apr_size_t cap = b->cap ? b->cap : 256;
        char *grown;

        while (cap < b->len + n + 1) {
            cap *= 2;
        }
        grown = apr_palloc(b->p, cap);
        if (b->len > 0) {
            memcpy(grown, b->s, b->len);
        }
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void put_str(buf_t *b, const char *s)
{
    put(b, s, strlen(s));
}

/* ---- Addresses -------------------------------------------------------- */

static int alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

static int atext(char c)
{
    return alnum(c) || (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

/* A dot-atom that no mailer takes for a pipe or a file. */
static int local_ok(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (n == 0 || s[0] == '|' || s[0] == '/') {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (i == 0 || i == n - 1 || s[i - 1] == '.') {
                return 0;
            }
        }
        else if (!atext(s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Labels of letters, digits and inner hyphens, or a plain "[...]". */
static int domain_ok(const char *d, apr_size_t n)
{
    apr_size_t i, start = 0;

    if (n >= 3 && d[0] == '[' && d[n - 1] == ']') {
        for (i = 1; i < n - 1; i++) {
            if (!alnum(d[i]) && d[i] != ':' && d[i] != '.') {
                return 0;
            }
        }
        return 1;
    }
    for (i = 0; i <= n; i++) {
        if (i < n && d[i] != '.') {
            if (!alnum(d[i]) && d[i] != '-') {
                return 0;
            }
            continue;
        }
        if (i == start || i - start > 63 || d[start] == '-' ||
            d[i - 1] == '-') {
            return 0;
        }
        start = i + 1;
    }
    return 1;
}

int acc_mail_addr_ok(const char *addr)
{
    const char *at;
    apr_size_t len;

    if (addr == NULL || (len = strlen(addr)) > ACC_MAIL_ADDR_MAX ||
        (at = strrchr(addr, '@')) == NULL) {
        return 0;
    }
    return local_ok(addr, (apr_size_t)(at - addr)) &&
           domain_ok(at + 1, len - (apr_size_t)(at - addr) - 1);
}

/* ---- Text ------------------------------------------------------------ */

/* What never goes into a header: C0, DEL, C1, U+2028, U+2029. */
static int is_control(int32_t c)
{
    return c < 0x20 || (c >= 0x7F && c < 0xA0) || c == 0x2028 || c == 0x2029;
}

/* s (valid UTF-8) without controls and stripped.  A name has each control
 * replaced by a space and each run of spaces made one; a subject loses
 * its controls (its lines join), a tab becoming a space. */
static const char *clean(apr_pool_t *p, const char *s, int is_name)
{
    apr_size_t len = strlen(s), i, n;
    char *out = apr_palloc(p, len + 1), *o = out, *r, *w;
    int32_t c;

    for (i = 0; i < len; i += n) {
        n = acc_utf8_next(s + i, len - i, &c);
        if (!is_control(c)) {
            memcpy(o, s + i, n);
            o += n;
        }
        else if (is_name || c == '\t') {
            *o++ = ' ';
        }
    }
    *o = '\0';
    out = (char *)acc_strip(p, out);
    if (is_name) {
        for (r = w = out; *r; r++) {
            if (*r != ' ' || w == out || w[-1] != ' ') {
                *w++ = *r;
            }
        }
        *w = '\0';
    }
    return out;
}

/* 1 when each byte of s is a letter, a digit, a space or in extra. */
static int only(const char *s, const char *extra)
{
    for (; *s; s++) {
        if (!alnum(*s) && *s != ' ' && !strchr(extra, *s)) {
            return 0;
        }
    }
    return 1;
}

static apr_size_t base64(char *out, const unsigned char *in, apr_size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                              "abcdefghijklmnopqrstuvwxyz0123456789+/";
    apr_size_t i, o = 0;
    unsigned long v;

    for (i = 0; i < n; i += 3) {
        v = (unsigned long)in[i] << 16;
        v |= i + 1 < n ? (unsigned long)in[i + 1] << 8 : 0;
        v |= i + 2 < n ? in[i + 2] : 0;
        out[o++] = tab[v >> 18 & 63];
        out[o++] = tab[v >> 12 & 63];
        out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    return o;
}

/* ---- Header lines ------------------------------------------------------ */

typedef struct {
    buf_t *b;
    apr_size_t col; /* characters on the current line */
    int empty;      /* nothing after "Name:" yet */
} hdr_t;

static void hdr_begin(hdr_t *h, buf_t *b, const char *name)
{
    h->b = b;
    h->col = strlen(name) + 1;
    h->empty = 1;
    put_str(b, name);
    put(b, ":", 1);
}

/* " " and s[0..n), first folding the line ("\n") when fold allows and
 * s would end past the line's limit. */
static void hdr_word(hdr_t *h, const char *s, apr_size_t n, int fold)
{
    if (fold && !h->empty && h->col + 1 + n > LINE_MAX_HDR) {
        put(h->b, "\n", 1);
        h->col = 0;
    }
    put(h->b, " ", 1);
    put(h->b, s, n);
    h->col += 1 + n;
    h->empty = 0;
}

/* s[0..len) (valid UTF-8) as encoded-words, each filling what is left of
 * its line and ending before a character that would not fit, or before
 * the last space that leaves it at least half full: a reader that keeps
 * the whitespace between two words, against RFC 2047, 6.2 (Python's
 * email package until 2026, gh-128110), then shows a double space rather
 * than a split word. */
static void hdr_encoded(hdr_t *h, const char *s, apr_size_t len)
{
    char word[LINE_MAX_HDR + 1];
    apr_size_t i = 0, j, k, n, max, w;

    while (i < len) {
        if (h->col + 1 + EW_MIN > LINE_MAX_HDR) {
            put(h->b, "\n", 1);
            h->col = 0;
        }
        /* Room for base64, at most 63 characters (a 75-character word),
         * in whole groups of 4 for 3 bytes. */
        max = LINE_MAX_HDR - h->col - 1 - ACC_SLEN(EW_OPEN EW_CLOSE);
        max = (max > 63 ? 63 : max) / 4 * 3;
        for (k = i; k < len; k += n) {
            n = acc_utf8_char(s + k, len - k, NULL);
            if (k - i + n > max) {
                break;
            }
        }
        for (j = k; k < len && j > i && s[j] != ' '; j--) {
        }
        if (k < len && 2 * (j - i) > k - i) {
            k = j;
        }
        memcpy(word, EW_OPEN, ACC_SLEN(EW_OPEN));
        w = ACC_SLEN(EW_OPEN);
        w += base64(word + w, (const unsigned char *)s + i, k - i);
        memcpy(word + w, EW_CLOSE, ACC_SLEN(EW_CLOSE));
        hdr_word(h, word, w + ACC_SLEN(EW_CLOSE), 0);
        i = k;
    }
}

/* 1 when text can go as it is after col characters: printable ASCII, no
 * "=?", and each word (between spaces) fits on a line. */
static int plain_fits(const char *s, apr_size_t col)
{
    apr_size_t n;

    if (!only(s, " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~") || strstr(s, "=?")) {
        return 0;
    }
    for (;; s += n + 1, col = 0) {
        n = strcspn(s, " ");
        if (col + 1 + n > LINE_MAX_HDR) {
            return 0;
        }
        if (s[n] == '\0') {
            return 1;
        }
    }
}

/* A display name (cleaned) and an address, as a mailbox. */
static void hdr_mailbox(hdr_t *h, const char *name, const char *addr)
{
    apr_size_t n = strlen(name);

    if (n > 0) {
        if (only(name, "-'_&+") && h->col + 1 + n <= LINE_MAX_HDR) {
            hdr_word(h, name, n, 0);
        }
        else if (only(name, "-'_&+.") && h->col + 3 + n <= LINE_MAX_HDR) {
            hdr_word(h, apr_pstrcat(h->b->p, "\"", name, "\"", NULL), n + 2, 0);
        }
        else {
            hdr_encoded(h, name, n);
        }
        addr = apr_pstrcat(h->b->p, "<", addr, ">", NULL);
    }
    hdr_word(h, addr, strlen(addr), 1);
}

const char *acc_mail_header_text(apr_pool_t *p, const char *name,
                                 const char *value)
{
    buf_t b = {p, NULL, 0, 0};
    hdr_t h;
    apr_size_t n;

    if (value == NULL) {
        value = "";
    }
    if (!acc_utf8_valid(value, strlen(value))) {
        return NULL;
    }
    value = clean(p, value, 0);
    hdr_begin(&h, &b, name);
    if (!plain_fits(value, h.col)) {
        hdr_encoded(&h, value, strlen(value));
    }
    else if (*value) {
        for (;; value += n + 1) {
            n = strcspn(value, " ");
            hdr_word(&h, value, n, n > 0); /* never fold before a space */
            if (value[n] == '\0') {
                break;
            }
        }
    }
    put(&b, "\n", 1);
    return b.s;
}

/* ---- The sender --------------------------------------------------------- */

/* from as a cleaned display name ("" for none) and an address; 0 when it
 * is neither "addr" nor "[Name] <addr>". */
static int from_parse(apr_pool_t *p, const char *from, const char **name,
                      const char **addr)
{
    apr_size_t len, i, n;
    const char *lt;
    char *raw, *o;
    int32_t c;

    if (from == NULL || !acc_utf8_valid(from, (len = strlen(from)))) {
        return 0;
    }
    for (i = 0; i < len; i += n) {
        n = acc_utf8_next(from + i, len - i, &c);
        if (is_control(c)) {
            return 0;
        }
    }
    from = acc_strip(p, from);
    len = strlen(from);
    *name = "";
    *addr = from;
    if (len > 0 && from[len - 1] == '>') {
        if ((lt = strrchr(from, '<')) == NULL) {
            return 0;
        }
        *addr = apr_pstrmemdup(p, lt + 1, len - (apr_size_t)(lt - from) - 2);
        raw = (char *)acc_strip(
            p, apr_pstrmemdup(p, from, (apr_size_t)(lt - from)));
        n = strlen(raw);
        if (raw[0] == '"') {
            if (n < 2 || raw[n - 1] != '"') {
                return 0;
            }
            raw[n - 1] = '\0';
            for (o = raw, i = 1; raw[i]; i++) {
                if (raw[i] == '"' || (raw[i] == '\\' && raw[++i] == '\0')) {
                    return 0;
                }
                *o++ = raw[i];
            }
            *o = '\0';
        }
        else if (strpbrk(raw, "\"<>")) {
            return 0;
        }
        *name = clean(p, raw, 1);
    }
    return acc_mail_addr_ok(*addr);
}

const char *acc_mail_from_check(apr_pool_t *p, const char *from)
{
    const char *name, *addr;

    if (from_parse(p, from, &name, &addr)) {
        return NULL;
    }
    return apr_psprintf(p, MSG_FROM, acc_escape_text(p, from));
}

/* ---- The body --------------------------------------------------------- */

/* 1 when s[i] of the line s[0..n) must go as "=XX". */
static int qp_encoded(const unsigned char *s, apr_size_t i, apr_size_t n,
                      int line_start)
{
    if (s[i] == ' ' || s[i] == '\t') {
        return i + 1 == n;
    }
    if (s[i] < 0x20 || s[i] > 0x7E || s[i] == '=') {
        return 1;
    }
    return line_start && (s[i] == '.' || (s[i] == 'F' && n - i >= 5 &&
                                          memcmp(s + i, "From ", 5) == 0));
}

static void qp_line(buf_t *b, const unsigned char *s, apr_size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    apr_size_t i, col = 0, w, room;
    char enc[3];
    int e;

    for (i = 0; i < n; i++) {
        /* A soft break ("=") needs a column, except after the last. */
        for (;;) {
            e = qp_encoded(s, i, n, col == 0);
            w = e ? 3 : 1;
            room = i + 1 < n ? LINE_MAX_QP - 1 : LINE_MAX_QP;
            if (col + w <= room) {
                break;
            }
            put(b, "=\n", 2);
            col = 0;
        }
        if (e) {
            enc[0] = '=';
            enc[1] = hex[s[i] >> 4];
            enc[2] = hex[s[i] & 0xF];
            put(b, enc, 3);
        }
        else {
            put(b, (const char *)s + i, 1);
        }
        col += w;
    }
    put(b, "\n", 1);
}

const char *acc_mail_qp_encode(apr_pool_t *p, const char *body)
{
    buf_t b = {p, NULL, 0, 0};
    apr_size_t len, i = 0, e;

    if (body == NULL) {
        body = "";
    }
    len = strlen(body);
    if (!acc_utf8_valid(body, len)) {
        return NULL;
    }
    if (len == 0) {
        put(&b, "\n", 1);
    }
    while (i < len) {
        e = i + strcspn(body + i, "\r\n");
        qp_line(&b, (const unsigned char *)body + i, e - i);
        if (body[e] == '\r' && body[e + 1] == '\n') {
            e++;
        }
        i = e + 1;
    }
    return b.s;
}

/* ---- The message ------------------------------------------------------- */

static const char *date_utc(apr_pool_t *p, apr_time_t t)
{
    static const char *const day[] = {"Sun", "Mon", "Tue", "Wed",
                                      "Thu", "Fri", "Sat"};
    static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, t);
    return apr_psprintf(p, "%s, %02d %s %04d %02d:%02d:%02d +0000",
                        day[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
                        tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *acc_mail_build(apr_pool_t *p, const char *from, const char *to,
                           const char *to_name, const char *subject,
                           const char *body, apr_time_t date,
                           const char *msgid_domain, const char **err)
{
    const char *from_name, *from_addr, *name, *subj, *qp, *id;
    buf_t b = {p, NULL, 0, 0};
    hdr_t h;

    *err = NULL;
    if (!from_parse(p, from, &from_name, &from_addr)) {
        *err = apr_pstrcat(p, "sender: ", acc_mail_from_check(p, from), NULL);
        return NULL;
    }
    if (!acc_mail_addr_ok(to)) {
        *err = "the recipient is not an address mail can go to (one "
               "user@domain, ASCII, no quotes)";
        return NULL;
    }
    if (to_name == NULL) {
        to_name = "";
    }
    if (!acc_utf8_valid(to_name, strlen(to_name))) {
        *err = "the recipient's name is not valid UTF-8";
        return NULL;
    }
    name = clean(p, to_name, 1);
    if ((subj = acc_mail_header_text(p, "Subject", subject)) == NULL) {
        *err = "the subject is not valid UTF-8";
        return NULL;
    }
    if ((qp = acc_mail_qp_encode(p, body)) == NULL) {
        *err = "the body is not valid UTF-8";
        return NULL;
    }
    if (msgid_domain == NULL || *msgid_domain == '\0') {
        msgid_domain = strrchr(from_addr, '@') + 1;
    }
    else if (strlen(msgid_domain) > 253 ||
             !domain_ok(msgid_domain, strlen(msgid_domain))) {
        *err = apr_psprintf(p, "the Message-ID domain '%s' is not a domain",
                            acc_escape_text(p, msgid_domain));
        return NULL;
    }
    if ((id = acc_random_token(p, MSGID_BYTES)) == NULL) {
        *err = "no random bytes from the OS for the Message-ID";
        return NULL;
    }

    put_str(&b, apr_pstrcat(p, "Date: ", date_utc(p, date), "\n", NULL));
    hdr_begin(&h, &b, "From");
    hdr_mailbox(&h, from_name, from_addr);
    put(&b, "\n", 1);
    hdr_begin(&h, &b, "To");
    hdr_mailbox(&h, name, to);
    put(&b, "\n", 1);
    put_str(&b, subj);
    put_str(&b, apr_pstrcat(p, "Message-ID: <", id, "@", msgid_domain, ">\n",
                            NULL));
    put_str(&b, "MIME-Version: 1.0\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: quoted-printable\n"
                "Auto-Submitted: auto-generated\n"
                "\n");
    put_str(&b, qp);
    return b.s;
}
