/*
 * src/httpd/notify.c -- the database's change notices, for the session
 * cache; and last_seen written behind (see notify.h).
 *
 * One thread per process serves every listener: it connects (blocking,
 * libpq's own timeout, at most 5 s unless the pool's parameters say
 * otherwise), then waits in poll() on the sockets and reads the notices
 * as they come.  A listener has two connections: the listening one, asked
 * "SELECT 1" every second (its answers keep it counted alive), and one
 * opened when there is last_seen to write, which sends the queued writes
 * in one UPDATE a second -- so a write slowed by a busy database never
 * holds up the notices.  Request threads only read the listener's times
 * (64-bit atomics) and append to its queue (under a mutex).
 */
#include "notify.h"
#include "config.h"
#include "db.h"

#include <apr_atomic.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#define SLOTS       65536
#define BEAT        apr_time_from_sec(1)  /* a command at least this often */
#define ALIVE       apr_time_from_sec(3)  /* alive this long after an answer */
#define NO_ANSWER   apr_time_from_sec(5)  /* a command unanswered: reconnect */
#define RETRY       apr_time_from_sec(2)  /* between attempts to connect */
#define RETRY_POOL  apr_time_from_sec(10) /* ... to read mod_dbd's params */
#define WAIT_MS     200                   /* poll()'s timeout */
#define HASH_LEN    64                    /* a token hash, hex */
#define QUEUE_MAX   20000                 /* last_seen writes waiting */
#define CHANNEL_SQL "LISTEN accounts_change"
/* char(64)[], the column's own type: with text[] the column is cast to
 * text for each row, so its primary key cannot find the rows and each
 * batch read every session last seen more than 30 s ago. */
#define TOUCH_SQL                                                              \
    "UPDATE accounts_session SET last_seen = now() WHERE token_hash ="         \
    " ANY($1::char(64)[]) AND last_seen < now() - interval '30 seconds'"

struct acc_listener {
    server_rec *s;                      /* the first host it serves */
    struct acc_listener *volatile same; /* the one it turned out to be */
    struct acc_listener *next;
    apr_pool_t *pool;          /* the parameters */
    apr_pool_t *scratch;       /* cleared between commands */
    const char **keys, **vals; /* libpq's parameters, once read */
    PGconn *conn;
    int busy;      /* a command in flight */
    PGconn *wconn; /* its own connection for last_seen writes */
    int wbusy;     /* a write in flight there */
    apr_int64_t wsent_at;
    int down_logged;     /* the outage was logged */
    apr_int64_t sent_at; /* when that command was sent */
    apr_int64_t retry_at;
    /* Read by request threads (atomics). */
    volatile apr_uint64_t since;       /* listening since (0: not now) */
    volatile apr_uint64_t all;         /* '*' last heard */
    volatile apr_uint64_t alive_until; /* last answer + ALIVE */
    volatile apr_uint64_t *slots;      /* per user hash: last heard */
    volatile apr_uint32_t ready;       /* slots and queue are there */
    /* The last_seen queue: HASH_LEN + 1 bytes a session. */
    apr_thread_mutex_t *mu;
    char *queue;
    int queued;
    char *sending; /* the batch in flight (the thread's) */
};
typedef struct acc_listener listener_t;

typedef struct {
    listener_t *first;
    int count;
    apr_thread_t *thread;
    volatile apr_uint32_t stop;
} notifier_t;

static notifier_t *nt;

apr_int64_t acc_notify_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (apr_int64_t)ts.tv_sec * APR_USEC_PER_SEC + ts.tv_nsec / 1000;
}

static unsigned int slot_of(apr_int64_t id)
{
    apr_uint64_t h = (apr_uint64_t)id * APR_UINT64_C(0x9E3779B97F4A7C15);

    return (unsigned int)(h >> 48);
}

/* Host s's listener, once it has its memory (NULL before, or without). */
static listener_t *listener_of(server_rec *s)
{
    listener_t *l = acc_srv(s)->listener;

    if (l && l->same) {
        l = l->same;
    }
    return l && apr_atomic_read32(&l->ready) ? l : NULL;
}

