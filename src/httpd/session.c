/*
 * src/httpd/session.c -- session tokens: issue, look up, expire, cookie in and
 * out.  One piece: every path shares the request's session state.
 */
#include "session.h"
#include "audit.h"
#include "config.h"
#include "core/cookie.h"
#include "core/crypto.h"
#include "core/djsession.h"
#include "core/validate.h"
#include "db.h"
#include "sesscache.h"
#include "mail.h"
#include "notify.h"

#include <apr_atomic.h>
#include <apr_date.h>
#include <apr_strings.h>

#include <string.h>

#define NOTE "mod_accounts:session"

/* What the request learnt about its session, kept with the request that
 * owns it (acc_initial_request) and allocated from that request's pool:
 * a subrequest may be the first to ask, and its own pool ends before the
 * page it serves does. */
typedef struct {
    apr_pool_t *pool; /* the owning request's pool: everything below */
    int resolved;
    acc_session_t *sess;
    int dj_resolved; /* acc_session_guard's Django session */
    acc_session_t *dj_sess;
} req_sess_t;

static req_sess_t *req_state(request_rec *r)
{
    request_rec *top = acc_initial_request(r);
    req_sess_t *rs = NULL;

    apr_pool_userdata_get((void **)&rs, NOTE, top->pool);
    if (rs == NULL) {
        rs = apr_pcalloc(top->pool, sizeof(*rs));
        rs->pool = top->pool;
        apr_pool_userdata_setn(rs, NOTE, apr_pool_cleanup_null, top->pool);
    }
    return rs;
}

int acc_cookie_secure(request_rec *r)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);

    if (cfg->cookie_secure == ACC_SECURE_ON) {
        return 1;
    }
    if (cfg->cookie_secure == ACC_SECURE_AUTO) {
        return strcmp(ap_http_scheme(r), "https") == 0;
    }
    return 0;
}

const char *acc_session_cookie_name(request_rec *r)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);

    if (acc_cookie_secure(r)) {
        return apr_pstrcat(r->pool, "__Host-", cfg->cookie_name, NULL);
    }
    return cfg->cookie_name;
}

void acc_set_cookie(request_rec *r, const char *name, const char *value,
                    apr_int64_t max_age)
{
    const char *attrs;

    if (max_age < 0) {
        attrs = "; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
        value = "";
    }
    else if (max_age == 0) {
        attrs = ""; /* the browser's session */
    }
    else {
        char date[APR_RFC822_DATE_LEN];
        apr_rfc822_date(date, apr_time_now() + apr_time_from_sec(max_age));
        attrs =
            apr_psprintf(r->pool, "; Max-Age=%" APR_INT64_T_FMT "; Expires=%s",
                         max_age, date);
    }
    /* Written by hand, not with ap_cookie_write: that one logs the value
     * at debug level, and a session token must never reach a log. */
    apr_table_addn(r->err_headers_out, "Set-Cookie",
                   apr_pstrcat(r->pool, name, "=", value, attrs,
                               "; Path=/; HttpOnly; SameSite=Lax",
                               acc_cookie_secure(r) ? "; Secure" : "", NULL));
}

/* Split an ACC_LIST_SEP-separated list (empty: no names). */
static apr_array_header_t *split_list(apr_pool_t *p, const char *s)
{
    apr_array_header_t *a = apr_array_make(p, 4, sizeof(const char *));
    const char *start = s;

    if (s == NULL || *s == '\0') {
        return a;
    }
    for (;; s++) {
        if (*s == ACC_LIST_SEP || *s == '\0') {
            APR_ARRAY_PUSH(a, const char *) =
                apr_pstrndup(p, start, (apr_size_t)(s - start));
            if (*s == '\0') {
                break;
            }
            start = s + 1;
        }
    }
    return a;
}

/* The token from the request's cookie, if it is well-formed. */
static const char *token_of(request_rec *r)
{
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_array_header_t *all;
    int i;

    if (header == NULL) {
        return NULL;
    }
    all = acc_cookie_get_all(r->pool, header, acc_session_cookie_name(r));
    for (i = 0; i < all->nelts; i++) {
        const char *v = APR_ARRAY_IDX(all, i, const char *);
        if (acc_is_base64url(v, ACC_TOKEN_CHARS)) {
            return v;
        }
    }
    return NULL;
}

/* How stale a session's last_seen may get before it is written again:
 * a quarter of the idle timeout (at least a minute: the timeout is at
 * least two), else five minutes.  Each write is a row version and three
 * index entries; 100,000 sessions in use write 333 rows a second at five
 * minutes, 1,667 at one. */
