/*
 * src/core/sessrec.h -- a session lookup's answer as bytes, for the session
 * cache.
 *
 * The session cache (httpd's socache: shared memory, or memcached/redis
 * shared by several servers) keeps what the store answered for a token so
 * that most guarded requests need no database round trip.  An entry is
 * the row's fields, NUL-separated.  In the shared cache (shared memory, a
 * dbm file, memcached, redis) the fields are followed by an HMAC-SHA256
 * of the cache key and the fields under the server's secret key: an entry
 * that was altered, truncated, or written by anyone without the key is
 * refused, which costs a database lookup and nothing else.  The copies a
 * process keeps in its own memory (pcache.h) go unsigned.  The password
 * hash is never put in an entry.
 */
#ifndef ACC_SESSREC_H
#define ACC_SESSREC_H

#include "core.h"
#include "records.h"

/* Entries larger than this are not cached (a user in very many groups);
 * they are looked up in the database every time. */
#define ACC_SESSREC_MAX 8192

/* Encode row for the cache under key (klen bytes), trusted until `until`,
 * signed with secret (unsigned when secret is NULL).  Returns the entry in
 * p and its length in *len, or NULL when it would be larger than
 * ACC_SESSREC_MAX or the username is empty. */
unsigned char *acc_sessrec_encode(apr_pool_t *p, const acc_session_row_t *row,
                                  apr_time_t until, const unsigned char *secret,
                                  apr_size_t secret_len,
                                  const unsigned char *key, apr_size_t klen,
                                  apr_size_t *len);

/* Decode an entry read from the cache under key into *row (strings in p;
 * user.password is "") and *until (when it stops being trusted).  With a secret
 * only a signed entry whose MAC matches is accepted; without one (NULL) only an
 * unsigned entry. Returns 0, or -1 when the entry is malformed or its signature
 * does not match (then *row is untouched). */
int acc_sessrec_decode(apr_pool_t *p, const unsigned char *buf, apr_size_t len,
                       const unsigned char *secret, apr_size_t secret_len,
                       const unsigned char *key, apr_size_t klen,
                       acc_session_row_t *row, apr_time_t *until);

#endif /* ACC_SESSREC_H */
