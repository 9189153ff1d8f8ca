/*
 * src/httpd/config_account.c -- the account-management directives:
 * remember-me, password reset, mail, email verification, profile fields.
 */
#include "config_account.h"
#include "core/mailmsg.h"

#include <apr_lib.h>
#include <apr_strings.h>

#include <string.h>

#define DEF_RESET_TIMEOUT                                                      \
    (3 * 24 * 3600) /* Django's PASSWORD_RESET_TIMEOUT                         \
                     */
#define DEF_MAIL_COMMAND  "/usr/sbin/sendmail -t -i"
#define DEF_MAIL_RETRY    60
#define DEF_MAIL_INTERVAL 30
#define DEF_THR_MAIL      3
#define DEF_THR_MAIL_ADDR 20
/* Our pages load our stylesheet, script and icon, and post to
 * themselves: nothing else (form-action gets the origins the redirects
 * after a form go to, when they are other sites: csp_default). */
#define DEF_CSP_HEAD                                                           \
    "default-src 'none'; style-src 'self'; script-src 'self'; "                \
    "img-src 'self'; form-action 'self'"
#define DEF_CSP_TAIL "; frame-ancestors 'none'; base-uri 'none'"

const acc_num_t acc_n_reset_timeout = {
    ACC_CFG_OFF(reset_timeout), 1, 1, ACC_SECONDS_MAX, "seconds", 0};
const acc_num_t acc_n_mail_retry = {
    ACC_CFG_OFF(mail_retry), 0, 1, 3600, "seconds", 0};
const acc_num_t acc_n_mail_interval = {
    ACC_CFG_OFF(mail_interval), 0, 1, 3600, "seconds", 0};
const acc_num_t acc_n_housekeeping = {
    ACC_CFG_OFF(housekeeping), 0, 1, 86400, "seconds", 0};
static const acc_num_t n_thr_mail = {
    ACC_CFG_OFF(throttle_mail), 0, 0, 1000, NULL, 0};
static const acc_num_t n_thr_mail_addr = {
    ACC_CFG_OFF(throttle_mail_client), 0, 0, 100000, NULL, 0};

void acc_config_account_create(acc_srv_cfg_t *c)
{
    c->remember_me = ACC_UNSET;
    c->reset_timeout = ACC_UNSET;
    c->mail_sender = ACC_UNSET;
    c->mail_retry = ACC_UNSET;
    c->mail_interval = ACC_UNSET;
    c->require_verified = ACC_UNSET;
    c->throttle_mail = ACC_UNSET;
    c->throttle_mail_client = ACC_UNSET;
    c->well_known = ACC_UNSET;
    c->housekeeping = ACC_UNSET;
}

#define PICK(f)     m->f = add->f ? add->f : base->f
#define PICK_INT(f) m->f = add->f != ACC_UNSET ? add->f : base->f

void acc_config_account_merge(acc_srv_cfg_t *m, const acc_srv_cfg_t *base,
                              const acc_srv_cfg_t *add)
{
    PICK_INT(remember_me);
    PICK_INT(reset_timeout);
    PICK(key_fallback_files);
    PICK(mail_command);
    PICK(mail_from);
    PICK_INT(mail_sender);
    PICK_INT(mail_retry);
    PICK_INT(mail_interval);
    PICK(site_url);
    PICK_INT(require_verified);
    PICK(profile_fields);
    PICK_INT(throttle_mail);
    PICK_INT(throttle_mail_client);
    PICK(csp);
    PICK_INT(well_known);
    PICK_INT(housekeeping);
}

/* The origin of an absolute http(s) URL ("https://host:port"), or NULL. */
static const char *origin_of(apr_pool_t *p, const char *url)
{
    const char *host, *end;

    if (url == NULL) {
        return NULL;
    }
    if (strncasecmp(url, "http://", 7) == 0) {
        host = url + 7;
    }
    else if (strncasecmp(url, "https://", 8) == 0) {
        host = url + 8;
    }
    else if (url[0] == '/' && url[1] == '/') {
        /* Scheme-relative: the host on either scheme. */
        host = url + 2;
        end = host + strcspn(host, "/?#");
        return end > host ? apr_pstrmemdup(p, host, (apr_size_t)(end - host))
                          : NULL;
    }
    else {
        return NULL;
    }
    end = host + strcspn(host, "/?#");
    return end > host ? apr_pstrmemdup(p, url, (apr_size_t)(end - url)) : NULL;
}

/* The default policy: browsers apply form-action to where a form's
 * redirect goes too, so a login or logout redirect to another site is
 * allowed by name. */
