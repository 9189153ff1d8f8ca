/*
 * src/web/handler.h -- the `accounts` handler: dispatch to one file per page.
 */
#ifndef ACC_HANDLER_H
#define ACC_HANDLER_H

#include "httpd/module.h"
#include "httpd/config.h"
#include "store/store.h"
#include "core/template/template.h"

/* What a page gets: the request, its configuration, the store (already
 * checked) and the parsed form of a POST (CSRF already verified).  The
 * store is the database connection the request holds; a page that waits
 * for something else (a password hash slot) gives it back first with
 * acc_page_release and takes one again with acc_page_store. */
typedef struct {
    request_rec *r;
    acc_srv_cfg_t *cfg;
    acc_store_t *store;       /* NULL while the page holds no connection */
    apr_array_header_t *form; /* NULL for GET/HEAD */
} acc_page_t;

/* The handler hook. */
int acc_handler(request_rec *r);

/* acc_render for a page with a form: its context gets the CSRF token the
 * form carries.  Returns like acc_render. */
int acc_page_render(request_rec *r, const char *name, acc_tval_t *ctx,
                    int status);

/* Give the page's database connection back (pg->store becomes NULL). */
void acc_page_release(acc_page_t *pg);

/* Take a database connection for the page again: 1 with pg->store set;
 * else 0, with the 503 page sent and *rc what the page returns. */
int acc_page_store(acc_page_t *pg, int *rc);

/* Answer 303 See Other to url (relative or absolute). */
int acc_see_other(request_rec *r, const char *url);

/* The safe `next` of this request (POST field, else query), or NULL. */
const char *acc_next_param(request_rec *r, const apr_array_header_t *form);

/* Pages: each handles GET (render) and POST (validate, act). */
int acc_page_register(acc_page_t *pg);
int acc_page_login(acc_page_t *pg);
int acc_page_logout(acc_page_t *pg);

/* A list value of messages for a template (const char * array). */
acc_tval_t *acc_tval_messages(apr_pool_t *p, const apr_array_header_t *msgs);

#endif /* ACC_HANDLER_H */
