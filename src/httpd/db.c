/*
 * src/httpd/db.c -- the store on mod_dbd's pooled connections.
 *
 * mod_dbd's functions are taken as optional functions, so a server
 * without mod_dbd gets a clear startup error rather than an undefined
 * symbol.  Our statements are prepared per connection, lazily, after the
 * schema version was checked on it: a connection opened before
 * `accountsctl migrate` ran simply checks again on its next use.
 *
 * One owner per connection, as ap_dbd_acquire has it: the request that
 * owns the request's state (acc_initial_request) holds it, from the
 * moment it is taken to acc_db_release or the end of that request.  The
 * end is a pre-cleanup of the request's pool: it runs before the pool's
 * children are destroyed, and with DBDPersist Off mod_dbd makes the
 * connection's own pool such a child.
 */
#include "db.h"
#include "core/i18n.h"
#include "config.h"
#include "dbgate.h"
#include "render.h"

#include <apr_optional.h>
#include <apr_strings.h>

#include <libpq-fe.h>
#include <poll.h>
#include <string.h>

static APR_OPTIONAL_FN_TYPE(ap_dbd_open) * dbd_open;
static APR_OPTIONAL_FN_TYPE(ap_dbd_close) * dbd_close;

#define CONN_KEY "mod_accounts:conn"
#define HOLD_KEY "mod_accounts:hold"

/* A connection that cannot be used is replaced this many times per
 * request: after a database restart every pooled connection is dead, and
 * each try retires one (mod_dbd drops it at its next check). */
#define ACQUIRE_TRIES 8

/* A pooled connection idle longer than this is probed before use: libpq
 * only notices a restarted server when it next talks to it.  One used
 * more recently is probed only when something arrived on it while it sat
 * in the pool (see quiet()). */
#define PROBE_AFTER apr_time_from_sec(2)

/* What we keep on a pooled connection (in its pool). */
typedef struct {
    acc_store_t *store; /* our prepared statements, once prepared */
    apr_time_t last_used;
} conn_note_t;

/* The request's hold on a connection (in the owning request's pool). */
typedef struct {
    server_rec *s;
    apr_pool_t *pool; /* the owning request's pool */
    ap_dbd_t *dbd;    /* NULL when nothing is held */
    conn_note_t *cs;
    int gated; /* holds a place in the gate */
} hold_t;

int acc_db_init(apr_pool_t *pconf, server_rec *s)
{
    dbd_open = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_open);
    dbd_close = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_close);
    if (dbd_open == NULL || dbd_close == NULL) {
        ap_log_error(
            APLOG_MARK, APLOG_EMERG, 0, s,
            ACC_LOGNO(0001) "mod_dbd is not loaded, and mod_accounts needs "
                            "it: on Debian run 'a2enmod dbd', elsewhere add "
                            "'LoadModule dbd_module modules/mod_dbd.so' "
                            "before 'LoadModule accounts_module'; then set "
                            "DBDriver pgsql and DBDParams");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    return OK;
}

/* Give back whatever h holds. */
static void give_back(hold_t *h)
{
    if (h->dbd) {
        ap_dbd_t *dbd = h->dbd;
        if (h->cs) {
            h->cs->last_used = apr_time_now();
            if (h->cs->store) {
                acc_store_hold(h->cs->store, 0);
            }
        }
        h->dbd = NULL;
        h->cs = NULL;
        dbd_close(h->s, dbd);
    }
    if (h->gated) {
        h->gated = 0;
        acc_dbgate_leave(h->s);
    }
}

static apr_status_t hold_cleanup(void *data)
{
    give_back(data);
    return APR_SUCCESS;
}

static hold_t *hold_of(request_rec *r, int create)
{
    request_rec *top = acc_initial_request(r);
    hold_t *h = NULL;

    apr_pool_userdata_get((void **)&h, HOLD_KEY, top->pool);
    if (h == NULL && create) {
        h = apr_pcalloc(top->pool, sizeof(*h));
        h->s = top->server;
        h->pool = top->pool;
        apr_pool_userdata_setn(h, HOLD_KEY, apr_pool_cleanup_null, top->pool);
        apr_pool_pre_cleanup_register(top->pool, h, hold_cleanup);
    }
    return h;
}

