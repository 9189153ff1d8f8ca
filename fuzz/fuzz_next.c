/*
 * fuzz/fuzz_next.c -- libFuzzer target: the `next` check and its encoders.
 *
 * Beyond "no crash", it checks what the redirect code relies on: a value
 * judged safe gives a Location that is printable ASCII, does not start
 * with "//" and has no ":" before the first "/", "?" or "#"; url_quote's
 * output is only unreserved bytes, "/" and %XX, and decodes back.
 */
#include "core/redirect.h"

#include "harness.h"

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static void check_location(const char *loc)
{
    const char *c;

    if (loc[0] == '/' && loc[1] == '/') {
        abort();
    }
    for (c = loc; *c; c++) {
        if (*c <= 0x20 || *c >= 0x7f || strchr("\"<>\\^`{|}", *c)) {
            abort();
        }
    }
    for (c = loc; *c && !strchr("/?#", *c); c++) {
        if (*c == ':') {
            abort();
        }
    }
}

/* q must be url_quote's output for s. */
static void check_quote(const char *s, const char *q)
{
    apr_size_t i = 0;
    int hi, lo;

    while (*q) {
        if (*q == '%') {
            hi = hexval(q[1]);
            lo = hexval(hi < 0 ? '\0' : q[2]);
            if (hi < 0 || lo < 0 || s[i] != (char)(hi << 4 | lo)) {
                abort();
            }
            q += 3;
        }
        else if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                        "abcdefghijklmnopqrstuvwxyz0123456789_.-~/",
                        *q) == NULL ||
                 s[i] != *q) {
            abort();
        }
        else {
            q++;
        }
        i++;
    }
    if (s[i] != '\0') {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(data, size);
    const char *loc;

    if (s == NULL) {
        return 0;
    }

    loc = acc_location_escape(pool, s);
    if (acc_next_is_safe(s)) {
        check_location(loc);
    }
    check_quote(s, acc_url_quote(pool, s));

    apr_pool_clear(pool);
    free(s);
    return 0;
}