static const char *csp_default(apr_pool_t *p, const acc_srv_cfg_t *c)
{
    const char *a = origin_of(p, c->login_redirect);
    const char *b = origin_of(p, c->logout_redirect);

    return apr_pstrcat(p, DEF_CSP_HEAD, a ? " " : "", a ? a : "",
                       b && (!a || strcasecmp(a, b) != 0) ? " " : "",
                       b && (!a || strcasecmp(a, b) != 0) ? b : "",
                       DEF_CSP_TAIL, NULL);
}

#define DEFAULT(f, v)                                                          \
    if (c->f == ACC_UNSET) {                                                   \
        c->f = (v);                                                            \
    }

void acc_config_account_defaults(server_rec *s, acc_srv_cfg_t *c)
{
    DEFAULT(remember_me, 1);
    DEFAULT(reset_timeout, DEF_RESET_TIMEOUT);
    DEFAULT(mail_sender, 1);
    DEFAULT(mail_retry, DEF_MAIL_RETRY);
    DEFAULT(mail_interval, DEF_MAIL_INTERVAL);
    DEFAULT(require_verified, 0);
    DEFAULT(throttle_mail, DEF_THR_MAIL);
    DEFAULT(throttle_mail_client, DEF_THR_MAIL_ADDR);
    DEFAULT(well_known, 1);
    DEFAULT(housekeeping, 300);
    if (c->csp == NULL) {
        c->csp = csp_default(s->process->pconf, c);
    }
    if (c->mail_command == NULL) {
        c->mail_command = DEF_MAIL_COMMAND;
    }
    if (c->mail_from == NULL) {
        /* Django's DEFAULT_FROM_EMAIL is webmaster@localhost; the host's
         * own name is likelier to be accepted by a mail server. */
        c->mail_from = apr_pstrcat(
            s->process->pconf, "webmaster@",
            s->server_hostname ? s->server_hostname : "localhost", NULL);
        if (acc_mail_from_check(s->process->pconf, c->mail_from) != NULL) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                         ACC_LOGNO(0106) "no AccountsMailFrom, and '%s' "
                                         "(made from ServerName) is not an "
                                         "address mail can come from: set "
                                         "AccountsMailFrom",
                         c->mail_from);
        }
    }
    if (c->profile_fields == NULL) {
        c->profile_fields =
            apr_array_make(s->process->pconf, 1, sizeof(acc_profile_field_t));
    }
    /* The outbox names the host whose sender makes a request's mail:
     * where the links point, which is the host's own. */
    c->mail_site = c->site_url
                       ? c->site_url
                       : apr_psprintf(s->process->pconf, "%s:%u",
                                      s->server_hostname ? s->server_hostname
                                                         : "localhost",
                                      (unsigned)s->port);
}

const char *acc_set_num_account(cmd_parms *cmd, void *dummy, const char *arg)
{
    return acc_num_set(cmd, cmd->info, arg);
}

const char *acc_set_flag_account(cmd_parms *cmd, void *dummy, int on)
{
    *(int *)((char *)acc_srv(cmd->server) + (apr_size_t)cmd->info) = on;
    return NULL;
}

const char *acc_set_str_account(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (*arg == '\0') {
        return apr_psprintf(cmd->pool, "%s needs a value",
                            cmd->directive->directive);
    }
    *(const char **)((char *)acc_srv(cmd->server) + (apr_size_t)cmd->info) =
        arg;
    return NULL;
}

const char *acc_set_key_fallbacks(cmd_parms *cmd, void *dummy, const char *arg)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    const char *path = ap_server_root_relative(cmd->pool, arg);

    if (path == NULL) {
        return apr_psprintf(
            cmd->pool, "AccountsSecretKeyFallbacks: invalid path '%s'", arg);
    }
    if (c->key_fallback_files == NULL) {
        c->key_fallback_files = apr_array_make(cmd->pool, 2, sizeof(char *));
    }
    APR_ARRAY_PUSH(c->key_fallback_files, const char *) = path;
    return NULL;
}

const char *acc_set_mail_from(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = acc_mail_from_check(cmd->temp_pool, arg);

    if (err) {
        return apr_psprintf(cmd->pool, "AccountsMailFrom: %s", err);
    }
    acc_srv(cmd->server)->mail_from = arg;
    return NULL;
}

const char *acc_set_site_url(cmd_parms *cmd, void *dummy, const char *arg)
{
    apr_size_t n = strlen(arg);
    const char *host;

    if (strncasecmp(arg, "http://", 7) == 0) {
        host = arg + 7;
    }
    else if (strncasecmp(arg, "https://", 8) == 0) {
        host = arg + 8;
    }
    else {
        host = NULL;
    }
    if (host == NULL || *host == '\0' || strpbrk(host, "/?#@ \t\"<>\\") ||
        n > 300) {
        return apr_psprintf(cmd->pool,
                            "AccountsSiteURL takes scheme://host[:port] "
                            "(http or https, no path), not '%s'",
                            arg);
    }
    acc_srv(cmd->server)->site_url = arg;
    return NULL;
}

