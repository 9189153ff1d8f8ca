/*
 * src/web/page_verify.c -- email verification: verify/<uidb64>/<token>/
 * (the link mailed at registration and on an email change),
 * verify/resend/ (another link, asked for by address) and verify/sent/.
 *
 * A link is a token (token.h) with its own salt, bound to the address it
 * verifies and to the user's verified flag and email as they were: once
 * followed -- or once the address changes again -- it is dead.  It works
 * for AccountsPasswordResetTimeout, like a reset link.  Following it is a
 * GET, as people expect of a link in a mail; what it does is idempotent
 * and only proves the mailbox got the mail.
 */
#include "handler.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/mail.h"
#include "httpd/render.h"
#include "core/token.h"

#include <apr_strings.h>

int acc_page_verify(acc_page_t *pg)
{
    request_rec *r = pg->r;
    const char *uid = APR_ARRAY_IDX(pg->args, 0, const char *);
    const char *token = APR_ARRAY_IDX(pg->args, 1, const char *);
    acc_tval_t *ctx;
    acc_user_t *u;
    const char *email;
    int rc;

    rc = acc_page_token_check(pg, ACC_TOKEN_SALT_VERIFY, uid, token,
                              pg->cfg->reset_timeout, &u);
    if (rc != OK) {
        return rc;
    }
    ctx = acc_render_context(r);
    if (u == NULL) {
        acc_tval_setbool(ctx, "validlink", 0);
        return acc_page_render(r, "verify.html", ctx, HTTP_OK);
    }
    email = *u->pending_email ? u->pending_email : u->email;
    if (acc_user_verify(pg->store, r->pool, u->id, email) != ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    acc_audit(r, pg->store, "email_verified", u->username);
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                  ACC_LOGNO(0220) "user '%s' verified their email address",
                  ap_escape_logitem(r->pool, u->username));
    acc_tval_setbool(ctx, "validlink", 1);
    acc_tval_setstr(ctx, "email", email);
    return acc_page_render(r, "verify.html", ctx, HTTP_OK);
}

int acc_page_verify_resend(acc_page_t *pg)
{
    return acc_page_mail_request(pg, ACC_MAIL_RESEND, "verify_resend.html",
                                 "verify/sent/", "verify_resend");
}

int acc_page_verify_sent(acc_page_t *pg)
{
    return acc_page_plain(pg, "verify_sent.html");
}
