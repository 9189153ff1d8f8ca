/*
 * src/httpd/hashgate.h -- at most AccountsHashConcurrency password hashes at
 * once, across all of the server's processes.
 *
 * argon2id takes m KiB per hash; a burst of logins must not multiply that
 * by the number of threads.  A hash waits for a slot for up to
 * AccountsHashWait seconds, then the request gets 503 with Retry-After.
 */
#ifndef ACC_HASHGATE_H
#define ACC_HASHGATE_H

#include "module.h"
#include "core/password.h"

/* post_config: the counting semaphore, in shared memory the children
 * inherit.  Returns OK or HTTP_INTERNAL_SERVER_ERROR (logged). */
int acc_hashgate_post_config(apr_pool_t *pconf, server_rec *s);

/* What the request spent hashing (between enter and leave, summed over
 * its slots) and waiting for a slot, in microseconds, as request notes
 * the access log can show: LogFormat "... %{accounts-hash-us}n
 * %{accounts-hash-wait-us}n". */
#define ACC_NOTE_HASH_US      "accounts-hash-us"
#define ACC_NOTE_HASH_WAIT_US "accounts-hash-wait-us"

/* Take a slot for this request (given back when it ends, or earlier with
 * acc_hashgate_leave).  OK, or HTTP_SERVICE_UNAVAILABLE after the wait
 * (logged; Retry-After set). */
int acc_hashgate_enter(request_rec *r);

/* The memory of the request's slot for argon2's blocks (pass it to
 * acc_password_verify_in / acc_password_hash_in), or NULL: no slot, or
 * no slot memory (each hash then maps its own). */
const acc_hash_mem_t *acc_hashgate_memory(request_rec *r);

/* Give the request's slot back now. */
void acc_hashgate_leave(request_rec *r);

#endif /* ACC_HASHGATE_H */
