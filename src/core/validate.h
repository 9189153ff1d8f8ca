/*
 * src/core/validate.h -- Django's field rules: username, email, passwords.
 *
 * The username and email rules are in validate_fields.c, the four
 * password validators in validate_password.c.
 *
 * Messages are Django's, word for word (see the README).  Unicode work
 * (NFKC, categories, case folding) uses utf8proc; what valid UTF-8 is,
 * and counting code points, is utf8.h's (included here: these rules are
 * stated in its terms, and their callers check input with it).  Every
 * function takes UTF-8; input that is not valid UTF-8 is reported as such
 * and never crashes.
 */
#ifndef ACC_VALIDATE_H
#define ACC_VALIDATE_H

#include "core.h"
#include "utf8.h"
#include "i18n.h"

#define ACC_USERNAME_MAX 150 /* characters */
#define ACC_EMAIL_MAX    254 /* characters, the model column */
#define ACC_NAME_MAX     150 /* first_name, last_name */

/* Django's UsernameField.to_python: strip surrounding Unicode whitespace,
 * then NFKC-normalise (skipped when the stripped value is already longer
 * than 150 characters).  Result in p.  The input must be valid UTF-8. */
const char *acc_username_clean(apr_pool_t *p, const char *raw);

/* Check a cleaned username: required, at most 150 characters, only
 * letters, digits and @ . + - _ (Unicode letters and digits allowed, as
 * Python's \w).  Returns NULL when valid, else Django's message (in p):
 *   "This field is required."
 *   "Ensure this value has at most 150 characters (it has N)."
 *   "Enter a valid username. This value may contain only letters,
 *    numbers, and @/./+/-/_ characters."                               */
const char *acc_username_check(apr_pool_t *p, const char *name);

/* The same, its message in lang (NULL: English).  So are the other _in
 * functions below. */
const char *acc_username_check_in(apr_pool_t *p, const char *name,
                                  const acc_i18n_lang_t *lang);

/* The key under which usernames are unique: NFKC case-folded (so "Alice",
 * "ALICE" and "ａｌｉｃｅ" share one key).  Result in p. */
const char *acc_username_key(apr_pool_t *p, const char *name);

/* Check an email address (already stripped; empty means "not given" and is
 * the caller's business).  Returns NULL when valid, else a message in p:
 *   "Ensure this value has at most 254 characters (it has N)."
 *   "Enter a valid email address."  (Django's EmailValidator rules) */
const char *acc_email_check(apr_pool_t *p, const char *email);
const char *acc_email_check_in(apr_pool_t *p, const char *email,
                               const acc_i18n_lang_t *lang);

/* Which password validators run (AccountsPasswordValidators). */
#define ACC_PWV_SIMILARITY 0x1 /* UserAttributeSimilarityValidator */
#define ACC_PWV_MINLENGTH  0x2 /* MinimumLengthValidator */
#define ACC_PWV_COMMON     0x4 /* CommonPasswordValidator */
#define ACC_PWV_NUMERIC    0x8 /* NumericPasswordValidator */
#define ACC_PWV_ALL        0xf

typedef struct {
    unsigned int validators; /* ACC_PWV_* bits */
    int min_length;          /* characters, default 8 */
    double max_similarity;   /* default 0.7 */
} acc_pwpolicy_t;

/* The user attributes the similarity validator compares with; any may be
 * NULL or empty. */
typedef struct {
    const char *username;
    const char *first_name;
    const char *last_name;
    const char *email;
} acc_user_attrs_t;

/* Run the enabled validators in Django's order (similarity, minimum
 * length, common, numeric) and return every failure's message (const
 * char *, in p), in that order; an empty array when the password passes.
 * Messages:
 *   "The password is too similar to the username." (also "first name",
 *      "last name", "email address")
 *   "This password is too short. It must contain at least 8 characters."
 *      ("1 character." when min is 1)
 *   "This password is too common."
 *   "This password is entirely numeric."                                */
apr_array_header_t *acc_password_validate(apr_pool_t *p,
                                          const acc_pwpolicy_t *pol,
                                          const char *password,
                                          const acc_user_attrs_t *user);
apr_array_header_t *acc_password_validate_in(apr_pool_t *p,
                                             const acc_pwpolicy_t *pol,
                                             const char *password,
                                             const acc_user_attrs_t *user,
                                             const acc_i18n_lang_t *lang);

/* The enabled validators' help texts (const char *, in p), Django's words:
 *   "Your password can’t be too similar to your other personal
 *    information.", "Your password must contain at least 8 characters.",
 *   "Your password can’t be a commonly used password.",
 *   "Your password can’t be entirely numeric."                          */
apr_array_header_t *acc_password_help(apr_pool_t *p, const acc_pwpolicy_t *pol);
apr_array_header_t *acc_password_help_in(apr_pool_t *p,
                                         const acc_pwpolicy_t *pol,
                                         const acc_i18n_lang_t *lang);

/* 1 when lowercased, stripped pw is in Django's common-password list. */
int acc_password_is_common(apr_pool_t *p, const char *pw);

/* Django's list, sorted bytewise, lower case (src/core/common_passwords.c,
 * generated at build time from data/common-passwords.txt.gz). */
extern const char *const acc_common_passwords[];
extern const apr_size_t acc_common_passwords_count;

#endif /* ACC_VALIDATE_H */