static apr_time_t seen_every(const acc_srv_cfg_t *cfg)
{
    apr_int64_t secs = cfg->idle_timeout > 0 ? cfg->idle_timeout / 4 : 300;

    return apr_time_from_sec(secs < 60 ? 60 : secs > 300 ? 300 : secs);
}

/* Whether a cached row can stand for the store's answer right now: not
 * expired, and seen recently enough that last_seen needs no write yet
 * (which also keeps it well inside any idle timeout). */
static int cached_row_usable(const acc_srv_cfg_t *cfg,
                             const acc_session_row_t *row, apr_time_t now)
{
    if (row->expires <= now) {
        return 0;
    }
    if (now - row->last_seen > seen_every(cfg)) {
        return 0; /* written behind, or the store decides and writes it */
    }
    return 1;
}

static int lookup(request_rec *r, acc_session_t **out)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    req_sess_t *rs = req_state(r);
    apr_pool_t *p = rs->pool;
    const char *tok;
    acc_store_t *st;
    acc_db_state_t dbs;
    acc_session_row_t cached, *row = NULL;
    apr_uint32_t gen;
    const char *hash;
    acc_store_rc_t rc;
    apr_time_t now;

    if (rs->resolved) {
        *out = rs->sess;
        return OK;
    }
    *out = NULL;
    tok = token_of(r);
    if (tok == NULL) {
        rs->resolved = 1;
        return OK;
    }
    hash = acc_sha256_hex(p, tok);
    now = apr_time_now();
    if (acc_cache_get(r, p, hash, &cached, &gen)) {
        if (cached_row_usable(cfg, &cached, now)) {
            row = &cached;
        }
        else if (cached.expires > now &&
                 (cfg->idle_timeout <= 0 ||
                  now - cached.last_seen <
                      apr_time_from_sec(cfg->idle_timeout)) &&
                 acc_notify_touch(r->server, hash)) {
            /* Due for a last_seen write (seen_every): the listener
             * writes it (within a second, with others), and the entry
             * says so from now on. */
            cached.last_seen = now;
            acc_cache_refresh(r, hash, &cached, gen);
            row = &cached;
        }
    }
    if (row == NULL) {
        apr_int64_t asked = acc_notify_clock();
        st = acc_db_store(r, &dbs);
        if (st == NULL) {
            return HTTP_SERVICE_UNAVAILABLE;
        }
        rc = acc_session_get(st, p, hash, cfg->idle_timeout, &row);
        if (rc == ACC_STORE_ERROR) {
            /* A pooled connection that died under us (the database was
             * restarted): once more on a checked one. */
            st = acc_db_store_again(r, &dbs);
            if (st == NULL) {
                return HTTP_SERVICE_UNAVAILABLE;
            }
            rc = acc_session_get(st, p, hash, cfg->idle_timeout, &row);
        }
        switch (rc) {
            case ACC_STORE_OK:
                break;
            case ACC_STORE_NOTFOUND:
                rs->resolved = 1;
                return OK;
            default:
                ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                              ACC_LOGNO(0030) "session lookup failed: %s",
                              acc_store_error(st, r->pool));
                return HTTP_SERVICE_UNAVAILABLE;
        }
        row->read_at = asked;
        /* last_seen (for idle expiry and `clearsessions --idle`), when
         * due (seen_every): written behind by the listener when one is
         * alive (with the other due sessions, in one statement that does
         * not wait for the disk), here otherwise; the statement itself
         * also skips a row written in the last minute. */
        if (now - row->last_seen > seen_every(cfg)) {
            if (!acc_notify_touch(r->server, hash)) {
                acc_session_touch(st, r->pool, hash);
            }
            row->last_seen = now;
        }
        acc_cache_put(r, hash, row, gen);
        /* This process serves the host's sessions: its background thread
         * keeps the host's tables tidy (mail.h). */
        acc_mail_note_host(r);
    }
    rs->sess = apr_pcalloc(p, sizeof(*rs->sess));
    rs->sess->user = apr_pmemdup(p, &row->user, sizeof(row->user));
    rs->sess->token_hash = hash;
    rs->sess->expires = row->expires;
    rs->sess->groups = split_list(p, row->groups);
    rs->sess->perms = split_list(p, row->perms);
    rs->sess->mfa = row->mfa;
    rs->sess->mfa_at = row->mfa_at;
    rs->resolved = 1;
    *out = rs->sess;
    return OK;
}

