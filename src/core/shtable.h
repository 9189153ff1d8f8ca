/*
 * src/core/shtable.h -- a table of session cache entries in memory shared by
 * a server's processes: the default session cache.
 *
 * httpd's shmcb keeps entries in rings and finds one by a linear scan of a
 * subcache's index and a compare of every id of the same length: at
 * 100,000 sessions, some 25 cache lines that no CPU cache holds.  Here a
 * key names two sets of ACC_SHTABLE_WAYS slots (four for an entry of
 * more than one slot); each set has one cache line of tags (a 32-bit hash
 * of the key of the entry that starts in each slot, 0 where none does),
 * so a lookup that finds its entry reads one or two tag lines (rarely
 * more) and the entry's own lines.
 *
 * An entry is its key, its value and when it stops being valid, in
 * consecutive slots of one set: ACC_SHTABLE_SLOT bytes each, and at most a
 * whole set (ACC_SHTABLE_MAX bytes of key and value).  A store goes to the
 * first run of free slots (empty, or holding only expired entries) in the
 * emptier of the key's two sets (an entry of more slots, failing that, in
 * its other two); when none has one it takes the run whose entries
 * expire first.  Nothing runs in the background: an expired
 * entry is space for the next store.
 *
 * Locking is the caller's: the sets of a key are in one stripe
 * (acc_shtable_stripe), and every call for a key is made holding that
 * stripe's lock.  A store clears the tags of the slots it takes, writes
 * the entry and sets its tag last, so a process that dies holding the lock
 * leaves at worst slots no tag points at: the next holder of the lock
 * finds every entry whole, or not at all.  Pure APR: no httpd.
 */
#ifndef ACC_SHTABLE_H
#define ACC_SHTABLE_H

#include "core.h"

#include <apr_time.h>

typedef struct acc_shtable acc_shtable_t;

#define ACC_SHTABLE_SLOT 512
#define ACC_SHTABLE_WAYS 16
/* Key and value of the largest entry (a set, less the entry's header). */
#define ACC_SHTABLE_MAX (ACC_SHTABLE_SLOT * ACC_SHTABLE_WAYS - 16)

/* The shared memory a table for `entries` entries needs: a quarter more
 * slots than entries (what keeps a table filled to its size from losing
 * live entries to full sets), and a tag line per set.  0 when that is
 * more than the address space (a 32-bit build asked for millions). */
apr_size_t acc_shtable_bytes(apr_size_t entries);

/* A table over mem (acc_shtable_bytes(entries) bytes of zeroed shared
 * memory, such as fresh anonymous shared memory), its handle in p.  Made
 * before the processes that share it are forked; they inherit both. */
acc_shtable_t *acc_shtable_make(apr_pool_t *p, void *mem, apr_size_t entries);

/* How many stripes (locks) it has: a power of two, up to 4,096 (256 for
 * 100,000 entries). */
apr_size_t acc_shtable_stripes(const acc_shtable_t *t);

/* A key's hash (every call below takes it), and its stripe. */
apr_uint64_t acc_shtable_hash(const void *key, apr_size_t klen);
apr_size_t acc_shtable_stripe(const acc_shtable_t *t, apr_uint64_t h);

/* Key's value into buf (*len: its size in, the value's length out), when
 * the entry is there and valid at now: 1; else 0. */
int acc_shtable_get(acc_shtable_t *t, apr_uint64_t h, const void *key,
                    apr_size_t klen, apr_time_t now, unsigned char *buf,
                    apr_size_t *len);

/* Keep val (vlen bytes) for key until `until`, replacing its entry if it
 * has one: 1; 0 when key and value are over ACC_SHTABLE_MAX (the key's
 * old entry is gone all the same). */
int acc_shtable_put(acc_shtable_t *t, apr_uint64_t h, const void *key,
                    apr_size_t klen, const void *val, apr_size_t vlen,
                    apr_time_t until, apr_time_t now);

/* The same, only when key has an entry valid at now (else nothing is
 * stored: 0): a refresh of an entry that someone removed in between does
 * not bring it back. */
int acc_shtable_replace(acc_shtable_t *t, apr_uint64_t h, const void *key,
                        apr_size_t klen, const void *val, apr_size_t vlen,
                        apr_time_t until, apr_time_t now);

/* Remove key's entry, if it has one. */
void acc_shtable_remove(acc_shtable_t *t, apr_uint64_t h, const void *key,
                        apr_size_t klen);

#endif /* ACC_SHTABLE_H */
