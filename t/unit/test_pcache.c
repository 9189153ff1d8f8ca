/*
 * t/unit/test_pcache.c -- the per-process cache: hits, expiry,
 * revocation through the shared generations, capacity, and threads.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_thread_proc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/pcache.h"

static apr_pool_t *pool;

#define SLOTS 64
static apr_uint32_t gens[SLOTS];

static acc_pcache_t *fresh(apr_size_t max)
{
    acc_pcache_t *pc;

    memset(gens, 0, sizeof(gens));
    pc = acc_pcache_create(pool, max, gens, SLOTS);
    assert_non_null(pc);
    return pc;
}

static void test_hit_and_copy(void **state)
{
    acc_pcache_t *pc = fresh(16);
    unsigned char *buf = NULL;
    apr_size_t len = 0;
    apr_uint32_t g = acc_pcache_gen(pc, "k1");

    (void)state;
    assert_int_equal(acc_pcache_get(pc, "k1", 100, pool, &buf, &len), 0);
    acc_pcache_put(pc, "k1", (const unsigned char *)"hello", 5, 200, g);
    assert_int_equal(acc_pcache_get(pc, "k1", 100, pool, &buf, &len), 1);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "hello", 5);
    /* A copy: changing it changes nothing in the cache. */
    buf[0] = 'j';
    assert_int_equal(acc_pcache_get(pc, "k1", 100, pool, &buf, &len), 1);
    assert_memory_equal(buf, "hello", 5);
    /* Another key misses. */
    assert_int_equal(acc_pcache_get(pc, "k2", 100, pool, &buf, &len), 0);
}

static void test_expiry(void **state)
{
    acc_pcache_t *pc = fresh(16);
    unsigned char *buf;
    apr_size_t len;

    (void)state;
    acc_pcache_put(pc, "k", (const unsigned char *)"v", 1, 200,
                   acc_pcache_gen(pc, "k"));
    assert_int_equal(acc_pcache_get(pc, "k", 199, pool, &buf, &len), 1);
    assert_int_equal(acc_pcache_get(pc, "k", 200, pool, &buf, &len), 0);
    assert_int_equal(acc_pcache_get(pc, "k", 500, pool, &buf, &len), 0);
}

static void test_replace(void **state)
{
    acc_pcache_t *pc = fresh(16);
    unsigned char *buf;
    apr_size_t len;
    apr_uint32_t g = acc_pcache_gen(pc, "k");

    (void)state;
    acc_pcache_put(pc, "k", (const unsigned char *)"old", 3, 200, g);
    acc_pcache_put(pc, "k", (const unsigned char *)"newer", 5, 300, g);
    assert_int_equal(acc_pcache_count(pc), 1);
    assert_int_equal(acc_pcache_get(pc, "k", 250, pool, &buf, &len), 1);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "newer", 5);
}

/* A revocation (in any process: the counters are shared) makes the entry
 * unusable, and so does one between reading the generation and putting. */
static void test_revoke(void **state)
{
    acc_pcache_t *pc = fresh(16);
    acc_pcache_t *other = acc_pcache_create(pool, 16, gens, SLOTS);
    unsigned char *buf;
    apr_size_t len;
    apr_uint32_t g;

    (void)state;
    g = acc_pcache_gen(pc, "k");
    acc_pcache_put(pc, "k", (const unsigned char *)"v", 1, 200, g);
    assert_int_equal(acc_pcache_get(pc, "k", 100, pool, &buf, &len), 1);
    acc_pcache_revoke(other, "k"); /* "another process" */
    assert_int_equal(acc_pcache_get(pc, "k", 100, pool, &buf, &len), 0);
    assert_true(acc_pcache_gen(pc, "k") != g);

    /* Filled with a generation read before a revocation: never used. */
    g = acc_pcache_gen(pc, "k");
    acc_pcache_revoke(pc, "k");
    acc_pcache_put(pc, "k", (const unsigned char *)"v", 1, 200, g);
    assert_int_equal(acc_pcache_get(pc, "k", 100, pool, &buf, &len), 0);

    /* Filled again afterwards: used. */
    acc_pcache_put(pc, "k", (const unsigned char *)"v", 1, 200,
                   acc_pcache_gen(pc, "k"));
    assert_int_equal(acc_pcache_get(pc, "k", 100, pool, &buf, &len), 1);
}

