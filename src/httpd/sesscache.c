/*
 * src/httpd/sesscache.c -- the session cache in front of the session store:
 * the shared table, or one of httpd's small-object caches.  One piece: one
 * cache's process-wide state, used on every lookup.
 *
 * The default cache is our own table in anonymous shared memory
 * (core/shtable.h), sized in sessions by AccountsSessionCacheSize, made
 * in post_config before the children are forked, each of its stripes
 * guarded by a robust lock (shmlock.h): a process killed while it holds
 * one does not leave every other process waiting, and finds every entry
 * whole or absent.  It is read directly, with no copy in each process in
 * front (see acc_cache_child_init).  Its entries go unsigned: only this
 * server's processes map that memory (no file, no name), and code that
 * runs in them can read the secret key as well.
 *
 * A configured socache provider (shmcb with a size, dbm, memcache,
 * redis) is one instance, made the way httpd's own socache users do it
 * (mod_ssl, mod_authn_socache): looked up and created while the
 * configuration is read, initialised in post_config, guarded by a robust
 * lock only when the provider says it is not safe across processes (shmcb
 * and dbm are not; memcache and redis are).  Its entries carry an HMAC
 * under the secret key (sessrec.h): whatever can write to that cache -- a
 * network service, a dbm file other processes of the httpd user can
 * open, a shmcb segment left half-written by a process that died --
 * cannot make an entry we accept.  Each process keeps a copy of the
 * entries it used in front of a provider (pcache.h).
 *
 * The table or the provider, their locks and the per-process layer are
 * that state: made in post_config, used together on every lookup.
 */
#include "sesscache.h"
#include "config.h"
#include "core/pcache.h"
#include "core/sessrec.h"
#include "core/shmlock.h"
#include "core/shtable.h"
#include "notify.h"

#include <ap_provider.h>
#include <ap_socache.h>
#include <apr_shm.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CACHE_NAME "mod_accounts"
#define TABLE_NAME "shm"

typedef enum { CACHE_UNSET = 0, CACHE_SET, CACHE_NONE } cache_mode_t;

/* The default table is sized in sessions (shtable.h: 512 bytes a slot, a
 * quarter more slots than sessions, a 4-byte tag each: 655 bytes a
 * session, 66 MB for 100,000).  A typical entry -- its key, some 70
 * bytes, and the record, 200 to 300 -- takes one slot; a user in many
 * groups with many permissions takes more, up to 8 KiB (larger entries
 * are looked up in the database every time). */
#define DEFAULT_SESSIONS 100000
static long cache_sessions; /* AccountsSessionCacheSize */

/* Per configuration: reset in pre_config, set while reading it. */
static cache_mode_t mode;
static int use_table; /* the default table, not a socache provider */
static const char *provider_name;
static const ap_socache_provider_t *provider;
static ap_socache_instance_t *instance;
static acc_shtable_t *table;
/* Locks: one a stripe of the table; one for a provider that needs it
 * (NULL: none). */
static acc_shmlock_t **cache_locks;
static int nlocks;
static int ready; /* initialised, and some host uses it */
/* The per-process cache in front (pcache.h), and the generation counters
 * all of this server's processes share. */
#define GEN_SLOTS         65536
#define LOCAL_ENTRIES     4096
#define LOCAL_NETWORK_TTL apr_time_from_sec(1)
static apr_shm_t *gens_shm;
static acc_pcache_t *pcache;
static int network_cache; /* memcache, redis: shared with other servers */
/* shmcb: this machine's memory, gone when the server stops, so an entry's
 * read_at (the monotonic clock) compares with the change notices this
 * process hears (notify.h).  Entries of other providers may come from
 * other machines (memcache, redis) or from before a reboot (a dbm file):
 * they last AccountsSessionCacheTTL. */
static int heeds_notices;
static int spread_keys; /* shmcb: see key_of */
/* For the test suite only: with ACC_TEST_HOOKS in httpd's environment, a
 * request carrying X-Accounts-Test-Hold-Lock: N holds the cache lock for
 * N seconds (so t/38-cachelock.t can kill the process holding it). */
static int test_hooks;

