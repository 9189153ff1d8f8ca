/*
 * src/httpd/dbgate.c -- at most DBDMax of a process's requests hold a database
 * connection at once, and none waits for one longer than AccountsDBWait.
 *
 * The DBD settings are read from httpd's configuration tree (ap_conftree)
 * the way mod_dbd applies them: the main server's top-level directives, a
 * virtual host's own overriding them, the last of each winning.
 * <IfDefine> sections count when their define is set; other <If...>
 * sections are read as if true (a DBD directive in a false <IfModule> is
 * not a configuration anyone writes).  Hosts whose settings are all equal
 * (as mod_dbd reads them: defaults filled in, quotes gone) share one
 * mod_dbd connection pool, so they share one gate.
 */
#include "dbgate.h"
#include "config.h"

#include <apr_strings.h>

#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* mod_dbd's own defaults, for the settings a host leaves unset. */
#define DBD_DEFAULT_MAX 10
static const char *const defaults[] = {"", "", "on", "1", "2", "10", "300"};

enum { K_DRIVER, K_PARAMS, K_PERSIST, K_MIN, K_KEEP, K_MAX, K_EXPTIME, K_N };
static const char *const keys[K_N] = {"DBDriver",  "DBDParams", "DBDPersist",
                                      "DBDMin",    "DBDKeep",   "DBDMax",
                                      "DBDExptime"};

typedef struct {
    const char *v[K_N];
} dbd_settings_t;

typedef struct {
    const char *key; /* the settings, joined */
    int size;        /* DBDMax */
    sem_t sem;       /* this process's places */
    int ready;
} gate_t;

/* Per configuration (rebuilt by each post_config). */
static apr_array_header_t *gates; /* gate_t */

/* Whether an <IfDefine> section's condition holds. */
static int define_holds(apr_pool_t *p, const char *args)
{
    char *arg = apr_pstrdup(p, args), *end;
    int negate = 0;

    end = strrchr(arg, '>');
    if (end) {
        *end = '\0';
    }
    while (*arg == ' ' || *arg == '\t') {
        arg++;
    }
    if (*arg == '!') {
        negate = 1;
        arg++;
    }
    return ap_exists_config_define(arg) ? !negate : negate;
}

/* The DBD directives among d and its siblings (and inside <If...>). */
static void scan(apr_pool_t *p, const ap_directive_t *d, dbd_settings_t *out)
{
    int i;

    for (; d; d = d->next) {
        if (d->directive[0] == '<') {
            if (strcasecmp(d->directive, "<IfDefine") == 0) {
                if (define_holds(p, d->args)) {
                    scan(p, d->first_child, out);
                }
            }
            else if (strncasecmp(d->directive, "<If", 3) == 0) {
                scan(p, d->first_child, out);
            }
            /* <VirtualHost> is read by the caller; no other section may
             * hold DBD directives. */
            continue;
        }
        for (i = 0; i < K_N; i++) {
            if (strcasecmp(d->directive, keys[i]) == 0) {
                out->v[i] = d->args;
            }
        }
    }
}

/* The <VirtualHost> section that defined s, searched among d and inside
 * <If...> sections. */
static const ap_directive_t *vhost_node(const ap_directive_t *d,
                                        const server_rec *s)
{
    const ap_directive_t *found;

    for (; d; d = d->next) {
        if (strcasecmp(d->directive, "<VirtualHost") == 0 && d->filename &&
            s->defn_name && strcmp(d->filename, s->defn_name) == 0 &&
            (unsigned)d->line_num == s->defn_line_number) {
            return d;
        }
        if (strncasecmp(d->directive, "<If", 3) == 0 &&
            (found = vhost_node(d->first_child, s)) != NULL) {
            return found;
        }
    }
    return NULL;
}

/* A setting as mod_dbd reads it: its first argument, unquoted, or the
 * default when the host leaves it unset; numbers as numbers, flags in
 * lower case.  So two hosts mod_dbd gives one pool get one gate, however
 * they spelled their directives. */
