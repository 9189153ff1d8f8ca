/*
 * src/core/validate_fields.c -- Django's username, email and password rules.
 *
 * Each rule follows Django 5.x (auth/forms.py UsernameField,
 * auth/validators.py, core/validators.py EmailValidator,
 * auth/password_validation.py) and Python's own definitions where Django
 * leans on them: str.strip(), str.lower(), str.isdigit(), the Unicode \w of
 * the re module, difflib's quick_ratio.  Unicode data comes from utf8proc,
 * so characters newer than its tables behave as unassigned ones.
 */
#include "validate.h"

#include <apr_crypto.h>
#include <apr_lib.h>

#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

#define MSG_REQUIRED "This field is required."
#define MSG_USERNAME                                                           \
    "Enter a valid username. This value may contain only letters, "            \
    "numbers, and @/./+/-/_ characters."
#define MSG_EMAIL      "Enter a valid email address."
#define EMAIL_HARD_MAX 320 /* EmailValidator's own limit (RFC 3696) */
#define IPV6_MAX       39  /* django.utils.ipv6.MAX_IPV6_ADDRESS_LENGTH */

/* ---- Helpers --------------------------------------------------------- */

/* Python's str.isdigit() for one character: Numeric_Type Decimal (= Nd)
 * or Digit.  The Digit ones (superscripts, circled digits, ...) are all
 * category No; utf8proc has no numeric type, so they are listed. */
static int is_digit(int32_t c)
{
    static const int32_t digit[][2] = {
        {0x00B2, 0x00B3},   {0x00B9, 0x00B9},   {0x1369, 0x1371},
        {0x19DA, 0x19DA},   {0x2070, 0x2070},   {0x2074, 0x2079},
        {0x2080, 0x2089},   {0x2460, 0x2468},   {0x2474, 0x247C},
        {0x2488, 0x2490},   {0x24EA, 0x24EA},   {0x24F5, 0x24FD},
        {0x24FF, 0x24FF},   {0x2776, 0x277E},   {0x2780, 0x2788},
        {0x278A, 0x2792},   {0x10A40, 0x10A43}, {0x10E60, 0x10E68},
        {0x11052, 0x1105A}, {0x1F100, 0x1F10A},
    };
    apr_size_t i;

    if (utf8proc_category(c) == UTF8PROC_CATEGORY_ND) {
        return 1;
    }
    for (i = 0; i < sizeof(digit) / sizeof(digit[0]); i++) {
        if (c >= digit[i][0] && c <= digit[i][1]) {
            return 1;
        }
    }
    return 0;
}

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