static const ap_socache_provider_t *lookup(const char *name)
{
    return ap_lookup_provider(AP_SOCACHE_PROVIDER_GROUP, name,
                              AP_SOCACHE_PROVIDER_VERSION);
}

static const char *missing(apr_pool_t *p, const char *name)
{
    return apr_psprintf(p,
                        "AccountsSessionCache: the socache provider '%s' is "
                        "not loaded: on Debian run 'a2enmod socache_%s', "
                        "elsewhere add 'LoadModule socache_%s_module "
                        "modules/mod_socache_%s.so' (or set "
                        "'AccountsSessionCache none' to look every session "
                        "up in the database)",
                        name, name, name, name);
}

const char *acc_cache_set(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    const char *sep, *name;

    if (err) {
        return err;
    }
    provider = NULL;
    instance = NULL;
    use_table = 0;
    if (strcasecmp(arg, "none") == 0) {
        mode = CACHE_NONE;
        return NULL;
    }
    /* "shmcb" alone: the default, as it was named before the table took
     * shmcb's place (a configuration that said it keeps its size). */
    if (strcasecmp(arg, TABLE_NAME) == 0 || strcasecmp(arg, "shmcb") == 0) {
        mode = CACHE_SET;
        use_table = 1;
        provider_name = TABLE_NAME;
        return NULL;
    }
    sep = strchr(arg, ':');
    name = sep ? apr_pstrmemdup(cmd->pool, arg, (apr_size_t)(sep - arg)) : arg;
    if (strcasecmp(name, TABLE_NAME) == 0) {
        return "AccountsSessionCache shm takes no arguments (its size is "
               "AccountsSessionCacheSize, in sessions)";
    }
    provider = lookup(name);
    if (provider == NULL) {
        return missing(cmd->pool, name);
    }
    err = provider->create(&instance, sep ? sep + 1 : NULL, cmd->temp_pool,
                           cmd->pool);
    if (err) {
        return apr_psprintf(cmd->pool, "AccountsSessionCache: %s", err);
    }
    mode = CACHE_SET;
    provider_name = name;
    return NULL;
}

const char *acc_cache_size_set(cmd_parms *cmd, void *dummy, const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    char *end;
    long n;

    if (err) {
        return err;
    }
    n = strtol(arg, &end, 10);
    if (*end || end == arg || n < 100 || n > 10000000) {
        return apr_psprintf(cmd->pool,
                            "AccountsSessionCacheSize takes a number of "
                            "sessions from 100 to 10000000, not '%s'",
                            arg);
    }
    cache_sessions = n;
    return NULL;
}

int acc_cache_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    mode = CACHE_UNSET;
    use_table = 0;
    provider_name = NULL;
    cache_sessions = DEFAULT_SESSIONS;
    network_cache = 1;
    heeds_notices = 0;
    spread_keys = 0;
    provider = NULL;
    instance = NULL;
    table = NULL;
    cache_locks = NULL;
    nlocks = 0;
    gens_shm = NULL;
    pcache = NULL;
    ready = 0;
    return OK;
}

int acc_cache_check(apr_pool_t *pconf, server_rec *s)
{
    server_rec *v;
    unsigned int idx = 0;

    for (v = s; v; v = v->next, idx++) {
        acc_srv_cfg_t *c = acc_srv(v);
        /* Hosts keep their entries apart: each may have its own database
         * and key. */
        c->cache_ns = apr_psprintf(pconf, "acc%u:", idx);
    }
    if (mode == CACHE_UNSET) {
        mode = CACHE_SET;
        use_table = 1;
        provider_name = TABLE_NAME;
    }
    return OK;
}

static apr_status_t destroy_cache(void *data)
{
    if (instance && provider) {
        provider->destroy(instance, (server_rec *)data);
    }
    instance = NULL;
    ready = 0;
    return APR_SUCCESS;
}

/* The default table: its memory, anonymous and inherited by the children
 * (gone from this process with pconf, kept by the children forked
 * before), and a robust lock a stripe. */
