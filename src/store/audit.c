/*
 * src/store/audit.c -- the audit trail of authentication events
 * (accounts_audit): add one, list the newest.
 */
#include "internal.h"

#include <apr_strings.h>

acc_store_rc_t acc_audit_add(acc_store_t *st, apr_pool_t *p, const char *event,
                             const char *username, const char *address,
                             const char *user_agent)
{
    const char *args[4] = {event, username ? username : "",
                           address ? address : "",
                           user_agent ? user_agent : ""};

    return acc_store_exec(st, p, S_AUDIT_ADD, NULL, 4, args);
}

acc_store_rc_t acc_audit_list(acc_store_t *st, apr_pool_t *p,
                              const char *username, apr_int64_t before,
                              int limit, apr_array_header_t **out)
{
    const char *u = username ? username : "";
    const char *args[4] = {apr_off_t_toa(p, before), u, u, apr_itoa(p, limit)};

    return acc_store_rows(st, p, S_AUDIT_LIST, 4, args, ACC_AUDIT_LIST_COLS + 1,
                          out);
}
