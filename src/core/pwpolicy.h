/*
 * src/core/pwpolicy.h -- the password policy in words: the validator names of
 * AccountsPasswordValidators (and accountsctl's
 * ACCOUNTS_PASSWORD_VALIDATORS), the minimum length's range, and a policy
 * described for a message.
 *
 * One table, so that the directive and the command line take the same
 * words: similarity, length, common, numeric (or Django's class names,
 * UserAttributeSimilarityValidator, MinimumLengthValidator,
 * CommonPasswordValidator, NumericPasswordValidator), all and none, in
 * any case.
 */
#ifndef ACC_PWPOLICY_H
#define ACC_PWPOLICY_H

#include "core.h"
#include "validate.h"

#define ACC_PW_MIN_LENGTH_DEFAULT 8    /* characters, Django's */
#define ACC_PW_MIN_LENGTH_MAX     4096 /* characters */

/* Apply one word to *bits (ACC_PWV_*): "all" sets every bit, "none"
 * clears them, a validator's name adds its bit (so "none common" is
 * common alone).  NULL on success, else a message in p naming the word
 * and the words allowed (*bits unchanged). */
const char *acc_pwv_word(apr_pool_t *p, const char *word, unsigned int *bits);

/* The validators named by a list of words separated by whitespace or
 * commas, applied in order to 0.  NULL on success (with *bits), else a
 * message in p: an unknown word, or no word at all. */
const char *acc_pwv_list(apr_pool_t *p, const char *words, unsigned int *bits);

/* *len = s as a minimum length: digits only, 1 to ACC_PW_MIN_LENGTH_MAX.
 * Returns 0, or -1 (*len unchanged) when s is anything else. */
int acc_pw_min_length_parse(const char *s, int *len);

/* The policy for a message, in p: "min length 8; validators: similarity,
 * length, common, numeric" (the minimum only when the length validator
 * runs), "validators: common", "validators: none". */
const char *acc_pwpolicy_describe(apr_pool_t *p, const acc_pwpolicy_t *pol);

#endif /* ACC_PWPOLICY_H */
