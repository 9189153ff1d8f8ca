/*
 * src/core/names.c -- what a group name or a permission codename may be (see
 * names.h).
 */
#include "names.h"
#include "validate.h"

#include <string.h>

/* The code point at s, which is valid UTF-8; returns its length. */
static apr_size_t next_cp(const unsigned char *s, int32_t *c)
{
    if (s[0] < 0x80) {
        *c = s[0];
        return 1;
    }
    if (s[0] < 0xE0) {
        *c = (s[0] & 0x1F) << 6 | (s[1] & 0x3F);
        return 2;
    }
    if (s[0] < 0xF0) {
        *c = (s[0] & 0x0F) << 12 | (s[1] & 0x3F) << 6 | (s[2] & 0x3F);
        return 3;
    }
    *c = (s[0] & 0x07) << 18 | (s[1] & 0x3F) << 12 | (s[2] & 0x3F) << 6 |
         (s[3] & 0x3F);
    return 4;
}

/* The rules of names.h for names of `what`, at most max characters;
 * inner_space says whether whitespace may appear inside. */
static const char *check(apr_pool_t *p, const char *name, const char *what,
                         apr_size_t max, int inner_space)
{
    const unsigned char *u = (const unsigned char *)name;
    apr_size_t len, n, i;
    int32_t c, first, last = 0;

    if (name == NULL || *name == '\0') {
        return apr_psprintf(p, "%s names cannot be empty", what);
    }
    len = strlen(name);
    if (!acc_utf8_valid(name, len)) {
        return apr_psprintf(p, "%s names must be valid UTF-8", what);
    }
    n = acc_utf8_length(name);
    if (n > max) {
        return apr_psprintf(p,
                            "%s names have at most %" APR_SIZE_T_FMT
                            " characters (this one has %" APR_SIZE_T_FMT ")",
                            what, max, n);
    }
    for (i = 0; i < len;) {
        i += next_cp(u + i, &c);
        if (c < 0x20 || (c >= 0x7F && c < 0xA0)) {
            return apr_psprintf(p,
                                "%s names cannot contain control characters "
                                "(found U+%04X)",
                                what, (unsigned int)c);
        }
        if (c == ',') {
            return apr_psprintf(p,
                                "%s names cannot contain ',' (lists of "
                                "names, as in X-Remote-Groups, are "
                                "comma-separated)",
                                what);
        }
        if (!inner_space && acc_is_space(c)) {
            return apr_psprintf(p,
                                "%s names cannot contain whitespace (found "
                                "U+%04X): Require account-perm separates "
                                "names with spaces",
                                what, (unsigned int)c);
        }
        last = c;
    }
    next_cp(u, &first);
    if (acc_is_space(first) || acc_is_space(last)) {
        return apr_psprintf(p, "%s names cannot begin or end with whitespace",
                            what);
    }
    return NULL;
}

const char *acc_group_name_check(apr_pool_t *p, const char *name)
{
    return check(p, name, "group", ACC_GROUP_NAME_MAX, 1);
}

const char *acc_perm_name_check(apr_pool_t *p, const char *name)
{
    return check(p, name, "permission", ACC_PERM_NAME_MAX, 0);
}