int acc_notify_fresh(server_rec *s, apr_int64_t user_id, apr_int64_t read_at)
{
    acc_srv_cfg_t *c = acc_srv(s);
    listener_t *l = listener_of(s);
    apr_int64_t now = acc_notify_clock(), age = now - read_at;

    if (read_at <= 0 || age < 0) {
        return 0; /* unknown, or from before this machine's last boot */
    }
    if (l) {
        apr_int64_t since = (apr_int64_t)apr_atomic_read64(&l->since);
        if (read_at <= (apr_int64_t)apr_atomic_read64(&l->all) ||
            read_at <=
                (apr_int64_t)apr_atomic_read64(&l->slots[slot_of(user_id)])) {
            return 0; /* something changed since it was read */
        }
        if (since > 0 && read_at > since &&
            now < (apr_int64_t)apr_atomic_read64(&l->alive_until) &&
            age < ACC_NOTIFY_MAX_AGE) {
            return 1;
        }
    }
    return age < apr_time_from_sec(c->cache_ttl);
}

int acc_notify_touch(server_rec *s, const char *token_hash)
{
    listener_t *l = listener_of(s);
    int ok = 0;

    if (l == NULL || strlen(token_hash) != HASH_LEN ||
        acc_notify_clock() >= (apr_int64_t)apr_atomic_read64(&l->alive_until)) {
        return 0;
    }
    apr_thread_mutex_lock(l->mu);
    if (l->queued < QUEUE_MAX) {
        memcpy(l->queue + (apr_size_t)l->queued * (HASH_LEN + 1), token_hash,
               HASH_LEN);
        l->queue[(apr_size_t)l->queued * (HASH_LEN + 1) + HASH_LEN] = ',';
        l->queued++;
        ok = 1;
    }
    apr_thread_mutex_unlock(l->mu);
    return ok;
}

/* ---- the thread ---- */

static void drop(listener_t *l, const char *why)
{
    apr_atomic_set64(&l->alive_until, 0);
    apr_atomic_set64(&l->since, 0);
    if (!l->down_logged) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, l->s,
                     ACC_LOGNO(0230) "the session cache stopped hearing the "
                                     "database's change notices (%s): "
                                     "cached sessions last "
                                     "AccountsSessionCacheTTL until it "
                                     "hears them again",
                     why);
        l->down_logged = 1;
    }
    if (l->conn) {
        PQfinish(l->conn);
        l->conn = NULL;
    }
    l->busy = 0;
    l->retry_at = acc_notify_clock() + RETRY;
}

static int same_params(const listener_t *a, const char **keys,
                       const char **vals)
{
    int i;

    for (i = 0; a->keys[i] && keys[i]; i++) {
        if (strcmp(a->keys[i], keys[i]) != 0 ||
            strcmp(a->vals[i], vals[i]) != 0) {
            return 0;
        }
    }
    return a->keys[i] == NULL && keys[i] == NULL;
}

/* A libpq message without its trailing newline. */
static const char *pq_error(listener_t *l)
{
    char *m = apr_pstrdup(l->scratch, PQerrorMessage(l->conn));
    apr_size_t n = strlen(m);

    while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == '\r')) {
        m[--n] = '\0';
    }
    return m;
}

/* keys and vals with connect_timeout=5 unless they set one: connecting
 * blocks this thread, and the process's end waits for it. */
static void with_timeout(apr_pool_t *p, const char ***keys, const char ***vals)
{
    const char **k, **v;
    int i;

    for (i = 0; (*keys)[i]; i++) {
        if (strcmp((*keys)[i], "connect_timeout") == 0) {
            return;
        }
    }
    k = apr_pcalloc(p, (apr_size_t)(i + 2) * sizeof(char *));
    v = apr_pcalloc(p, (apr_size_t)(i + 2) * sizeof(char *));
    memcpy(k, *keys, (apr_size_t)i * sizeof(char *));
    memcpy(v, *vals, (apr_size_t)i * sizeof(char *));
    k[i] = "connect_timeout";
    v[i] = "5";
    *keys = k;
    *vals = v;
}

