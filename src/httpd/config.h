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

/* AccountsMfa. */
#define ACC_MFA_OFF      0
#define ACC_MFA_OPTIONAL 1
#define ACC_MFA_REQUIRED 2

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
    int cache_notify;         /* AccountsSessionCacheNotify */
    int throttle_user;        /* AccountsThrottleUsername: free failures */
    int throttle_addr;        /* AccountsThrottleAddress: free failures */
    int throttle_addr_window; /* ... forgotten after this many seconds */
    int throttle_max_delay;   /* AccountsThrottleMaxDelay, seconds */
    int throttle_register;    /* AccountsThrottleRegistrations per hour */
    int hash_concurrency;     /* AccountsHashConcurrency (main server) */
    int hash_wait;            /* AccountsHashWait, seconds (main server) */
    int db_wait;              /* AccountsDBWait, seconds */

    /* Account management (config_account.c). */
    int remember_me;           /* AccountsRememberMe */
    apr_int64_t reset_timeout; /* AccountsPasswordResetTimeout, seconds */
    apr_array_header_t *key_fallback_files; /* AccountsSecretKeyFallbacks */
    const char *mail_command;               /* AccountsMailCommand */
    const char *mail_from;                  /* AccountsMailFrom */
    int mail_sender;                        /* AccountsMailSender */
    int mail_retry;       /* AccountsMailRetry: first retry, seconds */
    int mail_interval;    /* AccountsMailInterval, seconds */
    const char *site_url; /* AccountsSiteURL */
    int require_verified; /* AccountsRequireVerifiedEmail */
    apr_array_header_t *profile_fields; /* AccountsProfileField */
    int throttle_mail;           /* AccountsThrottleMail: per address asked */
    int throttle_mail_client;    /* ... and per client address, an hour */
    const char *csp;             /* AccountsContentSecurityPolicy ("": none) */
    int well_known;              /* AccountsWellKnownChangePassword */
    int housekeeping;            /* AccountsHousekeepingInterval, seconds */
    int django_sessions;         /* AccountsDjangoSessions */
    const char *django_key_file; /* AccountsDjangoSecretKeyFile */
    const char *django_cookie;   /* AccountsDjangoCookieName */
    int django_live;             /* AccountsUserSchema django */
    int mfa;                     /* AccountsMfa: ACC_MFA_* */
    apr_array_header_t *languages; /* AccountsLanguages (NULL: all) */
    const char *default_language;  /* AccountsDefaultLanguage */
    int mfa_remember_days;         /* AccountsMfaRememberDays (0: off) */
    apr_int64_t mfa_max_age;       /* AccountsMfaMaxAge, seconds */
    int django_rehash;             /* AccountsDjangoRehash */

    /* Built at startup, read-only after. */
    const unsigned char *secret_key;
    apr_size_t secret_key_len;
    apr_array_header_t *fallback_keys; /* acc_key_t: older keys, to check */
    const unsigned char *django_key;   /* the Django site's SECRET_KEY */
    apr_size_t django_key_len;
    const char *mail_site; /* this host's name in the mail outbox */
    /* Per process, set by request threads, read by the mail sender. */
    volatile apr_uint32_t mail_active; /* served its accounts pages */
    acc_tpl_set_t *templates;
    apr_array_header_t *statics; /* our stylesheet and script */
    const char *dummy_hash;      /* hashed against for unknown users */
    const char *cache_ns;        /* this host's session cache key prefix */
    int dbgate;                  /* this host's database gate (dbgate.h) */
    /* Per process: this host's change listener (notify.h), or NULL. */
    struct acc_listener *listener;
} acc_srv_cfg_t;

/* A secret key's bytes. */
typedef struct {
    const unsigned char *bytes;
    apr_size_t len;
} acc_key_t;

/* AccountsProfileField name "Label" [required] [maxlength N] [register] */
typedef struct {
    const char *name;
    const char *label;
    int required;
    int maxlength; /* characters */
    int on_register;
} acc_profile_field_t;

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

/* Every numeric directive: its field, its range and its unit, read by
 * one parser (acc_num_set) that names the directive when it refuses a
 * value. */
typedef struct {
    apr_size_t off; /* the field in acc_srv_cfg_t */
    int wide;       /* an apr_int64_t field, else an int */
    apr_int64_t min;
    apr_int64_t max;
    const char *unit; /* "seconds", "bytes", ... or NULL */
    int global;       /* main server only */
} acc_num_t;

#define ACC_SECONDS_MAX APR_INT64_C(315360000) /* ten years */
#define ACC_CFG_OFF(f)  APR_OFFSETOF(acc_srv_cfg_t, f)

/* arg as n's value into its field, or the message that refuses it. */
const char *acc_num_set(cmd_parms *cmd, const acc_num_t *n, const char *arg);

/* config_account.c: the account-management directives' part of the
 * above (their table entries are ACC_ACCOUNT_CMDS, config_account.h). */
void acc_config_account_create(acc_srv_cfg_t *c);
void acc_config_account_merge(acc_srv_cfg_t *m, const acc_srv_cfg_t *base,
                              const acc_srv_cfg_t *add);
void acc_config_account_defaults(server_rec *s, acc_srv_cfg_t *c);

static inline acc_srv_cfg_t *acc_srv(const server_rec *s)
{
    return ap_get_module_config(s->module_config, &accounts_module);
}

static inline acc_dir_cfg_t *acc_dir(const request_rec *r)
{
    return ap_get_module_config(r->per_dir_config, &accounts_module);
}

#endif /* ACC_CONFIG_H */
