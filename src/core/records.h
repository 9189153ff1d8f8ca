/*
 * src/core/records.h -- what the store answers about users and sessions,
 * as plain structs: the store fills them, the session cache encodes them
 * (sessrec.h), the glue reads them.  Defined here, in the core, so that
 * the core's codec needs nothing from the store.
 */
#ifndef ACC_RECORDS_H
#define ACC_RECORDS_H

#include "core.h"

#include <apr_time.h>

typedef struct {
    apr_int64_t id;
    const char *username;
    const char *email;
    const char *password; /* PHC string */
    const char *first_name;
    const char *last_name;
    int is_active;
    int is_staff;
    int is_superuser;
    apr_time_t date_joined;
    apr_time_t last_login; /* 0 when never */
    /* Read by the user lookups (acc_user_by_name, _by_id, _by_email), not
     * by a session's: a session never needs them. */
    int email_verified;
    const char *pending_email; /* a new address waiting for its
                                  verification, or "" */
    /* Read by a login's lookup (acc_login_begin) alone: the user has a
     * second factor (confirmed). */
    int mfa;
} acc_user_t;

/* A user's session as the "your sessions" page lists it. */
typedef struct {
    apr_int64_t id; /* how the page names it (never the token hash) */
    const char *token_hash;
    apr_time_t created;
    apr_time_t last_seen;
    apr_time_t expires;
    const char *address;
    const char *user_agent; /* as the browser sent it, cut to 512 bytes */
    int persistent;         /* a remember-me login */
} acc_session_info_t;

/* What a session lookup returns: the session's times and its user. */
typedef struct {
    acc_user_t user;
    apr_time_t created;
    apr_time_t last_seen;
    apr_time_t expires;
    const char *groups; /* group names, separated by ACC_LIST_SEP */
    const char *perms;  /* permission codenames (direct and through
                           groups), separated by ACC_LIST_SEP */
    int mfa;            /* the user has a second factor (confirmed) */
    apr_time_t mfa_at;  /* when this session passed it (0: it did not) */
    /* When the store was asked for this answer, on the system's monotonic
     * clock (microseconds; 0: unknown): the session cache compares it
     * with the change notices it heard (httpd/notify.h). */
    apr_int64_t read_at;
} acc_session_row_t;

/* Separates the names in acc_session_row_t's lists (no name holds it:
 * accountsctl refuses such names, see names.h). */
#define ACC_LIST_SEP '\x1f'

#endif /* ACC_RECORDS_H */