/* The counters without a cache (the shared table's fills use them):
 * the same slots as a cache over them, so a bump either way is seen
 * both ways; other keys' slots mostly stay as they were. */
static void test_gens_alone(void **state)
{
    acc_pcache_t *pc = fresh(16);
    unsigned char *buf;
    apr_size_t len;
    apr_uint32_t g = acc_gens_get(gens, SLOTS, "k");
    char key[16];
    int i, moved = 0;

    (void)state;
    assert_int_equal(g, acc_pcache_gen(pc, "k"));
    acc_pcache_put(pc, "k", (const unsigned char *)"v", 1, 200, g);
    acc_gens_bump(gens, SLOTS, "k");
    assert_int_equal(acc_gens_get(gens, SLOTS, "k"), g + 1);
    assert_int_equal(acc_pcache_gen(pc, "k"), g + 1);
    assert_int_equal(acc_pcache_get(pc, "k", 100, pool, &buf, &len), 0);
    acc_pcache_revoke(pc, "k");
    assert_int_equal(acc_gens_get(gens, SLOTS, "k"), g + 2);
    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "other%d", i);
        moved += acc_gens_get(gens, SLOTS, key) != 0;
    }
    /* Two bumps in one slot of 64: a few of 100 keys share it. */
    assert_true(moved < 20);
}

static void test_capacity(void **state)
{
    acc_pcache_t *pc = fresh(8);
    char key[16];
    int i;

    (void)state;
    for (i = 0; i < 100; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        acc_pcache_put(pc, key, (const unsigned char *)"v", 1, 200,
                       acc_pcache_gen(pc, key));
        assert_true(acc_pcache_count(pc) <= 8);
    }
    /* Full, the oldest made room one at a time: the last 8 are all there
     * (a cache that started again when full would hold fewer), the ones
     * before them are gone. */
    assert_int_equal(acc_pcache_count(pc), 8);
    for (i = 0; i < 100; i++) {
        unsigned char *buf;
        apr_size_t len;
        snprintf(key, sizeof(key), "k%d", i);
        assert_int_equal(acc_pcache_get(pc, key, 100, pool, &buf, &len),
                         i >= 92);
    }
    /* A key put again keeps its place: still 8, still all there. */
    acc_pcache_put(pc, "k95", (const unsigned char *)"w", 1, 200,
                   acc_pcache_gen(pc, "k95"));
    assert_int_equal(acc_pcache_count(pc), 8);
    acc_pcache_put(pc, "k100", (const unsigned char *)"v", 1, 200,
                   acc_pcache_gen(pc, "k100"));
    assert_int_equal(acc_pcache_count(pc), 8);
    {
        unsigned char *buf;
        apr_size_t len;
        assert_int_equal(acc_pcache_get(pc, "k92", 100, pool, &buf, &len), 0);
        assert_int_equal(acc_pcache_get(pc, "k93", 100, pool, &buf, &len), 1);
        assert_int_equal(acc_pcache_get(pc, "k95", 100, pool, &buf, &len), 1);
        assert_int_equal(buf[0], 'w');
    }
}

/* Admission: every miss is kept while there is room and while lookups
 * hit; after a window in which nearly all missed, one in SAMPLE; after a
 * window of hits, every one again. */