/* A message about a connection: the request's when there is one, else
 * the server's (the mail sender works outside requests). */
#define DBLOG(r, s, level, ...)                                                \
    do {                                                                       \
        if (r) {                                                               \
            ap_log_rerror(APLOG_MARK, level, 0, r, __VA_ARGS__);               \
        }                                                                      \
        else {                                                                 \
            ap_log_error(APLOG_MARK, level, 0, s, __VA_ARGS__);                \
        }                                                                      \
    } while (0)

/* 1 when nothing has arrived on an idle connection since its last
 * answer.  A server that shuts down or restarts tells each connection so
 * (an error message) and closes it, and either makes the socket readable;
 * a healthy idle connection has nothing to read.  A poll() instead of a
 * round trip: a page that would otherwise ask "SELECT 1" before its first
 * statement asks only when this says something came (or for a driver
 * other than pgsql, whose socket we cannot see). */
static int quiet(ap_dbd_t *dbd)
{
    PGconn *conn;
    struct pollfd pfd;

    if (strcmp(apr_dbd_name(dbd->driver), "pgsql") != 0) {
        return 0;
    }
    conn = apr_dbd_native_handle(dbd->driver, dbd->handle);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK ||
        PQtransactionStatus(conn) != PQTRANS_IDLE) {
        return 0;
    }
    pfd.fd = PQsocket(conn);
    pfd.events = POLLIN;
    pfd.revents = 0;
    return pfd.fd >= 0 && poll(&pfd, 1, 0) == 0;
}

/* 1 when the connection still answers (a trivial query). */
static int alive(apr_pool_t *p, ap_dbd_t *dbd)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;

    if (apr_dbd_select(dbd->driver, p, dbd->handle, &res, "SELECT 1", 1) != 0) {
        return 0;
    }
    apr_dbd_get_row(dbd->driver, p, res, &row, 1);
    return 1;
}

/* 1 when the tables the database keeps its users in are those the host
 * says (AccountsUserSchema), else 0, said in the log. */
static int user_schema_ok(request_rec *r, server_rec *s, acc_store_t *st,
                          int level)
{
    int live = acc_store_django_live(st), want = acc_srv(s)->django_live;

    if (want && live == 0) {
        DBLOG(r, s, level,
              ACC_LOGNO(0008) "AccountsUserSchema django, but this database "
                              "keeps users in mod_accounts' own tables: run "
                              "'accountsctl migrate --django' on it (after "
                              "the Django site's 'manage.py migrate')");
        return 0;
    }
    if (!want && live > 0) {
        DBLOG(r, s, level,
              ACC_LOGNO(0009) "this database keeps users in the Django "
                              "site's tables ('accountsctl migrate "
                              "--django'), but this host has no "
                              "'AccountsUserSchema django'");
        return 0;
    }
    if (live > 0 && live < ACC_DJANGO_SCHEMA_VERSION) {
        DBLOG(r, s, level,
              ACC_LOGNO(0011) "the live tables are at step %d but "
                              "mod_accounts needs step %d: run 'accountsctl "
                              "migrate --django'",
              live, ACC_DJANGO_SCHEMA_VERSION);
        return 0;
    }
    return 1;
}

/* The store on this connection, preparing it on first use (and again
 * after a statement failed on it).  NULL with *state ACC_DB_DOWN when the
 * connection is dead (the caller tries another), or ACC_DB_SCHEMA. */
