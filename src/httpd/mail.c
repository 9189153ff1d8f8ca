/*
 * src/httpd/mail.c -- mail: requests queued by pages, and the sender that
 * turns them into messages and hands those to the mail command.
 */
#include "mail.h"
#include "lang.h"
#include "config.h"
#include "core/crypto.h"
#include "core/mailpipe.h"
#include "db.h"
#include "render.h"

#include <apr_atomic.h>
#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_thread_cond.h>
#include <apr_thread_mutex.h>

#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* A message is tried for this long, then given up. */
#define GIVE_UP_AFTER 86400

/* Rows one host's sender handles in one round (the rest wait for the
 * next, which comes at once when a round was full). */
#define ROUND_MAX 50

/* Housekeeping (every AccountsHousekeepingInterval a process offers to
 * do it; one at a time does, the database's advisory lock decides): rows
 * per batch per kind, and batches per turn (a backlog is worked off over
 * several turns). */
#define HOUSEKEEP_BATCH   1000
#define HOUSEKEEP_BATCHES 50

typedef struct {
    apr_thread_mutex_t *mu;
    apr_thread_cond_t *cv;
    apr_thread_t *thread;
    server_rec *servers;
    int wake;                   /* under mu */
    volatile apr_uint32_t stop; /* atomic: read between rows too */
} sender_t;

static sender_t *snd;

/* The process is ending: the sender stops between two rows. */
static int stopping(void)
{
    return snd == NULL || apr_atomic_read32(&snd->stop) != 0;
}

/* ---- queueing (request threads) ---- */

const char *acc_mail_base_url(request_rec *r)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    const char *site = cfg->site_url;

    if (site == NULL) {
        const char *scheme = ap_http_scheme(r);
        apr_port_t port = r->server->port ? r->server->port
                          : r->connection->local_addr
                              ? r->connection->local_addr->port
                              : 0;
        const char *host = r->server->server_hostname
                               ? r->server->server_hostname
                               : "localhost";
        if (port == 0 || port == ap_default_port(r)) {
            site = apr_pstrcat(r->pool, scheme, "://", host, NULL);
        }
        else {
            site = apr_psprintf(r->pool, "%s://%s:%u", scheme, host,
                                (unsigned)port);
        }
    }
    /* The pages' path from the configuration: the request's path is the
     * client's choice, and would put its words into a mail the site sends
     * to someone else. */
    return apr_pstrcat(r->pool, site, acc_accounts_base_configured(r), NULL);
}

static void wake(void)
{
    if (snd) {
        apr_thread_mutex_lock(snd->mu);
        snd->wake = 1;
        apr_thread_cond_signal(snd->cv);
        apr_thread_mutex_unlock(snd->mu);
    }
}

void acc_mail_note_host(request_rec *r)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);

    if (apr_atomic_read32(&cfg->mail_active) == 0) {
        apr_atomic_set32(&cfg->mail_active, 1);
    }
}

int acc_mail_queue(request_rec *r, acc_store_t *st, const char *kind,
                   const char *recipient, apr_int64_t user_id)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);

    if (acc_mail_request(st, r->pool, kind, cfg->mail_site,
                         acc_mail_base_url(r), recipient, user_id,
                         acc_lang(r)->code) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0200) "cannot queue mail: %s",
                      acc_store_error(st, r->pool));
        return HTTP_SERVICE_UNAVAILABLE;
    }
    acc_mail_note_host(r);
    wake();
    return OK;
}

/* ---- delivering (the sender) ---- */

