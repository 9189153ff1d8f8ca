/*
 * src/cli/tools.c -- accountsctl's schema, keys and timing: migrate, check,
 * genkey, hashtime.
 */
#include "ctl.h"
#include "core/crypto.h"

#include <apr_file_io.h>
#include <apr_time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int acc_cmd_migrate(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *err = NULL;
    int from, to, rc, django = 0;

    if (argc == 1 && strcmp(argv[0], "--django") == 0) {
        django = 1;
    }
    else if (argc > 0) {
        return acc_ctl_usage("migrate takes nothing but --django");
    }
    if ((rc = acc_ctl_connect(c)) != 0) {
        return rc;
    }
    if (acc_store_migrate(c->pool, c->driver, c->handle, &from, &to, &err) !=
        ACC_STORE_OK) {
        return acc_ctl_fail("%s", err);
    }
    if (from == to) {
        acc_ctl_say("schema is current (version %d)", to);
    }
    else {
        acc_ctl_say("schema migrated from version %d to %d", from, to);
    }
    if (!django) {
        return 0;
    }
    if (acc_store_migrate_django(c->pool, c->driver, c->handle, &from, &to,
                                 &err) != ACC_STORE_OK) {
        return acc_ctl_fail("%s", err);
    }
    if (from == to) {
        acc_ctl_say("live tables are current (step %d): users are the "
                    "Django site's",
                    to);
    }
    else {
        acc_ctl_say("live tables from step %d to %d: users are the Django "
                    "site's (AccountsUserSchema django)",
                    from, to);
    }
    return 0;
}
/* check's problems so far, and its lines: "ok: ..." or "problem: ...". */
static int check_line(int ok, const char *what)
{
    acc_ctl_say("%s: %s", ok ? "ok" : "problem", what);
    return ok ? 0 : 1;
}

/* The secret key file at path as httpd reads it: there, readable, its
 * first line at least 32 bytes, and not readable by others. */
static int check_key(acc_ctl_t *c, const char *path)
{
    apr_finfo_t fi;
    apr_file_t *f;
    char line[4096];
    apr_size_t n;

    if (apr_stat(&fi, path, APR_FINFO_PROT | APR_FINFO_TYPE, c->pool) !=
        APR_SUCCESS) {
        return check_line(0, apr_psprintf(c->pool,
                                          "the secret key file %s is not "
                                          "there (accountsctl genkey %s)",
                                          path, path));
    }
    if (fi.protection & (APR_FPROT_GREAD | APR_FPROT_WREAD)) {
        return check_line(0, apr_psprintf(c->pool,
                                          "the secret key file %s can be "
                                          "read by others: chmod 600 %s "
                                          "(and chown it to the user httpd "
                                          "starts as)",
                                          path, path));
    }
    if (apr_file_open(&f, path, APR_FOPEN_READ, 0, c->pool) != APR_SUCCESS) {
        return check_line(0, apr_psprintf(c->pool,
                                          "the secret key file %s cannot be "
                                          "read by this user",
                                          path));
    }
    line[0] = '\0';
    apr_file_gets(line, sizeof(line), f);
    apr_file_close(f);
    n = strcspn(line, "\r\n");
    if (n < 32) {
        return check_line(0, apr_psprintf(c->pool,
                                          "the secret key file %s holds a "
                                          "key of %lu bytes; at least 32 "
                                          "are needed (accountsctl genkey)",
                                          path, (unsigned long)n));
    }
    return check_line(1, apr_psprintf(c->pool,
                                      "the secret key file %s (private, "
                                      "%lu bytes)",
                                      path, (unsigned long)n));
}

int acc_cmd_check(acc_ctl_t *c, int argc, const char *const *argv)
{
    const char *err = NULL, *key = NULL;
    int bad = 0, version, live, i;

    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--key") == 0 && i + 1 < argc) {
            key = argv[++i];
        }
        else {
            return acc_ctl_usage("check takes nothing but --key FILE");
        }
    }
    if (key == NULL) {
        key = getenv("ACCOUNTS_SECRET_KEY_FILE");
    }
    if (acc_ctl_connect(c) != 0) {
        check_line(0, "the database: cannot connect (said above)");
        return ACC_EXIT_FAIL;
    }
    bad += check_line(1, "the database answers");
    if (acc_store_schema_version(c->pool, c->driver, c->handle, &version,
                                 &err) != ACC_STORE_OK ||
        acc_store_django_version(c->pool, c->driver, c->handle, &live, &err) !=
            ACC_STORE_OK) {
        bad += check_line(
            0, apr_psprintf(c->pool, "the schema cannot be read: %s", err));
    }
    else if (version < ACC_SCHEMA_VERSION) {
        bad += check_line(0, apr_psprintf(c->pool,
                                          "the schema is at version %d, this "
                                          "build needs %d: accountsctl "
                                          "migrate",
                                          version, ACC_SCHEMA_VERSION));
    }
    else if (live > 0 && live < ACC_DJANGO_SCHEMA_VERSION) {
        bad += check_line(0, apr_psprintf(c->pool,
                                          "the live tables are at step %d, "
                                          "this build needs %d: accountsctl "
                                          "migrate --django",
                                          live, ACC_DJANGO_SCHEMA_VERSION));
    }
    else {
        bad += check_line(
            1, apr_psprintf(c->pool, "the schema is current (version %d%s)",
                            version,
                            live > 0 ? ", the Django site's user tables" : ""));
    }
    if (key) {
        bad += check_key(c, key);
    }
    else {
        acc_ctl_say("skipped: the secret key file (give --key FILE, or "
                    "ACCOUNTS_SECRET_KEY_FILE)");
    }
    return bad ? ACC_EXIT_FAIL : 0;
}

