/*
 * src/web/form.h -- reading a form body: size limits, content type, fields.
 */
#ifndef ACC_FORM_H
#define ACC_FORM_H

#include "httpd/module.h"
#include "core/urlencoded.h"

/* Read and parse the request body as a urlencoded form of at most max
 * bytes.  Returns OK with *fields (acc_field_t, in r->pool), or
 * HTTP_REQUEST_ENTITY_TOO_LARGE when the body is larger,
 * HTTP_REQUEST_TIME_OUT when it stalled past httpd's Timeout, or
 * HTTP_BAD_REQUEST when it is not application/x-www-form-urlencoded or
 * cannot be read whole; *why gets the sentence for the error page. */
int acc_form_read(request_rec *r, apr_off_t max, apr_array_header_t **fields,
                  const char **why);

/* The value of field name, as a C string: "" when missing.  When the
 * field is malformed (bad %-escape, invalid UTF-8, a NUL byte) *err gets
 * the message to show next to it and "" is returned; otherwise *err is
 * NULL. */
const char *acc_form_value(const apr_array_header_t *fields, const char *name,
                           const char **err);

#endif /* ACC_FORM_H */
