/*
 * fuzz/fuzz_mailmsg.c -- libFuzzer target: the queued mail message.
 *
 * Input: up to six fields separated by 0xFF bytes (never part of UTF-8),
 * each read up to its first NUL: from, to, to_name, subject, body,
 * msgid_domain.  Checks that a built message's header block is the nine
 * fields in order, printable ASCII, each line a field or a continuation
 * and at most 998 characters; that From and To hold one "@" and at most
 * one "<"; that the body is quoted-printable (lines at most 76, printable
 * ASCII, none starting with "." or "From ") decoding to the body with its
 * line ends made "\n"; that the sender is refused exactly when
 * acc_mail_from_check says so; that an address acc_mail_addr_ok accepts
 * holds nothing an address parser splits on; and that a subject header
 * alone is clean too, its lines with encoded-words at most 76.
 */
#include "core/mailmsg.h"

#include "harness.h"

#define NFIELDS 6

static const char *const names =
    "Date\nFrom\nTo\nSubject\nMessage-ID\nMIME-Version\nContent-Type\n"
    "Content-Transfer-Encoding\nAuto-Submitted\n";

/* The header lines of head[0..len) clean; their names appended to seen
 * (one a line).  0 when a line is not. */
static int head_ok(const char *head, size_t len, char *seen, size_t max)
{
    const char *s = head, *end = head + len, *nl;
    size_t n = 0, k;

    for (; s < end; s = nl + 1) {
        nl = memchr(s, '\n', (size_t)(end - s));
        if (nl == NULL || nl - s > 998 || nl == s) {
            return 0;
        }
        for (k = 0; s + k < nl; k++) {
            if (s[k] < 0x20 || s[k] > 0x7E) {
                return 0;
            }
        }
        if (s[0] == ' ') {
            if (s == head || strspn(s, " ") == (size_t)(nl - s)) {
                return 0; /* no field to continue, or a blank line */
            }
            continue;
        }
        k = strcspn(s, ":\n");
        if (s + k >= nl || n + k + 2 > max) {
            return 0;
        }
        memcpy(seen + n, s, k);
        seen[n + k] = '\n';
        n += k + 1;
    }
    seen[n] = '\0';
    return 1;
}

/* The unfolded value of a field of a well-formed head. */
static char *field(const char *head, const char *name)
{
    size_t n = strlen(name);
    const char *s = head;
    char *out, *o;

    while (strncmp(s, name, n) != 0 || s[n] != ':') {
        s = strchr(s, '\n') + 1;
    }
    s += n + 1;
    out = o = apr_palloc(pool, strlen(s) + 1);
    for (; *s && !(s[0] == '\n' && s[1] != ' '); s++) {
        if (*s != '\n') {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static int count(const char *s, char c)
{
    int n = 0;

    for (; *s; s++) {
        n += *s == c;
    }
    return n;
}

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

/* The quoted-printable body decoded, or NULL when it breaks a rule. */
static char *qp_decode(const char *qp)
{
    char *out = apr_palloc(pool, strlen(qp) + 1), *o = out;
    const char *s = qp, *nl;
    int hi, lo;

    for (; *s; s = nl + 1) {
        if ((nl = strchr(s, '\n')) == NULL || nl - s > 76 || s[0] == '.' ||
            strncmp(s, "From ", 5) == 0 ||
            (nl > s && (nl[-1] == ' ' || nl[-1] == '\t'))) {
            return NULL;
        }
        for (; s < nl; s++) {
            if ((*s < 0x20 || *s > 0x7E) && *s != '\t') {
                return NULL;
            }
            if (*s != '=') {
                *o++ = *s;
            }
            else if (s + 1 == nl) {
                break;
            }
            else if (nl - s < 3 || (hi = hexval(s[1])) < 0 ||
                     (lo = hexval(s[2])) < 0) {
                return NULL;
            }
            else {
                *o++ = (char)(hi << 4 | lo);
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

/* body with CRLF and CR made LF, ending in LF. */
static char *normal(const char *body)
{
    char *out = apr_palloc(pool, strlen(body) + 2), *o = out;

    for (; *body; body++) {
        if (*body == '\r') {
            *o++ = '\n';
            body += body[1] == '\n';
        }
        else {
            *o++ = *body;
        }
    }
    if (o == out || o[-1] != '\n') {
        *o++ = '\n';
    }
    *o = '\0';
    return out;
}

static void check_message(const char *m, char *const *f)
{
    const char *sep = strstr(m, "\n\n"), *from, *to, *body;
    char seen[300];

    if (sep == NULL || !head_ok(m, (size_t)(sep - m) + 1, seen, sizeof(seen)) ||
        strcmp(seen, names) != 0) {
        abort();
    }
    from = field(m, "From");
    to = field(m, "To");
    if (count(from, '@') != 1 || count(from, '<') > 1 || count(to, '@') != 1 ||
        count(to, '<') > 1 || strchr(to, ',')) {
        abort();
    }
    body = qp_decode(sep + 2);
    if (body == NULL || strcmp(body, normal(f[4])) != 0) {
        abort();
    }
}

static void check_subject(const char *subject)
{
    const char *h = acc_mail_header_text(pool, "Subject", subject);
    const char *s, *nl;
    size_t k;

    if (h == NULL) {
        return;
    }
    if (strncmp(h, "Subject:", 8) != 0) {
        abort();
    }
    for (s = h; *s; s = nl + 1) {
        nl = strchr(s, '\n');
        if (nl == NULL || (s != h && s[0] != ' ') ||
            (strstr(apr_pstrmemdup(pool, s, (size_t)(nl - s)), "=?utf-8?b?") &&
             nl - s > 76)) {
            abort();
        }
        for (k = 0; s + k < nl; k++) {
            if (s[k] < 0x20 || s[k] > 0x7E) {
                abort();
            }
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *f[NFIELDS] = {NULL};
    const char *m, *err = NULL;
    const uint8_t *end = data + size, *e;
    size_t i, k;

    for (i = 0; i < NFIELDS; i++) {
        e = i + 1 < NFIELDS ? memchr(data, 0xFF, (size_t)(end - data)) : NULL;
        f[i] = fuzz_cstr(data, (size_t)((e ? e : end) - data));
        if (f[i] == NULL) {
            goto done;
        }
        data = e ? e + 1 : end;
    }

    m = acc_mail_build(pool, f[0], f[1], f[2], f[3], f[4], 0, f[5], &err);
    if ((m == NULL) != (err != NULL)) {
        abort();
    }
    if ((acc_mail_from_check(pool, f[0]) != NULL) !=
        (err != NULL && strncmp(err, "sender: ", 8) == 0)) {
        abort();
    }
    if (m != NULL) {
        check_message(m, f);
    }
    if (acc_mail_addr_ok(f[1])) {
        for (k = 0; f[1][k]; k++) {
            if ((unsigned char)f[1][k] <= 0x20 || f[1][k] == 0x7F ||
                (unsigned char)f[1][k] > 0x7F ||
                strchr(",<>\"();\\", f[1][k])) {
                abort();
            }
        }
        if (k > ACC_MAIL_ADDR_MAX || count(f[1], '@') != 1) {
            abort();
        }
    }
    check_subject(f[3]);

done:
    for (i = 0; i < NFIELDS; i++) {
        free(f[i]);
    }
    apr_pool_clear(pool);
    return 0;
}