static int make_table(apr_pool_t *pconf, server_rec *s)
{
    apr_size_t len = acc_shtable_bytes((apr_size_t)cache_sessions);
    apr_shm_t *shm;
    apr_status_t rv;

    if (len == 0) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, 0, s,
                     ACC_LOGNO(0113) "AccountsSessionCacheSize %ld: more "
                                     "memory than this build can address; "
                                     "lower it",
                     cache_sessions);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    rv = apr_shm_create(&shm, len, NULL, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(
            APLOG_MARK, APLOG_EMERG, rv, s,
            ACC_LOGNO(0110) "AccountsSessionCache: cannot map %" APR_SIZE_T_FMT
                            " MiB of anonymous shared memory for "
                            "%ld sessions: lower "
                            "AccountsSessionCacheSize, or name a "
                            "socache provider (shmcb:FILE(BYTES)) "
                            "or none",
            len >> 20, cache_sessions);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    table = acc_shtable_make(pconf, apr_shm_baseaddr_get(shm),
                             (apr_size_t)cache_sessions);
    nlocks = (int)acc_shtable_stripes(table);
    return OK;
}

static int init_provider(apr_pool_t *pconf, server_rec *s)
{
    struct ap_socache_hints hints;
    apr_status_t rv;

    if (provider->flags & AP_SOCACHE_FLAG_NOTMPSAFE) {
        nlocks = 1;
    }
    memset(&hints, 0, sizeof(hints));
    /* shmcb makes an index slot per (id + object) of these sizes: a
     * typical signed record is some 200 bytes (more for a user in many
     * groups). */
    hints.avg_id_len = 78;
    hints.avg_obj_size = 200;
    hints.expiry_interval = apr_time_from_sec(30);
    rv = provider->init(instance, CACHE_NAME, &hints, s, pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                     ACC_LOGNO(0112) "AccountsSessionCache: cannot set "
                                     "up the '%s' cache",
                     provider_name);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    apr_pool_cleanup_register(pconf, s, destroy_cache, apr_pool_cleanup_null);
    return OK;
}

int acc_cache_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                          apr_pool_t *ptemp, server_rec *s)
{
    server_rec *v;
    int used = 0, rc;
    apr_status_t rv;

    if (mode != CACHE_SET || (!use_table && instance == NULL)) {
        return OK;
    }
    for (v = s; v; v = v->next) {
        used |= acc_srv(v)->cache_ttl > 0;
    }
    if (!used) {
        return OK;
    }
    rc = use_table ? make_table(pconf, s) : init_provider(pconf, s);
    if (rc != OK) {
        return rc;
    }
    if (nlocks > 0) {
        cache_locks =
            apr_pcalloc(pconf, (apr_size_t)nlocks * sizeof(*cache_locks));
        rv = acc_shmlock_create_n(cache_locks, nlocks, pconf);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_EMERG, rv, s,
                         ACC_LOGNO(0111) "AccountsSessionCache: cannot "
                                         "create its locks");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
    }
    /* Anonymous shared memory: the children inherit it. */
    rv = apr_shm_create(&gens_shm, GEN_SLOTS * sizeof(apr_uint32_t), NULL,
                        pconf);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, rv, s,
                     ACC_LOGNO(0118) "AccountsSessionCache: no shared memory "
                                     "for the per-process caches; every "
                                     "lookup goes to the shared cache");
        gens_shm = NULL;
    }
    else {
        memset(apr_shm_baseaddr_get(gens_shm), 0,
               GEN_SLOTS * sizeof(apr_uint32_t));
    }
    /* This machine's memory, gone when the server stops: the table, and a
     * shmcb of a given size.  Other servers share a network cache
     * (memcache, redis, ...): what this process keeps of its entries must
     * not outlive a logout there by more than a moment. */
    heeds_notices = use_table || strcmp(provider_name, "shmcb") == 0;
    network_cache = !use_table && strcmp(provider_name, "shmcb") != 0 &&
                    strcmp(provider_name, "dbm") != 0;
    spread_keys = !use_table && strcmp(provider_name, "shmcb") == 0;
    ready = 1;
    return OK;
}

