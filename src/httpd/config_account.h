/*
 * src/httpd/config_account.h -- the account-management directives:
 * remember-me, password reset, mail, email verification, profile fields.
 *
 * Their fields are in acc_srv_cfg_t (config.h); their table entries are
 * ACC_ACCOUNT_CMDS, spliced into acc_cmds by config.c.
 */
#ifndef ACC_CONFIG_ACCOUNT_H
#define ACC_CONFIG_ACCOUNT_H

#include "config.h"

const char *acc_set_num_account(cmd_parms *cmd, void *dummy, const char *arg);
const char *acc_set_flag_account(cmd_parms *cmd, void *dummy, int on);
const char *acc_set_str_account(cmd_parms *cmd, void *dummy, const char *arg);
const char *acc_set_key_fallbacks(cmd_parms *cmd, void *dummy, const char *arg);
const char *acc_set_mail_from(cmd_parms *cmd, void *dummy, const char *arg);
const char *acc_set_site_url(cmd_parms *cmd, void *dummy, const char *arg);
const char *acc_set_profile_field(cmd_parms *cmd, void *dummy,
                                  const char *args);
const char *acc_set_throttle_mail(cmd_parms *cmd, void *dummy, const char *a,
                                  const char *b);
const char *acc_set_csp(cmd_parms *cmd, void *dummy, const char *arg);

extern const acc_num_t acc_n_reset_timeout, acc_n_mail_retry,
    acc_n_mail_interval, acc_n_housekeeping;

#define ACC_ACCOUNT_CMDS                                                       \
    AP_INIT_FLAG("AccountsRememberMe", acc_set_flag_account,                   \
                 (void *)ACC_CFG_OFF(remember_me), RSRC_CONF,                  \
                 "On (default): a 'Remember me' box on the login form; "       \
                 "unticked, the session ends with the browser"),               \
        AP_INIT_TAKE1("AccountsPasswordResetTimeout", acc_set_num_account,     \
                      (void *)&acc_n_reset_timeout, RSRC_CONF,                 \
                      "seconds a password reset link works (default 259200, "  \
                      "3 days)"),                                              \
        AP_INIT_ITERATE("AccountsSecretKeyFallbacks", acc_set_key_fallbacks,   \
                        NULL, RSRC_CONF,                                       \
                        "files of older secret keys whose links are still "    \
                        "accepted"),                                           \
        AP_INIT_TAKE1("AccountsMailCommand", acc_set_str_account,              \
                      (void *)ACC_CFG_OFF(mail_command), RSRC_CONF,            \
                      "the sendmail-compatible command that delivers mail "    \
                      "(default /usr/sbin/sendmail -t -i)"),                   \
        AP_INIT_TAKE1("AccountsMailFrom", acc_set_mail_from, NULL, RSRC_CONF,  \
                      "the From of our mail (default webmaster@ServerName)"),  \
        AP_INIT_FLAG("AccountsMailSender", acc_set_flag_account,               \
                     (void *)ACC_CFG_OFF(mail_sender), RSRC_CONF,              \
                     "Off: httpd prepares mail, 'accountsctl mail send' "      \
                     "delivers it"),                                           \
        AP_INIT_TAKE1("AccountsMailRetry", acc_set_num_account,                \
                      (void *)&acc_n_mail_retry, RSRC_CONF,                    \
                      "seconds before a failed delivery is tried again, "      \
                      "doubling up to an hour (default 60)"),                  \
        AP_INIT_TAKE1("AccountsMailInterval", acc_set_num_account,             \
                      (void *)&acc_n_mail_interval, RSRC_CONF,                 \
                      "seconds between the sender's looks at the queue "       \
                      "(default 30)"),                                         \
        AP_INIT_TAKE1("AccountsSiteURL", acc_set_site_url, NULL, RSRC_CONF,    \
                      "scheme://host[:port] that links in mail use (default: " \
                      "from ServerName, never from the request)"),             \
        AP_INIT_FLAG("AccountsRequireVerifiedEmail", acc_set_flag_account,     \
                     (void *)ACC_CFG_OFF(require_verified), RSRC_CONF,         \
                     "On: a new account logs in once its email address is "    \
                     "verified"),                                              \
        AP_INIT_RAW_ARGS("AccountsProfileField", acc_set_profile_field, NULL,  \
                         RSRC_CONF,                                            \
                         "name \"Label\" [required] [maxlength N] "            \
                         "[register]: a profile field of the site's own"),     \
        AP_INIT_TAKE12("AccountsThrottleMail", acc_set_throttle_mail, NULL,    \
                       RSRC_CONF,                                              \
                       "mails one address may be sent, and one client may "    \
                       "ask for, an hour (default 3 20)"),                     \
        AP_INIT_TAKE1("AccountsContentSecurityPolicy", acc_set_csp, NULL,      \
                      RSRC_CONF,                                               \
                      "the Content-Security-Policy of our pages (default: "    \
                      "our own files only), or none"),                         \
        AP_INIT_TAKE1("AccountsHousekeepingInterval", acc_set_num_account,     \
                      (void *)&acc_n_housekeeping, RSRC_CONF,                  \
                      "seconds between the background thread's offers to "     \
                      "delete expired sessions and old rows (default 300)"),   \
        AP_INIT_FLAG("AccountsWellKnownChangePassword", acc_set_flag_account,  \
                     (void *)ACC_CFG_OFF(well_known), RSRC_CONF,               \
                     "Off: /.well-known/change-password is not redirected "    \
                     "to password/change/")

#endif /* ACC_CONFIG_ACCOUNT_H */
