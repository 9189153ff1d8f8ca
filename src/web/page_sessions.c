/*
 * src/web/page_sessions.c -- sessions/: the user's live sessions, with a
 * button to end any one of them and one to end all the others.
 */
#include "handler.h"
#include "httpd/lang.h"
#include "form.h"
#include "httpd/audit.h"
#include "httpd/db.h"
#include "httpd/render.h"
#include "httpd/session.h"

#include <apr_strings.h>

#include <string.h>

/* "Firefox on Linux" from a User-Agent: a name people recognise, not a
 * parser's verdict; what is not recognised shows as its first word. */
static const char *browser_of(apr_pool_t *p, const char *ua)
{
    static const struct {
        const char *needle, *name;
    } browsers[] = {{"Edg/", "Edge"},        {"OPR/", "Opera"},
                    {"Firefox/", "Firefox"}, {"Chromium/", "Chromium"},
                    {"Chrome/", "Chrome"},   {"Safari/", "Safari"},
                    {"curl/", "curl"}},
      systems[] = {{"Windows", "Windows"}, {"Android", "Android"},
                   {"iPhone", "iOS"},      {"iPad", "iPadOS"},
                   {"Mac OS X", "macOS"},  {"CrOS", "ChromeOS"},
                   {"Linux", "Linux"}};
    const char *b = NULL, *o = NULL;
    apr_size_t i;

    if (ua == NULL || *ua == '\0') {
        return "Unknown browser";
    }
    for (i = 0; !b && i < sizeof(browsers) / sizeof(browsers[0]); i++) {
        if (strstr(ua, browsers[i].needle)) {
            b = browsers[i].name;
        }
    }
    for (i = 0; !o && i < sizeof(systems) / sizeof(systems[0]); i++) {
        if (strstr(ua, systems[i].needle)) {
            o = systems[i].name;
        }
    }
    if (b == NULL) {
        apr_size_t n = strcspn(ua, " /;(");
        b = n ? apr_pstrndup(p, ua, n > 40 ? 40 : n) : "Unknown browser";
    }
    return o ? apr_pstrcat(p, b, " on ", o, NULL) : b;
}

static const char *when(apr_pool_t *p, apr_time_t t)
{
    char buf[APR_RFC822_DATE_LEN];
    apr_time_exp_t x;
    apr_size_t n;

    apr_time_exp_gmt(&x, t);
    apr_strftime(buf, &n, sizeof(buf), "%Y-%m-%d %H:%M UTC", &x);
    return apr_pstrdup(p, buf);
}

static int show(acc_page_t *pg, const char *error)
{
    request_rec *r = pg->r;
    acc_session_t *cur = acc_session_peek(r);
    acc_tval_t *ctx = acc_render_context(r);
    acc_tval_t *list = acc_tval_list(r->pool);
    apr_array_header_t *all;
    int i;

    if (acc_session_list_user(pg->store, r->pool, cur->user->id, &all) !=
        ACC_STORE_OK) {
        return acc_db_unavailable(r, ACC_DB_DOWN);
    }
    for (i = 0; i < all->nelts; i++) {
        acc_session_info_t *s = APR_ARRAY_IDX(all, i, acc_session_info_t *);
        acc_tval_t *m = acc_tval_map(r->pool);
        acc_tval_setstr(m, "id", apr_off_t_toa(r->pool, s->id));
        acc_tval_setstr(m, "created", when(r->pool, s->created));
        acc_tval_setstr(m, "last_seen", when(r->pool, s->last_seen));
        acc_tval_setstr(m, "expires", when(r->pool, s->expires));
        acc_tval_setstr(m, "address", s->address);
        acc_tval_setstr(m, "browser", browser_of(r->pool, s->user_agent));
        acc_tval_setstr(m, "user_agent", s->user_agent);
        acc_tval_setbool(m, "remembered", s->persistent);
        acc_tval_setbool(m, "current",
                         strcmp(s->token_hash, cur->token_hash) == 0);
        acc_tval_push(list, m);
    }
    acc_tval_set(ctx, "sessions", list);
    acc_tval_setbool(ctx, "has_others", all->nelts > 1);
    if (error) {
        acc_tval_setstr(ctx, "error", acc_gettext(r, error));
    }
    return acc_page_render(r, "sessions.html", ctx, HTTP_OK);
}

int acc_page_sessions(acc_page_t *pg)
{
    request_rec *r = pg->r;
    acc_session_t *cur = acc_session_peek(r);
    const char *action, *err, *id, *hash = NULL;
    apr_array_header_t *ended = NULL;
    char *end;
    apr_int64_t n;

    if (pg->form == NULL) {
        return show(pg, NULL);
    }
    action = acc_form_value(pg->form, "action", &err);
    if (strcmp(action, "others") == 0) {
        if (acc_session_delete_others(pg->store, r->pool, cur->user->id,
                                      cur->token_hash,
                                      &ended) != ACC_STORE_OK) {
            return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        acc_session_forget(r, ended);
        acc_audit(r, pg->store, "sessions_ended", cur->user->username);
    }
    else if (strcmp(action, "end") == 0) {
        id = acc_form_value(pg->form, "session", &err);
        n = apr_strtoi64(id, &end, 10);
        if (err || end == id || *end || n <= 0) {
            return show(pg, N_("There is no such session."));
        }
        switch (acc_session_delete_id(pg->store, r->pool, cur->user->id, n,
                                      &hash)) {
            case ACC_STORE_OK:
                break;
            case ACC_STORE_NOTFOUND:
                /* Ended already, or not this user's. */
                return show(pg, N_("There is no such session."));
            default:
                return acc_db_unavailable(r, ACC_DB_DOWN);
        }
        ended = apr_array_make(r->pool, 1, sizeof(const char *));
        APR_ARRAY_PUSH(ended, const char *) = hash;
        acc_session_forget(r, ended);
        acc_audit(r, pg->store, "session_ended", cur->user->username);
        if (strcmp(hash, cur->token_hash) == 0) {
            /* This very session: a logout. */
            if (acc_session_logout(r, pg->store, NULL, NULL) != OK) {
                return acc_db_unavailable(r, ACC_DB_DOWN);
            }
            return acc_see_other(r, pg->cfg->logout_redirect);
        }
    }
    else {
        return show(pg, N_("Choose a session to end."));
    }
    return acc_see_other(
        r, apr_pstrcat(r->pool, acc_accounts_base(r), "sessions/", NULL));
}