void acc_cache_child_init(apr_pool_t *p, server_rec *s)
{
    test_hooks = getenv("ACC_TEST_HOOKS") != NULL;
    /* A copy of the entries in each process, in front of a provider.
     * Not in front of the table: a lookup there costs what a copy's does
     * -- a stripe lock no other process is likely to hold, one cache
     * line of tags, the entry -- so a copy only added a second lookup
     * where it missed and 4,096 entries' memory to each process
     * (measured: the same guarded-page time at 1,000 sessions in use,
     * one lookup fewer at 100,000).  The generations serve both: a fill
     * that raced a revocation takes back what it stored. */
    if (ready && gens_shm && !use_table) {
        pcache = acc_pcache_create(p, LOCAL_ENTRIES,
                                   apr_shm_baseaddr_get(gens_shm), GEN_SLOTS);
    }
    acc_notify_child_init(p, s, ready && heeds_notices);
}

static void test_hold(request_rec *r)
{
    const char *hold;
    int n;

    if (!test_hooks ||
        (hold = apr_table_get(r->headers_in, "X-Accounts-Test-Hold-Lock")) ==
            NULL ||
        (n = atoi(hold)) <= 0 || n > 120) {
        return;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  ACC_LOGNO(0199) "test hook: pid %d holds the session "
                                  "cache lock for %d s",
                  (int)getpid(), n);
    apr_sleep(apr_time_from_sec(n));
}

/* A key in the shared cache: its hash and lock (the table's stripe; the
 * provider's one lock, if it has one). */
typedef struct {
    const char *key;
    apr_size_t klen;
    apr_uint64_t hash;
    int lock;
} where_t;

static void where_of(const char *key, where_t *w)
{
    w->key = key;
    w->klen = strlen(key);
    w->hash = table ? acc_shtable_hash(key, w->klen) : 0;
    w->lock = table ? (int)acc_shtable_stripe(table, w->hash) : 0;
}

static int lock(request_rec *r, int i)
{
    if (cache_locks == NULL || cache_locks[i] == NULL) {
        return 1;
    }
    switch (acc_shmlock_lock(cache_locks[i])) {
        case ACC_SHMLOCK_OK:
            break;
        case ACC_SHMLOCK_RECOVERED:
            /* The table has every entry whole or none of it (shtable.h);
             * a provider's half-written entry fails its MAC: nothing
             * else to repair. */
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          ACC_LOGNO(0119) "a process died holding the "
                                          "session cache lock; taken over");
            break;
        default:
            ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                          ACC_LOGNO(0114) "cannot lock the session cache");
            return 0;
    }
    test_hold(r);
    return 1;
}

static void unlock(int i)
{
    if (cache_locks && cache_locks[i]) {
        acc_shmlock_unlock(cache_locks[i]);
    }
}

static unsigned int hex_digit(char ch)
{
    return ch >= '0' && ch <= '9'   ? (unsigned int)(ch - '0')
           : ch >= 'a' && ch <= 'f' ? (unsigned int)(ch - 'a' + 10)
                                    : 0;
}

/* The cache's id for a token hash on this host.  For a configured shmcb
 * (the default table needs none of this): shmcb files an id in one
 * of its subcaches (up to 256) by the id's first byte alone: ids that all
 * began with the host's prefix shared one subcache, a 128th of the memory
 * (about 850 sessions whatever the size).  So for shmcb a byte of the
 * hash goes first -- never NUL: the id is also a C string here.
 *
 * And shmcb finds an id in its subcache by comparing it with every entry
 * there of the same length (some 40 at 100,000 sessions, each a read of
 * memory no CPU cache holds: perf put it at about a sixteenth of what
 * the guard added to a request at 100,000 sessions).  So the
 * id ends in 0 to 15 dots, as the hash's third digit says: of 16
 * lengths, only one entry in 16 is compared byte by byte. */
static const char *key_of(request_rec *r, const acc_srv_cfg_t *c,
                          const char *token_hash)
{
    static const char dots[] = "...............";
    char lead[2];
    unsigned int v;

    if (!spread_keys || strlen(token_hash) < 3) {
        return apr_pstrcat(r->pool, c->cache_ns, token_hash, NULL);
    }
    v = hex_digit(token_hash[0]) << 4 | hex_digit(token_hash[1]);
    lead[0] = (char)(v ? v : 0x80);
    lead[1] = '\0';
    return apr_pstrcat(r->pool, lead, c->cache_ns, token_hash,
                       dots + 15 - hex_digit(token_hash[2]), NULL);
}

