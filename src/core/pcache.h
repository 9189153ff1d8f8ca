/*
 * src/core/pcache.h -- a per-process cache of session cache entries, in front
 * of the shared one.
 *
 * The shared cache needs a cross-process lock on every lookup;
 * under load that lock, not the lookup, is what a guarded page costs.  So
 * each httpd process keeps the entries it has used in its own memory,
 * read under a reader-writer lock that readers never wait on each other
 * for.  What makes that safe is a table of generation counters in memory
 * shared by all the processes of the server: forgetting a key (logout, a
 * new login) bumps its slot's counter, and an entry filled under an older
 * generation is not used.  An entry also carries the time it stops being
 * trusted, the same as its shared-cache entry.  Pure APR: no httpd.
 */
#ifndef ACC_PCACHE_H
#define ACC_PCACHE_H

#include "core.h"

#include <apr_time.h>

typedef struct acc_pcache acc_pcache_t;

/* A cache of at most max_entries entries, in memory from p (which must
 * outlive it; entries themselves are malloc'd and freed as they go), over
 * nslots generation counters at gens (shared memory, zeroed, the same
 * for every process).  NULL when the lock cannot be made. */
acc_pcache_t *acc_pcache_create(apr_pool_t *p, apr_size_t max_entries,
                                volatile apr_uint32_t *gens, apr_size_t nslots);

/* The current generation of key's slot: read it before looking the key
 * up anywhere, and fill with it. */
apr_uint32_t acc_pcache_gen(acc_pcache_t *pc, const char *key);

/* The entry for key, copied into p, when it is there, trusted at now, and
 * of its slot's current generation: 1 (with *buf, *len); else 0. */
int acc_pcache_get(acc_pcache_t *pc, const char *key, apr_time_t now,
                   apr_pool_t *p, unsigned char **buf, apr_size_t *len);

/* Keep buf (len bytes) for key until `until`, as of generation gen (what
 * acc_pcache_gen said before the value was looked up). */
void acc_pcache_put(acc_pcache_t *pc, const char *key, const unsigned char *buf,
                    apr_size_t len, apr_time_t until, apr_uint32_t gen);

/* Whether to keep a copy of what a lookup that missed here found
 * elsewhere.  Yes while the cache has room, and while lookups hit it;
 * when they mostly miss (fewer than one in ACC_PCACHE_POOR_HITS of the
 * last ACC_PCACHE_WINDOW found their entry: more sessions in use than it
 * holds, say 100,000 against 4,096) a copy costs its making and pushes
 * out an entry as likely to be asked for, so only one miss in
 * ACC_PCACHE_SAMPLE is kept -- enough for a smaller set of sessions in
 * heavy use to fill it again, when the hits come back the cache keeps
 * every miss again. */
#define ACC_PCACHE_WINDOW    4096
#define ACC_PCACHE_POOR_HITS 8
#define ACC_PCACHE_SAMPLE    16
int acc_pcache_wants(acc_pcache_t *pc);

/* Make key's entries, in every process sharing gens, unusable. */
void acc_pcache_revoke(acc_pcache_t *pc, const char *key);

/* The same counters without a cache over them (for a shared cache read
 * without a copy in front, whose fills still need to know of a
 * revocation): key's slot's generation, and its bump.  The slot is the
 * one a cache over gens uses. */
apr_uint32_t acc_gens_get(volatile apr_uint32_t *gens, apr_size_t nslots,
                          const char *key);
void acc_gens_bump(volatile apr_uint32_t *gens, apr_size_t nslots,
                   const char *key);

/* How many entries this process holds (for tests). */
apr_size_t acc_pcache_count(acc_pcache_t *pc);

#endif /* ACC_PCACHE_H */
