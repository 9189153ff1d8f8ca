/*
 * src/core/shmlock.c -- a lock shared by a server's processes that survives
 * the death of its holder.
 */
#include "shmlock.h"

#include <apr_shm.h>

#include <errno.h>
#include <pthread.h>

struct acc_shmlock {
    pthread_mutex_t *mutex; /* in shared memory */
    apr_shm_t *shm;
};

/* Each mutex on cache lines of its own: locks taken by different
 * processes at once do not bounce one line between CPUs. */
#define SLOT ((sizeof(pthread_mutex_t) + 63) / 64 * 64)

apr_status_t acc_shmlock_create_n(acc_shmlock_t **out, int n, apr_pool_t *p)
{
    pthread_mutexattr_t attr;
    apr_shm_t *shm;
    char *base;
    apr_status_t rv;
    int rc, i;

    for (i = 0; i < n; i++) {
        out[i] = NULL;
    }
    if (n < 1) {
        return APR_EINVAL;
    }
    rv = apr_shm_create(&shm, SLOT * (apr_size_t)n, NULL, p);
    if (rv != APR_SUCCESS) {
        return rv;
    }
    base = apr_shm_baseaddr_get(shm);
    if ((rc = pthread_mutexattr_init(&attr)) != 0) {
        return rc;
    }
    if ((rc = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED)) ||
        (rc = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST))) {
        pthread_mutexattr_destroy(&attr);
        return rc;
    }
    for (i = 0; i < n; i++) {
        acc_shmlock_t *lock = apr_pcalloc(p, sizeof(*lock));
        lock->shm = shm;
        lock->mutex = (pthread_mutex_t *)(void *)(base + SLOT * (apr_size_t)i);
        if ((rc = pthread_mutex_init(lock->mutex, &attr)) != 0) {
            pthread_mutexattr_destroy(&attr);
            for (i = 0; i < n; i++) {
                out[i] = NULL;
            }
            return rc;
        }
        out[i] = lock;
    }
    pthread_mutexattr_destroy(&attr);
    /* Never pthread_mutex_destroy'd: when httpd restarts gracefully the
     * parent's pool goes while the old children still lock them (glibc
     * then makes it fail with EINVAL).  The shared memory stays mapped in
     * every process that has it until that process exits. */
    return APR_SUCCESS;
}

apr_status_t acc_shmlock_create(acc_shmlock_t **out, apr_pool_t *p)
{
    return acc_shmlock_create_n(out, 1, p);
}

acc_shmlock_rc_t acc_shmlock_lock(acc_shmlock_t *lock)
{
    int rc = pthread_mutex_lock(lock->mutex);

    if (rc == 0) {
        return ACC_SHMLOCK_OK;
    }
    if (rc == EOWNERDEAD) {
        /* Its holder died with it: ours now, once marked usable again. */
        if (pthread_mutex_consistent(lock->mutex) == 0) {
            return ACC_SHMLOCK_RECOVERED;
        }
        pthread_mutex_unlock(lock->mutex);
    }
    return ACC_SHMLOCK_ERROR;
}

void acc_shmlock_unlock(acc_shmlock_t *lock)
{
    pthread_mutex_unlock(lock->mutex);
}
