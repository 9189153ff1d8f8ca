/*
 * src/httpd/authz.h -- httpd authorization providers: Require account-group,
 * account-perm, account-staff, account-superuser.
 */
#ifndef ACC_AUTHZ_H
#define ACC_AUTHZ_H

#include "module.h"

/* Register the providers (register_hooks). */
void acc_authz_register(apr_pool_t *p);

#endif /* ACC_AUTHZ_H */
