/*
 * src/core/validate_fields.c -- Django's username and email field rules.
 *
 * Each rule follows Django 5.x (auth/forms.py UsernameField,
 * auth/validators.py, core/validators.py EmailValidator, the model's
 * column sizes) and Python's own definitions where Django leans on them:
 * str.strip(), NFKC, the Unicode \w of the re module, re.IGNORECASE,
 * ipaddress.  Unicode data comes from utf8proc, so characters newer than
 * its tables behave as unassigned ones.  The password validators are in
 * validate_password.c.
 */
#include "validate.h"

#include <apr_lib.h>

#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

#define MSG_REQUIRED N_("This field is required.")
#define MSG_USERNAME                                                           \
    N_("Enter a valid username. This value may contain only letters, "         \
       "numbers, and @/./+/-/_ characters.")
#define MSG_EMAIL      N_("Enter a valid email address.")
#define EMAIL_HARD_MAX 320 /* EmailValidator's own limit (RFC 3696) */
#define IPV6_MAX       39  /* django.utils.ipv6.MAX_IPV6_ADDRESS_LENGTH */

/* ---- Helpers --------------------------------------------------------- */

/* utf8proc_map of a NUL-terminated string, copied into p; the input
 * itself when utf8proc refuses it. */
static const char *map(apr_pool_t *p, const char *s, int opts)
{
    utf8proc_uint8_t *dst = NULL;
    utf8proc_ssize_t r;
    const char *out;

    r = utf8proc_map((const utf8proc_uint8_t *)s, 0, &dst,
                     (utf8proc_option_t)(UTF8PROC_NULLTERM | opts));
    if (r < 0 || dst == NULL) {
        free(dst);
        return apr_pstrdup(p, s);
    }
    out = apr_pstrmemdup(p, (const char *)dst, (apr_size_t)r);
    free(dst);
    return out;
}

/* Django's MaxLengthValidator message, in lang. */
static const char *too_long(apr_pool_t *p, const acc_i18n_lang_t *lang, int max,
                            apr_size_t n)
{
    static const char *const names[2] = {"limit_value", "show_value"};
    const char *values[2];

    values[0] = apr_itoa(p, max);
    values[1] = apr_psprintf(p, "%" APR_SIZE_T_FMT, n);
    return acc_i18n_format(
        p,
        acc_i18n_ngettext(
            lang,
            NP_("Ensure this value has at most %(limit_value)d character "
                "(it has %(show_value)d).",
                "Ensure this value has at most %(limit_value)d characters "
                "(it has %(show_value)d)."),
            (unsigned long)max),
        names, values, 2);
}

/* ---- Username -------------------------------------------------------- */

const char *acc_username_clean(apr_pool_t *p, const char *raw)
{
    const char *s = acc_strip(p, raw);

    if (!acc_utf8_valid(s, strlen(s)) ||
        acc_utf8_length(s) > ACC_USERNAME_MAX) {
        return s;
    }
    return map(p, s, UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE);
}

const char *acc_username_check(apr_pool_t *p, const char *name)
{
    return acc_username_check_in(p, name, NULL);
}

const char *acc_username_check_in(apr_pool_t *p, const char *name,
                                  const acc_i18n_lang_t *lang)
{
    apr_size_t len, n, i = 0;
    int32_t c;

    if (name == NULL || *name == '\0') {
        return acc_i18n_gettext(lang, MSG_REQUIRED);
    }
    len = strlen(name);
    if (!acc_utf8_valid(name, len)) {
        return acc_i18n_gettext(lang, MSG_USERNAME);
    }
    n = acc_utf8_length(name);
    if (n > ACC_USERNAME_MAX) {
        return too_long(p, lang, ACC_USERNAME_MAX, n);
    }
    while (i < len) {
        i += acc_utf8_next(name + i, len - i, &c);
        if (!acc_is_word(c) && c != '.' && c != '@' && c != '+' && c != '-') {
            return acc_i18n_gettext(lang, MSG_USERNAME);
        }
    }
    return NULL;
}

const char *acc_username_key(apr_pool_t *p, const char *name)
{
    return map(p, name ? name : "",
               UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE |
                   UTF8PROC_CASEFOLD);
}

/* ---- Email ----------------------------------------------------------- */

