/*
 * src/httpd/startup.c -- what happens once the configuration is read.
 */
#include "startup.h"
#include "lang.h"
#include "config.h"
#include "core/crypto.h"
#include "db.h"
#include "core/password.h"
#include "render.h"
#include "sesscache.h"

#include <apr_crypto.h>
#include <apr_file_io.h>
#include <apr_strings.h>

#include <string.h>

/* Read a key file: its first line, at least 32 bytes of it, into *key;
 * which names the directive in messages. */
static int read_key(apr_pool_t *pconf, server_rec *s, const char *path,
                    const char *which, acc_key_t *key)
{
    apr_file_t *f;
    apr_finfo_t finfo;
    char buf[1024];
    apr_size_t n = sizeof(buf) - 1;
    apr_status_t rv;

    rv = apr_file_open(&f, path, APR_FOPEN_READ, 0, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     ACC_LOGNO(0101) "%s: cannot read "
                                     "'%s' (make one with 'accountsctl "
                                     "genkey')",
                     which, path);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = apr_file_read(f, buf, &n);
    apr_file_close(f);
    if (rv != APR_SUCCESS && rv != APR_EOF) {
        n = 0;
    }
    buf[n] = '\0';
    n = strcspn(buf, "\r\n");
    if (n < 32) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     ACC_LOGNO(0102) "%s: '%s' holds fewer than 32 "
                                     "characters on its first line (make one "
                                     "with 'accountsctl genkey')",
                     which, path);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    key->bytes = apr_pmemdup(pconf, buf, n);
    key->len = n;
    apr_crypto_memzero(buf, sizeof(buf));
    /* httpd reads the key as root, before its children give root up: no
     * one else needs to read it, least of all the CGI scripts and
     * anything else that runs as the server's user. */
    if (apr_stat(&finfo, path, APR_FINFO_PROT, pconf) == APR_SUCCESS &&
        (finfo.protection &
         (APR_GREAD | APR_GWRITE | APR_WREAD | APR_WWRITE))) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     ACC_LOGNO(0105) "%s '%s' can be read "
                                     "by others than its owner: make it 0600 "
                                     "and owned by root (chmod 0600; httpd "
                                     "reads it before it gives up root)",
                     which, path);
    }
    return OK;
}

/* The key file and the older keys still accepted in links. */
static int load_key(apr_pool_t *pconf, server_rec *s, acc_srv_cfg_t *c)
{
    acc_key_t key;
    int i, rc;

    if ((rc = read_key(pconf, s, c->key_file, "AccountsSecretKeyFile", &key)) !=
        OK) {
        return rc;
    }
    c->secret_key = key.bytes;
    c->secret_key_len = key.len;
    c->fallback_keys = apr_array_make(pconf, 2, sizeof(acc_key_t));
    for (i = 0; c->key_fallback_files && i < c->key_fallback_files->nelts;
         i++) {
        if ((rc =
                 read_key(pconf, s,
                          APR_ARRAY_IDX(c->key_fallback_files, i, const char *),
                          "AccountsSecretKeyFallbacks", &key)) != OK) {
            return rc;
        }
        APR_ARRAY_PUSH(c->fallback_keys, acc_key_t) = key;
    }
    return OK;
}

int acc_startup(apr_pool_t *pconf, apr_pool_t *ptemp, server_rec *s)
{
    server_rec *v;
    unsigned char *random_key = NULL;
    apr_hash_t *dummies = apr_hash_make(ptemp);
    int rc;

    acc_config_defaults(s);
    if ((rc = acc_db_init(pconf, s)) != OK) {
        return rc;
    }
    if ((rc = acc_lang_init(pconf, s)) != OK ||
        (rc = acc_render_init(pconf, ptemp, s)) != OK) {
        return rc;
    }
    if ((rc = acc_cache_check(pconf, s)) != OK) {
        return rc;
    }
    for (v = s; v; v = v->next) {
        acc_srv_cfg_t *c = acc_srv(v);
        const char *key, *err = NULL;

        if (c->django_sessions) {
            if (c->django_key_file == NULL) {
                ap_log_error(
                    APLOG_MARK, APLOG_EMERG, 0, v,
                    ACC_LOGNO(0108) "AccountsDjangoSessions On "
                                    "needs AccountsDjangoSecretKeyFile: "
                                    "a file holding the Django "
                                    "site's SECRET_KEY");
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            if (strcmp(c->django_cookie, c->cookie_name) == 0) {
                ap_log_error(APLOG_MARK, APLOG_EMERG, 0, v,
                             ACC_LOGNO(0107) "AccountsDjangoSessions On: "
                                             "our session cookie and "
                                             "Django's are both named '%s', "
                                             "and a login here would "
                                             "replace the Django site's: "
                                             "set AccountsCookieName to "
                                             "another name",
                             c->cookie_name);
                return HTTP_INTERNAL_SERVER_ERROR;
            }
        }
        /* Also the key of password-reset links (mail_make.c), so that the
         * Django site's reset view takes ours: whenever it is given. */
        if (c->django_key_file) {
            acc_key_t dk;
            if ((rc = read_key(pconf, v, c->django_key_file,
                               "AccountsDjangoSecretKeyFile", &dk)) != OK) {
                return rc;
            }
            c->django_key = dk.bytes;
            c->django_key_len = dk.len;
        }
        if (c->key_file) {
            if ((rc = load_key(pconf, v, c)) != OK) {
                return rc;
            }
        }
        else {
            if (random_key == NULL) {
                random_key = apr_palloc(pconf, 32);
                if (acc_random_bytes(random_key, 32) != APR_SUCCESS) {
                    return HTTP_INTERNAL_SERVER_ERROR;
                }
                ap_log_error(
                    APLOG_MARK, APLOG_WARNING, 0, v,
                    ACC_LOGNO(0103) "no AccountsSecretKeyFile: "
                                    "using a random key until the next restart "
                                    "(make one with 'accountsctl genkey')");
            }
            c->secret_key = random_key;
            c->secret_key_len = 32;
            c->fallback_keys = apr_array_make(pconf, 1, sizeof(acc_key_t));
        }
        /* The hash an unknown username is checked against, so that it
         * costs what a real one does: one per cost setting. */
        key = apr_psprintf(ptemp, "%u/%u/%u", c->hash.m_kib, c->hash.t,
                           c->hash.p);
        c->dummy_hash = apr_hash_get(dummies, key, APR_HASH_KEY_STRING);
        if (c->dummy_hash == NULL) {
            const char *pw = acc_random_token(ptemp, 16);
            if (pw == NULL ||
                acc_password_hash(pconf, &c->hash, pw, strlen(pw),
                                  &c->dummy_hash, &err) != APR_SUCCESS) {
                ap_log_error(APLOG_MARK, APLOG_EMERG, 0, v,
                             ACC_LOGNO(0104) "AccountsPasswordHash: cannot "
                                             "hash with m=%u t=%u p=%u: %s",
                             c->hash.m_kib, c->hash.t, c->hash.p,
                             err ? err : "no random bytes");
                return HTTP_INTERNAL_SERVER_ERROR;
            }
            apr_hash_set(dummies, key, APR_HASH_KEY_STRING, c->dummy_hash);
        }
    }
    return OK;
}
