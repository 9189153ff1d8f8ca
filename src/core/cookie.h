/*
 * src/core/cookie.h -- reading a cookie out of a Cookie header.
 *
 * Cookie headers are attacker bytes: this parser reads RFC 6265's
 * "name=value; name2=value2" leniently (as browsers send it), never reads
 * past the end and never allocates more than the header's size.
 */
#ifndef ACC_COOKIE_H
#define ACC_COOKIE_H

#include "core.h"

/* The value of the first cookie called name in header (a Cookie header
 * value, or several joined with "; " or ", "), in p; NULL when absent.
 * Names compare exactly (case-sensitive); whitespace around names and
 * values is dropped; a value in double quotes loses them. */
const char *acc_cookie_get(apr_pool_t *p, const char *header, const char *name);

/* Every value of the cookies called name, in order (const char *, in p):
 * a browser may send several (different paths or a tossed cookie). */
apr_array_header_t *acc_cookie_get_all(apr_pool_t *p, const char *header,
                                       const char *name);

/* 1 when s has exactly len characters of the base64url alphabet
 * [A-Za-z0-9_-]; used to reject malformed session cookies before any
 * lookup. */
int acc_is_base64url(const char *s, apr_size_t len);

#endif /* ACC_COOKIE_H */
