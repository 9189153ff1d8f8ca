/*
 * t/unit/test_i18n.c -- the translations compiled in and choosing a
 * language: lookups (singular and plural, English when missing),
 * Accept-Language as Django's LocaleMiddleware reads it (q-values, order,
 * generic and variant fallbacks, the cookie first, the allowed list), and
 * Django's %(name)s formatting and capfirst.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_strings.h>

#include <string.h>

#include "core/i18n.h"

static apr_pool_t *pool;
static apr_array_header_t *langs;

static int setup(void **state)
{
    (void)state;
    if (apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return -1;
    }
    return acc_i18n_init(pool, &langs) == NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    return 0;
}

static const acc_i18n_lang_t *L(const char *code)
{
    return acc_i18n_find(langs, code);
}

static void test_lookup(void **state)
{
    (void)state;
    /* Django's own French (admin's catalog), and ours. */
    assert_string_equal(acc_i18n_gettext(L("fr"), "Log in"), "Connexion");
    assert_string_equal(acc_i18n_gettext(L("fr"), "Remember me"),
                        "Se souvenir de moi");
    /* English, unknown messages, no language: the msgid. */
    assert_string_equal(acc_i18n_gettext(L("en"), "Log in"), "Log in");
    assert_string_equal(acc_i18n_gettext(L("fr"), "No such message"),
                        "No such message");
    assert_string_equal(acc_i18n_gettext(NULL, "Log in"), "Log in");
    /* Plural forms by each language's rule. */
    assert_non_null(strstr(
        acc_i18n_ngettext(L("fr"),
                          "This password is too short. It must contain at "
                          "least %(min_length)d character.",
                          "This password is too short. It must contain at "
                          "least %(min_length)d characters.",
                          8),
        "caract\xc3\xa8res"));
    assert_string_equal(acc_i18n_ngettext(L("en"), "a", "b", 1), "a");
    assert_string_equal(acc_i18n_ngettext(L("en"), "a", "b", 2), "b");
    assert_string_equal(acc_i18n_ngettext(L("fr"), "a", "b", 0), "b");
    assert_true(acc_i18n_rtl(L("ar")));
    assert_false(acc_i18n_rtl(L("fr")));
    assert_false(acc_i18n_rtl(L("en")));
    /* Codes in any case, '_' for '-'. */
    assert_ptr_equal(L("PT_br"), L("pt-br"));
    assert_null(L("xx"));
    assert_null(L(NULL));
}

static int only_de_fr(const char *code, void *ctx)
{
    (void)ctx;
    return !strcmp(code, "de") || !strcmp(code, "fr");
}

static const char *pick(const char *accept, const char *cookie,
                        int (*ok)(const char *, void *))
{
    const acc_i18n_lang_t *l =
        acc_i18n_negotiate(pool, langs, accept, cookie, ok, NULL, L("en"));
    return l ? l->code : "(none)";
}

static void test_negotiate(void **state)
{
    (void)state;
    assert_string_equal(pick("fr", NULL, NULL), "fr");
    assert_string_equal(pick("fr-CA", NULL, NULL), "fr");
    assert_string_equal(pick("fr-ca,de;q=0.9", NULL, NULL), "fr");
    assert_string_equal(pick("de;q=0.5, fr;q=0.8", NULL, NULL), "fr");
    assert_string_equal(pick("de;q=0.5, fr;q=0.5", NULL, NULL), "de");
    assert_string_equal(pick("fr;q=0, de", NULL, NULL), "de");
    assert_string_equal(pick("xx, *", NULL, NULL), "en");
    assert_string_equal(pick("", NULL, NULL), "en");
    assert_string_equal(pick(NULL, NULL, NULL), "en");
    assert_string_equal(pick("pt-BR", NULL, NULL), "pt-br");
    assert_string_equal(pick("zh", NULL, NULL), "zh-hans");
    /* Malformed q-values drop their entry. */
    assert_string_equal(pick("fr;q=x, de", NULL, NULL), "de");
    assert_string_equal(pick("fr;q=2, de", NULL, NULL), "de");
    /* The cookie first, when we have it. */
    assert_string_equal(pick("fr", "de", NULL), "de");
    assert_string_equal(pick("fr", "xx", NULL), "fr");
    /* Only what the site allows. */
    assert_string_equal(pick("ja, de", NULL, only_de_fr), "de");
    assert_string_equal(pick("ja", "ja", only_de_fr), "en");
    /* A long header is read as far as Django reads it. */
    {
        char *h = apr_palloc(pool, 2000);
        memset(h, ',', 1999);
        h[1999] = '\0';
        memcpy(h + 1990, "fr", 2);
        assert_string_equal(pick(h, NULL, NULL), "en");
    }
}

static void test_format(void **state)
{
    static const char *const names[2] = {"n", "who"};
    static const char *const values[2] = {"3", "Ann"};

    (void)state;
    assert_string_equal(
        acc_i18n_format(pool, "%(n)d codes for %(who)s.", names, values, 2),
        "3 codes for Ann.");
    assert_string_equal(
        acc_i18n_format(pool, "100%% %(x)s %", names, values, 2),
        "100% %(x)s %");
    assert_string_equal(acc_i18n_format(pool, "", names, values, 2), "");
    assert_string_equal(acc_i18n_capfirst(pool, "nom d\xe2\x80\x99utilisateur"),
                        "Nom d\xe2\x80\x99utilisateur");
    assert_string_equal(acc_i18n_capfirst(pool, "\xc3\xa9mile"),
                        "\xc3\x89mile");
    assert_string_equal(acc_i18n_capfirst(pool, ""), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_negotiate),
        cmocka_unit_test(test_format),
    };

    apr_initialize();
    return cmocka_run_group_tests(tests, setup, teardown);
}