static const char *canonical(apr_pool_t *p, int k, const char *args)
{
    const char *v;

    if (args == NULL) {
        return defaults[k];
    }
    v = ap_getword_conf(p, &args);
    switch (k) {
        case K_PERSIST:
            return strcasecmp(v, "off") == 0 ? "off" : "on";
        case K_MIN:
        case K_KEEP:
        case K_MAX:
        case K_EXPTIME:
            return apr_itoa(p, atoi(v));
        default:
            return v;
    }
}

/* A directive's number (its arguments may be quoted). */
static int number_of(const char *args, int dflt)
{
    int n;

    if (args == NULL) {
        return dflt;
    }
    while (*args == '"' || *args == '\'' || *args == ' ') {
        args++;
    }
    n = atoi(args);
    return n > 0 ? n : dflt;
}

int acc_dbgate_post_config(apr_pool_t *pconf, server_rec *s)
{
    dbd_settings_t main_set;
    server_rec *v;
    int i;

    gates = apr_array_make(pconf, 2, sizeof(gate_t));
    memset(&main_set, 0, sizeof(main_set));
    scan(pconf, ap_conftree, &main_set);
    for (v = s; v; v = v->next) {
        dbd_settings_t set = main_set;
        const ap_directive_t *node = v == s ? NULL : vhost_node(ap_conftree, v);
        const char *key = "";
        gate_t *g = NULL;

        if (node) {
            scan(pconf, node->first_child, &set);
        }
        for (i = 0; i < K_N; i++) {
            key = apr_pstrcat(pconf, key, canonical(pconf, i, set.v[i]), "\n",
                              NULL);
        }
        for (i = 0; i < gates->nelts; i++) {
            if (strcmp(APR_ARRAY_IDX(gates, i, gate_t).key, key) == 0) {
                g = &APR_ARRAY_IDX(gates, i, gate_t);
                break;
            }
        }
        if (g == NULL) {
            g = apr_array_push(gates);
            memset(g, 0, sizeof(*g));
            g->key = key;
            g->size = number_of(set.v[K_MAX], DBD_DEFAULT_MAX);
            i = gates->nelts - 1;
        }
        acc_srv(v)->dbgate = i;
    }
    return OK;
}

void acc_dbgate_child_init(apr_pool_t *p, server_rec *s)
{
    int i;

    for (i = 0; gates && i < gates->nelts; i++) {
        gate_t *g = &APR_ARRAY_IDX(gates, i, gate_t);
        g->ready = sem_init(&g->sem, 0, (unsigned int)g->size) == 0;
        if (!g->ready) {
            ap_log_error(APLOG_MARK, APLOG_WARNING, errno, s,
                         ACC_LOGNO(0006) "cannot make the database gate; "
                                         "waits for a connection are not "
                                         "bounded in this process");
        }
    }
}

static gate_t *gate_of(server_rec *s)
{
    int i = acc_srv(s)->dbgate;

    if (gates == NULL || i < 0 || i >= gates->nelts) {
        return NULL;
    }
    return &APR_ARRAY_IDX(gates, i, gate_t);
}

int acc_dbgate_enter(server_rec *s, int wait)
{
    gate_t *g = gate_of(s);
    struct timespec deadline;
    int rc;

    if (g == NULL || !g->ready) {
        return 1;
    }
    if (sem_trywait(&g->sem) == 0) {
        return 1;
    }
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += wait;
    do {
        rc = sem_timedwait(&g->sem, &deadline);
    } while (rc != 0 && errno == EINTR);
    return rc == 0;
}

void acc_dbgate_leave(server_rec *s)
{
    gate_t *g = gate_of(s);

    if (g && g->ready) {
        sem_post(&g->sem);
    }
}

int acc_dbgate_size(server_rec *s)
{
    gate_t *g = gate_of(s);

    return g ? g->size : DBD_DEFAULT_MAX;
}
