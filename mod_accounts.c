/*
 * mod_accounts.c -- the module record: hooks and the directive table.
 *
 * mod_accounts gives a site served by Apache httpd the account system a
 * Django project gets from django.contrib.auth: registration, login,
 * logout, sessions in PostgreSQL (through mod_dbd), argon2id passwords,
 * and locations only logged-in users may see.
 */
#include "httpd/module.h"
#include "httpd/config.h"
#include "httpd/authz.h"
#include "httpd/db.h"
#include "httpd/dbgate.h"
#include "httpd/guard.h"
#include "web/handler.h"
#include "httpd/sesscache.h"
#include "httpd/hashgate.h"
#include "httpd/startup.h"
#include "httpd/mail.h"

/* check_config runs for `httpd -t` too, so a missing mod_dbd or a broken
 * template fails the config test, not only the start. */
static int acc_check_config(apr_pool_t *pconf, apr_pool_t *plog,
                            apr_pool_t *ptemp, server_rec *s)
{
    return acc_startup(pconf, ptemp, s);
}

static int acc_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                           apr_pool_t *ptemp, server_rec *s)
{
    int rc = acc_cache_post_config(pconf, plog, ptemp, s);

    if (rc == OK) {
        rc = acc_dbgate_post_config(pconf, s);
    }
    return rc != OK ? rc : acc_hashgate_post_config(pconf, s);
}

static void acc_child_init(apr_pool_t *p, server_rec *s)
{
    acc_cache_child_init(p, s);
    acc_dbgate_child_init(p, s);
    acc_mail_child_init(p, s);
}

static void acc_register_hooks(apr_pool_t *p)
{
    /* After mod_dbd, whose optional functions we take. */
    static const char *const after_dbd[] = {"mod_dbd.c", NULL};

    ap_hook_pre_config(acc_cache_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_check_config(acc_check_config, NULL, after_dbd, APR_HOOK_MIDDLE);
    ap_hook_post_config(acc_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(acc_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_translate_name(acc_well_known, NULL, NULL, APR_HOOK_LAST);
    ap_hook_post_read_request(acc_strip_identity_headers, NULL, NULL,
                              APR_HOOK_REALLY_FIRST);
    ap_hook_check_access(acc_guard_access, NULL, NULL, APR_HOOK_MIDDLE,
                         AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_check_authn(acc_guard_authn, NULL, NULL, APR_HOOK_MIDDLE,
                        AP_AUTH_INTERNAL_PER_CONF);
    ap_hook_note_auth_failure(acc_guard_note_failure, NULL, NULL,
                              APR_HOOK_MIDDLE);
    ap_hook_insert_error_filter(acc_guard_error, NULL, NULL, APR_HOOK_MIDDLE);
    acc_guard_register_filters();
    acc_authz_register(p);
    ap_hook_handler(acc_handler, NULL, NULL, APR_HOOK_MIDDLE);
}

module AP_MODULE_DECLARE_DATA accounts_module = {
    STANDARD20_MODULE_STUFF,    acc_create_dir_cfg, acc_merge_dir_cfg,
    acc_create_srv_cfg,         acc_merge_srv_cfg,  acc_cmds,
    acc_register_hooks,
#if defined(AP_MODULE_FLAG_ALWAYS_MERGE)
    AP_MODULE_FLAG_ALWAYS_MERGE
#endif
};
