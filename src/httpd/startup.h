/*
 * src/httpd/startup.h -- what happens once the configuration is read.
 */
#ifndef ACC_STARTUP_H
#define ACC_STARTUP_H

#include "module.h"

/* check_config: apply defaults, check mod_dbd is there, parse the
 * templates, read the secret key, make the dummy hash.  Returns OK, or
 * HTTP_INTERNAL_SERVER_ERROR (logged) so httpd refuses to start. */
int acc_startup(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s);

#endif /* ACC_STARTUP_H */
