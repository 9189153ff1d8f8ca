/*
 * src/httpd/sesscache.h -- the session cache in front of the session store.
 *
 * A guarded request with a valid session costs no database round trip
 * while its entry is in the cache.  The cache is one per httpd (its
 * kind and size set once, server-wide, with AccountsSessionCache: a table
 * in shared memory by default (core/shtable.h), shared by the processes
 * of this server; an httpd socache provider instead -- memcache or redis
 * to share it between servers); each virtual host keeps its entries
 * apart and says how long they live with AccountsSessionCacheTTL (default
 * 10 s; 0 turns the cache off for that host).  Logout and a new login on
 * this server remove the token's entry at once; changes made elsewhere
 * (accountsctl, another server) take effect within the TTL.
 */
#ifndef ACC_SESSCACHE_H
#define ACC_SESSCACHE_H

#include "module.h"
#include "store/store.h"

/* AccountsSessionCache shm | none | provider[:arguments] ("shmcb" alone
 * is shm, as the default was called before). */
const char *acc_cache_set(cmd_parms *cmd, void *dummy, const char *arg);

/* AccountsSessionCacheSize SESSIONS: how many sessions the default table
 * holds (100,000; 655 bytes of shared memory each). */
const char *acc_cache_size_set(cmd_parms *cmd, void *dummy, const char *arg);

/* pre_config: forget the last configuration's cache. */
int acc_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog,
                         apr_pool_t *ptemp);

/* check_config: settle the cache (the default is the table) and make
 * each host's key prefix.  Returns OK. */
int acc_cache_check(apr_pool_t *pconf, server_rec *s);

/* post_config: create the cache and its robust locks (one a stripe of the
 * table; one for a provider that needs it). */
int acc_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s);

/* child_init: this process's own layer, and the change notices' listener. */
void acc_cache_child_init(apr_pool_t *p, server_rec *s);

/* The cached lookup for token_hash (hex), into *row (its strings in p,
 * which must live as long as the caller keeps the row): 1 on a hit, 0 on
 * a miss (or when the cache is off for this host).  Looks in this
 * process's cache, then the shared one.  *gen is for acc_cache_put after
 * a miss, for acc_cache_refresh after a hit. */
int acc_cache_get(request_rec *r, apr_pool_t *p, const char *token_hash,
                  acc_session_row_t *row, apr_uint32_t *gen);

/* Keep row (as the database gave it after acc_cache_get said *gen) for
 * token_hash, until the TTL or the session's expiry, whichever is first:
 * in the shared cache and this process's.  Not kept if the token was
 * forgotten in between. */
void acc_cache_put(request_rec *r, const char *token_hash,
                   const acc_session_row_t *row, apr_uint32_t gen);

/* Keep row, found by acc_cache_get (which said *gen) and changed since
 * (its last_seen), in place of its entry: in the table only while that
 * entry is still there; with a provider, as acc_cache_put does. */
void acc_cache_refresh(request_rec *r, const char *token_hash,
                       const acc_session_row_t *row, apr_uint32_t gen);

/* Drop token_hash's entry (logout, a new login): from the shared cache,
 * and from every process's cache of this server. */
void acc_cache_forget(request_rec *r, const char *token_hash);

#endif /* ACC_SESSCACHE_H */
