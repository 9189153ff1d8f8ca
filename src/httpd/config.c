/*
 * src/httpd/config.c -- configuration: structs, defaults, merging, directives.
 * One piece: the merge must know every field the directives set (the
 * account pages' own are in config_account.c).
 */
#include "config.h"
#include "lang.h"
#include "config_account.h"
#include "core/pwpolicy.h"
#include "core/redirect.h"
#include "sesscache.h"

#include <apr_lib.h>

#include <unistd.h>

#include <string.h>

/* ---- defaults, in one place ---- */

#define DEF_LOGIN_URL      "/accounts/login/"
#define DEF_LOGIN_REDIRECT "/"
#define DEF_COOKIE_NAME    "sessionid"
#define DEF_MAX_AGE        (14 * 24 * 3600) /* Django's two weeks */
#define DEF_MIN_LENGTH     ACC_PW_MIN_LENGTH_DEFAULT
#define DEF_MAX_BODY       (16 * 1024)
#define DEF_SITE_NAME      "mod_accounts"
#define DEF_CACHE_TTL      10 /* seconds */
#define DEF_THR_USER       5
#define DEF_THR_ADDR       100
#define DEF_THR_ADDR_WIN   900
#define DEF_THR_MAX_DELAY  900
#define DEF_THR_REGISTER   20
#define DEF_HASH_WAIT      10
#define DEF_DB_WAIT        5

void *acc_create_srv_cfg(apr_pool_t *p, server_rec *s)
{
    acc_srv_cfg_t *c = apr_pcalloc(p, sizeof(*c));

    c->cookie_secure = ACC_SECURE_UNSET;
    c->max_age = ACC_UNSET;
    c->idle_timeout = ACC_UNSET;
    c->validators = ACC_UNSET;
    c->min_length = ACC_UNSET;
    c->registration = ACC_UNSET;
    c->cache_notify = ACC_UNSET;
    c->django_sessions = ACC_UNSET;
    c->django_live = ACC_UNSET;
    c->mfa = ACC_UNSET;
    c->mfa_remember_days = ACC_UNSET;
    c->mfa_max_age = ACC_UNSET;
    c->django_rehash = ACC_UNSET;
    c->register_login = ACC_UNSET;
    c->max_body = ACC_UNSET;
    c->cache_ttl = ACC_UNSET;
    c->throttle_user = ACC_UNSET;
    c->throttle_addr = ACC_UNSET;
    c->throttle_addr_window = ACC_UNSET;
    c->throttle_max_delay = ACC_UNSET;
    c->throttle_register = ACC_UNSET;
    c->hash_concurrency = ACC_UNSET;
    c->hash_wait = ACC_UNSET;
    c->db_wait = ACC_UNSET;
    acc_config_account_create(c);
    return c;
}

#define PICK(f)     m->f = add->f ? add->f : base->f
#define PICK_INT(f) m->f = add->f != ACC_UNSET ? add->f : base->f

void *acc_merge_srv_cfg(apr_pool_t *p, void *basev, void *addv)
{
    acc_srv_cfg_t *base = basev, *add = addv;
    acc_srv_cfg_t *m = apr_pcalloc(p, sizeof(*m));

    PICK(login_url);
    PICK(login_redirect);
    PICK(logout_redirect);
    PICK(cookie_name);
    PICK_INT(cookie_secure);
    PICK_INT(max_age);
    PICK_INT(idle_timeout);
    m->hash_set = add->hash_set || base->hash_set;
    m->hash = add->hash_set ? add->hash : base->hash;
    PICK_INT(validators);
    PICK_INT(min_length);
    PICK_INT(registration);
    PICK_INT(cache_notify);
    PICK_INT(django_sessions);
    PICK(django_key_file);
    PICK(django_cookie);
    PICK_INT(django_live);
    PICK_INT(mfa);
    PICK(languages);
    PICK(default_language);
    PICK_INT(mfa_remember_days);
    PICK_INT(mfa_max_age);
    PICK_INT(django_rehash);
    PICK_INT(register_login);
    PICK_INT(max_body);
    PICK(template_dir);
    PICK(site_name);
    PICK(key_file);
    PICK_INT(cache_ttl);
    PICK_INT(throttle_user);
    PICK_INT(throttle_addr);
    PICK_INT(throttle_addr_window);
    PICK_INT(throttle_max_delay);
    PICK_INT(throttle_register);
    PICK_INT(hash_concurrency);
    PICK_INT(hash_wait);
    PICK_INT(db_wait);
    acc_config_account_merge(m, base, add);
    return m;
}

