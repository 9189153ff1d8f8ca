/*
 * src/web/csrf.h -- CSRF protection of every unsafe request to our pages.
 *
 * The secret lives in the `csrftoken` cookie (HttpOnly, SameSite=Lax,
 * Path=/); forms carry a freshly masked token in `csrfmiddlewaretoken`
 * (or scripts send it in X-CSRFToken).  On top of the token, a POST must
 * not come from another site: Sec-Fetch-Site other than same-origin or
 * none, an Origin that is not this site, or (HTTPS, no Origin) a Referer
 * from elsewhere is refused.
 */
#ifndef ACC_WEBCSRF_H
#define ACC_WEBCSRF_H

#include "httpd/module.h"

#define ACC_CSRF_COOKIE "csrftoken"
#define ACC_CSRF_FIELD  "csrfmiddlewaretoken"

/* A masked token for a form on this response, creating the secret (and
 * its cookie) when the browser has none.  NULL only when the OS has no
 * randomness. */
const char *acc_csrf_form_token(request_rec *r);

/* Replace the secret with a new one (at login, as Django's rotate_token). */
void acc_csrf_rotate(request_rec *r);

/* Check an unsafe request.  fields is the parsed form (may be NULL).
 * Returns OK, or HTTP_FORBIDDEN with *why saying what failed (for the log
 * and the 403 page). */
int acc_csrf_verify(request_rec *r, const apr_array_header_t *fields,
                    const char **why);

#endif /* ACC_WEBCSRF_H */
