/*
 * src/core/pcache.c -- a per-process cache of session cache entries, in front
 * of the shared one.
 */
#include "pcache.h"

#include <apr_atomic.h>
#include <apr_thread_rwlock.h>

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    unsigned char *buf;
    apr_size_t len;
    apr_time_t until;
    apr_uint32_t gen;
    apr_size_t slot; /* its place in the ring */
} entry_t;

struct acc_pcache {
    apr_pool_t *pool; /* the map's, with an allocator of its own */
    apr_hash_t *map;  /* key -> entry_t * */
    apr_size_t max;
    /* Every entry in the order it came: when full, the oldest goes (one
     * entry at a time, never the whole cache at once). */
    entry_t **ring;
    apr_size_t used, oldest;
    volatile apr_uint32_t *gens;
    apr_size_t nslots;
    /* Admission (acc_pcache_wants): lookups and hits in the current
     * window, whether the last window was poor, misses since, and whether
     * the cache is full (it stays full: entries are only replaced), read
     * without the lock. */
    volatile apr_uint32_t lookups, hits, poor, misses, full;
#if APR_HAS_THREADS
    apr_thread_rwlock_t *lock;
#endif
};

static void rdlock(acc_pcache_t *pc)
{
#if APR_HAS_THREADS
    apr_thread_rwlock_rdlock(pc->lock);
#endif
}

static void wrlock(acc_pcache_t *pc)
{
#if APR_HAS_THREADS
    apr_thread_rwlock_wrlock(pc->lock);
#endif
}

static void unlock(acc_pcache_t *pc)
{
#if APR_HAS_THREADS
    apr_thread_rwlock_unlock(pc->lock);
#endif
}

static void entry_free(entry_t *e)
{
    if (e) {
        free(e->key);
        free(e->buf);
        free(e);
    }
}

static apr_status_t clear_all(void *data)
{
    acc_pcache_t *pc = data;
    apr_hash_index_t *hi;

    /* Out of the table, then freed (the table reads the keys as it
     * removes them; deleting the current entry while iterating is
     * allowed). */
    for (hi = apr_hash_first(NULL, pc->map); hi; hi = apr_hash_next(hi)) {
        entry_t *e = apr_hash_this_val(hi);
        apr_hash_set(pc->map, e->key, APR_HASH_KEY_STRING, NULL);
        entry_free(e);
    }
    return APR_SUCCESS;
}

acc_pcache_t *acc_pcache_create(apr_pool_t *p, apr_size_t max_entries,
                                volatile apr_uint32_t *gens, apr_size_t nslots)
{
    acc_pcache_t *pc = apr_pcalloc(p, sizeof(*pc));
    apr_allocator_t *al;

    /* The map grows (apr_hash_set) while requests run, under the write
     * lock: from a pool of its own, with an allocator of its own, since
     * other threads may allocate from p at the same time (the MPM makes
     * its worker threads from it while the first ones already serve). */
    if (apr_allocator_create(&al) != APR_SUCCESS) {
        return NULL;
    }
    if (apr_pool_create_ex(&pc->pool, p, NULL, al) != APR_SUCCESS) {
        apr_allocator_destroy(al);
        return NULL;
    }
    apr_allocator_owner_set(al, pc->pool);
    pc->map = apr_hash_make(pc->pool);
    pc->max = max_entries ? max_entries : 1;
    pc->ring = apr_pcalloc(pc->pool, pc->max * sizeof(*pc->ring));
    pc->gens = gens;
    pc->nslots = nslots;
#if APR_HAS_THREADS
    if (apr_thread_rwlock_create(&pc->lock, p) != APR_SUCCESS) {
        return NULL;
    }
#endif
    /* The entries (malloc'd) go with the map. */
    apr_pool_cleanup_register(pc->pool, pc, clear_all, apr_pool_cleanup_null);
    return pc;
}

static volatile apr_uint32_t *slot_of(volatile apr_uint32_t *gens,
                                      apr_size_t nslots, const char *key)
{
    apr_ssize_t klen = APR_HASH_KEY_STRING;
    unsigned int h = apr_hashfunc_default(key, &klen);

    return &gens[h % nslots];
}

