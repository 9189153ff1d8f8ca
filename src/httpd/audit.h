/*
 * src/httpd/audit.h -- the audit trail of authentication events.
 *
 * Each login, failure, throttled attempt, logout and registration is a
 * row of accounts_audit (`accountsctl log` shows them): the event, the
 * username as typed (cut to 150 characters), the client address
 * (r->useragent_ip) and the user agent (escaped, cut).
 */
#ifndef ACC_AUDIT_H
#define ACC_AUDIT_H

#include "module.h"
#include "store/store.h"

/* Record an event in the audit trail (best effort: a failure is logged,
 * never fatal to the request). */
void acc_audit(request_rec *r, acc_store_t *st, const char *event,
               const char *username);

/* The row acc_audit would write for username, for a caller that writes it
 * in its own statement: the name as kept, the address, the user agent. */
void acc_audit_values(request_rec *r, const char *username, const char **name,
                      const char **addr, const char **ua);

#endif /* ACC_AUDIT_H */