/* Deliver one message of s; 1 when there was one. */
static int deliver_one(server_rec *s, apr_pool_t *p)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    acc_db_conn_t *conn;
    acc_store_t *st = acc_db_server_store(s, p, &conn);
    acc_mail_row_t m;
    const char *err;
    int delay;

    if (st == NULL) {
        return 0;
    }
    if (acc_mail_take(st, p, cfg->mail_site, &m) != ACC_STORE_OK) {
        acc_db_server_release(conn);
        return 0;
    }
    /* No connection held while the command runs. */
    acc_db_server_release(conn);
    err = acc_mail_pipe(p, cfg->mail_command, m.message, ACC_MAIL_PIPE_TIMEOUT);
    st = acc_db_server_store(s, p, &conn);
    if (st == NULL) {
        return 0; /* the lease runs out; tried again then */
    }
    if (err == NULL) {
        acc_mail_sent(st, p, m.id);
        ap_log_error(APLOG_MARK, APLOG_INFO, 0, s,
                     ACC_LOGNO(0204) "mail %" APR_INT64_T_FMT " handed to "
                                     "the mail command",
                     m.id);
    }
    else {
        delay = cfg->mail_retry;
        for (int i = 1; i < m.attempts && delay < 3600; i++) {
            delay *= 2;
        }
        if (delay > 3600) {
            delay = 3600;
        }
        if (m.age + delay > GIVE_UP_AFTER) {
            acc_mail_fail(st, p, m.id, err);
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                         ACC_LOGNO(0205) "mail %" APR_INT64_T_FMT " to %s "
                                         "given up after %d attempts: %s",
                         m.id, ap_escape_logitem(p, m.recipient), m.attempts,
                         ap_escape_logitem(p, err));
        }
        else {
            acc_mail_retry(st, p, m.id, delay, err);
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         ACC_LOGNO(0206) "mail %" APR_INT64_T_FMT " not "
                                         "delivered (attempt %d), trying "
                                         "again in %d s: %s",
                         m.id, m.attempts, delay, ap_escape_logitem(p, err));
        }
    }
    acc_db_server_release(conn);
    return 1;
}

/* One round for host s: its requests become messages, then (unless
 * AccountsMailSender Off) its messages go out.  1 when a limit was hit
 * (more may be waiting). */
static int round_for(server_rec *s, apr_pool_t *p)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    acc_db_conn_t *conn;
    acc_store_t *st = acc_db_server_store(s, p, &conn);
    acc_mail_row_t m;
    int n = 0;

    if (st == NULL) {
        return 0;
    }
    while (n < ROUND_MAX && !stopping() &&
           acc_mail_take_request(st, p, cfg->mail_site, &m) == ACC_STORE_OK) {
        /* A request whose users could not be read stays leased, and is
         * taken again when the lease ends. */
        if (acc_mail_expand(s, st, p, &m) == OK) {
            acc_mail_done(st, p, m.id);
        }
        n++;
    }
    acc_db_server_release(conn);
    if (n == ROUND_MAX) {
        return 1;
    }
    if (!cfg->mail_sender) {
        return 0;
    }
    for (n = 0; n < ROUND_MAX && !stopping() && deliver_one(s, p); n++) {
    }
    return n == ROUND_MAX;
}

/* Housekeeping for host s's database: expired and idle sessions, old
 * throttle rows and mail, in batches, until nothing is left, another
 * process is at it, or the turn's batches are spent. */
static void housekeep(server_rec *s, apr_pool_t *p)
{
    acc_srv_cfg_t *cfg = acc_srv(s);
    acc_db_conn_t *conn;
    acc_store_t *st = acc_db_server_store(s, p, &conn);
    int counts[3], total[3] = {0, 0, 0}, i, k;

    if (st == NULL) {
        return;
    }
    for (i = 0; i < HOUSEKEEP_BATCHES && !stopping(); i++) {
        acc_store_rc_t rc =
            acc_housekeeping(st, p, HOUSEKEEP_BATCH, cfg->idle_timeout, counts);
        if (rc == ACC_STORE_ERROR) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         ACC_LOGNO(0208) "housekeeping failed: %s",
                         acc_store_error(st, p));
        }
        if (rc != ACC_STORE_OK) {
            break; /* another process is at it, or the database failed */
        }
        for (k = 0; k < 3; k++) {
            total[k] += counts[k];
        }
        if (counts[0] < HOUSEKEEP_BATCH && counts[1] < HOUSEKEEP_BATCH &&
            counts[2] < HOUSEKEEP_BATCH) {
            break;
        }
    }
    acc_db_server_release(conn);
    if (total[0] + total[1] + total[2] > 0) {
        ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                     ACC_LOGNO(0034) "housekeeping: deleted %d expired "
                                     "sessions, %d throttle rows, %d mail "
                                     "rows",
                     total[0], total[1], total[2]);
    }
}