static void connect_one(listener_t *l)
{
    PGresult *res;
    listener_t *o;
    apr_int64_t now;

    if (l->keys == NULL) {
        const char **keys, **vals;
        if (acc_db_server_params(l->s, l->pool, &keys, &vals) != 0) {
            /* mod_dbd logged why. */
            l->retry_at = acc_notify_clock() + RETRY_POOL;
            return;
        }
        with_timeout(l->pool, &keys, &vals);
        /* Another host on the same database: its listener serves both. */
        for (o = nt->first; o != l; o = o->next) {
            if (o->same == NULL && o->keys && same_params(o, keys, vals)) {
                l->same = o;
                return;
            }
        }
        /* The memory request threads read, once per listener that
         * connects (hosts on one database share one). */
        l->slots = apr_pcalloc(l->pool, SLOTS * sizeof(*l->slots));
        l->queue = apr_palloc(l->pool, (apr_size_t)QUEUE_MAX * (HASH_LEN + 1));
        l->sending =
            apr_palloc(l->pool, (apr_size_t)QUEUE_MAX * (HASH_LEN + 1));
        apr_atomic_set32(&l->ready, 1);
        l->keys = keys;
        l->vals = vals;
    }
    l->conn = PQconnectdbParams(l->keys, l->vals, 0);
    if (l->conn == NULL || PQstatus(l->conn) != CONNECTION_OK) {
        drop(l, l->conn ? pq_error(l) : "out of memory");
        return;
    }
    res = PQexec(l->conn, "SET application_name = 'mod_accounts listener'; "
                          "SET synchronous_commit = off; " CHANNEL_SQL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        PQclear(res);
        drop(l, pq_error(l));
        return;
    }
    PQclear(res);
    now = acc_notify_clock();
    /* Whatever was read before this moment may have missed a notice. */
    apr_atomic_set64(&l->since, (apr_uint64_t)now);
    apr_atomic_set64(&l->alive_until, (apr_uint64_t)(now + ALIVE));
    l->sent_at = now;
    if (l->down_logged) {
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, l->s,
                     ACC_LOGNO(0231) "the session cache hears the "
                                     "database's change notices again");
        l->down_logged = 0;
    }
}

/* The listening connection's question: are you there? */
static void send_one(listener_t *l)
{
    if (!PQsendQuery(l->conn, "SELECT 1")) {
        drop(l, pq_error(l));
        return;
    }
    l->busy = 1;
    l->sent_at = acc_notify_clock();
}

static void wclose(listener_t *l)
{
    if (l->wconn) {
        PQfinish(l->wconn);
        l->wconn = NULL;
    }
    l->wbusy = 0;
}

/* The queued last_seen writes, on a connection of their own: a write
 * slowed by a busy database must not hold up the notices or the
 * question that keeps the listener counted alive.  Lost when that
 * connection fails (last_seen is a hint, written again later). */
static void flush_one(listener_t *l)
{
    const char *param;
    apr_size_t len;
    PGresult *res;
    int n;

    apr_thread_mutex_lock(l->mu);
    n = l->queued;
    if (n > 0) {
        char *t = l->queue;
        l->queue = l->sending;
        l->sending = t;
        l->queued = 0;
    }
    apr_thread_mutex_unlock(l->mu);
    if (n == 0) {
        return;
    }
    if (l->wconn == NULL) {
        l->wconn = PQconnectdbParams(l->keys, l->vals, 0);
        if (l->wconn == NULL || PQstatus(l->wconn) != CONNECTION_OK) {
            wclose(l);
            return;
        }
        /* Not waiting for the disk (a lost write is written again),
         * and the rows found by their keys however many there are: a
         * plan that reads the whole table for a large batch (the
         * planner's choice past about one row in a hundred) would read
         * every session each second on a busy site. */
        res = PQexec(l->wconn, "SET application_name = 'mod_accounts "
                               "last_seen'; SET synchronous_commit = off; "
                               "SET enable_seqscan = off");
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            PQclear(res);
            wclose(l);
            return;
        }
        PQclear(res);
    }
    len = (apr_size_t)n * (HASH_LEN + 1);
    l->sending[len - 1] = '}';
    param = apr_pstrcat(l->scratch, "{",
                        apr_pstrmemdup(l->scratch, l->sending, len), NULL);
    if (!PQsendQueryParams(l->wconn, TOUCH_SQL, 1, NULL, &param, NULL, NULL,
                           0)) {
        wclose(l);
        return;
    }
    l->wbusy = 1;
    l->wsent_at = acc_notify_clock();
}