/* Django's MaxLengthValidator message. */
static const char *too_long(apr_pool_t *p, int max, apr_size_t n)
{
    return apr_psprintf(p,
                        "Ensure this value has at most %d characters "
                        "(it has %" APR_SIZE_T_FMT ").",
                        max, n);
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
    apr_size_t len, n, i = 0;
    int32_t c;

    if (name == NULL || *name == '\0') {
        return MSG_REQUIRED;
    }
    len = strlen(name);
    if (!acc_utf8_valid(name, len)) {
        return MSG_USERNAME;
    }
    n = acc_utf8_length(name);
    if (n > ACC_USERNAME_MAX) {
        return too_long(p, ACC_USERNAME_MAX, n);
    }
    while (i < len) {
        i += acc_utf8_next(name + i, len - i, &c);
        if (!acc_is_word(c) && c != '.' && c != '@' && c != '+' && c != '-') {
            return MSG_USERNAME;
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
    int32_t *e;
    apr_size_t n;

    if (email == NULL || !acc_utf8_valid(email, strlen(email))) {
        return MSG_EMAIL;
    }
    e = acc_utf8_decode(p, email, &n);
    /* The form field's EmailValidator runs first and says only "invalid";
     * the model's 254-character limit is checked on a valid address. */
    if (!email_ok(p, e, n)) {
        return MSG_EMAIL;
    }
    if (n > ACC_EMAIL_MAX) {
        return too_long(p, ACC_EMAIL_MAX, n);
    }
    return NULL;
}

/* ---- Passwords ------------------------------------------------------- */

/* Unicode Case_Ignorable: categories Mn Me Cf Lm Sk, or Word_Break
 * MidLetter, MidNumLet or Single_Quote. */
static int case_ignorable(int32_t c)
{
    static const int32_t mid[] = {
        0x27,   0x2E,   0x3A,   0xB7,   0x387,  0x55F,  0x5F4,  0x2018, 0x2019,
        0x2024, 0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A};
    apr_size_t i;

    switch (utf8proc_category(c)) {
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_CF:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_SK:
            return 1;
        default:
            break;
    }
    for (i = 0; i < sizeof(mid) / sizeof(mid[0]); i++) {
        if (c == mid[i]) {
            return 1;
        }
    }
    return 0;
}

/* Unicode Cased, for a character that is not case-ignorable. */
static int cased(int32_t c)
{
    utf8proc_category_t cat = utf8proc_category(c);

    return cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL ||
           cat == UTF8PROC_CATEGORY_LT || utf8proc_islower(c) ||
           utf8proc_isupper(c) || utf8proc_tolower(c) != c ||
           utf8proc_toupper(c) != c;
}

/* Python's str.lower(): simple lower case, plus U+0130's two-character
 * mapping and the Final_Sigma rule.  out has room for 2n. */
static apr_size_t py_lower(const int32_t *in, apr_size_t n, int32_t *out)
{
    apr_size_t i, j, k = 0;
    int final;

    for (i = 0; i < n; i++) {
        if (in[i] == 0x130) {
            out[k++] = 'i';
            out[k++] = 0x307;
            continue;
        }
        if (in[i] != 0x3A3) {
            out[k++] = utf8proc_tolower(in[i]);
            continue;
        }
        for (j = i; j > 0 && case_ignorable(in[j - 1]); j--) {
        }
        final = j > 0 && cased(in[j - 1]);
        for (j = i + 1; final && j < n && case_ignorable(in[j]); j++) {
        }
        final = final && (j >= n || !cased(in[j]));
        out[k++] = final ? 0x3C2 : 0x3C3;
    }
    return k;
}

static int cmp_cp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

    return (x > y) - (x < y);
}

/* difflib.SequenceMatcher(a=pw, b=part).quick_ratio() >= max, pw sorted;
 * scratch has room for the part. */
static int too_similar(const int32_t *pw, apr_size_t pn, const int32_t *part,
                       apr_size_t n, int32_t *scratch, double max)
{
    apr_size_t i = 0, j = 0, m = 0;

    if (pn + n == 0) {
        return 1.0 >= max; /* difflib's ratio of two empty sequences */
    }
    memcpy(scratch, part, n * sizeof(*part));
    qsort(scratch, n, sizeof(*scratch), cmp_cp);
    while (i < pn && j < n) {
        if (pw[i] == scratch[j]) {
            m++;
            i++;
            j++;
        }
        else if (pw[i] < scratch[j]) {
            i++;
        }
        else {
            j++;
        }
    }
    return 2.0 * (double)m / (double)(pn + n) >= max;
}

/* exceeds_maximum_length_ratio() false, and quick_ratio() >= max. */
static int part_similar(const int32_t *pw, apr_size_t pn, const int32_t *part,
                        apr_size_t n, int32_t *scratch, double max)
{
    if (pn >= 10 * n && (double)n < max / 2 * (double)pn) {
        return 0; /* the password is far longer: Django skips the part */
    }
    return too_similar(pw, pn, part, n, scratch, max);
}

/* UserAttributeSimilarityValidator for one attribute value: its parts are
 * re.split(r"\W+", value.lower()) and the whole lowered value. */
static int attr_similar(apr_pool_t *p, const int32_t *pw, apr_size_t pn,
                        const char *value, double max)
{
    int32_t *raw, *v, *scratch;
    apr_size_t rn, n, start = 0, end;

    raw = acc_utf8_decode(p, value, &rn);
    v = apr_palloc(p, (2 * rn + 1) * sizeof(*v));
    n = py_lower(raw, rn, v);
    scratch = apr_palloc(p, (n + 1) * sizeof(*scratch));
    for (;;) {
        for (end = start; end < n && acc_is_word(v[end]); end++) {
        }
        if (part_similar(pw, pn, v + start, end - start, scratch, max)) {
            return 1;
        }
        if (end == n) {
            break;
        }
        for (start = end; start < n && !acc_is_word(v[start]); start++) {
        }
    }
    return part_similar(pw, pn, v, n, scratch, max);
}

/* Python's password.lower().strip(), as UTF-8 in p. */
static char *lower_strip(apr_pool_t *p, const char *pw)
{
    int32_t *cp, *low;
    apr_size_t n, ln, s = 0;
    char *out;

    cp = acc_utf8_decode(p, pw, &n);
    low = apr_palloc(p, (2 * n + 1) * sizeof(*low));
    ln = py_lower(cp, n, low);
    while (s < ln && acc_is_space(low[s])) {
        s++;
    }
    while (ln > s && acc_is_space(low[ln - 1])) {
        ln--;
    }
    out = acc_utf8_encode(p, low + s, ln - s);
    apr_crypto_memzero(cp, n * sizeof(*cp));
    apr_crypto_memzero(low, 2 * n * sizeof(*low));
    return out;
}

static int cmp_str(const void *key, const void *elt)
{
    return strcmp((const char *)key, *(const char *const *)elt);
}

int acc_password_is_common(apr_pool_t *p, const char *pw)
{
    char *key = lower_strip(p, pw ? pw : "");
    int found;

    found = bsearch(key, acc_common_passwords, acc_common_passwords_count,
                    sizeof(acc_common_passwords[0]), cmp_str) != NULL;
    apr_crypto_memzero(key, strlen(key));
    return found;
}

static const acc_pwpolicy_t default_policy = {ACC_PWV_ALL, 8, 0.7};

apr_array_header_t *acc_password_validate(apr_pool_t *p,
                                          const acc_pwpolicy_t *pol,
                                          const char *password,
                                          const acc_user_attrs_t *user)
{
    apr_array_header_t *errs = apr_array_make(p, 4, sizeof(const char *));
    apr_pool_t *sp;
    int32_t *cp, *low;
    apr_size_t n, ln, i;

    if (pol == NULL) {
        pol = &default_policy;
    }
    if (password == NULL) {
        password = "";
    }
    if (apr_pool_create(&sp, p) != APR_SUCCESS) {
        sp = p;
    }
    cp = acc_utf8_decode(sp, password, &n);

    if ((pol->validators & ACC_PWV_SIMILARITY) && user) {
        static const char *const verbose[] = {"username", "first name",
                                              "last name", "email address"};
        const char *value[4];

        value[0] = user->username;
        value[1] = user->first_name;
        value[2] = user->last_name;
        value[3] = user->email;
        low = apr_palloc(sp, (2 * n + 1) * sizeof(*low));
        ln = py_lower(cp, n, low);
        qsort(low, ln, sizeof(*low), cmp_cp);
        for (i = 0; i < 4; i++) {
            if (value[i] && *value[i] &&
                attr_similar(sp, low, ln, value[i], pol->max_similarity)) {
                APR_ARRAY_PUSH(errs, const char *) = apr_psprintf(
                    p, "The password is too similar to the %s.", verbose[i]);
                break;
            }
        }
        apr_crypto_memzero(low, 2 * n * sizeof(*low));
    }
    if ((pol->validators & ACC_PWV_MINLENGTH) && pol->min_length > 0 &&
        n < (apr_size_t)pol->min_length) {
        APR_ARRAY_PUSH(errs, const char *) = apr_psprintf(
            p, "This password is too short. It must contain at least %d %s.",
            pol->min_length, pol->min_length == 1 ? "character" : "characters");
    }
    if ((pol->validators & ACC_PWV_COMMON) &&
        acc_password_is_common(sp, password)) {
        APR_ARRAY_PUSH(errs, const char *) = "This password is too common.";
    }
    if (pol->validators & ACC_PWV_NUMERIC) {
        for (i = 0; i < n && is_digit(cp[i]); i++) {
        }
        if (n > 0 && i == n) {
            APR_ARRAY_PUSH(errs, const char *) =
                "This password is entirely numeric.";
        }
    }
    apr_crypto_memzero(cp, n * sizeof(*cp));
    if (sp != p) {
        apr_pool_destroy(sp);
    }
    return errs;
}

apr_array_header_t *acc_password_help(apr_pool_t *p, const acc_pwpolicy_t *pol)
{
    apr_array_header_t *help = apr_array_make(p, 4, sizeof(const char *));

    if (pol == NULL) {
        pol = &default_policy;
    }
    if (pol->validators & ACC_PWV_SIMILARITY) {
        APR_ARRAY_PUSH(help, const char *) =
            "Your password can\xe2\x80\x99t be too similar to your other "
            "personal information.";
    }
    if (pol->validators & ACC_PWV_MINLENGTH) {
        APR_ARRAY_PUSH(help, const char *) = apr_psprintf(
            p, "Your password must contain at least %d %s.", pol->min_length,
            pol->min_length == 1 ? "character" : "characters");
    }
    if (pol->validators & ACC_PWV_COMMON) {
        APR_ARRAY_PUSH(help, const char *) =
            "Your password can\xe2\x80\x99t be a commonly used password.";
    }
    if (pol->validators & ACC_PWV_NUMERIC) {
        APR_ARRAY_PUSH(help, const char *) =
            "Your password can\xe2\x80\x99t be entirely numeric.";
    }
    return help;
}