void *acc_create_dir_cfg(apr_pool_t *p, char *dir)
{
    acc_dir_cfg_t *c = apr_pcalloc(p, sizeof(*c));

    c->login_required = ACC_UNSET;
    c->forward_headers = ACC_UNSET;
    return c;
}

void *acc_merge_dir_cfg(apr_pool_t *p, void *basev, void *addv)
{
    acc_dir_cfg_t *base = basev, *add = addv;
    acc_dir_cfg_t *m = apr_pcalloc(p, sizeof(*m));

    PICK_INT(login_required);
    PICK_INT(forward_headers);
    return m;
}

void acc_config_defaults(server_rec *s)
{
    for (; s; s = s->next) {
        acc_srv_cfg_t *c = acc_srv(s);

        if (!c->login_url) {
            c->login_url = DEF_LOGIN_URL;
        }
        if (!c->login_redirect) {
            c->login_redirect = DEF_LOGIN_REDIRECT;
        }
        if (!c->logout_redirect) {
            c->logout_redirect = c->login_url; /* Django: LOGIN_URL */
        }
        if (!c->cookie_name) {
            c->cookie_name = DEF_COOKIE_NAME;
        }
        if (c->cookie_secure == ACC_SECURE_UNSET) {
            c->cookie_secure = ACC_SECURE_AUTO;
        }
        if (c->max_age == ACC_UNSET) {
            c->max_age = DEF_MAX_AGE;
        }
        if (c->idle_timeout == ACC_UNSET) {
            c->idle_timeout = 0;
        }
        if (!c->hash_set) {
            c->hash.m_kib = ACC_ARGON2_DEFAULT_M;
            c->hash.t = ACC_ARGON2_DEFAULT_T;
            c->hash.p = ACC_ARGON2_DEFAULT_P;
        }
        if (c->validators == ACC_UNSET) {
            c->validators = ACC_PWV_ALL;
        }
        if (c->min_length == ACC_UNSET) {
            c->min_length = DEF_MIN_LENGTH;
        }
        if (c->registration == ACC_UNSET) {
            c->registration = 1;
        }
        if (c->cache_notify == ACC_UNSET) {
            c->cache_notify = 1;
        }
        if (c->django_sessions == ACC_UNSET) {
            c->django_sessions = 0;
        }
        if (!c->default_language) {
            c->default_language = "en"; /* Django's LANGUAGE_CODE */
        }
        if (c->mfa == ACC_UNSET) {
            c->mfa = ACC_MFA_OPTIONAL;
        }
        if (c->mfa_remember_days == ACC_UNSET) {
            c->mfa_remember_days = 30;
        }
        if (c->mfa_max_age == ACC_UNSET) {
            c->mfa_max_age = c->max_age; /* the session's life */
        }
        if (c->django_live == ACC_UNSET) {
            c->django_live = 0;
        }
        if (c->django_rehash == ACC_UNSET) {
            c->django_rehash = 0;
        }
        if (!c->django_cookie) {
            c->django_cookie = "sessionid"; /* Django's SESSION_COOKIE_NAME */
        }
        if (c->register_login == ACC_UNSET) {
            c->register_login = 0;
        }
        if (c->max_body == ACC_UNSET) {
            c->max_body = DEF_MAX_BODY;
        }
        if (!c->site_name) {
            c->site_name = DEF_SITE_NAME;
        }
        if (c->cache_ttl == ACC_UNSET) {
            c->cache_ttl = DEF_CACHE_TTL;
        }
        if (c->throttle_user == ACC_UNSET) {
            c->throttle_user = DEF_THR_USER;
        }
        if (c->throttle_addr == ACC_UNSET) {
            c->throttle_addr = DEF_THR_ADDR;
        }
        if (c->throttle_addr_window == ACC_UNSET) {
            c->throttle_addr_window = DEF_THR_ADDR_WIN;
        }
        if (c->throttle_max_delay == ACC_UNSET) {
            c->throttle_max_delay = DEF_THR_MAX_DELAY;
        }
        if (c->throttle_register == ACC_UNSET) {
            c->throttle_register = DEF_THR_REGISTER;
        }
        if (c->hash_concurrency == ACC_UNSET) {
            apr_int64_t n = sysconf(_SC_NPROCESSORS_ONLN);
            c->hash_concurrency = n > 0 ? (int)n : 1;
        }
        if (c->hash_wait == ACC_UNSET) {
            c->hash_wait = DEF_HASH_WAIT;
        }
        if (c->db_wait == ACC_UNSET) {
            c->db_wait = DEF_DB_WAIT;
        }
        acc_config_account_defaults(s, c);
    }
}

