/*
 * src/httpd/db.h -- the store on mod_dbd's pooled connections.
 *
 * A request holds at most one connection (shared with its subrequests and
 * internal redirects, as ap_dbd_acquire does), and holds it only while it
 * runs statements: pages give it back before they wait for a password
 * hash slot and take one again after, the guard gives it back as soon as
 * the session is known.  A slow client (a body arriving byte by byte, a
 * download read slowly) therefore never keeps a connection from others.
 * Taking one waits for a free connection at most AccountsDBWait seconds.
 */
#ifndef ACC_DB_H
#define ACC_DB_H

#include "module.h"
#include "store/store.h"

typedef enum {
    ACC_DB_OK = 0,
    ACC_DB_DOWN,   /* no connection could be had */
    ACC_DB_SCHEMA, /* connected, but the schema is missing or too old */
    ACC_DB_BUSY    /* every connection stayed taken for AccountsDBWait */
} acc_db_state_t;

/* Find mod_dbd's functions.  Returns OK, or logs a message that names
 * the LoadModule line to add and returns HTTP_INTERNAL_SERVER_ERROR so
 * httpd refuses to start.  Called from check_config. */
int acc_db_init(apr_pool_t *pconf, server_rec *s);

/* The store on the connection the request holds, taking one when it holds
 * none (the connection is given back by acc_db_release, or when the
 * request ends).  NULL with *state saying why; on ACC_DB_BUSY a
 * Retry-After header is set.  The pointer is good until the request gives
 * the connection back: never keep it across acc_db_release or
 * acc_db_store_again.  A connection that died under the pool (database
 * restarted) is replaced transparently: a connection taken from the pool
 * is asked "SELECT 1" first when it idled more than 2 s or when something
 * arrived on it while it idled (a server going away says so and closes,
 * which a poll() sees), so pages whose answer does not otherwise need the
 * database still say 503 when it is down, and a busy site pays no round
 * trip for it.  A schema that is missing or older than this build is
 * logged with what to run.  The schema is checked once per pooled
 * connection. */
acc_store_t *acc_db_store(request_rec *r, acc_db_state_t *state);

/* 1 when the request holds a connection now. */
int acc_db_held(request_rec *r);

/* Answer 503 with our page (503.html) saying why the database cannot
 * be had -- ACC_DB_DOWN: temporarily unavailable; ACC_DB_SCHEMA: the
 * schema needs `accountsctl migrate`; ACC_DB_BUSY: busy -- with
 * Retry-After.  The one message and page for every such answer.  Returns
 * what a handler returns (acc_render_error's result). */
int acc_db_unavailable(request_rec *r, acc_db_state_t why);

/* Give the request's connection back now (nothing when it holds none).
 * Every store pointer obtained before is dead from here on. */
void acc_db_release(request_rec *r);

/* After a statement failed on the request's store: give that connection
 * back and take another, probed one (or NULL with *state).  The failed
 * store pointer is dead from here on. */
acc_store_t *acc_db_store_again(request_rec *r, acc_db_state_t *state);

/* Outside requests (the mail sender's thread): a connection of server
 * s's pool, through the same gate, with our statements prepared on it;
 * NULL (logged) when none can be had.  Its mod_dbd bookkeeping is in p,
 * which must outlive acc_db_server_release(*conn). */
typedef struct acc_db_conn acc_db_conn_t;
acc_store_t *acc_db_server_store(server_rec *s, apr_pool_t *p,
                                 acc_db_conn_t **conn);
void acc_db_server_release(acc_db_conn_t *conn);

/* Server s's database as libpq's connection keywords and values (two
 * NULL-terminated arrays in p), read from one of mod_dbd's pooled
 * connections as libpq opened it: the session cache's change listener
 * (notify.h) opens its own connection with them.  0, or -1 when no
 * connection could be had or the driver is not pgsql. */
int acc_db_server_params(server_rec *s, apr_pool_t *p, const char ***keys,
                         const char ***vals);

#endif /* ACC_DB_H */