/* The shared cache's entry for key, decoded. */
static int shared_get(request_rec *r, apr_pool_t *p, const acc_srv_cfg_t *c,
                      const char *key, apr_time_t now, acc_session_row_t *row,
                      apr_time_t *until)
{
    unsigned char buf[ACC_SESSREC_MAX];
    unsigned int len = sizeof(buf);
    apr_size_t tlen = sizeof(buf);
    apr_status_t rv;
    where_t w;

    where_of(key, &w);
    if (!lock(r, w.lock)) {
        return 0;
    }
    if (table) {
        rv = acc_shtable_get(table, w.hash, key, w.klen, now, buf, &tlen)
                 ? APR_SUCCESS
                 : APR_NOTFOUND;
        len = (unsigned int)tlen;
    }
    else {
        rv = provider->retrieve(instance, r->server, (const unsigned char *)key,
                                (unsigned int)w.klen, buf, &len, r->pool);
    }
    unlock(w.lock);
    if (rv != APR_SUCCESS) {
        if (rv != APR_NOTFOUND) {
            ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                          ACC_LOGNO(0115) "session cache lookup failed");
        }
        return 0;
    }
    if (acc_sessrec_decode(p, buf, len, table ? NULL : c->secret_key,
                           c->secret_key_len, (const unsigned char *)key,
                           w.klen, row, until) != 0) {
        ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                      ACC_LOGNO(0116) "a session cache entry failed its "
                                      "check (altered, or written with "
                                      "another key); ignored");
        return 0;
    }
    return 1;
}

static void shared_remove(request_rec *r, const char *key)
{
    where_t w;

    where_of(key, &w);
    if (!lock(r, w.lock)) {
        return;
    }
    if (table) {
        acc_shtable_remove(table, w.hash, key, w.klen);
    }
    else {
        provider->remove(instance, r->server, (const unsigned char *)key,
                         (unsigned int)w.klen, r->pool);
    }
    unlock(w.lock);
}

/* Key's generation now (0 without the counters), and its bump. */
static apr_uint32_t gen_of(const char *key)
{
    return gens_shm
               ? acc_gens_get(apr_shm_baseaddr_get(gens_shm), GEN_SLOTS, key)
               : 0;
}

static void revoke_key(const char *key)
{
    if (gens_shm) {
        acc_gens_bump(apr_shm_baseaddr_get(gens_shm), GEN_SLOTS, key);
    }
}

/* This process's copy (unsigned: it never leaves the process), of an
 * entry found in the shared cache (when the per-process cache wants it:
 * acc_pcache_wants) or read from the database (always). */
static void local_put(request_rec *r, const char *key,
                      const acc_session_row_t *row, apr_time_t until,
                      apr_uint32_t gen, int from_shared)
{
    unsigned char *buf;
    apr_size_t len;

    if (pcache == NULL || (from_shared && !acc_pcache_wants(pcache))) {
        return;
    }
    /* A network cache is shared with other servers, whose logouts reach
     * it but not this process: keep a copy of its entries a second at
     * most, so that a logout anywhere counts here within that second. */
    if (network_cache && until > apr_time_now() + LOCAL_NETWORK_TTL) {
        until = apr_time_now() + LOCAL_NETWORK_TTL;
    }
    buf = acc_sessrec_encode(r->pool, row, until, NULL, 0,
                             (const unsigned char *)key, strlen(key), &len);
    if (buf) {
        acc_pcache_put(pcache, key, buf, len, until, gen);
    }
}

/* Whether an entry found in the cache still stands now. */
static int stands(request_rec *r, const acc_session_row_t *row,
                  apr_time_t until, apr_time_t now)
{
    if (until <= now) {
        return 0;
    }
    return !heeds_notices ||
           acc_notify_fresh(r->server, row->user.id, row->read_at);
}

