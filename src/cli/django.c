/*
 * src/cli/django.c -- accountsctl import-django: a Django site's users,
 * groups and permissions into our tables (src/store/import.c).
 */
#include "ctl.h"
#include "core/conninfo.h"

#include <apr_strings.h>

#include <stdio.h>
#include <string.h>

int acc_cmd_import_django(acc_ctl_t *c, int argc, const char *const *argv)
{
    acc_import_counts_t n;
    apr_dbd_t *src = NULL;
    const char *err = NULL;
    apr_status_t rv;
    int rc;

    if (argc != 2 || strcmp(argv[0], "--from") != 0) {
        return acc_ctl_usage("import-django takes --from CONNINFO");
    }
    if ((rc = acc_ctl_open(c)) != 0) {
        return rc;
    }
    if (acc_conninfo_has_password(c->pool, argv[1])) {
        fputs("accountsctl: warning: --from holds a password, which every "
              "user of this machine can read in the process list; keep it "
              "in ~/.pgpass (or PGPASSFILE) instead\n",
              stderr);
    }
    rv = apr_dbd_open_ex(c->driver, c->pool, argv[1], &src, &err);
    if (rv != APR_SUCCESS || src == NULL) {
        const char *nl;
        err = err ? err : "no reason given";
        nl = strchr(err, '\n');
        return acc_ctl_fail(
            "cannot connect to the Django database: %s",
            nl ? apr_pstrmemdup(c->pool, err, (apr_size_t)(nl - err)) : err);
    }
    if (acc_store_import_django(c->pool, c->driver, c->handle, src, &n, &err) !=
        ACC_STORE_OK) {
        apr_dbd_close(c->driver, src);
        return acc_ctl_fail("nothing imported: %s", err);
    }
    apr_dbd_close(c->driver, src);
    acc_ctl_say("imported from Django: %ld users (%ld new), %ld groups (%ld "
                "new), %ld permissions (%ld new), %ld group memberships, %ld "
                "group permissions, %ld user permissions, %ld changed "
                "passwords (%ld sessions ended)",
                n.users, n.users_new, n.groups, n.groups_new, n.perms,
                n.perms_new, n.user_groups, n.group_perms, n.user_perms,
                n.passwords_changed, n.sessions_ended);
    return 0;
}