apr_uint32_t acc_gens_get(volatile apr_uint32_t *gens, apr_size_t nslots,
                          const char *key)
{
    return apr_atomic_read32(slot_of(gens, nslots, key));
}

void acc_gens_bump(volatile apr_uint32_t *gens, apr_size_t nslots,
                   const char *key)
{
    apr_atomic_inc32(slot_of(gens, nslots, key));
}

apr_uint32_t acc_pcache_gen(acc_pcache_t *pc, const char *key)
{
    return acc_gens_get(pc->gens, pc->nslots, key);
}

/* One lookup, a hit or not; at the end of each window, whether it was a
 * poor one.  Counts from several threads may straddle a window's end:
 * the verdict is a rate, a few lookups either way do not change it. */
static void count(acc_pcache_t *pc, int hit)
{
    apr_uint32_t h;

    if (hit) {
        apr_atomic_inc32(&pc->hits);
    }
    if ((apr_atomic_inc32(&pc->lookups) + 1) % ACC_PCACHE_WINDOW == 0) {
        h = apr_atomic_xchg32(&pc->hits, 0);
        apr_atomic_set32(&pc->poor,
                         h * ACC_PCACHE_POOR_HITS < ACC_PCACHE_WINDOW);
    }
}

int acc_pcache_get(acc_pcache_t *pc, const char *key, apr_time_t now,
                   apr_pool_t *p, unsigned char **buf, apr_size_t *len)
{
    apr_uint32_t gen = acc_pcache_gen(pc, key);
    entry_t *e;
    int hit = 0;

    rdlock(pc);
    e = apr_hash_get(pc->map, key, APR_HASH_KEY_STRING);
    if (e && e->gen == gen && now < e->until) {
        *buf = apr_pmemdup(p, e->buf, e->len);
        *len = e->len;
        hit = 1;
    }
    unlock(pc);
    count(pc, hit);
    return hit;
}

int acc_pcache_wants(acc_pcache_t *pc)
{
    return !apr_atomic_read32(&pc->full) || !apr_atomic_read32(&pc->poor) ||
           apr_atomic_inc32(&pc->misses) % ACC_PCACHE_SAMPLE == 0;
}

void acc_pcache_put(acc_pcache_t *pc, const char *key, const unsigned char *buf,
                    apr_size_t len, apr_time_t until, apr_uint32_t gen)
{
    entry_t *e = calloc(1, sizeof(*e)), *old, *gone = NULL;

    if (e == NULL || (e->key = strdup(key)) == NULL ||
        (e->buf = malloc(len ? len : 1)) == NULL) {
        entry_free(e);
        return;
    }
    memcpy(e->buf, buf, len);
    e->len = len;
    e->until = until;
    e->gen = gen;

    wrlock(pc);
    old = apr_hash_get(pc->map, key, APR_HASH_KEY_STRING);
    if (old) {
        /* Out first: the table keeps the first key pointer it was given.
         * The new entry takes the old one's place in the ring. */
        apr_hash_set(pc->map, key, APR_HASH_KEY_STRING, NULL);
        e->slot = old->slot;
    }
    else if (pc->used < pc->max) {
        e->slot = pc->used++;
        if (pc->used == pc->max) {
            apr_atomic_set32(&pc->full, 1);
        }
    }
    else {
        /* Full: the oldest entry makes room. */
        gone = pc->ring[pc->oldest];
        apr_hash_set(pc->map, gone->key, APR_HASH_KEY_STRING, NULL);
        e->slot = pc->oldest;
        pc->oldest = (pc->oldest + 1) % pc->max;
    }
    pc->ring[e->slot] = e;
    apr_hash_set(pc->map, e->key, APR_HASH_KEY_STRING, e);
    unlock(pc);
    entry_free(old);
    entry_free(gone);
}

void acc_pcache_revoke(acc_pcache_t *pc, const char *key)
{
    acc_gens_bump(pc->gens, pc->nslots, key);
}

apr_size_t acc_pcache_count(acc_pcache_t *pc)
{
    apr_size_t n;

    rdlock(pc);
    n = apr_hash_count(pc->map);
    unlock(pc);
    return n;
}