int acc_session_current(request_rec *r, acc_session_t **out)
{
    int held = acc_db_held(r), rc;

    rc = lookup(r, out);
    /* A connection the lookup took goes back at once, not when the
     * response has been sent: a guarded download read slowly keeps a
     * worker, never a database connection.  (One the request held before,
     * an accounts page's, stays with it.) */
    if (!held) {
        acc_db_release(r);
    }
    return rc;
}

acc_session_t *acc_session_peek(request_rec *r)
{
    return req_state(r)->sess;
}

/* The Django site's session key from its cookie, or NULL. */
static const char *django_key_of(request_rec *r, const acc_srv_cfg_t *cfg)
{
    const char *header = apr_table_get(r->headers_in, "Cookie");
    apr_array_header_t *all;
    int i;

    if (header == NULL) {
        return NULL;
    }
    all = acc_cookie_get_all(r->pool, header, cfg->django_cookie);
    /* The last one, as Django (Python's cookie parser) takes it. */
    for (i = all->nelts - 1; i >= 0; i--) {
        const char *v = APR_ARRAY_IDX(all, i, const char *);
        if (acc_djsession_key_ok(v)) {
            return v;
        }
    }
    return NULL;
}

/* A Django site's session, checked as Django's own middleware checks it:
 * an unexpired django_session row, its data signed with the site's
 * SECRET_KEY, a logged-in user who is active, and the session's auth hash
 * that of the user's password hash now (a password change, or a logout
 * that deleted the row, ends it here at once).  Nothing is cached and
 * nothing written: two queries a request. */
static int django_lookup(request_rec *r, acc_session_t **out)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    req_sess_t *rs = req_state(r);
    apr_pool_t *p = rs->pool;
    acc_session_row_t *row = NULL;
    acc_db_state_t dbs;
    const char *key, *data = NULL, *auth_hash = NULL;
    apr_int64_t uid = 0;
    apr_time_t expires = 0;
    acc_store_t *st;
    acc_store_rc_t rc;
    acc_session_t *sess;
    int d = -1, taken = 0;

    if (rs->dj_resolved) {
        *out = rs->dj_sess;
        return OK;
    }
    *out = NULL;
    if ((key = django_key_of(r, cfg)) == NULL) {
        rs->dj_resolved = 1;
        return OK;
    }
    if ((st = acc_db_store(r, &dbs)) == NULL) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    rc = acc_store_django_session(st, p, key, &data, &expires);
    if (rc == ACC_STORE_ERROR) {
        /* A pooled connection that died under us: once more. */
        if ((st = acc_db_store_again(r, &dbs)) == NULL) {
            return HTTP_SERVICE_UNAVAILABLE;
        }
        rc = acc_store_django_session(st, p, key, &data, &expires);
    }
    if (rc == ACC_STORE_OK) {
        d = acc_djsession_decode(p, data, cfg->django_key, cfg->django_key_len,
                                 &uid, &auth_hash);
        if (d == -1) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          ACC_LOGNO(0026) "a Django session's data failed "
                                          "its signature check "
                                          "(AccountsDjangoSecretKeyFile "
                                          "is not the site's SECRET_KEY, "
                                          "or the row was altered)");
        }
        else if (d == -3) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          ACC_LOGNO(0028) "a Django session's data is "
                                          "signed but not readable here "
                                          "(over %d bytes, or JSON jansson "
                                          "refuses): not logged in",
                          ACC_DJSESSION_MAX_JSON);
        }
        rc = d == 0 ? acc_store_django_user(st, p, uid, &row)
                    : ACC_STORE_NOTFOUND;
    }
    if (rc == ACC_STORE_OK && row->user.is_active &&
        acc_str_equal_ct(auth_hash, acc_djsession_auth_hash(
                                        p, row->user.password, cfg->django_key,
                                        cfg->django_key_len))) {
        /* The same name here, for someone who did not come from this
         * Django user, may be someone else: REMOTE_USER must not name
         * two people. */
        rc = acc_store_django_name_taken(
            st, p, acc_username_key(p, row->user.username), uid, &taken);
        if (rc == ACC_STORE_OK && taken) {
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          ACC_LOGNO(0029) "Django user '%s' has the name of "
                                          "a user of ours who did not come "
                                          "from them (accountsctl "
                                          "import-django): their Django "
                                          "session opens nothing here until "
                                          "one is renamed",
                          ap_escape_logitem(r->pool, row->user.username));
            rc = ACC_STORE_NOTFOUND;
        }
        /* A Django login never passed our second factor: it opens
         * nothing for a user who has one here, nor anywhere one is
         * required (the user logs in here). */
        else if (rc == ACC_STORE_OK &&
                 (row->mfa || cfg->mfa == ACC_MFA_REQUIRED)) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                          ACC_LOGNO(0035) "Django user '%s': a Django "
                                          "session opens nothing here for "
                                          "a user with a second factor, "
                                          "or under AccountsMfa Required",
                          ap_escape_logitem(r->pool, row->user.username));
            rc = ACC_STORE_NOTFOUND;
        }
    }
    else if (rc == ACC_STORE_OK) {
        rc = ACC_STORE_NOTFOUND; /* inactive, or another password now */
    }
    if (rc == ACC_STORE_ERROR) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0027) "AccountsDjangoSessions: cannot read "
                                      "the Django site's session: %s",
                      acc_store_error(st, r->pool));
        return HTTP_SERVICE_UNAVAILABLE;
    }
    rs->dj_resolved = 1;
    if (rc != ACC_STORE_OK) {
        return OK;
    }
    row->user.password = "";
    sess = apr_pcalloc(p, sizeof(*sess));
    sess->user = apr_pmemdup(p, &row->user, sizeof(row->user));
    sess->token_hash = "";
    sess->expires = expires;
    sess->groups = split_list(p, row->groups);
    sess->perms = split_list(p, row->perms);
    sess->django = 1;
    rs->dj_sess = sess;
    *out = sess;
    return OK;
}

