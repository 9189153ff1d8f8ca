/*
 * src/httpd/guard.h -- the guard: AccountsLoginRequired, AuthType Accounts, the
 * identity handed to what is behind.
 */
#ifndef ACC_GUARD_H
#define ACC_GUARD_H

#include "module.h"

/* check_access hook.  For a location with AccountsLoginRequired On: a live
 * session sets r->user (and AUTH_TYPE Accounts) and marks the response
 * private; an anonymous navigation gets 302 to the login URL with `next`;
 * an anonymous XHR/API request gets 401 with a small JSON body; a database
 * that cannot be asked gets 503 (never an open door). */
int acc_guard_access(request_rec *r);

/* check_authn hook for `AuthType Accounts`: a live session is the
 * authenticated user (then httpd's Require lines decide), else the same
 * answers as the access hook. */
int acc_guard_authn(request_rec *r);

/* post_read_request hook: remove X-Remote-User, X-Remote-Email and
 * X-Remote-Groups (any case, '-' or '_') from every request, so a client
 * can never forge what AccountsForwardHeaders sends. */
int acc_strip_identity_headers(request_rec *r);

/* The answer to an anonymous request for a login-required page: 302 to
 * AccountsLoginURL?next=<the request's path and query>, or 401 with JSON
 * for scripts; with Vary: Cookie and no-store.  Returns the status. */
int acc_guard_anonymous(request_rec *r);

/* translate_name hook, run after mod_alias and mod_rewrite (so a site's
 * own Alias or RewriteRule for it wins): /.well-known/change-password
 * redirects (302) to the password change page, as password managers
 * expect. */
int acc_well_known(request_rec *r);

/* note_auth_failure hook for AuthType Accounts: mod_authz_core's final
 * refusal of a logged-in user (of the session's user) is noted. */
int acc_guard_note_failure(request_rec *r, const char *type);

/* insert_error_filter hook: the error response to a refusal noted above
 * goes through our filter, which makes it 403 with our page (not 401,
 * which would invite a new login). */
void acc_guard_error(request_rec *r);

/* register_hooks: that filter. */
void acc_guard_register_filters(void);

/* 1 when the request is from a script (X-Requested-With: XMLHttpRequest,
 * Sec-Fetch-Mode: cors, or an Accept that prefers JSON to HTML). */
int acc_wants_json(request_rec *r);

/* The session was refused for want of a recent second factor (Require
 * account-mfa): a final refusal then sends it to login/mfa/ and back,
 * not to the 403 page. */
void acc_guard_note_stepup(request_rec *r);

#endif /* ACC_GUARD_H */
