/*
 * src/core/validate_password.c -- Django's four password validators.
 *
 * UserAttributeSimilarityValidator, MinimumLengthValidator,
 * CommonPasswordValidator and NumericPasswordValidator of Django 5.x
 * (auth/password_validation.py), with Python's own definitions where
 * Django leans on them: str.lower() (Final_Sigma included), str.strip(),
 * str.isdigit(), the Unicode \W of re.split, difflib's quick_ratio.
 * Unicode data comes from utf8proc, so characters newer than its tables
 * behave as unassigned ones.  The copies made of a password are wiped
 * (apr_crypto_memzero) when done.
 */
#include "validate.h"

#include <apr_crypto.h>

#include <utf8proc.h>

#include <stdlib.h>
#include <string.h>

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
    return acc_password_validate_in(p, pol, password, user, NULL);
}

/* "%(min_length)d" of a message, formatted. */
static const char *with_min(apr_pool_t *p, const char *fmt, int min)
{
    static const char *const names[1] = {"min_length"};
    const char *values[1];

    values[0] = apr_itoa(p, min);
    return acc_i18n_format(p, fmt, names, values, 1);
}

apr_array_header_t *acc_password_validate_in(apr_pool_t *p,
                                             const acc_pwpolicy_t *pol,
                                             const char *password,
                                             const acc_user_attrs_t *user,
                                             const acc_i18n_lang_t *lang)
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
        static const char *const verbose[] = {N_("username"), N_("first name"),
                                              N_("last name"),
                                              N_("email address")};
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
                static const char *const names[1] = {"verbose_name"};
                const char *values[1];
                values[0] = acc_i18n_gettext(lang, verbose[i]);
                APR_ARRAY_PUSH(errs, const char *) = acc_i18n_format(
                    p,
                    acc_i18n_gettext(lang,
                                     N_("The password is too similar to the "
                                        "%(verbose_name)s.")),
                    names, values, 1);
                break;
            }
        }
        apr_crypto_memzero(low, 2 * n * sizeof(*low));
    }
    if ((pol->validators & ACC_PWV_MINLENGTH) && pol->min_length > 0 &&
        n < (apr_size_t)pol->min_length) {
        APR_ARRAY_PUSH(errs, const char *) = with_min(
            p,
            acc_i18n_ngettext(
                lang,
                NP_("This password is too short. It must contain at least "
                    "%(min_length)d character.",
                    "This password is too short. It must contain at least "
                    "%(min_length)d characters."),
                (unsigned long)pol->min_length),
            pol->min_length);
    }
    if ((pol->validators & ACC_PWV_COMMON) &&
        acc_password_is_common(sp, password)) {
        APR_ARRAY_PUSH(errs, const char *) =
            acc_i18n_gettext(lang, N_("This password is too common."));
    }
    if (pol->validators & ACC_PWV_NUMERIC) {
        for (i = 0; i < n && is_digit(cp[i]); i++) {
        }
        if (n > 0 && i == n) {
            APR_ARRAY_PUSH(errs, const char *) = acc_i18n_gettext(
                lang, N_("This password is entirely numeric."));
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
    return acc_password_help_in(p, pol, NULL);
}

apr_array_header_t *acc_password_help_in(apr_pool_t *p,
                                         const acc_pwpolicy_t *pol,
                                         const acc_i18n_lang_t *lang)
{
    apr_array_header_t *help = apr_array_make(p, 4, sizeof(const char *));

    if (pol == NULL) {
        pol = &default_policy;
    }
    if (pol->validators & ACC_PWV_SIMILARITY) {
        APR_ARRAY_PUSH(help, const char *) = acc_i18n_gettext(
            lang, N_("Your password can\xe2\x80\x99t be too similar to your "
                     "other personal information."));
    }
    if (pol->validators & ACC_PWV_MINLENGTH) {
        APR_ARRAY_PUSH(help, const char *) = with_min(
            p,
            acc_i18n_ngettext(
                lang,
                NP_("Your password must contain at least %(min_length)d "
                    "character.",
                    "Your password must contain at least %(min_length)d "
                    "characters."),
                (unsigned long)pol->min_length),
            pol->min_length);
    }
    if (pol->validators & ACC_PWV_COMMON) {
        APR_ARRAY_PUSH(help, const char *) = acc_i18n_gettext(
            lang, N_("Your password can\xe2\x80\x99t be a commonly used "
                     "password."));
    }
    if (pol->validators & ACC_PWV_NUMERIC) {
        APR_ARRAY_PUSH(help, const char *) = acc_i18n_gettext(
            lang, N_("Your password can\xe2\x80\x99t be entirely numeric."));
    }
    return help;
}