int acc_session_guard(request_rec *r, acc_session_t **out)
{
    int held, rc = acc_session_current(r, out);

    if (rc != OK || *out || !acc_srv(r->server)->django_sessions) {
        return rc;
    }
    held = acc_db_held(r);
    rc = django_lookup(r, out);
    if (!held) {
        acc_db_release(r);
    }
    return rc;
}

acc_session_t *acc_session_guard_peek(request_rec *r)
{
    req_sess_t *rs = req_state(r);

    return rs->sess ? rs->sess : rs->dj_sess;
}

/* The user agent as the sessions page shows it: escaped, cut to 512
 * bytes. */
static const char *user_agent_of(request_rec *r)
{
    const char *ua = apr_table_get(r->headers_in, "User-Agent");
    apr_size_t n, k;

    if (ua == NULL) {
        return "";
    }
    /* Stored escaped, as the audit trail and the error log keep it: a
     * header may hold any byte, the database takes only UTF-8. */
    ua = ap_escape_logitem(r->pool, ua);
    n = strlen(ua);
    if (n <= 512) {
        return ua;
    }
    /* Never inside an escape ("\\xhh" is four characters): a backslash
     * among the last three goes, with what follows it. */
    for (k = 512; k > 509; k--) {
        if (ua[k - 1] == '\\') {
            n = k - 1;
            break;
        }
    }
    if (k == 509) {
        n = 512;
    }
    return apr_pstrndup(r->pool, ua, n);
}

int acc_session_prepare_login(request_rec *r, int persistent,
                              acc_new_session_t *ns, acc_login_done_t *d)
{
    if (acc_session_prepare(r, persistent, ns) != OK) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    d->old_session = ns->old_hash;
    d->session = ns->hash;
    d->max_age = ns->max_age;
    d->address = ns->address;
    d->user_agent = ns->user_agent;
    d->persistent = ns->persistent;
    return OK;
}

int acc_session_prepare(request_rec *r, int persistent, acc_new_session_t *ns)
{
    acc_srv_cfg_t *cfg = acc_srv(r->server);
    const char *old = token_of(r);

    memset(ns, 0, sizeof(*ns));
    ns->token = acc_random_token(r->pool, ACC_TOKEN_BYTES);
    if (ns->token == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_CRIT, 0, r,
                      ACC_LOGNO(0031) "the OS gave no random bytes for a "
                                      "session token");
        return HTTP_SERVICE_UNAVAILABLE;
    }
    ns->hash = acc_sha256_hex(r->pool, ns->token);
    ns->old_hash = old ? acc_sha256_hex(r->pool, old) : NULL;
    ns->persistent = persistent;
    ns->address = r->useragent_ip ? r->useragent_ip : "";
    ns->user_agent = user_agent_of(r);
    /* A session that ends with the browser lives a day at most on the
     * server (less with an idle timeout): the browser may never say it
     * closed. */
    ns->max_age = cfg->max_age;
    if (!persistent && ns->max_age > ACC_BROWSER_SESSION_MAX) {
        ns->max_age = ACC_BROWSER_SESSION_MAX;
    }
    return OK;
}