static void test_admission(void **state)
{
    acc_pcache_t *pc = fresh(16);
    unsigned char *buf;
    apr_size_t len;
    char key[16];
    int i, kept;

    (void)state;
    for (i = 0; i < 8; i++) {
        assert_int_equal(acc_pcache_wants(pc), 1);
        snprintf(key, sizeof(key), "k%d", i);
        acc_pcache_put(pc, key, (const unsigned char *)"v", 1, 1000, 0);
    }
    /* A window of misses while there is still room: all kept. */
    for (i = 0; i < ACC_PCACHE_WINDOW; i++) {
        snprintf(key, sizeof(key), "m%d", i);
        assert_int_equal(acc_pcache_get(pc, key, 10, pool, &buf, &len), 0);
    }
    assert_int_equal(acc_pcache_wants(pc), 1);
    for (i = 8; i < 16; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        acc_pcache_put(pc, key, (const unsigned char *)"v", 1, 1000, 0);
    }
    /* Full, and the last window missed: one in SAMPLE. */
    for (i = 0, kept = 0; i < 10 * ACC_PCACHE_SAMPLE; i++) {
        kept += acc_pcache_wants(pc);
    }
    assert_int_equal(kept, 10);
    /* A window with one hit in four: every miss again. */
    for (i = 0; i < ACC_PCACHE_WINDOW; i++) {
        snprintf(key, sizeof(key), i % 4 ? "m%d" : "k%d", i % 16);
        acc_pcache_get(pc, key, 10, pool, &buf, &len);
    }
    for (i = 0, kept = 0; i < 10 * ACC_PCACHE_SAMPLE; i++) {
        kept += acc_pcache_wants(pc);
    }
    assert_int_equal(kept, 10 * ACC_PCACHE_SAMPLE);
    /* A window with one hit in sixteen: poor again. */
    for (i = 0; i < ACC_PCACHE_WINDOW; i++) {
        snprintf(key, sizeof(key), i % 16 ? "m%d" : "k%d", i % 16);
        acc_pcache_get(pc, key, 10, pool, &buf, &len);
    }
    for (i = 0, kept = 0; i < 10 * ACC_PCACHE_SAMPLE; i++) {
        kept += acc_pcache_wants(pc);
    }
    assert_int_equal(kept, 10);
}

#if APR_HAS_THREADS
static acc_pcache_t *shared_pc;

static void *APR_THREAD_FUNC worker(apr_thread_t *t, void *data)
{
    apr_pool_t *p;
    char key[16];
    int i, id = (int)(intptr_t)data;

    apr_pool_create(&p, NULL);
    for (i = 0; i < 20000; i++) {
        unsigned char *buf;
        apr_size_t len;
        snprintf(key, sizeof(key), "k%d", (i * 7 + id) % 50);
        if (i % 3 == 0) {
            acc_pcache_put(shared_pc, key, (const unsigned char *)key,
                           strlen(key), 1000, acc_pcache_gen(shared_pc, key));
        }
        else if (i % 11 == 0) {
            acc_pcache_revoke(shared_pc, key);
        }
        else if (acc_pcache_get(shared_pc, key, 10, p, &buf, &len) &&
                 (len != strlen(key) || memcmp(buf, key, len) != 0)) {
            fprintf(stderr, "wrong value for %s\n", key);
            abort();
        }
        if (i % 500 == 0) {
            apr_pool_clear(p);
        }
    }
    apr_pool_destroy(p);
    /* Returning (exit status 0) rather than apr_thread_exit: pthread_exit
     * unwinding trips AddressSanitizer's thread teardown. */
    (void)t;
    return NULL;
}

/* Four threads putting, getting and revoking the same keys: every hit is
 * its own key's value (and ASan/TSan-clean under --asan). */
static void test_threads(void **state)
{
    apr_thread_t *th[4];
    apr_status_t rv;
    int i;

    (void)state;
    shared_pc = fresh(40);
    for (i = 0; i < 4; i++) {
        assert_int_equal(
            apr_thread_create(&th[i], NULL, worker, (void *)(intptr_t)i, pool),
            APR_SUCCESS);
    }
    for (i = 0; i < 4; i++) {
        apr_thread_join(&rv, th[i]);
        assert_int_equal(rv, APR_SUCCESS);
    }
    assert_true(acc_pcache_count(shared_pc) <= 40);
}
#endif

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_and_copy),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_revoke),
        cmocka_unit_test(test_gens_alone),
        cmocka_unit_test(test_capacity),
        cmocka_unit_test(test_admission),
#if APR_HAS_THREADS
        cmocka_unit_test(test_threads),
#endif
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("pcache", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
