/*
 * src/web/page_logout.c -- logout/: GET shows a button, POST logs out.
 *
 * Logging out by GET was a CSRF hole (any page could embed the URL);
 * Django 5 made logout POST-only, and so do we.
 */
#include "handler.h"
#include "httpd/db.h"
#include "httpd/render.h"
#include "httpd/session.h"
#include "httpd/sesscache.h"
#include "httpd/throttle.h"
#include "httpd/flash.h"

int acc_page_logout(acc_page_t *pg)
{
    request_rec *r = pg->r;
    const char *next;
    acc_session_t *s = acc_session_peek(r);
    int rc;

    if (pg->form == NULL) {
        acc_tval_t *ctx = acc_render_context(r);
        next = acc_next_param(r, NULL);
        if (next) {
            acc_tval_setstr(ctx, "next", next);
        }
        return acc_page_render(r, "logout.html", ctx, HTTP_OK);
    }
    /* The session's end and its audit row in one statement (one round
     * trip, one commit, which waits for the disk: a logout must not come
     * undone); the session leaves the cache again once that commit is
     * seen (a request that read the row before it cannot have put it
     * back). */
    rc = s ? acc_session_logout(r, pg->store, "logout", s->user->username)
           : acc_session_logout(r, pg->store, NULL, NULL);
    if (rc != OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    if (s) {
        acc_cache_forget(r, s->token_hash);
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      ACC_LOGNO(0060) "user '%s' logged out",
                      ap_escape_logitem(r->pool, s->user->username));
    }
    acc_flash(r, ACC_FLASH_LOGGED_OUT);
    next = acc_next_param(r, pg->form);
    return acc_see_other(r, next ? next : pg->cfg->logout_redirect);
}
