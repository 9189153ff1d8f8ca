/*
 * src/httpd/authz.c -- httpd authorization providers: Require account-group,
 * account-perm, account-staff, account-superuser.
 *
 * They read the groups and permissions the session lookup already loaded
 * (once per request, however many Require lines there are).  As Django's
 * has_perm: an active superuser has every permission; `account-perm A B`
 * needs all of them (has_perms), `account-group A B` any of them.  They
 * judge only the user httpd authenticated, and only when that user is the
 * session's.  A logged-in user refused in the end gets our 403 page (see
 * guard.c), never a redirect back to the login page.
 */
#include "authz.h"
#include "session.h"
#include "config.h"
#include "guard.h"

#include <mod_auth.h>
#include <apr_strings.h>

#include <string.h>

typedef enum {
    REQ_GROUP,
    REQ_PERM,
    REQ_STAFF,
    REQ_SUPERUSER,
    REQ_MFA
} req_kind_t;

static int has(const apr_array_header_t *names, const char *want)
{
    int i;

    for (i = 0; i < names->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(names, i, const char *), want) == 0) {
            return 1;
        }
    }
    return 0;
}

static authz_status check(request_rec *r, const char *line, req_kind_t kind)
{
    acc_session_t *s = NULL;
    const char *word;
    int ok = 0;

    if (r->user == NULL) {
        return AUTHZ_DENIED_NO_USER;
    }
    if (acc_session_guard(r, &s) != OK) {
        return AUTHZ_GENERAL_ERROR;
    }
    if (s == NULL || strcmp(s->user->username, r->user) != 0) {
        /* Someone else authenticated this request (AuthType Basic, say):
         * whatever session cookie came with it is not that user's, so its
         * groups and flags say nothing about them. */
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r,
                      ACC_LOGNO(0081) "Require %s: '%s' is not the user of "
                                      "this request's session",
                      kind == REQ_GROUP       ? "account-group"
                      : kind == REQ_PERM      ? "account-perm"
                      : kind == REQ_STAFF     ? "account-staff"
                      : kind == REQ_SUPERUSER ? "account-superuser"
                                              : "account-mfa",
                      ap_escape_logitem(r->pool, r->user));
        return AUTHZ_DENIED;
    }
    switch (kind) {
        case REQ_STAFF:
            ok = s->user->is_staff;
            break;
        case REQ_SUPERUSER:
            ok = s->user->is_superuser;
            break;
        case REQ_MFA:
            /* A second factor passed within AccountsMfaMaxAge (a Django
             * session never passed ours).  Else the refusal becomes a
             * step-up: to login/mfa/ and back (guard.c). */
            ok = !s->django && s->mfa && s->mfa_at > 0 &&
                 apr_time_now() - s->mfa_at <=
                     apr_time_from_sec(acc_srv(r->server)->mfa_max_age);
            if (!ok && !s->django) {
                acc_guard_note_stepup(r);
            }
            break;
        case REQ_GROUP:
            while (!ok && *(word = ap_getword_conf(r->pool, &line))) {
                ok = has(s->groups, word);
            }
            break;
        case REQ_PERM:
            ok = 1;
            while (*(word = ap_getword_conf(r->pool, &line))) {
                if (!s->user->is_superuser && !has(s->perms, word)) {
                    ok = 0;
                    break;
                }
            }
            break;
    }
    /* A denial here is not the answer yet (a later line of a RequireAny
     * may grant): the 403 page is made by the guard, for the final one. */
    return ok ? AUTHZ_GRANTED : AUTHZ_DENIED;
}

static authz_status group_check(request_rec *r, const char *line,
                                const void *parsed)
{
    return check(r, line, REQ_GROUP);
}

static authz_status perm_check(request_rec *r, const char *line,
                               const void *parsed)
{
    return check(r, line, REQ_PERM);
}

static authz_status staff_check(request_rec *r, const char *line,
                                const void *parsed)
{
    return check(r, line, REQ_STAFF);
}

static authz_status superuser_check(request_rec *r, const char *line,
                                    const void *parsed)
{
    return check(r, line, REQ_SUPERUSER);
}

static authz_status mfa_check(request_rec *r, const char *line,
                              const void *parsed)
{
    return check(r, line, REQ_MFA);
}

static const char *need_names(cmd_parms *cmd, const char *line,
                              const void **parsed)
{
    if (line == NULL || *line == '\0') {
        return "Require account-group and account-perm need at least one "
               "name";
    }
    return NULL;
}

static const char *no_args(cmd_parms *cmd, const char *line,
                           const void **parsed)
{
    if (line && *line) {
        return "Require account-staff, account-superuser and account-mfa "
               "take no arguments";
    }
    return NULL;
}

static const authz_provider group_provider = {group_check, need_names};
static const authz_provider perm_provider = {perm_check, need_names};
static const authz_provider staff_provider = {staff_check, no_args};
static const authz_provider superuser_provider = {superuser_check, no_args};
static const authz_provider mfa_provider = {mfa_check, no_args};

void acc_authz_register(apr_pool_t *p)
{
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "account-group",
                              AUTHZ_PROVIDER_VERSION, &group_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "account-perm",
                              AUTHZ_PROVIDER_VERSION, &perm_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "account-staff",
                              AUTHZ_PROVIDER_VERSION, &staff_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "account-superuser",
                              AUTHZ_PROVIDER_VERSION, &superuser_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
    ap_register_auth_provider(p, AUTHZ_PROVIDER_GROUP, "account-mfa",
                              AUTHZ_PROVIDER_VERSION, &mfa_provider,
                              AP_AUTH_INTERNAL_PER_CONF);
}