/* A profile field's name: a column-like name, not one of the user's own
 * fields. */
static int field_name_ok(const char *s)
{
    static const char *const taken[] = {
        "username",  "email",     "password",
        "password1", "password2", "first_name",
        "last_name", "next",      "csrfmiddlewaretoken",
        "remember",  NULL};
    const char *p;
    apr_size_t n = strlen(s);
    int i;

    if (!apr_isalpha(*s) || n > 64) {
        return 0;
    }
    /* Its input's id is id_NAME: NAME_errors or NAME_help would be another
     * field's ids for its messages. */
    if ((n > 7 && strcmp(s + n - 7, "_errors") == 0) ||
        (n > 5 && strcmp(s + n - 5, "_help") == 0)) {
        return 0;
    }
    for (p = s; *p; p++) {
        if (!apr_isalnum(*p) && *p != '_') {
            return 0;
        }
    }
    for (i = 0; taken[i]; i++) {
        if (strcmp(s, taken[i]) == 0) {
            return 0;
        }
    }
    return 1;
}

const char *acc_set_profile_field(cmd_parms *cmd, void *dummy, const char *args)
{
    acc_srv_cfg_t *c = acc_srv(cmd->server);
    acc_profile_field_t f;
    const char *w;
    int i;

    memset(&f, 0, sizeof(f));
    f.maxlength = 255;
    f.name = ap_getword_conf(cmd->pool, &args);
    f.label = ap_getword_conf(cmd->pool, &args);
    if (!field_name_ok(f.name)) {
        return apr_psprintf(cmd->pool,
                            "AccountsProfileField: '%s' is not a field name "
                            "(a letter, then letters, digits or _, at most "
                            "64, not one of the user's own fields)",
                            f.name);
    }
    if (*f.label == '\0') {
        return "AccountsProfileField name \"Label\" [required] [maxlength N] "
               "[register]: the label is missing";
    }
    while (*(w = ap_getword_conf(cmd->temp_pool, &args)) != '\0') {
        if (strcasecmp(w, "required") == 0) {
            f.required = 1;
        }
        else if (strcasecmp(w, "register") == 0) {
            f.on_register = 1;
        }
        else if (strcasecmp(w, "maxlength") == 0) {
            char *end;
            const char *n = ap_getword_conf(cmd->temp_pool, &args);
            apr_int64_t v = apr_strtoi64(n, &end, 10);
            if (end == n || *end || v < 1 || v > 10000) {
                return apr_psprintf(cmd->pool,
                                    "AccountsProfileField %s: maxlength takes "
                                    "a number from 1 to 10000, not '%s'",
                                    f.name, n);
            }
            f.maxlength = (int)v;
        }
        else {
            return apr_psprintf(cmd->pool,
                                "AccountsProfileField %s: unknown option "
                                "'%s' (required, maxlength N, register)",
                                f.name, w);
        }
    }
    /* A virtual host's list starts from its own directives: it is not
     * merged field by field with the main server's. */
    if (c->profile_fields == NULL) {
        c->profile_fields =
            apr_array_make(cmd->pool, 4, sizeof(acc_profile_field_t));
    }
    for (i = 0; i < c->profile_fields->nelts; i++) {
        if (strcmp(
                APR_ARRAY_IDX(c->profile_fields, i, acc_profile_field_t).name,
                f.name) == 0) {
            return apr_psprintf(
                cmd->pool, "AccountsProfileField %s is given twice", f.name);
        }
    }
    APR_ARRAY_PUSH(c->profile_fields, acc_profile_field_t) = f;
    return NULL;
}

const char *acc_set_throttle_mail(cmd_parms *cmd, void *dummy, const char *a,
                                  const char *b)
{
    const char *err = acc_num_set(cmd, &n_thr_mail, a);

    return err == NULL && b ? acc_num_set(cmd, &n_thr_mail_addr, b) : err;
}

const char *acc_set_csp(cmd_parms *cmd, void *dummy, const char *arg)
{
    if (strpbrk(arg, "\r\n") != NULL) {
        return "AccountsContentSecurityPolicy: the policy must be one line";
    }
    /* "none": no header at all (a site that sets its own elsewhere). */
    acc_srv(cmd->server)->csp = strcasecmp(arg, "none") == 0 ? "" : arg;
    return NULL;
}
