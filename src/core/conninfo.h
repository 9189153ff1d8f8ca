/*
 * src/core/conninfo.h -- what a libpq connection string gives away.
 *
 * accountsctl takes a connection string in --db, where every user of the
 * machine can read it in ps; a password in it should live somewhere else
 * (ACCOUNTS_DB, ~/.pgpass, a pg_service.conf service).  This reads the
 * string as libpq does, both forms:
 *
 *   keyword/value: "host=db password=secret", spaces around "=" allowed,
 *     values in single quotes with backslash escapes
 *   URI: postgresql://user:secret@host/db or postgres://...?password=secret
 *     (keys percent-decoded)
 *
 * and a dbname that is itself a connection string (libpq expands it).
 * Keywords are compared in any case (libpq would refuse "PASSWORD=", but
 * it was still typed on the command line).
 */
#ifndef ACC_CONNINFO_H
#define ACC_CONNINFO_H

#include "core.h"

/* 1 when conninfo gives a non-empty password as libpq reads it (up to
 * where libpq would stop on an error: what came before was still typed),
 * else 0 (also for NULL and "").  Scratch memory from p. */
int acc_conninfo_has_password(apr_pool_t *p, const char *conninfo);

#endif /* ACC_CONNINFO_H */
