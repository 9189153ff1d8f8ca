/*
 * src/web/form.c -- reading a form body: size limits, content type, fields.
 */
#include "form.h"
#include "core/i18n.h"

#include <apr_buckets.h>
#include <util_filter.h>

#include <string.h>

static int is_urlencoded(const char *ct)
{
    apr_size_t n = ACC_SLEN("application/x-www-form-urlencoded");

    if (ct == NULL) {
        return 0;
    }
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    if (strncasecmp(ct, "application/x-www-form-urlencoded", n) != 0) {
        return 0;
    }
    ct += n;
    while (*ct == ' ' || *ct == '\t') {
        ct++;
    }
    return *ct == '\0' || *ct == ';';
}

int acc_form_read(request_rec *r, apr_off_t max, apr_array_header_t **fields,
                  const char **why)
{
    const char *cl = apr_table_get(r->headers_in, "Content-Length");
    apr_bucket_brigade *bb;
    char *buf;
    apr_size_t len = 0;
    int seen_eos = 0;
    apr_status_t rv;

    if (!is_urlencoded(apr_table_get(r->headers_in, "Content-Type"))) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                      ACC_LOGNO(0010) "form body is not "
                                      "application/x-www-form-urlencoded");
        *why = "The form could not be read: it must be sent as "
               "application/x-www-form-urlencoded.";
        return HTTP_BAD_REQUEST;
    }
    *why = "The form could not be read: the request was malformed or cut "
           "short.";
    if (cl) {
        char *end;
        apr_off_t n;
        if (apr_strtoff(&n, cl, &end, 10) != APR_SUCCESS || *end || n < 0) {
            return HTTP_BAD_REQUEST;
        }
        if (n > max) {
            ap_log_rerror(
                APLOG_MARK, APLOG_INFO, 0, r,
                ACC_LOGNO(
                    0011) "form body of %" APR_OFF_T_FMT
                          " bytes is over AccountsMaxBody (%" APR_OFF_T_FMT ")",
                n, max);
            *why = N_("The form sent was too large.");
            return HTTP_REQUEST_ENTITY_TOO_LARGE;
        }
    }
    buf = apr_palloc(r->pool, (apr_size_t)max + 1);
    bb = apr_brigade_create(r->pool, r->connection->bucket_alloc);
    do {
        apr_bucket *b;

        rv = ap_get_brigade(r->input_filters, bb, AP_MODE_READBYTES,
                            APR_BLOCK_READ, 8192);
        if (rv != APR_SUCCESS) {
            ap_log_rerror(APLOG_MARK, APLOG_INFO, rv, r,
                          ACC_LOGNO(0012) "cannot read the form body");
            apr_brigade_destroy(bb);
            if (APR_STATUS_IS_TIMEUP(rv)) {
                *why = N_("The form took too long to arrive.");
            }
            return ap_map_http_request_error(rv, HTTP_BAD_REQUEST);
        }
        for (b = APR_BRIGADE_FIRST(bb); b != APR_BRIGADE_SENTINEL(bb);
             b = APR_BUCKET_NEXT(b)) {
            const char *data;
            apr_size_t n;

            if (APR_BUCKET_IS_EOS(b)) {
                seen_eos = 1;
                break;
            }
            if (APR_BUCKET_IS_METADATA(b)) {
                continue;
            }
            rv = apr_bucket_read(b, &data, &n, APR_BLOCK_READ);
            if (rv != APR_SUCCESS) {
                apr_brigade_destroy(bb);
                return HTTP_BAD_REQUEST;
            }
            if (len + n > (apr_size_t)max) {
                apr_brigade_destroy(bb);
                ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r,
                              ACC_LOGNO(0013) "form body is over "
                                              "AccountsMaxBody (%" APR_OFF_T_FMT
                                              ")",
                              max);
                *why = N_("The form sent was too large.");
                return HTTP_REQUEST_ENTITY_TOO_LARGE;
            }
            memcpy(buf + len, data, n);
            len += n;
        }
        apr_brigade_cleanup(bb);
    } while (!seen_eos);
    apr_brigade_destroy(bb);
    buf[len] = '\0';
    *fields = acc_urlform_parse(r->pool, buf, len);
    return OK;
}

const char *acc_form_value(const apr_array_header_t *fields, const char *name,
                           const char **err)
{
    const acc_field_t *f = acc_urlform_get(fields, name, NULL);

    *err = NULL;
    if (f == NULL) {
        return "";
    }
    if (f->flags & ACC_FIELD_NUL) {
        *err = N_("Null characters are not allowed.");
        return "";
    }
    if (f->flags & (ACC_FIELD_BAD_UTF8 | ACC_FIELD_BAD_ESCAPE)) {
        *err = "Enter a valid value: this field was not sent as valid "
               "UTF-8 text.";
        return "";
    }
    return f->value;
}