static acc_store_t *store_of(request_rec *r, server_rec *s, apr_pool_t *p,
                             ap_dbd_t *dbd, int probe, acc_db_state_t *state,
                             conn_note_t **csp)
{
    /* The mail sender (no request) looks every few seconds: what a
     * request would say once, it says at debug level. */
    int err_level = r ? APLOG_ERR : APLOG_DEBUG;
    conn_note_t *cs = NULL;
    const char *err = NULL;
    int version;

    apr_pool_userdata_get((void **)&cs, CONN_KEY, dbd->pool);
    if (cs == NULL) {
        cs = apr_pcalloc(dbd->pool, sizeof(*cs));
        apr_pool_userdata_setn(cs, CONN_KEY, apr_pool_cleanup_null, dbd->pool);
    }
    *csp = cs;
    if (cs->store && !acc_store_failed(cs->store)) {
        if ((probe || apr_time_now() - cs->last_used > PROBE_AFTER ||
             !quiet(dbd)) &&
            !alive(p, dbd)) {
            /* Reset or dropped at its next check: prepare afresh then. */
            acc_store_set_failed(cs->store);
            *state = ACC_DB_DOWN;
            return NULL;
        }
        return cs->store;
    }
    if (acc_store_schema_version(p, dbd->driver, dbd->handle, &version, &err) !=
        ACC_STORE_OK) {
        DBLOG(r, s, APLOG_INFO,
              ACC_LOGNO(0002) "cannot read the schema version: %s", err);
        *state = ACC_DB_DOWN;
        return NULL;
    }
    if (version < ACC_SCHEMA_VERSION) {
        DBLOG(r, s, err_level,
              ACC_LOGNO(0003) "the database schema is at version %d "
                              "but mod_accounts needs version %d: run "
                              "'accountsctl migrate'",
              version, ACC_SCHEMA_VERSION);
        *state = ACC_DB_SCHEMA;
        return NULL;
    }
    /* A statement failed on this connection: libpq may have reconnected
     * it since (mod_dbd's check resets a broken connection in place),
     * losing our prepared statements, or it may be fine.  Either way ours
     * -- and only ours: other modules prepare theirs on the same
     * connection -- are prepared afresh, in the same store.  Prepared
     * statements live as long as the connection. */
    if ((cs->store ? acc_store_reopen(cs->store, &err)
                   : acc_store_open(dbd->pool, dbd->driver, dbd->handle,
                                    &cs->store, &err)) != ACC_STORE_OK) {
        DBLOG(r, s, err_level,
              ACC_LOGNO(0004) "%s (is the schema current? run "
                              "'accountsctl migrate')",
              err);
        *state = ACC_DB_SCHEMA;
        return NULL;
    }
    if (!user_schema_ok(r, s, cs->store, err_level)) {
        /* Asked again at the next use (the database may be migrated
         * meanwhile): prepared afresh then. */
        acc_store_set_failed(cs->store);
        *state = ACC_DB_SCHEMA;
        return NULL;
    }
    return cs->store;
}

/* Take a connection for h's request. */
static acc_store_t *acquire(request_rec *r, hold_t *h, int probe,
                            acc_db_state_t *state)
{
    acc_srv_cfg_t *cfg = acc_srv(h->s);
    int i;

    *state = ACC_DB_DOWN;
    if (!acc_dbgate_enter(h->s, cfg->db_wait)) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ACC_LOGNO(0007) "no database connection came free "
                                      "within %d s (DBDMax %d): 503",
                      cfg->db_wait, acc_dbgate_size(h->s));
        apr_table_setn(r->err_headers_out, "Retry-After", "5");
        *state = ACC_DB_BUSY;
        return NULL;
    }
    h->gated = 1;
    for (i = 0; i < ACQUIRE_TRIES; i++) {
        conn_note_t *cs = NULL;
        acc_store_t *st;
        ap_dbd_t *dbd = dbd_open(h->pool, h->s);

        if (dbd == NULL) {
            continue;
        }
        st = store_of(r, h->s, r->pool, dbd, probe, state, &cs);
        if (st == NULL) {
            /* Back to the pool: a dead one is dropped at its next check. */
            dbd_close(h->s, dbd);
            if (*state == ACC_DB_SCHEMA) {
                break;
            }
            continue;
        }
        h->dbd = dbd;
        h->cs = cs;
        acc_store_hold(st, 1);
        *state = ACC_DB_OK;
        return st;
    }
    give_back(h);
    if (*state == ACC_DB_DOWN) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0005) "no database connection: is "
                                      "PostgreSQL up and DBDParams right?");
    }
    return NULL;
}

int acc_db_unavailable(request_rec *r, acc_db_state_t why)
{
    return acc_render_error(
        r, HTTP_SERVICE_UNAVAILABLE,
        why == ACC_DB_SCHEMA
            ? N_("The accounts database is not set up yet. The site's "
                 "administrator needs to run 'accountsctl migrate'.")
        : why == ACC_DB_BUSY
            ? N_("The accounts service is busy right now. Please try again "
                 "in a moment.")
            : N_("The accounts service is temporarily unavailable. Please "
                 "try again in a moment."));
}

