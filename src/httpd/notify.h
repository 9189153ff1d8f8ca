/*
 * src/httpd/notify.h -- the database's change notices, for the session
 * cache; and last_seen written behind.
 *
 * Schema step 7 announces every change to what a session lookup answers
 * on the channel accounts_change: the user's id, or '*' for a change that
 * may touch many users (a group renamed, a group's permissions).  Each
 * httpd process keeps a connection of its own (libpq, beside mod_dbd's
 * pool) to each database its hosts' shared-memory session caches front,
 * LISTENing there, and a thread that notes when it last heard of each
 * user (in 65,536 slots by a hash of the id: two users sharing a slot
 * cost each other an extra lookup, nothing else).  The thread also asks
 * the database something every second and counts the connection alive
 * for three seconds after each answer.
 *
 * A cache entry carries when the store was asked for it (read_at, on the
 * system's monotonic clock, which every process of the machine shares).
 * It stands while nothing was heard about its user or about everyone
 * since, and
 *   - for up to ACC_NOTIFY_MAX_AGE while the connection is alive and
 *     was listening before the entry was read: a change anywhere (a page,
 *     accountsctl, SQL, another server) reaches the cache within the
 *     moment its notice takes to arrive, usually a millisecond;
 *   - else for AccountsSessionCacheTTL, as without notices (the
 *     connection is down, or AccountsSessionCacheNotify Off).
 *
 * last_seen: a cached session due for a last_seen write (session.c:
 * five minutes, or a quarter of the idle timeout) is recorded by this
 * thread, on a second connection (one UPDATE a second for all of them),
 * instead of sending its request to the database.
 */
#ifndef ACC_NOTIFY_H
#define ACC_NOTIFY_H

#include "module.h"

/* An entry trusted through notices is read again after this long. */
#define ACC_NOTIFY_MAX_AGE apr_time_from_sec(900)

/* The system's monotonic clock, microseconds. */
apr_int64_t acc_notify_clock(void);

/* Whether an answer the store gave at read_at (acc_notify_clock) about
 * user_id still stands on host s: 1 or 0. */
int acc_notify_fresh(server_rec *s, apr_int64_t user_id, apr_int64_t read_at);

/* Queue a last_seen write for the session token_hash (64 hex digits) on
 * host s.  1 when queued (it is written within about a second), 0 when
 * the caller must write it itself (no listener alive, or its queue full). */
int acc_notify_touch(server_rec *s, const char *token_hash);

/* Start the listener thread of this process, for every host whose
 * session cache is in shared memory (local: see sesscache.h) with
 * AccountsSessionCacheNotify On. */
void acc_notify_child_init(apr_pool_t *p, server_rec *s, int local);

#endif /* ACC_NOTIFY_H */