static void *APR_THREAD_FUNC sender_main(apr_thread_t *t, void *data)
{
    apr_pool_t *p;
    apr_time_t next = 0, *due;
    server_rec *s;
    int nserv = 0, i;

    (void)data;
    apr_pool_create(&p, apr_thread_pool_get(t));
    for (s = snd->servers; s; s = s->next) {
        nserv++;
    }
    /* Each host's next housekeeping; processes start together, so their
     * first offers are spread over the interval (and a short-lived process
     * may still make one). */
    due = apr_pcalloc(apr_thread_pool_get(t), sizeof(*due) * (nserv + 1));
    for (s = snd->servers, i = 0; s; s = s->next, i++) {
        apr_interval_time_t every = apr_time_from_sec(acc_srv(s)->housekeeping);
        due[i] = apr_time_now() + (apr_time_t)(getpid() % 97) * every / 97;
    }
    for (;;) {
        apr_time_t now;
        apr_interval_time_t interval = apr_time_from_sec(3600);
        int more = 0;

        apr_thread_mutex_lock(snd->mu);
        now = apr_time_now();
        if (!snd->wake && !stopping() && next > now) {
            apr_thread_cond_timedwait(snd->cv, snd->mu, next - now);
        }
        snd->wake = 0;
        apr_thread_mutex_unlock(snd->mu);
        if (stopping()) {
            break;
        }
        now = apr_time_now();
        for (s = snd->servers, i = 0; s; s = s->next, i++) {
            acc_srv_cfg_t *cfg = acc_srv(s);
            server_rec *o;
            int dup = 0;

            /* The next look comes within the shortest interval, also of
             * hosts that become active meanwhile. */
            if (apr_time_from_sec(cfg->mail_interval) < interval) {
                interval = apr_time_from_sec(cfg->mail_interval);
            }
            if (!apr_atomic_read32(&cfg->mail_active) || stopping()) {
                continue;
            }
            /* One round per host name, not per virtual host sharing it. */
            for (o = snd->servers; o != s; o = o->next) {
                if (apr_atomic_read32(&acc_srv(o)->mail_active) &&
                    strcmp(acc_srv(o)->mail_site, cfg->mail_site) == 0) {
                    dup = 1;
                }
            }
            /* Every active host each time: a wake comes with queued mail
             * only, and a look at a quiet host is one cheap statement. */
            if (!dup) {
                more |= round_for(s, p);
                apr_pool_clear(p);
            }
            if (now >= due[i]) {
                if (!dup && !stopping()) {
                    housekeep(s, p);
                    apr_pool_clear(p);
                }
                due[i] = now + apr_time_from_sec(cfg->housekeeping);
            }
            if (due[i] - now < interval) {
                interval = due[i] - now;
            }
        }
        next = more ? now : apr_time_now() + interval;
    }
    apr_pool_destroy(p);
    /* A plain return, not apr_thread_exit: pthread_exit's forced unwind
     * leaves AddressSanitizer's marks on the stack behind (its own thread
     * teardown then reports them); the thread's pool goes with the
     * process's. */
    return NULL;
}

static apr_status_t sender_stop(void *data)
{
    sender_t *n = data;
    apr_status_t rv;

    if (n->thread) {
        apr_atomic_set32(&n->stop, 1);
        /* This may run in a signal handler (prefork's child exit) on a
         * thread that holds mu in wake(): no waiting for the lock then;
         * the sender sees stop at its next look (its waits are bounded). */
        if (apr_thread_mutex_trylock(n->mu) == APR_SUCCESS) {
            apr_thread_cond_signal(n->cv);
            apr_thread_mutex_unlock(n->mu);
        }
        else {
            apr_thread_cond_signal(n->cv);
        }
        apr_thread_join(&rv, n->thread);
        n->thread = NULL;
    }
    return APR_SUCCESS;
}

void acc_mail_child_init(apr_pool_t *p, server_rec *s)
{
    sender_t *n = apr_pcalloc(p, sizeof(*n));
    apr_threadattr_t *ta;
    sigset_t all, old;
    apr_status_t rv;

    n->servers = s;
    if (apr_thread_mutex_create(&n->mu, APR_THREAD_MUTEX_DEFAULT, p) !=
            APR_SUCCESS ||
        apr_thread_cond_create(&n->cv, p) != APR_SUCCESS ||
        apr_threadattr_create(&ta, p) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ACC_LOGNO(0207) "cannot start the mail sender");
        return;
    }
    snd = n;
    /* Signals are for the process's own threads: the sender blocks them
     * all (it inherits the mask set around its creation). */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rv = apr_thread_create(&n->thread, ta, sender_main, NULL, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     ACC_LOGNO(0207) "cannot start the mail sender");
        snd = NULL;
        return;
    }
    /* Before the pool's other cleanups: the thread uses mod_dbd's. */
    apr_pool_pre_cleanup_register(p, n, sender_stop);
}
