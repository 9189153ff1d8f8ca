/*
 * src/core/shmlock.h -- a lock shared by a server's processes that survives
 * the death of its holder.
 *
 * A process-shared, robust pthread mutex in anonymous shared memory made
 * before the children are forked.  When a process dies holding it (a
 * SIGKILL from the OOM killer, say), the kernel marks it, and the next
 * process to lock it takes it over instead of waiting for ever.  No
 * priority inheritance (APR's proc_pthread mechanism sets it, and then
 * every contended lock goes through the kernel), so the uncontended lock
 * and unlock stay in user space.  Pure POSIX and APR: no httpd.
 */
#ifndef ACC_SHMLOCK_H
#define ACC_SHMLOCK_H

#include "core.h"

typedef struct acc_shmlock acc_shmlock_t;

/* A new lock in shared memory from p (to be inherited across fork).  When
 * p is destroyed the creating process's mapping goes, but the lock keeps
 * working in the processes forked before (httpd's old children after a
 * graceful restart).  APR_SUCCESS, or an error with *lock NULL. */
apr_status_t acc_shmlock_create(acc_shmlock_t **lock, apr_pool_t *p);

/* n such locks (n >= 1) into locks[0..n-1], in one segment of shared
 * memory, each mutex on cache lines of its own: a cache sharded into many
 * instances, each with its lock, maps one segment, not one per lock.
 * APR_SUCCESS, or an error with every locks[i] NULL. */
apr_status_t acc_shmlock_create_n(acc_shmlock_t **locks, int n, apr_pool_t *p);

typedef enum {
    ACC_SHMLOCK_OK = 0,        /* locked */
    ACC_SHMLOCK_RECOVERED = 1, /* locked, after its holder died holding it:
                                  what it protects may be half-changed */
    ACC_SHMLOCK_ERROR = -1     /* not locked */
} acc_shmlock_rc_t;

/* Lock, waiting as long as a live holder keeps it. */
acc_shmlock_rc_t acc_shmlock_lock(acc_shmlock_t *lock);

/* Unlock (only by the thread that locked it). */
void acc_shmlock_unlock(acc_shmlock_t *lock);

#endif /* ACC_SHMLOCK_H */
