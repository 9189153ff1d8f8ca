/*
 * src/httpd/dbgate.h -- at most DBDMax of a process's requests hold a database
 * connection at once, and none waits for one longer than AccountsDBWait.
 *
 * mod_dbd keeps at most DBDMax connections in each process for each group
 * of hosts with the same DBD settings, and a request that finds them all
 * taken waits for one with no time limit.  mod_accounts takes its
 * connections through this gate, a counting semaphore per group sized to
 * that group's DBDMax (read from the configuration, since mod_dbd keeps
 * its settings to itself): a request that cannot have one within
 * AccountsDBWait seconds gets 503 instead of blocking a worker thread.
 * Other modules using the same connections (mod_authn_dbd, ...) are not
 * counted, so the bound holds for mod_accounts' own requests.
 */
#ifndef ACC_DBGATE_H
#define ACC_DBGATE_H

#include "module.h"

/* post_config: read each host's DBD settings from the configuration tree
 * and group the hosts as mod_dbd does.  Always OK. */
int acc_dbgate_post_config(apr_pool_t *pconf, server_rec *s);

/* child_init: this process's semaphores. */
void acc_dbgate_child_init(apr_pool_t *p, server_rec *s);

/* Take a place for a connection of s's group, waiting at most `wait`
 * seconds: 1, or 0 when none came free in time. */
int acc_dbgate_enter(server_rec *s, int wait);

/* Give the place back. */
void acc_dbgate_leave(server_rec *s);

/* DBDMax of s's group (for messages). */
int acc_dbgate_size(server_rec *s);

#endif /* ACC_DBGATE_H */
