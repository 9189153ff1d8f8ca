/*
 * src/store/mail.c -- the mail outbox (accounts_mail): queue a request or
 * a message, take one to work on, say how it went, list the queue.
 */
#include "internal.h"

#include <apr_strings.h>

#include <string.h>

acc_store_rc_t acc_mail_request(acc_store_t *st, apr_pool_t *p,
                                const char *kind, const char *site,
                                const char *base_url, const char *recipient,
                                apr_int64_t user_id, const char *language)
{
    const char *args[6] = {kind,
                           site,
                           base_url,
                           recipient ? recipient : "",
                           apr_off_t_toa(p, user_id),
                           language ? language : ""};

    return acc_store_exec(st, p, S_MAIL_REQUEST, NULL, 6, args);
}

acc_store_rc_t acc_mail_message(acc_store_t *st, apr_pool_t *p,
                                const char *site, const char *recipient,
                                apr_int64_t user_id, const char *subject,
                                const char *message)
{
    const char *args[5] = {site, recipient, apr_off_t_toa(p, user_id), subject,
                           message};

    return acc_store_exec(st, p, S_MAIL_MESSAGE, NULL, 5, args);
}

acc_store_rc_t acc_mail_take_request(acc_store_t *st, apr_pool_t *p,
                                     const char *site, acc_mail_row_t *m)
{
    apr_array_header_t *rows;
    const char *args[1] = {site};
    const char **f;

    if (acc_store_rows(st, p, S_MAIL_TAKE_REQUEST, 1, args, 6, &rows) !=
        ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (rows->nelts == 0) {
        return ACC_STORE_NOTFOUND;
    }
    f = APR_ARRAY_IDX(rows, 0, const char **);
    memset(m, 0, sizeof(*m));
    m->id = acc_store_i64(f[0]);
    m->kind = f[1];
    m->base_url = f[2];
    m->recipient = f[3];
    m->user_id = acc_store_i64(f[4]);
    m->language = f[5];
    return ACC_STORE_OK;
}

acc_store_rc_t acc_mail_take(acc_store_t *st, apr_pool_t *p, const char *site,
                             acc_mail_row_t *m)
{
    apr_array_header_t *rows;
    const char *s = site ? site : "";
    const char *args[2] = {s, s};
    const char **f;

    if (acc_store_rows(st, p, S_MAIL_TAKE, 2, args, 5, &rows) != ACC_STORE_OK) {
        return ACC_STORE_ERROR;
    }
    if (rows->nelts == 0) {
        return ACC_STORE_NOTFOUND;
    }
    f = APR_ARRAY_IDX(rows, 0, const char **);
    memset(m, 0, sizeof(*m));
    m->id = acc_store_i64(f[0]);
    m->kind = "mail";
    m->recipient = f[1];
    m->message = f[2];
    m->attempts = (int)acc_store_i64(f[3]);
    m->age = acc_store_i64(f[4]);
    return ACC_STORE_OK;
}

acc_store_rc_t acc_mail_done(acc_store_t *st, apr_pool_t *p, apr_int64_t id)
{
    const char *args[1] = {apr_off_t_toa(p, id)};

    return acc_store_exec(st, p, S_MAIL_DONE, NULL, 1, args);
}

acc_store_rc_t acc_mail_sent(acc_store_t *st, apr_pool_t *p, apr_int64_t id)
{
    const char *args[1] = {apr_off_t_toa(p, id)};

    return acc_store_exec(st, p, S_MAIL_SENT, NULL, 1, args);
}

acc_store_rc_t acc_mail_retry(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                              int delay, const char *error)
{
    const char *args[3] = {apr_itoa(p, delay), error ? error : "",
                           apr_off_t_toa(p, id)};

    return acc_store_exec(st, p, S_MAIL_RETRY, NULL, 3, args);
}

acc_store_rc_t acc_mail_fail(acc_store_t *st, apr_pool_t *p, apr_int64_t id,
                             const char *error)
{
    const char *args[2] = {error ? error : "", apr_off_t_toa(p, id)};

    return acc_store_exec(st, p, S_MAIL_FAIL, NULL, 2, args);
}

acc_store_rc_t acc_mail_list(acc_store_t *st, apr_pool_t *p, const char *state,
                             apr_int64_t before, int limit,
                             apr_array_header_t **rows)
{
    const char *s = state ? state : "";
    const char *args[4] = {apr_off_t_toa(p, before), s, s, apr_itoa(p, limit)};

    return acc_store_rows(st, p, S_MAIL_LIST, 4, args, ACC_MAIL_LIST_COLS,
                          rows);
}
