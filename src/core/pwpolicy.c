/*
 * src/core/pwpolicy.c -- the password policy in words (see pwpolicy.h).
 */
#include "pwpolicy.h"

#include <string.h>
#include <strings.h>

/* In Django's order, which is the order the validators run in. */
static const struct {
    const char *name;
    const char *django;
    unsigned int bit;
} validators[] = {
    {"similarity", "UserAttributeSimilarityValidator", ACC_PWV_SIMILARITY},
    {"length", "MinimumLengthValidator", ACC_PWV_MINLENGTH},
    {"common", "CommonPasswordValidator", ACC_PWV_COMMON},
    {"numeric", "NumericPasswordValidator", ACC_PWV_NUMERIC},
};
#define NVALIDATORS (sizeof(validators) / sizeof(validators[0]))

const char *acc_pwv_word(apr_pool_t *p, const char *word, unsigned int *bits)
{
    apr_size_t i;

    if (strcasecmp(word, "all") == 0) {
        *bits = ACC_PWV_ALL;
        return NULL;
    }
    if (strcasecmp(word, "none") == 0) {
        *bits = 0;
        return NULL;
    }
    for (i = 0; i < NVALIDATORS; i++) {
        if (strcasecmp(word, validators[i].name) == 0 ||
            strcasecmp(word, validators[i].django) == 0) {
            *bits |= validators[i].bit;
            return NULL;
        }
    }
    return apr_psprintf(p,
                        "unknown validator '%s' (use similarity, length, "
                        "common, numeric, all or none)",
                        word);
}

const char *acc_pwv_list(apr_pool_t *p, const char *words, unsigned int *bits)
{
    static const char seps[] = " \t\r\n\v\f,";
    unsigned int b = 0;
    const char *w = words ? words : "", *err;
    apr_size_t n;
    int seen = 0;

    for (;;) {
        w += strspn(w, seps);
        if (*w == '\0') {
            break;
        }
        n = strcspn(w, seps);
        if ((err = acc_pwv_word(p, apr_pstrmemdup(p, w, n), &b)) != NULL) {
            return err;
        }
        seen = 1;
        w += n;
    }
    if (!seen) {
        return "no validator named (use similarity, length, common, "
               "numeric, all or none)";
    }
    *bits = b;
    return NULL;
}

int acc_pw_min_length_parse(const char *s, int *len)
{
    int v = 0;
    const char *c;

    if (s == NULL || *s == '\0') {
        return -1;
    }
    for (c = s; *c; c++) {
        if (*c < '0' || *c > '9') {
            return -1;
        }
        v = v * 10 + (*c - '0');
        if (v > ACC_PW_MIN_LENGTH_MAX) {
            return -1;
        }
    }
    if (v < 1) {
        return -1;
    }
    *len = v;
    return 0;
}

const char *acc_pwpolicy_describe(apr_pool_t *p, const acc_pwpolicy_t *pol)
{
    const char *names = NULL;
    apr_size_t i;

    for (i = 0; i < NVALIDATORS; i++) {
        if (pol->validators & validators[i].bit) {
            names = names
                        ? apr_pstrcat(p, names, ", ", validators[i].name, NULL)
                        : validators[i].name;
        }
    }
    if (names == NULL) {
        return "validators: none";
    }
    if (pol->validators & ACC_PWV_MINLENGTH) {
        return apr_psprintf(p, "min length %d; validators: %s", pol->min_length,
                            names);
    }
    return apr_pstrcat(p, "validators: ", names, NULL);
}