acc_store_t *acc_db_store(request_rec *r, acc_db_state_t *state)
{
    hold_t *h = hold_of(r, 1);

    if (h->dbd) {
        *state = ACC_DB_OK;
        return h->cs->store;
    }
    return acquire(r, h, 0, state);
}

int acc_db_held(request_rec *r)
{
    hold_t *h = hold_of(r, 0);

    return h && h->dbd;
}

void acc_db_release(request_rec *r)
{
    hold_t *h = hold_of(r, 0);

    if (h) {
        give_back(h);
    }
}

acc_store_t *acc_db_store_again(request_rec *r, acc_db_state_t *state)
{
    hold_t *h = hold_of(r, 1);

    /* The failed connection goes back: mod_dbd's next check of it resets
     * or drops it, and our next use of it prepares afresh. */
    give_back(h);
    return acquire(r, h, 1, state);
}

/* ---- outside requests ---- */

struct acc_db_conn {
    server_rec *s;
    ap_dbd_t *dbd;
    acc_store_t *store;
    conn_note_t *cs;
};

acc_store_t *acc_db_server_store(server_rec *s, apr_pool_t *p,
                                 acc_db_conn_t **conn)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    acc_db_state_t state = ACC_DB_DOWN;
    acc_db_conn_t *c;
    int i;

    *conn = NULL;
    if (!acc_dbgate_enter(s, cfg->db_wait)) {
        return NULL;
    }
    /* Two tries, not a request's eight: the sender looks again soon, and
     * each failed try is a line in the error log (mod_dbd's). */
    for (i = 0; i < 2; i++) {
        conn_note_t *cs = NULL;
        acc_store_t *st;
        ap_dbd_t *dbd = dbd_open(p, s);

        if (dbd == NULL) {
            continue;
        }
        /* Probed: the sender's connection may have idled for long. */
        st = store_of(NULL, s, p, dbd, 1, &state, &cs);
        if (st == NULL) {
            dbd_close(s, dbd);
            if (state == ACC_DB_SCHEMA) {
                break;
            }
            continue;
        }
        acc_store_hold(st, 1);
        c = apr_pcalloc(p, sizeof(*c));
        c->s = s;
        c->dbd = dbd;
        c->store = st;
        c->cs = cs;
        *conn = c;
        return st;
    }
    acc_dbgate_leave(s);
    return NULL;
}

void acc_db_server_release(acc_db_conn_t *c)
{
    if (c == NULL) {
        return;
    }
    c->cs->last_used = apr_time_now();
    acc_store_hold(c->store, 0);
    dbd_close(c->s, c->dbd);
    acc_dbgate_leave(c->s);
}

int acc_db_server_params(server_rec *s, apr_pool_t *p, const char ***keys,
                         const char ***vals)
{
    ap_dbd_t *dbd = dbd_open(p, s);
    PQconninfoOption *opts, *o;
    apr_array_header_t *k, *v;
    PGconn *pg;

    if (dbd == NULL) {
        return -1;
    }
    if (strcmp(apr_dbd_name(dbd->driver), "pgsql") != 0 ||
        (pg = apr_dbd_native_handle(dbd->driver, dbd->handle)) == NULL ||
        (opts = PQconninfo(pg)) == NULL) {
        dbd_close(s, dbd);
        return -1;
    }
    k = apr_array_make(p, 16, sizeof(const char *));
    v = apr_array_make(p, 16, sizeof(const char *));
    for (o = opts; o->keyword; o++) {
        if (o->val && o->val[0]) {
            APR_ARRAY_PUSH(k, const char *) = apr_pstrdup(p, o->keyword);
            APR_ARRAY_PUSH(v, const char *) = apr_pstrdup(p, o->val);
        }
    }
    PQconninfoFree(opts);
    dbd_close(s, dbd);
    APR_ARRAY_PUSH(k, const char *) = NULL;
    APR_ARRAY_PUSH(v, const char *) = NULL;
    *keys = (const char **)k->elts;
    *vals = (const char **)v->elts;
    return 0;
}
