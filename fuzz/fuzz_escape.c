/*
 * fuzz/fuzz_escape.c -- libFuzzer target: what accountsctl prints and
 * what it takes from its command line.
 *
 * Input: any bytes, read up to the first NUL as a C string.  Checks that
 * the escaped text is valid UTF-8 with no control character (C0, DEL, C1)
 * and so no tab or line break, that unescaping it gives the input back,
 * that a name the permission rules accept the group rules accept too,
 * and that no accepted name holds a ',' or a control byte.  The
 * connection-string reader only has to come back.
 */
#include "core/conninfo.h"
#include "core/escape.h"
#include "core/names.h"
#include "core/validate.h"

#include "harness.h"

/* 1 when s holds a control byte, or a C1 control's UTF-8 (C2 80..9F). */
static int has_control(const unsigned char *s)
{
    for (; *s; s++) {
        if (*s < 0x20 || *s == 0x7F ||
            (s[0] == 0xC2 && s[1] >= 0x80 && s[1] < 0xA0)) {
            return 1;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *esc, *group_why, *perm_why;
    char *s;

    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }

    esc = acc_escape_text(pool, s);
    if (!acc_utf8_valid(esc, strlen(esc)) ||
        has_control((const unsigned char *)esc)) {
        abort();
    }
    if (strcmp(acc_unescape_logitem(pool, esc), s) != 0) {
        abort();
    }

    group_why = acc_group_name_check(pool, s);
    perm_why = acc_perm_name_check(pool, s);
    if (perm_why == NULL && group_why != NULL) {
        abort();
    }
    if (group_why == NULL &&
        (strchr(s, ',') || has_control((const unsigned char *)s))) {
        abort();
    }

    (void)acc_conninfo_has_password(pool, s);

    apr_pool_clear(pool);
    free(s);
    return 0;
}
