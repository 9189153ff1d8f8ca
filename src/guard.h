/*
 * src/guard.h -- the access hook: AccountsLoginRequired.
 */
#ifndef ACC_GUARD_H
#define ACC_GUARD_H

#include "mod_accounts.h"

/* check_access hook.  For a location with AccountsLoginRequired On: a live
 * session sets r->user (and AUTH_TYPE Accounts) and marks the response
 * private; an anonymous navigation gets 302 to the login URL with `next`;
 * an anonymous XHR/API request gets 401 with a small JSON body; a database
 * that cannot be asked gets 503 (never an open door). */
int acc_guard_access(request_rec *r);

/* 1 when the request is from a script (X-Requested-With: XMLHttpRequest,
 * Sec-Fetch-Mode: cors, or an Accept that prefers JSON to HTML). */
int acc_wants_json(request_rec *r);

#endif /* ACC_GUARD_H */