acc_pwpolicy_t acc_config_pwpolicy(const acc_srv_cfg_t *cfg)
{
    acc_pwpolicy_t pol;

    pol.validators = (unsigned int)cfg->validators;
    pol.min_length = cfg->min_length;
    pol.max_similarity = 0.7;
    return pol;
}

/* ---- directive parsers ---- */

static const char *set_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    const char **slot = (const char **)((char *)c + (apr_size_t)cmd->info);

    if (arg[0] != '/' && strncasecmp(arg, "http://", 7) != 0 &&
        strncasecmp(arg, "https://", 8) != 0) {
        return apr_psprintf(cmd->pool,
                            "%s takes a path starting with '/' or an "
                            "http(s) URL, not '%s'",
                            cmd->directive->directive, arg);
    }
    if (strpbrk(arg, " \t\r\n\"<>") != NULL) {
        return apr_psprintf(cmd->pool,
                            "%s: '%s' must not contain spaces, "
                            "quotes or angle brackets",
                            cmd->directive->directive, arg);
    }
    *slot = arg;
    return NULL;
}

static const char *set_login_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (arg[0] != '/' || (arg[1] == '/' || arg[1] == '\\')) {
        return apr_psprintf(cmd->pool,
                            "AccountsLoginURL takes a path on this site "
                            "starting with one '/', not '%s'",
                            arg);
    }
    return set_url(cmd, dummy, arg);
}

static const acc_num_t n_max_age = {ACC_CFG_OFF(max_age), 1,         60,
                                    ACC_SECONDS_MAX,      "seconds", 0};
static const acc_num_t n_mfa_days = {
    ACC_CFG_OFF(mfa_remember_days), 0, 0, 3650, "days", 0};
static const acc_num_t n_mfa_max_age = {ACC_CFG_OFF(mfa_max_age), 1,         60,
                                        ACC_SECONDS_MAX,          "seconds", 0};
static const acc_num_t n_idle = {ACC_CFG_OFF(idle_timeout), 1,         0,
                                 ACC_SECONDS_MAX,           "seconds", 0};
static const acc_num_t n_cache_ttl = {ACC_CFG_OFF(cache_ttl), 1,         0,
                                      ACC_SECONDS_MAX,        "seconds", 0};
static const acc_num_t n_thr_user = {
    ACC_CFG_OFF(throttle_user), 0, 0, 1000000, NULL, 0};
static const acc_num_t n_thr_addr = {
    ACC_CFG_OFF(throttle_addr), 0, 0, 1000000, NULL, 0};
static const acc_num_t n_thr_window = {
    ACC_CFG_OFF(throttle_addr_window), 0, 1, 86400, NULL, 0};
static const acc_num_t n_thr_delay = {
    ACC_CFG_OFF(throttle_max_delay), 0, 1, 86400, NULL, 0};
static const acc_num_t n_thr_register = {
    ACC_CFG_OFF(throttle_register), 0, 0, 1000000, NULL, 0};
static const acc_num_t n_hash_conc = {
    ACC_CFG_OFF(hash_concurrency), 0, 1, 4096, NULL, 1};
static const acc_num_t n_hash_wait = {
    ACC_CFG_OFF(hash_wait), 0, 0, 600, NULL, 1};
static const acc_num_t n_db_wait = {ACC_CFG_OFF(db_wait), 0, 1, 600, NULL, 0};
static const acc_num_t n_min_length = {
    ACC_CFG_OFF(min_length), 0, 1, 4096, "characters", 0};