void acc_session_started(request_rec *r, acc_user_t *u,
                         const acc_new_session_t *ns)
{
    req_sess_t *rs = req_state(r);

    if (ns->old_hash) {
        acc_cache_forget(r, ns->old_hash);
    }
    /* max_age 0: a cookie without Max-Age, which the browser forgets when
     * it closes. */
    acc_set_cookie(r, acc_session_cookie_name(r), ns->token,
                   ns->persistent ? ns->max_age : 0);
    rs->sess = apr_pcalloc(rs->pool, sizeof(*rs->sess));
    rs->sess->user = apr_pmemdup(rs->pool, u, sizeof(*u));
    rs->sess->token_hash = apr_pstrdup(rs->pool, ns->hash);
    rs->sess->expires = apr_time_now() + apr_time_from_sec(ns->max_age);
    rs->sess->groups = apr_array_make(rs->pool, 1, sizeof(const char *));
    rs->sess->perms = apr_array_make(rs->pool, 1, sizeof(const char *));
    rs->sess->mfa = u->mfa;
    rs->resolved = 1;
}

int acc_session_login(request_rec *r, acc_store_t *st, acc_user_t *u,
                      int persistent)
{
    acc_new_session_t ns;
    int rc;

    if ((rc = acc_session_prepare(r, persistent, &ns)) != OK) {
        return rc;
    }
    /* Whatever session the browser had is over: a new token, always. */
    if (ns.old_hash) {
        acc_session_delete(st, r->pool, ns.old_hash);
        acc_cache_forget(r, ns.old_hash);
    }
    if (acc_session_create(st, r->pool, ns.hash, u->id, ns.max_age, ns.address,
                           ns.user_agent, persistent) != ACC_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                      ACC_LOGNO(0032) "cannot store a session: %s",
                      acc_store_error(st, r->pool));
        return HTTP_SERVICE_UNAVAILABLE;
    }
    acc_session_started(r, u, &ns);
    return OK;
}

int acc_session_renew(request_rec *r, acc_store_t *st)
{
    acc_session_t *s = acc_session_peek(r);
    apr_array_header_t *all;
    int i, persistent = 1;

    if (s == NULL) {
        return OK;
    }
    if (acc_session_list_user(st, r->pool, s->user->id, &all) != ACC_STORE_OK) {
        return HTTP_SERVICE_UNAVAILABLE;
    }
    for (i = 0; i < all->nelts; i++) {
        acc_session_info_t *si = APR_ARRAY_IDX(all, i, acc_session_info_t *);
        if (strcmp(si->token_hash, s->token_hash) == 0) {
            persistent = si->persistent;
        }
    }
    return acc_session_login(r, st, s->user, persistent);
}

void acc_session_forget(request_rec *r, const apr_array_header_t *hashes)
{
    int i;

    for (i = 0; hashes && i < hashes->nelts; i++) {
        acc_cache_forget(r, APR_ARRAY_IDX(hashes, i, const char *));
    }
}

int acc_session_logout(request_rec *r, acc_store_t *st, const char *event,
                       const char *username)
{
    req_sess_t *rs = req_state(r);
    const char *tok = token_of(r);

    if (tok) {
        const char *hash = acc_sha256_hex(r->pool, tok);
        acc_store_rc_t rc;
        /* Out of the cache before the database (from here on this server
         * refuses the token, even if the database is slow to say so) and
         * after it (a request that read the row just before the delete
         * cannot have put it back). */
        acc_cache_forget(r, hash);
        if (event) {
            const char *name, *addr, *ua;

            acc_audit_values(r, username, &name, &addr, &ua);
            rc = acc_session_end(st, r->pool, hash, event, name, addr, ua);
        }
        else {
            rc = acc_session_delete(st, r->pool, hash);
        }
        if (rc == ACC_STORE_OK) {
            acc_cache_forget(r, hash);
        }
        else {
            ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r,
                          ACC_LOGNO(0033) "cannot delete a session: %s",
                          acc_store_error(st, r->pool));
            return HTTP_SERVICE_UNAVAILABLE;
        }
    }
    acc_set_cookie(r, acc_session_cookie_name(r), "", -1);
    rs->sess = NULL;
    rs->resolved = 1;
    return OK;
}
