/*
 * src/db.h -- the store on mod_dbd's pooled connections.
 */
#ifndef ACC_DB_H
#define ACC_DB_H

#include "mod_accounts.h"
#include "store.h"

typedef enum {
    ACC_DB_OK = 0,
    ACC_DB_DOWN,  /* no connection could be had */
    ACC_DB_SCHEMA /* connected, but the schema is missing or too old */
} acc_db_state_t;

/* Find mod_dbd's functions.  Returns OK, or logs a message that names
 * the LoadModule line to add and returns HTTP_INTERNAL_SERVER_ERROR so
 * httpd refuses to start.  Called from post_config. */
int acc_db_init(apr_pool_t *pconf, server_rec *s);

/* The store for this request (the same one for the whole request, and
 * released with it), or NULL with *state saying why.  A connection that
 * died under the pool (database restarted) is replaced transparently; a
 * schema that is missing or older than this build is logged with what to
 * run.  The schema is checked once per pooled connection. */
acc_store_t *acc_db_store(request_rec *r, acc_db_state_t *state);

/* The same, but with probe set the connection is checked with a round
 * trip even when it was used a moment ago: pages whose answer does not
 * otherwise need the database still say 503 when it is down. */
acc_store_t *acc_db_store_ex(request_rec *r, int probe, acc_db_state_t *state);

/* After a statement failed on the request's store: give that connection
 * back and get another, checked one (or NULL with *state). */
acc_store_t *acc_db_store_again(request_rec *r, acc_db_state_t *state);

#endif /* ACC_DB_H */
