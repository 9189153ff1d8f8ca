/*
 * fuzz/fuzz_validate.c -- libFuzzer target for the username, email and
 * password rules (src/core/validate_fields.c, validate_password.c).
 *
 * The input is checked with acc_utf8_valid.  Without a NUL byte it is
 * split at newlines into password, username, email (the whole input also
 * goes through each rule on its own), then run through every function of
 * validate.h; invalid UTF-8 must be refused, never crash.  A few
 * invariants abort on failure.
 */
#include "core/validate.h"

#include "harness.h"

static void check(int ok)
{
    if (!ok) {
        abort();
    }
}

/* The rules for one string, valid UTF-8 or not. */
static void one(const char *s, int valid)
{
    const char *t, *clean;

    t = acc_strip(pool, s);
    check(strlen(t) <= strlen(s));
    if (valid) {
        check(acc_utf8_valid(t, strlen(t)));
        check(strcmp(acc_strip(pool, t), t) == 0);
    }
    clean = acc_username_clean(pool, s);
    if (valid) {
        check(acc_utf8_valid(clean, strlen(clean)));
        check(acc_utf8_valid(acc_username_key(pool, clean),
                             strlen(acc_username_key(pool, clean))));
    }
    (void)acc_username_check(pool, clean);
    (void)acc_username_check(pool, s);
    (void)acc_email_check(pool, s);
    if (!valid) {
        check(acc_username_check(pool, s) != NULL);
        check(acc_email_check(pool, s) != NULL);
    }
    (void)acc_password_is_common(pool, s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const acc_pwpolicy_t pol = {ACC_PWV_ALL, 8, 0.7};
    acc_user_attrs_t user;
    apr_array_header_t *errs;
    char *s, *part[3], *nl, *rest;
    int valid, i;

    valid = acc_utf8_valid((const char *)data, size);
    if (memchr(data, 0, size) != NULL) {
        check(!valid);
        return 0;
    }
    s = apr_pstrmemdup(pool, (const char *)data, size);
    check(valid == acc_utf8_valid(s, size));
    if (valid) {
        check(acc_utf8_length(s) <= size);
    }
    one(s, valid);

    /* password \n username \n email, the rest of the input is the
     * first and last names */
    rest = apr_pstrdup(pool, s);
    for (i = 0; i < 3; i++) {
        part[i] = rest;
        nl = strchr(rest, '\n');
        if (nl) {
            *nl = '\0';
            rest = nl + 1;
        }
        else {
            rest += strlen(rest);
        }
    }
    user.username = acc_username_clean(pool, part[1]);
    user.email = acc_strip(pool, part[2]);
    user.first_name = rest;
    user.last_name = part[1];
    (void)acc_username_check(pool, user.username);
    (void)acc_email_check(pool, user.email);
    errs = acc_password_validate(pool, &pol, part[0], &user);
    check(errs->nelts <= 4);
    errs = acc_password_validate(pool, &pol, s, NULL);
    check(errs->nelts <= 3);
    (void)acc_password_help(pool, &pol);

    apr_pool_clear(pool);
    return 0;
}
