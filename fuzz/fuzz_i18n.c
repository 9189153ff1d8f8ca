/*
 * fuzz/fuzz_i18n.c -- libFuzzer target: what a visitor chooses a
 * language with (an Accept-Language header, a django_language cookie)
 * and Django's %(name)s formatting of a message.
 *
 * Invariants: a language is always chosen (the default when nothing
 * fits) and is one we have; formatting a string with no '%' gives it
 * back unchanged; formatting never reads past the string.
 */
#include "core/i18n.h"

#include "harness.h"

#include <apr_strings.h>

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static apr_array_header_t *langs;
    static apr_pool_t *lp; /* the languages': kept across inputs */
    static const char *const names[2] = {"n", "username"};
    static const char *const values[2] = {"8", "ann"};
    const acc_i18n_lang_t *en, *l;
    const char *f;
    char *s;

    if (langs == NULL && (apr_pool_create(&lp, NULL) != APR_SUCCESS ||
                          acc_i18n_init(lp, &langs) != NULL)) {
        abort();
    }
    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }
    en = acc_i18n_find(langs, "en");
    l = acc_i18n_negotiate(pool, langs, s, NULL, NULL, NULL, en);
    if (l == NULL || acc_i18n_find(langs, l->code) != l) {
        abort();
    }
    l = acc_i18n_negotiate(pool, langs, "fr", s, NULL, NULL, en);
    if (l == NULL) {
        abort();
    }
    f = acc_i18n_format(pool, s, names, values, 2);
    if (strchr(s, '%') == NULL && strcmp(f, s) != 0) {
        abort();
    }
    (void)acc_i18n_capfirst(pool, s);
    apr_pool_clear(pool);
    free(s);
    return 0;
}