static const acc_num_t n_max_body = {ACC_CFG_OFF(max_body), 1,       1024,
                                     1024 * 1024,           "bytes", 0};

/* arg as n's value into its field, or the message that refuses it. */
const char *acc_num_set(cmd_parms *cmd, const acc_num_t *n, const char *arg)
{
    char *c = (char *)acc_srv(cmd->server), *end;
    apr_int64_t v;
    const char *err;

    if (n->global && (err = ap_check_cmd_context(cmd, GLOBAL_ONLY)) != NULL) {
        return err;
    }
    v = apr_strtoi64(arg, &end, 10);
    if (end == arg || *end || v < n->min || v > n->max) {
        return apr_psprintf(cmd->pool,
                            "%s takes a number%s%s from %" APR_INT64_T_FMT
                            " to %" APR_INT64_T_FMT ", not '%s'",
                            cmd->directive->directive, n->unit ? " of " : "",
                            n->unit ? n->unit : "", n->min, n->max, arg);
    }
    if (n->wide) {
        *(apr_int64_t *)(c + n->off) = v;
    }
    else {
        *(int *)(c + n->off) = (int)v;
    }
    return NULL;
}

static const char *set_num(cmd_parms *cmd, void *dummy, const char *arg)
{
    return acc_num_set(cmd, cmd->info, arg);
}

static const char *set_idle(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = acc_num_set(cmd, &n_idle, arg);

    /* last_seen is written at most once a minute, so a shorter timeout
     * would end sessions that are in use. */
    if (err == NULL && acc_srv(cmd->server)->idle_timeout > 0 &&
        acc_srv(cmd->server)->idle_timeout < 120) {
        return apr_psprintf(cmd->pool,
                            "AccountsSessionIdleTimeout takes 0 (off) or at "
                            "least 120 seconds (a session's last use is "
                            "recorded once a minute), not '%s'",
                            arg);
    }
    return err;
}

static const char *set_throttle_addr(cmd_parms *cmd, void *dummy, const char *n,
                                     const char *window)
{
    const char *err = acc_num_set(cmd, &n_thr_addr, n);

    return err == NULL && window ? acc_num_set(cmd, &n_thr_window, window)
                                 : err;
}

static const char *set_flag(cmd_parms *cmd, void *dummy, int on)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    int *slot = (int *)((char *)c + (apr_size_t)cmd->info);

    *slot = on;
    return NULL;
}

static const char *set_str(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    const char **slot = (const char **)((char *)c + (apr_size_t)cmd->info);

    *slot = arg;
    return NULL;
}

static const char *set_cookie_name(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *s;

    /* RFC 6265 token characters only. */
    for (s = arg; *s; s++) {
        if (!apr_isalnum(*s) && !strchr("!#$%&'*+-.^_`|~", *s)) {
            break;
        }
    }
    if (*arg == '\0' || *s) {
        return apr_psprintf(cmd->pool,
                            "AccountsCookieName: '%s' is not a valid cookie "
                            "name (letters, digits and !#$%%&'*+-.^_`|~)",
                            arg);
    }
    if (strncmp(arg, "__Host-", 7) == 0 || strncmp(arg, "__Secure-", 9) == 0) {
        return "AccountsCookieName: give the name without a __Host- or "
               "__Secure- prefix; AccountsCookieSecure adds __Host-";
    }
    acc_srv(cmd->server)->cookie_name = arg;
    return NULL;
}

static const char *set_cookie_secure(cmd_parms *cmd, void *dummy,
                                     const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);

    if (strcasecmp(arg, "on") == 0) {
        c->cookie_secure = ACC_SECURE_ON;
    }
    else if (strcasecmp(arg, "off") == 0) {
        c->cookie_secure = ACC_SECURE_OFF;
    }
    else if (strcasecmp(arg, "auto") == 0) {
        c->cookie_secure = ACC_SECURE_AUTO;
    }
    else {
        return apr_psprintf(cmd->pool,
                            "AccountsCookieSecure takes On, Off or Auto, not "
                            "'%s'",
                            arg);
    }
    return NULL;
}

