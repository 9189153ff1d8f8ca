/*
 * src/core/names.c -- what a group name or a permission codename may be (see
 * names.h).
 */
#include "names.h"
#include "utf8.h"

#include <string.h>

/* The rules of names.h for names of `what`, at most max characters;
 * inner_space says whether whitespace may appear inside. */
static const char *check(apr_pool_t *p, const char *name, const char *what,
                         apr_size_t max, int inner_space)
{
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
        i += acc_utf8_next(name + i, len - i, &c);
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
    acc_utf8_next(name, len, &first);
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