/* Python's re.IGNORECASE lets four non-ASCII letters match ASCII classes
 * such as [A-Z]: dotted I, dotless i, long s and the Kelvin sign.  Map
 * them so the ASCII classes below behave as Django's regexes do. */
static int32_t ifold(int32_t c)
{
    switch (c) {
        case 0x130:
        case 0x131:
            return 'i';
        case 0x17F:
            return 's';
        case 0x212A:
            return 'k';
        default:
            return c;
    }
}

static int is_alnum(int32_t c)
{
    c = ifold(c);
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* [-!#$%&'*+/=?^_`{}|~0-9A-Z] */
static int is_atext(int32_t c)
{
    return is_alnum(c) ||
           (c > 0 && c < 0x80 && strchr("-!#$%&'*+/=?^_`{}|~", (int)c) != NULL);
}

/* [\001-\010\013\014\016-\037!#-\[\]-\177] and [\001-\011\013\014\016-\177],
 * the characters of a quoted string, bare and after a backslash. */
static int is_qtext(int32_t c, int escaped)
{
    c = ifold(c);
    if (c <= 0 || c > 0x7F || c == '\n' || c == '\r') {
        return 0;
    }
    return escaped || (c != '\t' && c != ' ' && c != '"' && c != '\\');
}

/* user_regex: a dot-atom, or a quoted string. */
static int user_ok(const int32_t *u, apr_size_t n)
{
    apr_size_t i;

    if (n >= 2 && u[0] == '"' && u[n - 1] == '"') {
        for (i = 1; i < n - 1; i++) {
            if (u[i] == '\\') {
                if (i + 1 >= n - 1 || !is_qtext(u[i + 1], 1)) {
                    return 0;
                }
                i++;
            }
            else if (!is_qtext(u[i], 0)) {
                return 0;
            }
        }
        return 1;
    }
    for (i = 0; i < n; i++) {
        if (u[i] == '.') {
            if (i == 0 || i == n - 1 || u[i - 1] == '.') {
                return 0;
            }
        }
        else if (!is_atext(u[i])) {
            return 0;
        }
    }
    return n > 0;
}

/* domain_regex: labels of 1-63 [A-Z0-9-] not starting or ending with '-',
 * then a last label of 2-63 [A-Z0-9-] not ending with '-'. */
static int domain_ok(const int32_t *d, apr_size_t n)
{
    apr_size_t i, start = 0, labels = 0;

    for (i = 0; i <= n; i++) {
        if (i < n && d[i] != '.') {
            if (!is_alnum(d[i]) && d[i] != '-') {
                return 0;
            }
            continue;
        }
        if (i == n) { /* the last label */
            return labels > 0 && i - start >= 2 && i - start <= 63 &&
                   d[i - 1] != '-';
        }
        if (i == start || i - start > 63 || !is_alnum(d[start]) ||
            !is_alnum(d[i - 1])) {
            return 0;
        }
        labels++;
        start = i + 1;
    }
    return 0;
}

/* Python's ipaddress.IPv4Address: four decimal octets, no leading zero. */
static int ipv4_ok(const char *s, apr_size_t n)
{
    apr_size_t i, start = 0, dots = 0;
    unsigned v = 0;

    for (i = 0; i <= n; i++) {
        if (i < n && s[i] != '.') {
            if (s[i] < '0' || s[i] > '9' || i - start >= 3 ||
                (i > start && s[start] == '0')) {
                return 0;
            }
            v = v * 10 + (unsigned)(s[i] - '0');
            continue;
        }
        if (i == start || v > 255 || (i < n && ++dots > 3)) {
            return 0;
        }
        v = 0;
        start = i + 1;
    }
    return dots == 3;
}

static int hextet_ok(const char *s, apr_size_t n)
{
    apr_size_t i;

    if (n == 0 || n > 4) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (!apr_isxdigit(s[i])) {
            return 0;
        }
    }
    return 1;
}

/* Django's is_valid_ipv6_address: at most 39 characters, then Python's
 * ipaddress.IPv6Address parser (one "::" standing for at least one
 * group, an optional dotted IPv4 tail). */
static int ipv6_ok(const char *s, apr_size_t n)
{
    const char *part[IPV6_MAX + 3];
    apr_size_t plen[IPV6_MAX + 3], i, np = 0, start = 0, hi, lo;
    apr_size_t skip = 0; /* index of the empty inner part; 0: none */

    if (n > IPV6_MAX) {
        return 0;
    }
    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == ':') {
            part[np] = s + start;
            plen[np++] = i - start;
            start = i + 1;
        }
    }
    if (np < 3) {
        return 0;
    }
    if (memchr(part[np - 1], '.', plen[np - 1])) {
        if (!ipv4_ok(part[np - 1], plen[np - 1])) {
            return 0;
        }
        part[np - 1] = part[np] = "0"; /* two hextets, values not needed */
        plen[np - 1] = plen[np] = 1;
        np++;
    }
    if (np > 9) {
        return 0;
    }
    for (i = 1; i + 1 < np; i++) {
        if (plen[i] == 0) {
            if (skip) {
                return 0;
            }
            skip = i;
        }
    }
    if (skip) {
        hi = skip;
        lo = np - skip - 1;
        if (plen[0] == 0 && --hi) {
            return 0;
        }
        if (plen[np - 1] == 0 && --lo) {
            return 0;
        }
        if (hi + lo >= 8) {
            return 0;
        }
    }
    else {
        if (np != 8) {
            return 0;
        }
        hi = 8;
        lo = 0;
    }
    for (i = 0; i < hi; i++) {
        if (!hextet_ok(part[i], plen[i])) {
            return 0;
        }
    }
    for (i = np - lo; i < np; i++) {
        if (!hextet_ok(part[i], plen[i])) {
            return 0;
        }
    }
    return 1;
}

