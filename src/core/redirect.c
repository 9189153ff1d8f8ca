/*
 * src/core/redirect.c -- is a `next` URL safe, and how to put one in a URL.
 *
 * acc_next_is_safe() is Django's url_has_allowed_host_and_scheme() with no
 * allowed host, made stricter by reading the value as a browser would
 * (WHATWG URL parsing, with an http or https base):
 *
 *  - Browsers strip leading and trailing C0 controls and spaces, drop tab,
 *    CR and LF anywhere, and treat "\" as "/".  We refuse every control
 *    character outright (C0, DEL, C1), so the only thing left to strip is
 *    the ASCII space, and we map "\" to "/" before looking for a host.
 *  - A host can only come from two leading slashes (any mix of "/" and
 *    "\") or from a scheme.  A scheme is letters, digits, "+", "-", "."
 *    before a ":"; we refuse any ":" before the first "/", "?" or "#",
 *    which covers every scheme (and a few harmless relative paths such as
 *    "1:x", refused to keep the rule simple).  Absolute URLs are refused
 *    even when they name this host: `next` is a path on this site.
 *  - Percent-escapes are not decoded: a browser never decodes them in a
 *    path, so "/%09/evil.com" and "%2F%2Fevil.com" are paths on this site.
 *  - Only ASCII "/" and "\" are slashes to a URL parser.  Look-alikes such
 *    as U+2215 or the fullwidth U+FF0F are ordinary path characters (they
 *    would be mapped by IDNA only inside a host, and a host is only parsed
 *    after two ASCII slashes), so "／／evil.com" is a relative path.
 *  - Dot segments are resolved inside the path and never create a host:
 *    "/../..//evil.com" is http://this-site//evil.com.
 *  - Code points of category Cc, Cf, Cs, Co, Cn, Zl, Zp, and Zs other than
 *    U+0020, are refused anywhere: they hide or reorder text (U+202E),
 *    break lines (U+2028) or are stripped by some parsers (U+00A0, U+FEFF).
 */
#include "redirect.h"
#include "utf8.h"

#include <string.h>
#include <utf8proc.h>

/* 1 when code point c may not appear in a `next` value. */
static int bad_code_point(int32_t c)
{
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
        return 1;
    }
    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_CC:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_CS:
        case UTF8PROC_CATEGORY_CO:
        case UTF8PROC_CATEGORY_CN:
        case UTF8PROC_CATEGORY_ZL:
        case UTF8PROC_CATEGORY_ZP:
            return 1;
        case UTF8PROC_CATEGORY_ZS:
            return c != 0x20;
        default:
            return 0;
    }
}

/* 1 when s[0..len) is valid UTF-8 holding no refused code point. */
static int text_ok(const unsigned char *s, apr_size_t len)
{
    apr_size_t i = 0, n;
    int32_t c;

    while (i < len) {
        n = acc_utf8_char((const char *)s + i, len - i, &c);
        if (n == 0 || bad_code_point(c)) {
            return 0;
        }
        i += n;
    }
    return 1;
}

static int is_slash(unsigned char c)
{
    return c == '/' || c == '\\';
}

int acc_next_is_safe(const char *url)
{
    const unsigned char *b, *e, *q;
    apr_size_t len;

    if (url == NULL) {
        return 0;
    }
    /* Never scan further than one byte past the limit. */
    len = strnlen(url, ACC_NEXT_MAX + 1);
    if (len > ACC_NEXT_MAX) {
        return 0;
    }
    b = (const unsigned char *)url;
    e = b + len;
    if (!text_ok(b, len)) {
        return 0;
    }

    /* Django strips; browsers strip C0 controls and spaces.  Controls are
     * refused above, so only spaces remain to strip. */
    while (b < e && *b == ' ') {
        b++;
    }
    while (e > b && e[-1] == ' ') {
        e--;
    }
    if (b == e) {
        return 0;
    }

    /* A host: "//", "/\", "\/", "\\" (and so "///", "////", ...). */
    if (e - b >= 2 && is_slash(b[0]) && is_slash(b[1])) {
        return 0;
    }

    /* A scheme: any ":" before the path, query or fragment starts.  "\" is
     * not a terminator here, so "a\b:c" is refused too. */
    for (q = b; q < e; q++) {
        if (*q == '/' || *q == '?' || *q == '#') {
            break;
        }
        if (*q == ':') {
            return 0;
        }
    }
    return 1;
}

static const char hexdigits[] = "0123456789ABCDEF";

/* Copy s, writing each byte for which keep() is false as %XX. */
static const char *escape(apr_pool_t *p, const char *s,
                          int (*keep)(unsigned char))
{
    const unsigned char *in = (const unsigned char *)(s ? s : "");
    apr_size_t n = 0, i;
    char *out, *o;

    for (i = 0; in[i]; i++) {
        n += keep(in[i]) ? 1 : 3;
    }
    o = out = apr_palloc(p, n + 1);
    for (i = 0; in[i]; i++) {
        if (keep(in[i])) {
            *o++ = (char)in[i];
        }
        else {
            *o++ = '%';
            *o++ = hexdigits[in[i] >> 4];
            *o++ = hexdigits[in[i] & 0xf];
        }
    }
    *o = '\0';
    return out;
}

/* Python's urllib.parse.quote(s, safe="/"): unreserved bytes and "/". */
static int keep_quote(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' ||
           c == '~' || c == '/';
}

/* Printable ASCII except what is unsafe in a header or URL. */
static int keep_location(unsigned char c)
{
    if (c < 0x21 || c >= 0x7f) {
        return 0;
    }
    return strchr("\"<>\\^`{|}", c) == NULL;
}

const char *acc_url_quote(apr_pool_t *p, const char *s)
{
    return escape(p, s, keep_quote);
}

const char *acc_location_escape(apr_pool_t *p, const char *url)
{
    return escape(p, url, keep_location);
}
