/*
 * src/httpd/audit.c -- the audit trail of authentication events.
 */
#include "audit.h"

#include <apr_strings.h>

/* The client's address as mod_remoteip left it. */
static const char *address(request_rec *r)
{
    return r->useragent_ip ? r->useragent_ip : "";
}

/* At most max characters of s (valid UTF-8 in, valid UTF-8 out). */
static const char *clip(apr_pool_t *p, const char *s, apr_size_t max)
{
    apr_size_t i = 0, chars = 0;

    while (s[i] && chars < max) {
        i++;
        while ((s[i] & 0xC0) == 0x80) {
            i++;
        }
        chars++;
    }
    return s[i] ? apr_pstrndup(p, s, i) : s;
}

void acc_audit_values(request_rec *r, const char *username, const char **name,
                      const char **addr, const char **ua)
{
    const char *agent = apr_table_get(r->headers_in, "User-Agent");

    /* The user agent is anything a client sent: escaped to printable
     * ASCII (the column is text in UTF-8) and cut. */
    *ua = agent ? clip(r->pool, ap_escape_logitem(r->pool, agent), 512) : "";
    *name = username ? clip(r->pool, username, 150) : "";
    *addr = address(r);
}

void acc_audit(request_rec *r, acc_store_t *st, const char *event,
               const char *username)
{
    const char *name, *addr, *ua;

    acc_audit_values(r, username, &name, &addr, &ua);
    if (acc_audit_add(st, r->pool, event, name, addr, ua) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ACC_LOGNO(0093) "cannot record a %s event: %s", event,
                      acc_store_error(st, r->pool));
    }
}