/* literal_regex \[([A-F0-9:.]+)\] holding an IPv4 or IPv6 address. */
static int literal_ok(apr_pool_t *p, const int32_t *d, apr_size_t n)
{
    char *ip;
    apr_size_t i;

    if (n < 3 || d[0] != '[' || d[n - 1] != ']') {
        return 0;
    }
    for (i = 1; i < n - 1; i++) {
        if (!(d[i] < 0x80 &&
              (apr_isxdigit(d[i]) || d[i] == ':' || d[i] == '.'))) {
            return 0;
        }
    }
    ip = acc_utf8_encode(p, d + 1, n - 2);
    return ipv4_ok(ip, n - 2) || ipv6_ok(ip, n - 2);
}

/* EmailValidator.__call__, the part that does not depend on the column. */
static int email_ok(apr_pool_t *p, const int32_t *e, apr_size_t n)
{
    static const int32_t localhost[] = {'l', 'o', 'c', 'a', 'l',
                                        'h', 'o', 's', 't'};
    const int32_t *d;
    apr_size_t at = n, dn;

    if (n == 0 || n > EMAIL_HARD_MAX) {
        return 0;
    }
    while (at > 0 && e[at - 1] != '@') {
        at--;
    }
    if (at == 0 || !user_ok(e, at - 1)) {
        return 0;
    }
    d = e + at;
    dn = n - at;
    if (dn == sizeof(localhost) / sizeof(localhost[0]) &&
        memcmp(d, localhost, sizeof(localhost)) == 0) {
        return 1;
    }
    /* Django would retry a failing domain as IDNA (punycode); we have no
     * IDNA 2003 (nameprep) tables, so a domain that fails here is refused,
     * and with it every internationalised domain name. */
    return domain_ok(d, dn) || literal_ok(p, d, dn);
}

const char *acc_email_check(apr_pool_t *p, const char *email)
{
    return acc_email_check_in(p, email, NULL);
}

const char *acc_email_check_in(apr_pool_t *p, const char *email,
                               const acc_i18n_lang_t *lang)
{
    int32_t *e;
    apr_size_t n;

    if (email == NULL || !acc_utf8_valid(email, strlen(email))) {
        return acc_i18n_gettext(lang, MSG_EMAIL);
    }
    e = acc_utf8_decode(p, email, &n);
    /* The form field's EmailValidator runs first and says only "invalid";
     * the model's 254-character limit is checked on a valid address. */
    if (!email_ok(p, e, n)) {
        return acc_i18n_gettext(lang, MSG_EMAIL);
    }
    if (n > ACC_EMAIL_MAX) {
        return too_long(p, lang, ACC_EMAIL_MAX, n);
    }
    return NULL;
}
