/*
 * src/core/names.h -- what a group name or a permission codename may be.
 *
 * The module carries a user's groups and permissions in its session rows
 * separated by \x1f (ACC_LIST_SEP), forwards the groups in the
 * X-Remote-Groups header separated by ",", and reads the names wanted
 * from `Require account-group` and `Require account-perm` lines.  A name
 * holding a separator, a line break or a control character would match
 * the wrong group, break the header, or never be matched at all, so
 * accountsctl refuses such names before they reach the database:
 *
 *   both: valid UTF-8; no control character (C0 U+0000..U+001F, DEL,
 *         C1 U+0080..U+009F); no ","; no whitespace at either end
 *         (Python's str.isspace(), as acc_strip)
 *   groups: 1 to ACC_GROUP_NAME_MAX characters (the column's size); a
 *         space inside is fine (quote it on a Require line)
 *   permissions: 1 to ACC_PERM_NAME_MAX characters, and no whitespace
 *         anywhere (`Require account-perm a b` names two permissions)
 */
#ifndef ACC_NAMES_H
#define ACC_NAMES_H

#include "core.h"

#define ACC_GROUP_NAME_MAX 150 /* characters */
#define ACC_PERM_NAME_MAX  100 /* characters */

/* NULL when name may be a group's name, else why not: one line for the
 * person who typed it, in p (it never quotes the name back). */
const char *acc_group_name_check(apr_pool_t *p, const char *name);

/* NULL when name may be a permission's codename, else why not, as
 * acc_group_name_check. */
const char *acc_perm_name_check(apr_pool_t *p, const char *name);

#endif /* ACC_NAMES_H */
