/*
 * src/core/redirect.h -- the one place that decides whether a `next` URL is
 * safe.
 *
 * A `next` value may only lead to a path on this site.  The check follows
 * Django's url_has_allowed_host_and_scheme and then reads the value the
 * way a browser would (WHATWG URL parsing: "\" is "/", tab and newline are
 * dropped, leading and trailing C0 controls and spaces are stripped), so
 * that nothing a browser would send elsewhere passes.
 */
#ifndef ACC_REDIRECT_H
#define ACC_REDIRECT_H

#include "core.h"

#define ACC_NEXT_MAX 2048

/* 1 when url (a decoded form or query value, NUL-terminated) is safe to
 * redirect to, 0 otherwise.  Safe means: not empty after stripping, at most
 * 2048 bytes, valid UTF-8, no control characters (C0, DEL, C1) or Unicode
 * format/line/paragraph separators anywhere, no scheme (so no http:,
 * javascript:, data:, ...), no host (not starting with // or /\ or \\ or
 * any mix), after the browser-like normalisation above.  Relative paths
 * ("/home/", "home/", "?a=1") are safe; absolute URLs are not, even to this
 * host. */
int acc_next_is_safe(const char *url);

/* Percent-encode s as Django's QueryDict.urlencode(safe="/") does for the
 * `next` parameter of the login redirect: A-Z a-z 0-9 _ . - ~ and / stay,
 * every other byte becomes %XX (uppercase hex).  Result in p. */
const char *acc_url_quote(apr_pool_t *p, const char *s);

/* The value to put in a Location header for a safe url: any byte that may
 * not appear raw in a header or URL (space, non-ASCII, ") is
 * percent-encoded; everything else is kept.  Result in p. */
const char *acc_location_escape(apr_pool_t *p, const char *url);

#endif /* ACC_REDIRECT_H */
