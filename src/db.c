/*
 * src/db.c -- the store on mod_dbd's pooled connections.
 *
 * mod_dbd's functions are taken as optional functions, so a server
 * without mod_dbd gets a clear startup error rather than an undefined
 * symbol.  Our statements are prepared per connection, lazily, after the
 * schema version was checked on it: a connection opened before
 * `accountsctl migrate` ran simply checks again on its next use.
 */
#include "db.h"

#include <apr_optional.h>

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;

#define STORE_KEY "mod_accounts:store"
#define REQ_NOTE "mod_accounts:store-of-request"

/* A database that cannot be reached is retried this many times per
 * request: each failed try drops one dead pooled connection. */
#define ACQUIRE_TRIES 4

int acc_db_init(apr_pool_t *pconf, server_rec *s)
{
    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (dbd_acquire == NULL) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     ACC_LOGNO(0001) "mod_accounts needs mod_dbd: add "
                     "'LoadModule dbd_module modules/mod_dbd.so' before "
                     "'LoadModule accounts_module' and set DBDriver pgsql "
                     "and DBDParams");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

typedef struct {
    acc_store_t *store;
    acc_db_state_t state;
} req_store_t;

static acc_store_t *store_of(request_rec *r, ap_dbd_t *dbd,
                             acc_db_state_t *state)
{
    acc_store_t *st = NULL;
    const char *err = NULL;
    int version;

    apr_pool_userdata_get((void **)&st, STORE_KEY, dbd->pool);
    if (st) {
        return st;
    }
    if (acc_store_schema_version(r->pool, dbd->driver, dbd->handle, &version,
                                 &err) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0002) "cannot read the schema version: %s",
                      err);
        *state = ACC_DB_DOWN;
        return NULL;
    }
    if (version < ACC_SCHEMA_VERSION) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0003) "the database schema is at version %d "
                      "but mod_accounts needs version %d: run 'accountsctl "
                      "migrate'",
                      version, ACC_SCHEMA_VERSION);
        *state = ACC_DB_SCHEMA;
        return NULL;
    }
    /* Prepared statements live as long as the connection. */
    if (acc_store_open(dbd->pool, dbd->driver, dbd->handle, &st, &err) !=
        ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0004) "%s (is the schema current? run "
                      "'accountsctl migrate')",
                      err);
        *state = ACC_DB_SCHEMA;
        return NULL;
    }
    apr_pool_userdata_set(st, STORE_KEY, apr_pool_cleanup_null, dbd->pool);
    return st;
}

acc_store_t *acc_db_store(request_rec *r, acc_db_state_t *state)
{
    request_rec *top = r->main ? r->main : r;
    req_store_t *rs = NULL;
    ap_dbd_t *dbd = NULL;
    int i;

    /* One answer per request, shared with its subrequests. */
    apr_pool_userdata_get((void **)&rs, REQ_NOTE, top->pool);
    if (rs) {
        *state = rs->state;
        return rs->store;
    }
    rs = apr_pcalloc(top->pool, sizeof(*rs));
    for (i = 0; i < ACQUIRE_TRIES && dbd == NULL; i++) {
        /* ap_dbd_acquire does not remember a failure, so each call tries
         * a fresh (or the next pooled) connection. */
        dbd = dbd_acquire(top);
    }
    if (dbd == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0005) "no database connection: is "
                      "PostgreSQL up and DBDParams right?");
        rs->state = ACC_DB_DOWN;
    }
    else {
        rs->store = store_of(r, dbd, &rs->state);
    }
    /* A failure is not remembered past this request. */
    apr_pool_userdata_setn(rs, REQ_NOTE, apr_pool_cleanup_null, top->pool);
    *state = rs->state;
    return rs->store;
}
