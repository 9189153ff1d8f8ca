/*
 * src/httpd/mail.h -- mail: what pages queue, and the sender inside httpd.
 *
 * A page never builds or sends a message.  It queues a request in the
 * outbox (accounts_mail) with one statement whose cost does not depend
 * on whether the address belongs to anyone, and wakes its process's
 * sender.  The sender, a thread of each httpd child, turns requests into
 * messages (it alone looks the users up, makes the tokens and renders the
 * mail templates) and hands each message to AccountsMailCommand, a
 * sendmail-compatible command fed the whole message on its standard
 * input.  Rows are taken with FOR UPDATE SKIP LOCKED and leased, so any
 * number of processes and servers share one outbox and each message goes
 * once.  A command that fails is tried again after AccountsMailRetry
 * seconds, doubling up to an hour, for a day; then the message is marked
 * failed and logged.  A process looks at a host's queue when it queued
 * something itself, and every AccountsMailInterval seconds once it served
 * that host's accounts pages; `accountsctl mail send` delivers too (with
 * AccountsMailSender Off, it alone does).
 *
 * The same thread does the housekeeping, so that no request ever does:
 * every AccountsHousekeepingInterval it offers to delete expired sessions
 * and old throttle and mail rows (store.h's acc_housekeeping: batches
 * through indexes, one process at a time).
 */
#ifndef ACC_MAIL_H
#define ACC_MAIL_H

#include "module.h"
#include "store/store.h"

/* Mail request kinds. */
#define ACC_MAIL_RESET  "reset"  /* a password reset link, by address */
#define ACC_MAIL_VERIFY "verify" /* a verification link, to a user */
#define ACC_MAIL_RESEND "resend" /* verification links again, by address */

/* Where the links of this request's mail start: AccountsSiteURL, else
 * the scheme, ServerName and port of the host (never the Host header,
 * which a client chooses), and the login URL's folder (never the path
 * the request came by, also the client's); in r->pool. */
const char *acc_mail_base_url(request_rec *r);

/* Queue a mail request (kind above) about recipient and user_id (0 when
 * none) and wake this process's sender.  OK, or HTTP_SERVICE_UNAVAILABLE
 * when the store failed (logged). */
int acc_mail_queue(request_rec *r, acc_store_t *st, const char *kind,
                   const char *recipient, apr_int64_t user_id);

/* This process serves r's host's accounts pages: its sender looks at that
 * host's queue from now on. */
void acc_mail_note_host(request_rec *r);

/* The "extra" a verification token of u is bound to: its verified flag
 * and its current email (either changing ends the link), in p. */
const char *acc_verify_extra(apr_pool_t *p, const acc_user_t *u);

/* The sender (mail_make.c): the request m becomes its messages (none
 * when the address is nobody's); OK, or HTTP_SERVICE_UNAVAILABLE when its
 * users could not be read (it is left for a later turn). */
int acc_mail_expand(server_rec *s, acc_store_t *st, apr_pool_t *p,
                    const acc_mail_row_t *m);

/* child_init: start this process's sender thread. */
void acc_mail_child_init(apr_pool_t *p, server_rec *s);

#endif /* ACC_MAIL_H */
