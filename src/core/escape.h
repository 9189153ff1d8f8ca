/*
 * src/core/escape.h -- text made safe to print: one line, no terminal
 * controls, tabs free to separate fields.
 *
 * accountsctl prints what web visitors chose (the username of a failed
 * login, a user agent) and whatever else is in the database.  Printed
 * raw, a newline in a username forges a line of `accountsctl log` and an
 * escape sequence reaches the admin's terminal.  So every field is
 * escaped the way httpd's ap_escape_logitem escapes a log item:
 *
 *   newline, CR, tab                  \n  \r  \t
 *   other bytes below 0x20, and 0x7f  \xhh (lower-case hex)
 *   backslash, double quote           \\  \"
 *
 * and, unlike ap_escape_logitem (which escapes every byte above 0x7f),
 * valid UTF-8 stays as it is, so names in any script read as written,
 * except:
 *
 *   C1 controls U+0080..U+009F        \xc2\xhh (their two UTF-8 bytes;
 *                                     some terminals obey them)
 *   each byte that is not part of a valid UTF-8 sequence (stray or
 *   missing continuation bytes, overlong forms, surrogates, beyond
 *   U+10FFFF, 0xF5..0xFF)             \xhh
 *
 * The result is printable, holds no tab, CR or newline, and tells every
 * input apart (the escaping can be undone).
 */
#ifndef ACC_ESCAPE_H
#define ACC_ESCAPE_H

#include "core.h"

/* s escaped as above (NULL reads as ""): s itself when nothing needed
 * escaping, else a new string in p.  Never fails. */
const char *acc_escape_text(apr_pool_t *p, const char *s);

/* Undo httpd's ap_escape_logitem (which the module applies to a user
 * agent before it stores it): \b \n \r \t \v \\ \" and \xhh (either case)
 * become their byte again; any other backslash, and \x00, stay as they
 * are.  s itself when it holds no backslash, else a new string in p; NULL
 * reads as "".  The result may be any bytes: escape it again to print. */
const char *acc_unescape_logitem(apr_pool_t *p, const char *s);

/* The n fields, each escaped as above (a NULL field reads as ""), joined
 * with tabs: one line of tab-separated output, in p. */
const char *acc_escape_row(apr_pool_t *p, const char *const *fields, int n);

/* s as a JSON string, quotes included, in p (NULL reads as ""): " and \
 * escaped, control characters (C0, DEL) as \u00XX, a byte that is not
 * part of valid UTF-8 as \ufffd; the rest as it is.  Never fails. */
const char *acc_json_string(apr_pool_t *p, const char *s);

#endif /* ACC_ESCAPE_H */