static const char *set_user_schema(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);

    if (strcasecmp(arg, "accounts") == 0) {
        c->django_live = 0;
    }
    else if (strcasecmp(arg, "django") == 0) {
        c->django_live = 1;
    }
    else {
        return apr_psprintf(cmd->pool,
                            "AccountsUserSchema takes accounts or django, "
                            "not '%s'",
                            arg);
    }
    return NULL;
}

/* AccountsLanguages fr de ...: the languages a request may get. */
static const char *set_languages(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    char *code;

    if (!acc_lang_known(arg)) {
        return apr_psprintf(cmd->pool,
                            "AccountsLanguages: no translations for '%s' "
                            "(codes as Django's: fr, de, pt-br, zh-hans...)",
                            arg);
    }
    if (c->languages == NULL) {
        c->languages = apr_array_make(cmd->pool, 4, sizeof(const char *));
    }
    code = apr_pstrdup(cmd->pool, arg);
    ap_str_tolower(code);
    APR_ARRAY_PUSH(c->languages, const char *) = code;
    return NULL;
}

static const char *set_default_language(cmd_parms *cmd, void *dummy,
                                        const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    char *code;

    if (!acc_lang_known(arg)) {
        return apr_psprintf(cmd->pool,
                            "AccountsDefaultLanguage: no translations for "
                            "'%s' (codes as Django's: en, fr, de, pt-br...)",
                            arg);
    }
    code = apr_pstrdup(cmd->pool, arg);
    ap_str_tolower(code);
    c->default_language = code;
    return NULL;
}

static const char *set_mfa(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);

    if (strcasecmp(arg, "off") == 0) {
        c->mfa = ACC_MFA_OFF;
    }
    else if (strcasecmp(arg, "optional") == 0) {
        c->mfa = ACC_MFA_OPTIONAL;
    }
    else if (strcasecmp(arg, "required") == 0) {
        c->mfa = ACC_MFA_REQUIRED;
    }
    else {
        return apr_psprintf(cmd->pool,
                            "AccountsMfa takes Off, Optional or Required, "
                            "not '%s'",
                            arg);
    }
    return NULL;
}

static const char *set_hash(cmd_parms *cmd, void *dummy, const char *args)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    const char *algo = ap_getword_conf(cmd->temp_pool, &args);
    const char *err;

    if (strcasecmp(algo, "argon2id") != 0) {
        return apr_psprintf(cmd->pool,
                            "AccountsPasswordHash: only argon2id is "
                            "supported, not '%s'",
                            algo);
    }
    c->hash.m_kib = ACC_ARGON2_DEFAULT_M;
    c->hash.t = ACC_ARGON2_DEFAULT_T;
    c->hash.p = ACC_ARGON2_DEFAULT_P;
    err = acc_argon2_params_parse(cmd->pool, args, &c->hash);
    if (err) {
        return apr_pstrcat(cmd->pool, "AccountsPasswordHash: ", err, NULL);
    }
    c->hash_set = 1;
    return NULL;
}

static const char *set_validators(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    unsigned int bits =
        c->validators == ACC_UNSET ? 0 : (unsigned)c->validators;
    const char *err = acc_pwv_word(cmd->pool, arg, &bits);

    if (err) {
        return apr_pstrcat(cmd->pool, "AccountsPasswordValidators: ", err,
                           NULL);
    }
    c->validators = (int)bits;
    return NULL;
}

static const char *set_path(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    const char **slot = (const char **)((char *)c + (apr_size_t)cmd->info);

    *slot = ap_server_root_relative(cmd->pool, arg);
    if (*slot == NULL) {
        return apr_psprintf(cmd->pool, "%s: invalid path '%s'",
                            cmd->directive->directive, arg);
    }
    return NULL;
}

static const char *set_login_required(cmd_parms *cmd, void *dirv, int on)
{
    ((acc_dir_cfg_t *)dirv)->login_required = on;
    return NULL;
}

static const char *set_forward_headers(cmd_parms *cmd, void *dirv, int on)
{
    ((acc_dir_cfg_t *)dirv)->forward_headers = on;
    return NULL;
}