static void wread_one(listener_t *l)
{
    PGresult *res;

    if (!PQconsumeInput(l->wconn)) {
        wclose(l);
        return;
    }
    while (l->wbusy && !PQisBusy(l->wconn)) {
        res = PQgetResult(l->wconn);
        if (res == NULL) {
            l->wbusy = 0;
            break;
        }
        if (PQresultStatus(res) != PGRES_COMMAND_OK) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, l->s,
                         ACC_LOGNO(0232) "writing last_seen failed: %s",
                         PQresultErrorMessage(res));
        }
        PQclear(res);
    }
}

static void heard(listener_t *l, const char *payload)
{
    apr_int64_t now = acc_notify_clock(), id;
    char *end = NULL;

    if (strcmp(payload, "*") != 0) {
        id = apr_strtoi64(payload, &end, 10);
        if (end != payload && *end == '\0') {
            apr_atomic_set64(&l->slots[slot_of(id)], (apr_uint64_t)now);
            return;
        }
    }
    apr_atomic_set64(&l->all, (apr_uint64_t)now);
}

static void read_one(listener_t *l)
{
    PGnotify *n;
    PGresult *res;

    if (!PQconsumeInput(l->conn)) {
        drop(l, pq_error(l));
        return;
    }
    for (;;) {
        while ((n = PQnotifies(l->conn)) != NULL) {
            heard(l, n->extra);
            PQfreemem(n);
        }
        if (!l->busy || PQisBusy(l->conn)) {
            return;
        }
        res = PQgetResult(l->conn);
        if (res == NULL) {
            /* The command is done: the connection answers. */
            l->busy = 0;
            apr_atomic_set64(&l->alive_until,
                             (apr_uint64_t)(acc_notify_clock() + ALIVE));
            continue;
        }
        if (PQresultStatus(res) != PGRES_TUPLES_OK) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, l->s,
                         ACC_LOGNO(0232) "the listener's check failed: %s",
                         PQresultErrorMessage(res));
        }
        PQclear(res);
    }
}

