/*
 * src/core/core.h -- what every pure-core file shares: APR includes and
 * two macros.
 *
 * The pure core (everything under src/core) uses APR, apr-util,
 * libargon2 and utf8proc only: its library is built without httpd's
 * include path, so it cannot include httpd.h, and it can be unit-tested
 * and fuzzed without a server.  Memory comes from the caller's pool
 * unless a contract says otherwise.
 */
#ifndef ACC_CORE_H
#define ACC_CORE_H

#include <apr.h>
#include <apr_pools.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <apr_hash.h>

#include <stddef.h>
#include <stdint.h>

/* Say that a parameter is not used. */
#define ACC_UNUSED(x) ((void)(x))

/* Length of a string literal, without the NUL. */
#define ACC_SLEN(lit) (sizeof(lit) - 1)

#endif /* ACC_CORE_H */