const command_rec acc_cmds[] = {
    AP_INIT_TAKE1("AccountsLoginURL", set_login_url,
                  (void *)ACC_CFG_OFF(login_url), RSRC_CONF,
                  "the login page's path (Django's LOGIN_URL)"),
    AP_INIT_TAKE1("AccountsLoginRedirect", set_url,
                  (void *)ACC_CFG_OFF(login_redirect), RSRC_CONF,
                  "where a login without a safe 'next' goes "
                  "(LOGIN_REDIRECT_URL)"),
    AP_INIT_TAKE1("AccountsLogoutRedirect", set_url,
                  (void *)ACC_CFG_OFF(logout_redirect), RSRC_CONF,
                  "where logout goes (LOGOUT_REDIRECT_URL)"),
    AP_INIT_FLAG("AccountsLoginRequired", set_login_required, NULL,
                 ACCESS_CONF | OR_AUTHCFG,
                 "On: only logged-in users may see this location"),
    AP_INIT_FLAG("AccountsForwardHeaders", set_forward_headers, NULL,
                 ACCESS_CONF | OR_AUTHCFG,
                 "On: X-Remote-User, X-Remote-Email, X-Remote-Groups to "
                 "backends (and REMOTE_EMAIL, REMOTE_GROUPS to CGI)"),
    AP_INIT_TAKE1("AccountsCookieName", set_cookie_name, NULL, RSRC_CONF,
                  "the session cookie's name (default sessionid)"),
    AP_INIT_TAKE1("AccountsCookieSecure", set_cookie_secure, NULL, RSRC_CONF,
                  "On, Off or Auto (Secure and __Host- on HTTPS)"),
    AP_INIT_TAKE1("AccountsSessionMaxAge", set_num, (void *)&n_max_age,
                  RSRC_CONF, "a session's absolute lifetime in seconds"),
    AP_INIT_TAKE1("AccountsSessionIdleTimeout", set_idle, NULL, RSRC_CONF,
                  "seconds without a request that end a session (0: off)"),
    AP_INIT_TAKE1("AccountsSessionCache", acc_cache_set, NULL, RSRC_CONF,
                  "the session cache in front of the session store: shm "
                  "(the default, a table in shared memory), a socache "
                  "provider[:arguments], or none"),
    AP_INIT_TAKE1("AccountsSessionCacheSize", acc_cache_size_set, NULL,
                  RSRC_CONF,
                  "sessions the default session cache holds (default "
                  "100000, 655 bytes each)"),
    AP_INIT_TAKE1("AccountsSessionCacheTTL", set_num, (void *)&n_cache_ttl,
                  RSRC_CONF,
                  "seconds a cached session lookup is trusted (default 10, "
                  "0: this host asks the database every time)"),
    AP_INIT_TAKE1("AccountsThrottleUsername", set_num, (void *)&n_thr_user,
                  RSRC_CONF,
                  "failed logins a username gets before each further "
                  "attempt waits (default 5; 0: no limit)"),
    AP_INIT_TAKE12("AccountsThrottleAddress", set_throttle_addr, NULL,
                   RSRC_CONF,
                   "failed logins a client address gets within SECONDS "
                   "before each further attempt waits (default 100 900)"),
    AP_INIT_TAKE1("AccountsThrottleMaxDelay", set_num, (void *)&n_thr_delay,
                  RSRC_CONF,
                  "the longest wait after failed logins, seconds (900)"),
    AP_INIT_TAKE1("AccountsThrottleRegistrations", set_num,
                  (void *)&n_thr_register, RSRC_CONF,
                  "accounts one address may create per hour (default 20; "
                  "0: no limit)"),
    AP_INIT_TAKE1("AccountsHashConcurrency", set_num, (void *)&n_hash_conc,
                  RSRC_CONF,
                  "password hashes at once, across the server's processes "
                  "(default: the number of CPUs)"),
    AP_INIT_TAKE1("AccountsHashWait", set_num, (void *)&n_hash_wait, RSRC_CONF,
                  "seconds a request waits for a hash slot before 503 "
                  "(default 10)"),
    AP_INIT_TAKE1("AccountsDBWait", set_num, (void *)&n_db_wait, RSRC_CONF,
                  "seconds a request waits for a free database connection "
                  "before 503 (default 5)"),
    AP_INIT_RAW_ARGS("AccountsPasswordHash", set_hash, NULL, RSRC_CONF,
                     "argon2id m=KiB t=passes p=lanes"),
    AP_INIT_TAKE1("AccountsPasswordMinLength", set_num, (void *)&n_min_length,
                  RSRC_CONF, "minimum password length in characters"),
    AP_INIT_ITERATE("AccountsPasswordValidators", set_validators, NULL,
                    RSRC_CONF,
                    "which password rules run: similarity length common "
                    "numeric, or all, or none"),
    AP_INIT_FLAG("AccountsRegistration", set_flag,
                 (void *)APR_OFFSETOF(acc_srv_cfg_t, registration), RSRC_CONF,
                 "Off turns the registration page off"),
    AP_INIT_FLAG("AccountsSessionCacheNotify", set_flag,
                 (void *)APR_OFFSETOF(acc_srv_cfg_t, cache_notify), RSRC_CONF,
                 "Off: cached sessions last AccountsSessionCacheTTL, with no "
                 "connection listening for the database's change notices"),
    AP_INIT_FLAG("AccountsRegisterLogin", set_flag,
                 (void *)APR_OFFSETOF(acc_srv_cfg_t, register_login), RSRC_CONF,
                 "On logs a new user in at registration"),
    AP_INIT_TAKE1("AccountsMaxBody", set_num, (void *)&n_max_body, RSRC_CONF,
                  "largest form body accepted, in bytes"),
    AP_INIT_TAKE1("AccountsTemplateDir", set_path,
                  (void *)ACC_CFG_OFF(template_dir), RSRC_CONF,
                  "a directory whose templates replace ours"),
    AP_INIT_TAKE1("AccountsSiteName", set_str, (void *)ACC_CFG_OFF(site_name),
                  RSRC_CONF, "the site's name as pages show it"),
    AP_INIT_TAKE1("AccountsSecretKeyFile", set_path,
                  (void *)ACC_CFG_OFF(key_file), RSRC_CONF,
                  "the secret key file (accountsctl genkey)"),
    AP_INIT_FLAG("AccountsDjangoSessions", set_flag,
                 (void *)APR_OFFSETOF(acc_srv_cfg_t, django_sessions),
                 RSRC_CONF,
                 "On: a Django site's login (its session cookie) opens "
                 "guarded locations too"),
    AP_INIT_TAKE1("AccountsDjangoSecretKeyFile", set_path,
                  (void *)ACC_CFG_OFF(django_key_file), RSRC_CONF,
                  "a file holding the Django site's SECRET_KEY"),
    AP_INIT_ITERATE("AccountsLanguages", set_languages, NULL, RSRC_CONF,
                    "the languages pages may be in (default: every one we "
                    "have translations for)"),
    AP_INIT_TAKE1("AccountsDefaultLanguage", set_default_language, NULL,
                  RSRC_CONF,
                  "the language when the visitor's is none of them (en)"),
    AP_INIT_TAKE1("AccountsMfa", set_mfa, NULL, RSRC_CONF,
                  "a second factor (TOTP): Off, Optional (users may set one "
                  "up) or Required (every user must)"),
    AP_INIT_TAKE1("AccountsMfaRememberDays", set_num, (void *)&n_mfa_days,
                  RSRC_CONF,
                  "days a browser may skip the second factor when the user "
                  "trusts it (0: never)"),
    AP_INIT_TAKE1("AccountsMfaMaxAge", set_num, (void *)&n_mfa_max_age,
                  RSRC_CONF,
                  "seconds a second factor counts for Require account-mfa "
                  "(default: AccountsSessionMaxAge)"),
    AP_INIT_TAKE1("AccountsUserSchema", set_user_schema, NULL, RSRC_CONF,
                  "whose tables hold the users: accounts (ours) or django "
                  "(the Django site's, in place: accountsctl migrate "
                  "--django)"),
    AP_INIT_FLAG("AccountsDjangoRehash", set_flag,
                 (void *)APR_OFFSETOF(acc_srv_cfg_t, django_rehash), RSRC_CONF,
                 "On: with AccountsUserSchema django a login re-makes a hash "
                 "of another cost (ending the user's Django sessions)"),
    AP_INIT_TAKE1("AccountsDjangoCookieName", set_str,
                  (void *)ACC_CFG_OFF(django_cookie), RSRC_CONF,
                  "the Django site's SESSION_COOKIE_NAME (sessionid)"),
    ACC_ACCOUNT_CMDS,
    {NULL}};
