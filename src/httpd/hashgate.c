/*
 * src/httpd/hashgate.c -- at most AccountsHashConcurrency password hashes at
 * once, across all of the server's processes.
 *
 * A POSIX counting semaphore in anonymous shared memory (made before the
 * children are forked, so all of them share it).  A process that dies
 * while hashing keeps its slot until the next restart, which makes a new
 * semaphore; the bound errs on the side of the memory it protects.
 *
 * Each slot also owns argon2's memory for the hashes made in it: one
 * shared mapping of AccountsHashConcurrency x m KiB (the largest m of the
 * server's hosts), made here before the children are forked.  A request
 * that gets past the semaphore takes the first slot whose flag is clear;
 * one is, as the semaphore lets no more requests through than there are
 * slots (a slot whose process died keeps its flag and its count alike).
 * So hashing never maps memory on the request path, and the most it ever
 * takes is the bound the directive already set, held once touched.
 */
#include "hashgate.h"
#include "config.h"
#include "throttle.h"

#include <apr_atomic.h>
#include <apr_shm.h>
#include <apr_strings.h>

#include <errno.h>
#include <semaphore.h>
#include <string.h>
#include <time.h>

#define NOTE     "mod_accounts:hashslot"
#define SLOT_KEY "mod_accounts:hashmem"

/* What the children share: the semaphore and a flag per slot. */
typedef struct {
    sem_t sem;
    apr_uint32_t busy[1]; /* AccountsHashConcurrency of them */
} gate_t;

static apr_shm_t *shm;
static gate_t *gate;
static sem_t *sem;
static unsigned char *slot_mem; /* nslots x slot_len bytes, or NULL */
static apr_size_t slot_len;
static int nslots;

/* A request's slot: its index and its memory. */
typedef struct {
    int index;
    acc_hash_mem_t mem;
} slot_t;

static apr_status_t destroy(void *data)
{
    if (sem) {
        sem_destroy(sem);
    }
    acc_hash_mem_unmap(slot_mem, slot_len * (apr_size_t)nslots);
    slot_mem = NULL;
    sem = NULL;
    gate = NULL;
    shm = NULL;
    return APR_SUCCESS;
}

/* The most memory one of this server's hashes takes. */
static apr_size_t largest_hash(server_rec *s)
{
    apr_size_t most = 0;

    for (; s; s = s->next) {
        apr_size_t len = acc_hash_mem_len(&acc_srv(s)->hash);
        if (len > most) {
            most = len;
        }
    }
    return most;
}

int acc_hashgate_post_config(apr_pool_t *pconf, server_rec *s)
{
    acc_srv_cfg_t *c = acc_srv(s);
    apr_status_t rv;

    sem = NULL;
    gate = NULL;
    slot_mem = NULL;
    nslots = c->hash_concurrency;
    rv = apr_shm_create(
        &shm, sizeof(gate_t) + sizeof(apr_uint32_t) * (apr_size_t)nslots, NULL,
        pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     ACC_LOGNO(0120) "AccountsHashConcurrency: no shared "
                                     "memory for the hash slots");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    gate = apr_shm_baseaddr_get(shm);
    memset(gate, 0, apr_shm_size_get(shm));
    if (sem_init(&gate->sem, 1, (unsigned int)c->hash_concurrency) != 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, errno, s,
                     ACC_LOGNO(0121) "AccountsHashConcurrency: cannot make "
                                     "the semaphore");
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    sem = &gate->sem;
    slot_len = largest_hash(s);
    slot_mem = acc_hash_mem_map(slot_len * (apr_size_t)nslots);
    if (slot_mem == NULL) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, errno, s,
                     ACC_LOGNO(0251) "AccountsHashConcurrency: cannot map "
                                     "%d x %" APR_SIZE_T_FMT " KiB for the "
                                     "hash slots; each hash maps its own",
                     nslots, slot_len / 1024);
    }
    apr_pool_cleanup_register(pconf, NULL, destroy, apr_pool_cleanup_null);
    return OK;
}

/* The request's slot: the first one free (see the top of this file). */
static void take_slot(request_rec *r)
{
    slot_t *slot;
    int i;

    if (slot_mem == NULL || acc_hashgate_memory(r) != NULL) {
        return; /* none, or the request holds one (entered twice) */
    }
    for (i = 0; i < nslots; i++) {
        if (apr_atomic_cas32(&gate->busy[i], 1, 0) == 0) {
            break;
        }
    }
    if (i == nslots) {
        return; /* cannot happen (see above); the hash maps its own */
    }
    slot = apr_palloc(r->pool, sizeof(*slot));
    slot->index = i;
    slot->mem.base = slot_mem + slot_len * (apr_size_t)i;
    slot->mem.len = slot_len;
    apr_pool_userdata_setn(slot, SLOT_KEY, NULL, r->pool);
}

const acc_hash_mem_t *acc_hashgate_memory(request_rec *r)
{
    void *slot = NULL;

    apr_pool_userdata_get(&slot, SLOT_KEY, r->pool);
    return slot ? &((slot_t *)slot)->mem : NULL;
}

static apr_status_t give_back(void *data)
{
    request_rec *r = data;
    void *slot = NULL;

    /* The slot's flag first: whoever the semaphore lets in next finds it
     * clear. */
    apr_pool_userdata_get(&slot, SLOT_KEY, r->pool);
    if (slot) {
        apr_pool_userdata_setn(NULL, SLOT_KEY, NULL, r->pool);
        if (gate) {
            apr_atomic_set32(&gate->busy[((slot_t *)slot)->index], 0);
        }
    }
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
    take_slot(r);
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
