/*
 * src/httpd/module.h -- what the glue files share: httpd includes, the
 * module record and the log tag.
 */
#ifndef ACC_MOD_ACCOUNTS_H
#define ACC_MOD_ACCOUNTS_H

#include <httpd.h>
#include <http_config.h>
#include <http_core.h>
#include <http_log.h>
#include <http_protocol.h>
#include <http_request.h>
#include <apr_dbd.h>
#include <mod_dbd.h>

#include "core/core.h"

/* The one symbol the module exports (everything else is hidden). */
extern module __attribute__((visibility("default")))
AP_MODULE_DECLARE_DATA accounts_module;

#ifdef APLOG_USE_MODULE
APLOG_USE_MODULE(accounts);
#endif

/* Our own message numbers, never httpd's AH ones. */
#define ACC_LOGNO(n) "ACC" #n ": "

/* The handler name for `SetHandler accounts`. */
#define ACC_HANDLER "accounts"

/* The AuthType that makes mod_accounts a location's authentication. */
#define ACC_AUTH_TYPE "Accounts"

/* The request that owns r's state: the first of its internal redirects
 * (they share one pool) and the main request of its subrequests (whose
 * pools end before it does), as ap_dbd_acquire finds it.  What a request
 * keeps for its whole life -- its session, its database connection --
 * lives in this request's pool. */
static inline request_rec *acc_initial_request(request_rec *r)
{
    while (r->main || r->prev) {
        r = r->main ? r->main : r->prev;
    }
    return r;
}

#endif /* ACC_MOD_ACCOUNTS_H */
