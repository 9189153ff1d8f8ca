/*
 * src/core/urlencoded.h -- application/x-www-form-urlencoded bodies.
 *
 * Our own parser (rather than ap_parse_form_data) because the contract
 * needs to tell malformed fields apart: a bad %-escape, invalid UTF-8 or a
 * NUL byte in a field is reported on that field, the rest of the form is
 * still read, and the page answers with the form and an error.
 */
#ifndef ACC_URLFORM_H
#define ACC_URLFORM_H

#include "core.h"

/* Problems found in one field's name or value. */
#define ACC_FIELD_BAD_ESCAPE 0x1 /* "%" not followed by two hex digits */
#define ACC_FIELD_BAD_UTF8   0x2 /* value is not valid UTF-8 */
#define ACC_FIELD_NUL        0x4 /* value holds a NUL byte (%00) */

typedef struct {
    const char *name;  /* decoded, NUL-terminated */
    const char *value; /* decoded, NUL-terminated (may hold NULs: see len) */
    apr_size_t len;    /* bytes in value */
    int flags;         /* ACC_FIELD_* for this field */
} acc_field_t;

/* Parse body[0..len) ("+" is a space, %XX a byte, fields split on "&",
 * empty pieces skipped, a piece without "=" is a name with an empty
 * value).  Returns an array of acc_field_t in order of appearance, in p.
 * Never fails: problems are flagged per field. */
apr_array_header_t *acc_urlform_parse(apr_pool_t *p, const char *body,
                                      apr_size_t len);

/* The last field called name (Django's QueryDict.get: the last value
 * wins), or NULL; *count (if not NULL) gets how many there were. */
const acc_field_t *acc_urlform_get(const apr_array_header_t *fields,
                                   const char *name, int *count);

#endif /* ACC_URLFORM_H */
