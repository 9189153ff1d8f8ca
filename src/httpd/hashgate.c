/*
 * src/httpd/hashgate.c -- at most AccountsHashConcurrency password hashes at
 * once, across all of the server's processes.
 *
 * A POSIX counting semaphore in anonymous shared memory (made before the
 * children are forked, so all of them share it).  A process that dies
 * while hashing keeps its slot until the next restart, which makes a new
 * semaphore; the bound errs on the side of the memory it protects.
 */
#include "hashgate.h"
#include "config.h"
#include "throttle.h"

#include <apr_shm.h>
#include <apr_strings.h>

#include <errno.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#define NOTE "mod_accounts:hashslot"

static apr_shm_t *shm;
static sem_t *sem;

static apr_status_t destroy(void *data)
{
    if (sem) {
        sem_destroy(sem);
    }
    sem = NULL;
    shm = NULL;
    return APR_SUCCESS;
}

int acc_hashgate_post_config(apr_pool_t *pconf, server_rec *s)
{
    acc_srv_cfg_t *c = acc_srv(s);
    apr_status_t rv;

    sem = NULL;
    rv = apr_shm_create(&shm, sizeof(sem_t), NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     ACC_LOGNO(0120) "AccountsHashConcurrency: no shared "
                                     "memory for the hash slots");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    if (sem_init(apr_shm_baseaddr_get(shm), 1,
                 (unsigned int)c->hash_concurrency) != 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, errno, s,
                     ACC_LOGNO(0121) "AccountsHashConcurrency: cannot make "
                                     "the semaphore");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    sem = apr_shm_baseaddr_get(shm);
    apr_pool_cleanup_register(pconf, NULL, destroy, apr_pool_cleanup_null);
    return OK;
}

static apr_status_t give_back(void *data)
{
    if (sem) {
        sem_post(sem);
    }
    return APR_SUCCESS;
}

int acc_hashgate_enter(request_rec *r)
{
    /* Server-wide directives: every host's configuration carries the
     * main server's values. */
    acc_srv_cfg_t *main_cfg = acc_srv(r->server);
    struct timespec deadline;
    apr_time_t asked = apr_time_now();
    int rc;

    if (sem == NULL) {
        apr_table_setn(r->notes, NOTE, apr_off_t_toa(r->pool, asked));
        return OK;
    }
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += main_cfg->hash_wait;
    do {
        rc = main_cfg->hash_wait > 0 ? sem_timedwait(sem, &deadline)
                                     : sem_trywait(sem);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ACC_LOGNO(0122) "no password hash slot within %d s "
                                      "(AccountsHashConcurrency %d): 503",
                      main_cfg->hash_wait, main_cfg->hash_concurrency);
        acc_retry_after(r, 5);
        return HTTP_SERVICE_UNAVAILABLE;
    }
    /* Given back when the request ends, whatever path it takes. */
    apr_pool_cleanup_register(r->pool, r, give_back, apr_pool_cleanup_null);
    {
        apr_time_t now = apr_time_now();
        apr_table_setn(r->notes, ACC_NOTE_HASH_WAIT_US,
                       apr_off_t_toa(r->pool, now - asked));
        apr_table_setn(r->notes, NOTE, apr_off_t_toa(r->pool, now));
    }
    return OK;
}

void acc_hashgate_leave(request_rec *r)
{
    const char *since = apr_table_get(r->notes, NOTE);

    if (since) {
        const char *before = apr_table_get(r->notes, ACC_NOTE_HASH_US);
        apr_time_t spent = apr_time_now() - apr_atoi64(since);
        apr_table_unset(r->notes, NOTE);
        apr_pool_cleanup_run(r->pool, r, give_back);
        apr_table_setn(
            r->notes, ACC_NOTE_HASH_US,
            apr_off_t_toa(r->pool, spent + (before ? apr_atoi64(before) : 0)));
    }
}
