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

static APR_OPTIONAL_FN_TYPE(ap_dbd_open) * dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) * dbd_close;

#define STORE_KEY "mod_accounts:store"
#define REQ_NOTE  "mod_accounts:store-of-request"

/* A connection that cannot be used is replaced this many times per
 * request: after a database restart every pooled connection is dead, and
 * each try retires one (mod_dbd drops it at its next check). */
#define ACQUIRE_TRIES 8

/* A pooled connection idle longer than this is probed before use: libpq
 * only notices a restarted server when it next talks to it. */
#define PROBE_AFTER apr_time_from_sec(2)

/* What we keep on a pooled connection (in its pool). */
typedef struct {
    acc_store_t *store;
    apr_time_t last_used;
} conn_note_t;

int acc_db_init(apr_pool_t *pconf, server_rec *s)
{
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (dbd_open == NULL || dbd_close == NULL) {
        ap_log_error(
            APLOG_MARK, APLOG_EMERG, 0, s,
            ACC_LOGNO(
                0001) "mod_accounts needs mod_dbd: add "
                      "'LoadModule dbd_module modules/mod_dbd.so' before "
                      "'LoadModule accounts_module' and set DBDriver pgsql "
                      "and DBDParams");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

typedef struct {
    server_rec *s;
    ap_dbd_t *dbd;
    conn_note_t *cs;
} release_t;

typedef struct {
    acc_store_t *store;
    acc_db_state_t state;
    release_t *rel; /* gives the connection back at the request's end */
} req_store_t;

static apr_status_t release(void *data)
{
    release_t *rel = data;

    if (rel->cs) {
        rel->cs->last_used = apr_time_now();
    }
    dbd_close(rel->s, rel->dbd);
    return APR_SUCCESS;
}

/* 1 when the connection still answers (a trivial query). */
static int alive(request_rec *r, ap_dbd_t *dbd)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;

    if (apr_dbd_select(dbd->driver, r->pool, dbd->handle, &res, "SELECT 1",
                       1) != 0) {
        return 0;
    }
    apr_dbd_get_row(dbd->driver, r->pool, res, &row, 1);
    return 1;
}

/* The store on this connection, preparing it on first use.  NULL with
 * *state ACC_DB_DOWN when the connection is dead (the caller tries
 * another), or ACC_DB_SCHEMA. */
static acc_store_t *store_of(request_rec *r, ap_dbd_t *dbd, int probe,
                             acc_db_state_t *state, conn_note_t **csp)
{
    conn_note_t *cs = NULL;
    acc_store_t *st = NULL;
    const char *err = NULL;
    int version;

    apr_pool_userdata_get((void **)&cs, STORE_KEY, dbd->pool);
    *csp = cs;
    if (cs && cs->store) {
        if (acc_store_failed(cs->store)) {
            /* A statement failed on this connection: libpq may have
             * reconnected it since (mod_dbd's check resets a broken
             * connection in place), losing our prepared statements.
             * Prepare afresh below. */
            cs->store = NULL;
        }
        else if ((probe || apr_time_now() - cs->last_used > PROBE_AFTER) &&
                 !alive(r, dbd)) {
            cs->store = NULL;
            *state = ACC_DB_DOWN;
            return NULL;
        }
        else {
            return cs->store;
        }
    }
    if (cs) {
        /* Whatever survived of the old statements goes, so they can be
         * prepared again under the same names. */
        int n;
        if (apr_dbd_query(dbd->driver, dbd->handle, &n, "DEALLOCATE ALL") !=
            0) {
            *state = ACC_DB_DOWN;
            return NULL;
        }
    }
    if (acc_store_schema_version(r->pool, dbd->driver, dbd->handle, &version,
                                 &err) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      ACC_LOGNO(0002) "cannot read the schema version: %s",
                      err);
        *state = ACC_DB_DOWN;
        return NULL;
    }
    if (version < ACC_SCHEMA_VERSION) {
        ap_log_rerror(
            APLOG_MARK, APLOG_ERR, 0, r,
            ACC_LOGNO(
                0003) "the database schema is at version %d "
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
    if (cs == NULL) {
        cs = apr_pcalloc(dbd->pool, sizeof(*cs));
        apr_pool_userdata_set(cs, STORE_KEY, apr_pool_cleanup_null, dbd->pool);
    }
    cs->store = st;
    *csp = cs;
    return st;
}

acc_store_t *acc_db_store_ex(request_rec *r, int probe, acc_db_state_t *state)
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
    rs->state = ACC_DB_DOWN;
    for (i = 0; i < ACQUIRE_TRIES && rs->store == NULL; i++) {
        conn_note_t *cs = NULL;
        release_t *rel;

        dbd = dbd_open(top->pool, top->server);
        if (dbd == NULL) {
            continue;
        }
        rs->store = store_of(r, dbd, probe, &rs->state, &cs);
        if (rs->store == NULL) {
            /* Back to the pool: a dead one is dropped at its next check. */
            dbd_close(top->server, dbd);
            if (rs->state == ACC_DB_SCHEMA) {
                break;
            }
            continue;
        }
        rel = apr_palloc(top->pool, sizeof(*rel));
        rel->s = top->server;
        rel->dbd = dbd;
        rel->cs = cs;
        apr_pool_cleanup_register(top->pool, rel, release,
                                  apr_pool_cleanup_null);
        rs->rel = rel;
        rs->state = ACC_DB_OK;
    }
    if (rs->store == NULL && rs->state == ACC_DB_DOWN) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0005) "no database connection: is "
                                      "PostgreSQL up and DBDParams right?");
    }
    /* A failure is not remembered past this request. */
    apr_pool_userdata_setn(rs, REQ_NOTE, apr_pool_cleanup_null, top->pool);
    *state = rs->state;
    return rs->store;
}

acc_store_t *acc_db_store(request_rec *r, acc_db_state_t *state)
{
    return acc_db_store_ex(r, 0, state);
}

acc_store_t *acc_db_store_again(request_rec *r, acc_db_state_t *state)
{
    request_rec *top = r->main ? r->main : r;
    req_store_t *rs = NULL;

    apr_pool_userdata_get((void **)&rs, REQ_NOTE, top->pool);
    if (rs && rs->rel) {
        /* Give the failed connection back now: mod_dbd's next check of it
         * resets or drops it. */
        apr_pool_cleanup_run(top->pool, rs->rel, release);
    }
    apr_pool_userdata_setn(NULL, REQ_NOTE, apr_pool_cleanup_null, top->pool);
    return acc_db_store_ex(r, 1, state);
}
