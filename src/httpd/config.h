/*
 * src/httpd/config.h -- per-server and per-directory configuration.
 *
 * Every field starts "unset" at create time; defaults are applied in one
 * place, acc_config_defaults(), when the configuration is final.
 */
#ifndef ACC_CONFIG_H
#define ACC_CONFIG_H

#include "module.h"
#include "core/password.h"
#include "core/template/template.h"
#include "core/validate.h"

#define ACC_UNSET -1

typedef enum {
    ACC_SECURE_UNSET = -1,
    ACC_SECURE_OFF = 0,
    ACC_SECURE_ON = 1,
    ACC_SECURE_AUTO = 2
} acc_secure_t;

typedef struct {
    const char *login_url;       /* AccountsLoginURL */
    const char *login_redirect;  /* AccountsLoginRedirect */
    const char *logout_redirect; /* AccountsLogoutRedirect */
    const char *cookie_name;     /* AccountsCookieName */
    int cookie_secure;           /* AccountsCookieSecure (acc_secure_t) */
    apr_int64_t max_age;         /* AccountsSessionMaxAge, seconds */
    apr_int64_t idle_timeout;    /* AccountsSessionIdleTimeout, 0 = off */
    int hash_set;
    acc_argon2_params_t hash; /* AccountsPasswordHash */
    int validators;           /* AccountsPasswordValidators (ACC_PWV_*) */
    int min_length;           /* AccountsPasswordMinLength */
    int registration;         /* AccountsRegistration */
    int register_login;       /* AccountsRegisterLogin */
    apr_int64_t max_body;     /* AccountsMaxBody, bytes */
    const char *template_dir; /* AccountsTemplateDir */
    const char *site_name;    /* AccountsSiteName */
    const char *key_file;     /* AccountsSecretKeyFile */
    apr_int64_t cache_ttl;    /* AccountsSessionCacheTTL, seconds, 0 = off */
    int throttle_user;        /* AccountsThrottleUsername: free failures */
    int throttle_addr;        /* AccountsThrottleAddress: free failures */
    int throttle_addr_window; /* ... forgotten after this many seconds */
    int throttle_max_delay;   /* AccountsThrottleMaxDelay, seconds */
    int throttle_register;    /* AccountsThrottleRegistrations per hour */
    int hash_concurrency;     /* AccountsHashConcurrency (main server) */
    int hash_wait;            /* AccountsHashWait, seconds (main server) */
    int db_wait;              /* AccountsDBWait, seconds */

    /* Built at startup, read-only after. */
    const unsigned char *secret_key;
    apr_size_t secret_key_len;
    acc_tpl_set_t *templates;
    apr_array_header_t *statics; /* our stylesheet and script */
    const char *dummy_hash;      /* hashed against for unknown users */
    const char *cache_ns;        /* this host's session cache key prefix */
    int dbgate;                  /* this host's database gate (dbgate.h) */
} acc_srv_cfg_t;

typedef struct {
    int login_required;  /* AccountsLoginRequired */
    int forward_headers; /* AccountsForwardHeaders */
} acc_dir_cfg_t;

void *acc_create_srv_cfg(apr_pool_t *p, server_rec *s);
void *acc_merge_srv_cfg(apr_pool_t *p, void *base, void *add);
void *acc_create_dir_cfg(apr_pool_t *p, char *dir);
void *acc_merge_dir_cfg(apr_pool_t *p, void *base, void *add);

/* Apply defaults to every server's configuration (post_config). */
void acc_config_defaults(server_rec *s);

/* The password policy of a server's configuration. */
acc_pwpolicy_t acc_config_pwpolicy(const acc_srv_cfg_t *cfg);

extern const command_rec acc_cmds[];

static inline acc_srv_cfg_t *acc_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &accounts_module);
}

static inline acc_dir_cfg_t *acc_dir(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &accounts_module);
}

#endif /* ACC_CONFIG_H */
