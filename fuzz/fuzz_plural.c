/*
 * fuzz/fuzz_plural.c -- libFuzzer target: gettext Plural-Forms headers.
 *
 * Input: any bytes, read up to the first NUL as the header.  Checks that
 * the parser either refuses it with a message, printable ASCII only (it
 * goes to the log), and no result, or gives a result with 1 to
 * ACC_PLURAL_NPLURALS_MAX forms whose form for every n tried is one of
 * them, the same each time it is asked.  ASan and UBSan watch the parser
 * on what no catalog holds (the limits, odd bytes, unbalanced input) and
 * the evaluator on what a header can make it do (wrapping, division by
 * zero, deep stacks).
 */
#include "core/plural.h"

#include "harness.h"

#include <limits.h>

static const unsigned long ns[] = {0, 1, 2, 5, 11, 21, 101, 1000001, ULONG_MAX};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    acc_plural_t *pl = NULL;
    const char *err, *m;
    char *s;
    size_t i;
    int count, k;

    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }
    err = acc_plural_parse(pool, s, &pl);
    if (err != NULL) {
        if (pl != NULL || *err == '\0') {
            abort();
        }
        for (m = err; *m; m++) {
            if ((unsigned char)*m < 0x20 || (unsigned char)*m > 0x7e) {
                abort();
            }
        }
    }
    else {
        count = acc_plural_count(pl);
        if (pl == NULL || count < 1 || count > ACC_PLURAL_NPLURALS_MAX) {
            abort();
        }
        for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
            k = acc_plural_index(pl, ns[i]);
            if (k < 0 || k >= count || acc_plural_index(pl, ns[i]) != k) {
                abort();
            }
        }
    }
    free(s);
    apr_pool_clear(pool);
    return 0;
}
