/*
 * src/core/plural.h -- gettext's Plural-Forms header: which plural form
 * of a translated message goes with a number.
 *
 * Every .po catalog says how its language chooses among its plural forms
 * with a C expression in n, e.g. "nplurals=2; plural=(n != 1);" or, for
 * Polish, "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 &&
 * n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);".  mod_accounts carries
 * Django's catalogs, so it must read every header they have and give the
 * same form GNU gettext (and Python's gettext, which Django uses) gives.
 *
 * The header is parsed once, at build or startup, into bytecode in the
 * caller's pool; choosing a form then allocates nothing, does not
 * recurse and takes time linear in the expression's length.  The headers
 * are our own shipped data, but the parser is still total and bounded:
 * any bytes give a value or a message, never a crash or a long wait.
 * Pure core: APR only, no globals.
 */
#ifndef ACC_PLURAL_H
#define ACC_PLURAL_H

#include "core.h"

/* Limits acc_plural_parse enforces, far above what Django needs: its
 * longest expression (Breton's) is 299 bytes, its deepest nests 5 levels,
 * and Arabic has the most forms, 6. */
#define ACC_PLURAL_EXPR_MAX     1024 /* bytes of expression */
#define ACC_PLURAL_DEPTH_MAX    64   /* levels of nesting */
#define ACC_PLURAL_NPLURALS_MAX 6

/* A parsed Plural-Forms header: read-only once made, so one may be
 * shared by any number of threads. */
typedef struct acc_plural acc_plural_t;

/* Parse a Plural-Forms value, "nplurals=N; plural=EXPR;", into *out,
 * allocated from p.  Returns NULL on success; otherwise a message saying
 * where and what is wrong, "column N: ..." (N from 1), printable ASCII,
 * in p (static when header or out is NULL), for the build or startup
 * log; *out is then NULL (when out is not NULL).  Scratch space is on
 * the stack (about 16 KB), not in p.
 *
 * The value is nplurals first, then plural, separated by ';'; spaces,
 * tabs, CRs and LFs may come before and after every token, and the final
 * ';' is optional, but nothing else may follow it.  N is a decimal
 * number from 1 to ACC_PLURAL_NPLURALS_MAX.  EXPR is GNU gettext's
 * grammar: the variable n, decimal unsigned integer constants (up to
 * ULONG_MAX), parentheses and C's operators ?: || && == != < > <= >= + -
 * * / % ! with C's precedence and associativity (no unary minus, as in
 * GNU gettext).  At most ACC_PLURAL_EXPR_MAX bytes of expression (from
 * after "plural=" to the ';' or the end) and ACC_PLURAL_DEPTH_MAX levels
 * of nesting, a level being a parenthesis or the middle operand of ?:
 * (a chain of "a ? b : c ? d : e" is not nested; a chain of "!" is not
 * either). */
const char *acc_plural_parse(apr_pool_t *p, const char *header,
                             acc_plural_t **out);

/* nplurals: 1 to ACC_PLURAL_NPLURALS_MAX; 0 for NULL. */
int acc_plural_count(const acc_plural_t *pl);

/* The plural form for n: the expression's value, or 0 when that is
 * nplurals or more (GNU gettext's fallback); so always 0..nplurals-1,
 * and 0 for NULL.  Arithmetic is unsigned long, wrapping, as GNU
 * gettext's; comparisons, !, && and || give 0 or 1, and && || ?:
 * evaluate only the operands they need.  Division or modulo by zero
 * gives 0 (GNU gettext raises SIGFPE).  Allocates nothing and does not
 * recurse (its stack is a 4 KB array). */
int acc_plural_index(const acc_plural_t *pl, unsigned long n);

#endif /* ACC_PLURAL_H */