int acc_cmd_genkey(acc_ctl_t *c, int argc, const char *const *argv)
{
    apr_file_t *f;
    apr_status_t rv;
    const char *key;
    char ebuf[256];

    key = acc_random_token(c->pool, 48);
    if (key == NULL) {
        return acc_ctl_fail("the operating system gave no random bytes");
    }
    rv = apr_file_open(&f, argv[0],
                       APR_FOPEN_WRITE | APR_FOPEN_CREATE | APR_FOPEN_EXCL,
                       APR_FPROT_UREAD | APR_FPROT_UWRITE, c->pool);
    if (rv != APR_SUCCESS) {
        return acc_ctl_fail("cannot create '%s': %s%s", argv[0],
                            apr_strerror(rv, ebuf, sizeof(ebuf)),
                            APR_STATUS_IS_EEXIST(rv)
                                ? " (remove it first: a new key ends every "
                                  "outstanding link)"
                                : "");
    }
    /* The umask may have narrowed it; never widened, but make it exact. */
    apr_file_perms_set(argv[0], APR_FPROT_UREAD | APR_FPROT_UWRITE);
    if (apr_file_printf(f, "%s\n", key) < 0 ||
        (rv = apr_file_close(f)) != APR_SUCCESS) {
        return acc_ctl_fail("cannot write '%s'", argv[0]);
    }
    acc_ctl_say("wrote a new secret key to %s", argv[0]);
    return 0;
}

static int cmp_time(const void *a, const void *b)
{
    apr_interval_time_t x = *(const apr_interval_time_t *)a;
    apr_interval_time_t y = *(const apr_interval_time_t *)b;

    return x < y ? -1 : x > y;
}

/* How long one login's password check takes at a cost: the number to
 * tune AccountsPasswordHash against (and scripts/bench's reference).
 * argon2's memory is mapped once, as httpd's hash slots are (hashgate.h),
 * so each check is what a login's is. */
int acc_cmd_hashtime(acc_ctl_t *c, int argc, const char *const *argv)
{
    acc_argon2_params_t prm;
    apr_interval_time_t *t;
    const char *phc, *err = NULL, *pw = "correct horse battery staple";
    acc_hash_mem_t mem;
    char *end;
    long n = 20, i;
    int rc;

    if (argc == 1 &&
        ((n = strtol(argv[0], &end, 10)) < 1 || *end || n > 10000)) {
        return acc_ctl_usage("hashtime takes a count from 1 to 10000");
    }
    if ((rc = acc_ctl_hash_params(c, &prm)) != 0) {
        return rc;
    }
    if (acc_password_hash(c->pool, &prm, pw, strlen(pw), &phc, &err) !=
        APR_SUCCESS) {
        return acc_ctl_fail("cannot hash: %s", err ? err : "no random bytes");
    }
    t = apr_palloc(c->pool, sizeof(*t) * (apr_size_t)n);
    mem.len = acc_hash_mem_len(&prm);
    mem.base = acc_hash_mem_map(mem.len);
    for (i = 0; i < n; i++) {
        apr_time_t t0 = apr_time_now();
        if (acc_password_verify_in(mem.base ? &mem : NULL, phc, pw, strlen(pw),
                                   &prm) != ACC_PW_MATCH) {
            acc_hash_mem_unmap(mem.base, mem.len);
            return acc_ctl_fail("a password check failed to match");
        }
        t[i] = apr_time_now() - t0;
    }
    acc_hash_mem_unmap(mem.base, mem.len);
    qsort(t, (size_t)n, sizeof(*t), cmp_time);
    printf("argon2id m=%u t=%u p=%u: %ld checks, median %.1f ms, min %.1f ms, "
           "max %.1f ms\n",
           prm.m_kib, prm.t, prm.p, n, (double)t[n / 2] / 1000.0,
           (double)t[0] / 1000.0, (double)t[n - 1] / 1000.0);
    return 0;
}