int acc_cache_get(request_rec *r, apr_pool_t *p, const char *token_hash,
                  acc_session_row_t *row, apr_uint32_t *gen)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    apr_time_t now, until;
    unsigned char *buf;
    apr_size_t len;
    const char *key;

    *gen = 0;
    if (!ready || c->cache_ttl <= 0) {
        return 0;
    }
    key = key_of(r, c, token_hash);
    now = apr_time_now();
    if (pcache) {
        /* Read before any lookup: a revocation from now on makes whatever
         * this request finds and keeps unusable. */
        *gen = gen_of(key);
        if (acc_pcache_get(pcache, key, now, r->pool, &buf, &len) &&
            acc_sessrec_decode(p, buf, len, NULL, 0, (const unsigned char *)key,
                               strlen(key), row, &until) == 0 &&
            stands(r, row, until, now)) {
            return 1;
        }
    }
    if (shared_get(r, p, c, key, now, row, &until) &&
        stands(r, row, until, now)) {
        local_put(r, key, row, until, *gen, 1);
        return 1;
    }
    /* A miss: the caller reads the database next and fills with *gen,
     * read before that read, so a revocation from now on takes out what
     * it stores.  (A hit in the table needs none: acc_cache_refresh only
     * replaces an entry that is still there.  Not reading it saves every
     * hit a cold line of shared memory.) */
    if (pcache == NULL) {
        *gen = gen_of(key);
    }
    return 0;
}

static void store(request_rec *r, const char *token_hash,
                  const acc_session_row_t *row, apr_uint32_t gen, int refresh)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    apr_time_t until;
    const char *key;
    unsigned char *buf;
    apr_size_t len;
    apr_status_t rv;
    where_t w;

    if (!ready || c->cache_ttl <= 0) {
        return;
    }
    /* Kept as long as it may stand (notify.h decides, on each use). */
    until = apr_time_now() + (heeds_notices && c->cache_notify
                                  ? ACC_NOTIFY_MAX_AGE
                                  : apr_time_from_sec(c->cache_ttl));
    if (row->expires < until) {
        until = row->expires;
    }
    key = key_of(r, c, token_hash);
    where_of(key, &w);
    buf = acc_sessrec_encode(r->pool, row, until, table ? NULL : c->secret_key,
                             c->secret_key_len, (const unsigned char *)key,
                             w.klen, &len);
    if (buf == NULL || !lock(r, w.lock)) {
        return;
    }
    if (table && refresh) {
        /* Only over the entry the hit found: one removed since (a logout)
         * stays out. */
        acc_shtable_replace(table, w.hash, key, w.klen, buf, len, until,
                            apr_time_now());
        unlock(w.lock);
        return;
    }
    if (table) {
        rv = acc_shtable_put(table, w.hash, key, w.klen, buf, len, until,
                             apr_time_now())
                 ? APR_SUCCESS
                 : APR_ENOSPC;
    }
    else {
        rv = provider->store(instance, r->server, (const unsigned char *)key,
                             (unsigned int)w.klen, until, buf,
                             (unsigned int)len, r->pool);
    }
    unlock(w.lock);
    if (rv != APR_SUCCESS) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, rv, r,
                      ACC_LOGNO(0117) "session cache store failed");
        return;
    }
    if (gen_of(key) != gen) {
        /* Revoked while this request read the database: what it stored
         * may already be stale, so take it out again. */
        shared_remove(r, key);
        return;
    }
    local_put(r, key, row, until, gen, 0);
}

void acc_cache_put(request_rec *r, const char *token_hash,
                   const acc_session_row_t *row, apr_uint32_t gen)
{
    store(r, token_hash, row, gen, 0);
}

void acc_cache_refresh(request_rec *r, const char *token_hash,
                       const acc_session_row_t *row, apr_uint32_t gen)
{
    store(r, token_hash, row, gen, 1);
}

void acc_cache_forget(request_rec *r, const char *token_hash)
{
    acc_srv_cfg_t *c = acc_srv(r->server);
    const char *key;

    if (!ready || c->cache_ttl <= 0) {
        return;
    }
    key = key_of(r, c, token_hash);
    /* Revoke first, then remove: a request filling the cache at the same
     * moment either sees the revocation and removes what it stored, or
     * stored it before this removal. */
    revoke_key(key);
    shared_remove(r, key);
}