static void *APR_THREAD_FUNC notify_main(apr_thread_t *t, void *data)
{
    /* Two connections a listener: listening, and writing last_seen. */
    struct pollfd *fds = calloc((apr_size_t)nt->count * 2, sizeof(*fds));
    listener_t **ls = calloc((apr_size_t)nt->count * 2, sizeof(*ls));
    listener_t *l;
    int n, i;

    if (fds == NULL || ls == NULL) {
        free(fds);
        free(ls);
        return NULL;
    }
    /* Pools of the thread's own (the process's pool is its main
     * thread's); a listener without them is never started. */
    for (l = nt->first; l; l = l->next) {
        if (apr_pool_create(&l->pool, NULL) != APR_SUCCESS ||
            apr_pool_create(&l->scratch, NULL) != APR_SUCCESS) {
            l->retry_at = APR_INT64_MAX; /* never connects: TTL only */
        }
    }
    while (!apr_atomic_read32(&nt->stop)) {
        apr_int64_t now = acc_notify_clock();
        n = 0;
        for (l = nt->first; l; l = l->next) {
            if (l->same) {
                continue;
            }
            if (l->conn == NULL && now >= l->retry_at) {
                connect_one(l);
            }
            if (l->conn && l->busy && now - l->sent_at > NO_ANSWER) {
                drop(l, "no answer");
            }
            if (l->conn && !l->busy && now - l->sent_at >= BEAT) {
                send_one(l);
            }
            if (l->wconn && l->wbusy && now - l->wsent_at > NO_ANSWER * 6) {
                wclose(l); /* a write stuck for 30 s: start afresh */
            }
            if (l->conn && !l->wbusy && now - l->wsent_at >= BEAT) {
                flush_one(l);
            }
            if (l->conn) {
                fds[n].fd = PQsocket(l->conn);
                fds[n].events = POLLIN;
                fds[n].revents = 0;
                ls[n++] = l;
            }
            if (l->wconn) {
                fds[n].fd = PQsocket(l->wconn);
                fds[n].events = POLLIN;
                fds[n].revents = 0;
                ls[n++] = l;
            }
        }
        if (n == 0) {
            apr_sleep(apr_time_from_msec(WAIT_MS));
            continue;
        }
        if (poll(fds, (nfds_t)n, WAIT_MS) > 0) {
            for (i = 0; i < n; i++) {
                if (fds[i].revents == 0) {
                    continue;
                }
                if (ls[i]->conn && fds[i].fd == PQsocket(ls[i]->conn)) {
                    read_one(ls[i]);
                }
                else if (ls[i]->wconn && fds[i].fd == PQsocket(ls[i]->wconn)) {
                    wread_one(ls[i]);
                }
            }
        }
        for (l = nt->first; l; l = l->next) {
            if (l->scratch) {
                apr_pool_clear(l->scratch);
            }
        }
    }
    for (l = nt->first; l; l = l->next) {
        if (l->conn) {
            PQfinish(l->conn);
            l->conn = NULL;
        }
        wclose(l);
        if (l->scratch) {
            apr_pool_destroy(l->scratch);
        }
        if (l->pool) {
            apr_pool_destroy(l->pool);
        }
    }
    free(fds);
    free(ls);
    return NULL;
}

static apr_status_t notify_stop(void *data)
{
    apr_status_t rv;

    if (nt && nt->thread) {
        apr_atomic_set32(&nt->stop, 1);
        apr_thread_join(&rv, nt->thread);
        nt->thread = NULL;
    }
    nt = NULL;
    return APR_SUCCESS;
}

void acc_notify_child_init(apr_pool_t *p, server_rec *s, int local)
{
    apr_threadattr_t *ta;
    sigset_t all, old;
    listener_t **tail;
    server_rec *v;
    apr_status_t rv;

    nt = NULL;
    if (!local) {
        return;
    }
    nt = apr_pcalloc(p, sizeof(*nt));
    tail = &nt->first;
    for (v = s; v; v = v->next) {
        acc_srv_cfg_t *c = acc_srv(v);
        listener_t *l;
        c->listener = NULL;
        if (c->cache_ttl <= 0 || !c->cache_notify) {
            continue;
        }
        l = apr_pcalloc(p, sizeof(*l));
        l->s = v;
        if (apr_thread_mutex_create(&l->mu, APR_THREAD_MUTEX_DEFAULT, p) !=
            APR_SUCCESS) {
            continue;
        }
        c->listener = l;
        *tail = l;
        tail = &l->next;
        nt->count++;
    }
    if (nt->count == 0 || apr_threadattr_create(&ta, p) != APR_SUCCESS) {
        nt = NULL;
        return;
    }
    /* Signals are for the process's own threads. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rv = apr_thread_create(&nt->thread, ta, notify_main, NULL, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     ACC_LOGNO(0233) "cannot start the session cache's "
                                     "change listener: cached sessions last "
                                     "AccountsSessionCacheTTL");
        for (v = s; v; v = v->next) {
            acc_srv(v)->listener = NULL;
        }
        nt = NULL;
        return;
    }
    /* Before the pool's other cleanups: the thread uses mod_dbd's. */
    apr_pool_pre_cleanup_register(p, nt, notify_stop);
}
