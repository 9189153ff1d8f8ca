/*
 * t/unit/test_shtable.c -- the shared session table: entries in and out,
 * expiry, entries over many slots, what it holds when full, memory
 * scribbled on, and two processes sharing it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>
#include <apr_shm.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/shtable.h"

static apr_pool_t *pool;

#define NOW   ((apr_time_t)1000000)
#define LATER (NOW + apr_time_from_sec(900))

static acc_shtable_t *fresh(apr_size_t entries, void **memp)
{
    apr_size_t len = acc_shtable_bytes(entries);
    void *mem = calloc(1, len);

    assert_non_null(mem);
    if (memp) {
        *memp = mem;
    }
    return acc_shtable_make(pool, mem, entries);
}

/* A key as the session cache makes them: a host's prefix and a token's
 * SHA-256 in hex (here any 64 hex digits). */
static const char *key_n(unsigned long n)
{
    static char k[80];

    snprintf(k, sizeof(k), "acc0:%016lx%048lx", n * 2654435761UL, n);
    return k;
}

static int put(acc_shtable_t *t, const char *key, const char *val,
               apr_size_t vlen, apr_time_t until, apr_time_t now)
{
    return acc_shtable_put(t, acc_shtable_hash(key, strlen(key)), key,
                           strlen(key), val, vlen, until, now);
}

static int get(acc_shtable_t *t, const char *key, apr_time_t now,
               unsigned char *buf, apr_size_t *len)
{
    return acc_shtable_get(t, acc_shtable_hash(key, strlen(key)), key,
                           strlen(key), now, buf, len);
}

static int has(acc_shtable_t *t, const char *key, apr_time_t now)
{
    unsigned char buf[ACC_SHTABLE_MAX];
    apr_size_t len = sizeof(buf);

    return get(t, key, now, buf, &len);
}

static void test_in_and_out(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(1000, &mem);
    unsigned char buf[64];
    apr_size_t len = sizeof(buf);

    (void)state;
    assert_int_equal(get(t, "acc0:a", NOW, buf, &len), 0);
    assert_int_equal(put(t, "acc0:a", "hello", 5, LATER, NOW), 1);
    assert_int_equal(get(t, "acc0:a", NOW, buf, &len), 1);
    assert_int_equal(len, 5);
    assert_memory_equal(buf, "hello", 5);
    /* Only that key: not a prefix of it, nor one it prefixes. */
    len = sizeof(buf);
    assert_int_equal(get(t, "acc0:", NOW, buf, &len), 0);
    assert_int_equal(get(t, "acc0:ab", NOW, buf, &len), 0);
    /* Replaced, not added to. */
    assert_int_equal(put(t, "acc0:a", "bye", 3, LATER, NOW), 1);
    len = sizeof(buf);
    assert_int_equal(get(t, "acc0:a", NOW, buf, &len), 1);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, "bye", 3);
    /* A value larger than the caller's buffer is not copied. */
    len = 2;
    assert_int_equal(get(t, "acc0:a", NOW, buf, &len), 0);
    acc_shtable_remove(t, acc_shtable_hash("acc0:a", 6), "acc0:a", 6);
    len = sizeof(buf);
    assert_int_equal(get(t, "acc0:a", NOW, buf, &len), 0);
    free(mem);
}

static void test_expiry(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(1000, &mem);

    (void)state;
    assert_int_equal(put(t, "acc0:e", "x", 1, NOW + 10, NOW), 1);
    assert_int_equal(has(t, "acc0:e", NOW + 9), 1);
    assert_int_equal(has(t, "acc0:e", NOW + 10), 0);
    assert_int_equal(has(t, "acc0:e", NOW + 11), 0);
    free(mem);
}

/* A refresh replaces a live entry and stores nothing otherwise: not for
 * a key never stored, one removed (a logout between a hit and its
 * refresh), or one expired. */
static void test_refresh(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(1000, &mem);
    const char *k = "acc0:r";
    apr_uint64_t h = acc_shtable_hash(k, 6);
    unsigned char buf[64];
    apr_size_t len = sizeof(buf);

    (void)state;
    assert_int_equal(acc_shtable_replace(t, h, k, 6, "v1", 2, LATER, NOW), 0);
    assert_int_equal(has(t, k, NOW), 0);
    assert_int_equal(put(t, k, "v1", 2, LATER, NOW), 1);
    assert_int_equal(acc_shtable_replace(t, h, k, 6, "v2!", 3, LATER, NOW), 1);
    assert_int_equal(get(t, k, NOW, buf, &len), 1);
    assert_int_equal(len, 3);
    assert_memory_equal(buf, "v2!", 3);
    acc_shtable_remove(t, h, k, 6);
    assert_int_equal(acc_shtable_replace(t, h, k, 6, "v3", 2, LATER, NOW), 0);
    assert_int_equal(has(t, k, NOW), 0);
    assert_int_equal(put(t, k, "v1", 2, NOW + 10, NOW), 1);
    assert_int_equal(acc_shtable_replace(t, h, k, 6, "v4", 2, LATER, NOW + 10),
                     0);
    assert_int_equal(has(t, k, NOW + 5), 1);
    len = sizeof(buf);
    assert_int_equal(get(t, k, NOW + 5, buf, &len), 1);
    assert_memory_equal(buf, "v1", 2);
    free(mem);
}

/* The hash spreads keys that differ in one character anywhere, as keys
 * of one host (one prefix) do: every bit of the 64 moves about half the
 * time. */
static void test_hash_spread(void **state)
{
    char a[80], b[80];
    int bit, pos, n = 0;
    long flips[64] = {0};

    (void)state;
    for (pos = 0; pos < 69; pos++) {
        int c;
        for (c = 0; c < 16; c++) {
            apr_uint64_t x, y;
            strcpy(a, key_n(12345));
            strcpy(b, a);
            b[pos] =
                b[pos] == "0123456789abcdef"[c] ? 'z' : "0123456789abcdef"[c];
            x = acc_shtable_hash(a, strlen(a));
            y = acc_shtable_hash(b, strlen(b));
            assert_true(x != y);
            for (bit = 0; bit < 64; bit++) {
                flips[bit] += ((x ^ y) >> bit) & 1;
            }
            n++;
        }
    }
    for (bit = 0; bit < 64; bit++) {
        assert_true(flips[bit] > n * 4 / 10 && flips[bit] < n * 6 / 10);
    }
}

/* Entries of 9 slots (a user in many groups) beside many of one slot, in
 * a table an eighth full: every one is kept.  Two such entries cannot
 * share a set; with two sets a key, 300 of them found both taken about
 * once in seven fillings -- here twenty fillings, each with other keys. */
static void test_big_entries(void **state)
{
    static char big[4300], small[200];
    char k[80];
    unsigned long fam, i;

    (void)state;
    memset(big, 'b', sizeof(big));
    memset(small, 's', sizeof(small));
    for (fam = 0; fam < 20; fam++) {
        void *mem;
        acc_shtable_t *t = fresh(100000, &mem);
        unsigned long kept = 0;

        for (i = 0; i < 12000; i++) {
            snprintf(k, sizeof(k), "acc%lu:%064lx", fam, i * 2654435761UL);
            assert_int_equal(put(t, k, small, sizeof(small), LATER, NOW), 1);
        }
        for (i = 0; i < 300; i++) {
            snprintf(k, sizeof(k), "acc%lu:%064lx", fam, ~i * 40503UL);
            assert_int_equal(put(t, k, big, sizeof(big), LATER, NOW), 1);
        }
        for (i = 0; i < 300; i++) {
            snprintf(k, sizeof(k), "acc%lu:%064lx", fam, ~i * 40503UL);
            kept += (unsigned long)has(t, k, NOW);
        }
        for (i = 0; i < 12000; i++) {
            snprintf(k, sizeof(k), "acc%lu:%064lx", fam, i * 2654435761UL);
            kept += (unsigned long)has(t, k, NOW);
        }
        assert_int_equal(kept, 12300);
        /* Wherever they went, they can be taken out again. */
        for (i = 0; i < 300; i++) {
            snprintf(k, sizeof(k), "acc%lu:%064lx", fam, ~i * 40503UL);
            acc_shtable_remove(t, acc_shtable_hash(k, strlen(k)), k, strlen(k));
            assert_int_equal(has(t, k, NOW), 0);
        }
        free(mem);
    }
}

/* An entry over many slots, the largest one, and one byte more. */
static void test_large(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(1000, &mem);
    static char big[ACC_SHTABLE_MAX + 1];
    static unsigned char buf[ACC_SHTABLE_MAX + 1];
    char k[80];
    apr_size_t len, i, most;

    (void)state;
    strcpy(k, key_n(7));
    most = ACC_SHTABLE_MAX - strlen(k);
    for (i = 0; i < sizeof(big); i++) {
        big[i] = (char)('a' + i % 26);
    }
    assert_int_equal(put(t, k, big, 5000, LATER, NOW), 1);
    len = sizeof(buf);
    assert_int_equal(get(t, k, NOW, buf, &len), 1);
    assert_int_equal(len, 5000);
    assert_memory_equal(buf, big, 5000);
    /* Entries around it are untouched by it, and it by them. */
    for (i = 100; i < 140; i++) {
        assert_int_equal(put(t, key_n(i), big + i, 300, LATER, NOW), 1);
    }
    len = sizeof(buf);
    assert_int_equal(get(t, k, NOW, buf, &len), 1);
    assert_memory_equal(buf, big, 5000);
    for (i = 100; i < 140; i++) {
        len = sizeof(buf);
        assert_int_equal(get(t, key_n(i), NOW, buf, &len), 1);
        assert_int_equal(len, 300);
        assert_memory_equal(buf, big + i, 300);
    }
    assert_int_equal(put(t, k, big, most, LATER, NOW), 1);
    len = sizeof(buf);
    assert_int_equal(get(t, k, NOW, buf, &len), 1);
    assert_int_equal(len, most);
    /* Too large: refused, and the key's old entry is gone too. */
    assert_int_equal(put(t, k, big, most + 1, LATER, NOW), 0);
    assert_int_equal(has(t, k, NOW), 0);
    free(mem);
}

/* A table filled to the size it was made for keeps (nearly) every entry
 * -- a session cache that drops live sessions sends them to the database
 * -- and past it, the newest. */
static void test_full(void **state)
{
    const apr_size_t n = 100000;
    void *mem;
    acc_shtable_t *t = fresh(n, &mem);
    char val[300];
    apr_size_t i, found = 0;

    (void)state;
    memset(val, 'v', sizeof(val));
    for (i = 0; i < n; i++) {
        assert_int_equal(put(t, key_n(i), val, sizeof(val), LATER, NOW), 1);
    }
    for (i = 0; i < n; i++) {
        found += has(t, key_n(i), NOW);
    }
    fprintf(stderr, "# %zu of %zu entries kept, %zu bytes\n", found, n,
            acc_shtable_bytes(n));
    assert_true(found >= n - n / 1000);
    /* Twice as many again, each expiring later: the last n are kept as
     * well as the first were. */
    for (i = n; i < 3 * n; i++) {
        assert_int_equal(
            put(t, key_n(i), val, sizeof(val), LATER + (apr_time_t)i, NOW), 1);
    }
    for (found = 0, i = 2 * n; i < 3 * n; i++) {
        found += has(t, key_n(i), NOW);
    }
    assert_true(found >= n - n / 100);
    free(mem);
}

/* Expired entries make room before live ones go. */
static void test_expired_first(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(100, &mem);
    apr_size_t i;

    (void)state;
    for (i = 0; i < 50; i++) {
        assert_int_equal(put(t, key_n(i), "short", 5, NOW + 10, NOW), 1);
    }
    for (i = 50; i < 100; i++) {
        assert_int_equal(put(t, key_n(i), "long", 4, LATER, NOW), 1);
    }
    for (i = 100; i < 150; i++) {
        assert_int_equal(put(t, key_n(i), "late", 4, LATER, NOW + 20), 1);
    }
    for (i = 50; i < 150; i++) {
        assert_int_equal(has(t, key_n(i), NOW + 20), 1);
    }
    free(mem);
}

/* Both of a key's sets are in its stripe (the lock the caller takes):
 * where each store puts its tag, in a table half full (so that keys go to
 * either of their sets).  The layout is the table's own: tag lines first,
 * set by set, and set s in stripe s % stripes. */
static void test_sets_in_stripe(void **state)
{
    const apr_size_t n = 100000;
    void *mem;
    acc_shtable_t *t = fresh(n, &mem);
    apr_size_t stripes = acc_shtable_stripes(t), nsets, i, j, seen[2] = {0};
    apr_uint32_t *tags, *before;
    char val[200];

    (void)state;
    memset(val, 'v', sizeof(val));
    /* The tags start at the first 64-byte boundary of the memory. */
    tags = (apr_uint32_t *)((char *)mem + (64 - (apr_size_t)mem % 64) % 64);
    nsets = (acc_shtable_bytes(n) - 64) /
            (ACC_SHTABLE_WAYS * (4 + ACC_SHTABLE_SLOT));
    before = malloc(nsets * ACC_SHTABLE_WAYS * sizeof(*before));
    assert_non_null(before);
    for (i = 0; i < n / 2; i++) {
        put(t, key_n(i), val, sizeof(val), LATER, NOW);
    }
    for (i = n / 2; i < n / 2 + 500; i++) {
        const char *k = key_n(i);
        apr_uint64_t h = acc_shtable_hash(k, strlen(k));
        apr_size_t found = 0, set = 0;

        memcpy(before, tags, nsets * ACC_SHTABLE_WAYS * sizeof(*before));
        assert_int_equal(put(t, k, val, sizeof(val), LATER, NOW), 1);
        for (j = 0; j < nsets * ACC_SHTABLE_WAYS; j++) {
            if (tags[j] != before[j] && tags[j] != 0) {
                found++;
                set = j / ACC_SHTABLE_WAYS;
            }
        }
        assert_int_equal(found, 1);
        assert_int_equal(set % stripes, acc_shtable_stripe(t, h));
        /* Which of the stripe's sets: the first set a key gets is not
         * always the same one of its stripe. */
        seen[set / stripes % 2]++;
    }
    assert_true(seen[0] > 0 && seen[1] > 0);
    free(before);
    free(mem);
}

/* In a table over its size (keys in either of their sets, evicting each
 * other), a key's new value replaces its old one wherever it was, and a
 * removed key is gone from both sets. */
static void test_replace_when_full(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(100, &mem);
    unsigned char buf[64];
    apr_size_t i, len, kept = 0;
    char v[16];

    (void)state;
    for (i = 0; i < 300; i++) {
        put(t, key_n(i), "old", 3, LATER + (apr_time_t)i, NOW);
    }
    for (i = 200; i < 300; i++) {
        len = sizeof(buf);
        if (!get(t, key_n(i), NOW, buf, &len)) {
            continue;
        }
        kept++;
        snprintf(v, sizeof(v), "new%zu", i);
        assert_int_equal(put(t, key_n(i), v, strlen(v), LATER + 1000, NOW), 1);
        len = sizeof(buf);
        assert_int_equal(get(t, key_n(i), NOW, buf, &len), 1);
        assert_int_equal(len, strlen(v));
        assert_memory_equal(buf, v, len);
        acc_shtable_remove(t, acc_shtable_hash(key_n(i), strlen(key_n(i))),
                           key_n(i), strlen(key_n(i)));
        assert_int_equal(has(t, key_n(i), NOW), 0);
    }
    /* The newest hundred were kept (they expire last). */
    assert_int_equal(kept, 100);
    free(mem);
}

/* Memory someone scribbled on (or a store cut short) is no entry: lookups
 * miss, and the table works over it. */
static void test_scribbled(void **state)
{
    apr_size_t entries = 1000, len = acc_shtable_bytes(entries), i;
    unsigned char *mem = malloc(len);
    acc_shtable_t *t;
    unsigned char buf[ACC_SHTABLE_MAX];
    apr_size_t blen;

    (void)state;
    assert_non_null(mem);
    srand(42);
    for (i = 0; i < len; i++) {
        mem[i] = (unsigned char)rand();
    }
    t = acc_shtable_make(pool, mem, entries);
    for (i = 0; i < 2000; i++) {
        blen = sizeof(buf);
        assert_int_equal(get(t, key_n(i), NOW, buf, &blen), 0);
    }
    for (i = 0; i < 500; i++) {
        assert_int_equal(put(t, key_n(i), key_n(i), 69, LATER, NOW), 1);
    }
    for (i = 0; i < 500; i++) {
        blen = sizeof(buf);
        assert_int_equal(get(t, key_n(i), NOW, buf, &blen), 1);
        assert_int_equal(blen, 69);
        assert_memory_equal(buf, key_n(i), 69);
    }
    free(mem);
}

/* The processes forked after it share it. */
static void test_shared(void **state)
{
    apr_shm_t *shm;
    acc_shtable_t *t;
    apr_size_t entries = 1000;
    pid_t pid;
    int status;
    unsigned char buf[16];
    apr_size_t len = sizeof(buf);

    (void)state;
    assert_int_equal(
        apr_shm_create(&shm, acc_shtable_bytes(entries), NULL, pool),
        APR_SUCCESS);
    t = acc_shtable_make(pool, apr_shm_baseaddr_get(shm), entries);
    assert_int_equal(put(t, "acc0:parent", "p", 1, LATER, NOW), 1);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int ok = has(t, "acc0:parent", NOW) &&
                 put(t, "acc0:child", "c", 1, LATER, NOW);
        _exit(ok ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(get(t, "acc0:child", NOW, buf, &len), 1);
    assert_memory_equal(buf, "c", 1);
    apr_shm_destroy(shm);
}

static void test_stripes(void **state)
{
    void *mem;
    acc_shtable_t *t = fresh(100, &mem);
    acc_shtable_t *big, *small;
    static char dummy;

    (void)state;
    small = acc_shtable_make(pool, &dummy, 100000);
    assert_int_equal(acc_shtable_stripes(t), 1);
    assert_int_equal(acc_shtable_stripes(small), 256);
    free(mem);
    /* Making a table only lays it out: no need for its 6 GiB here. */
    big = acc_shtable_make(pool, &dummy, 10000000);
    assert_int_equal(acc_shtable_stripes(big), 4096);
    assert_true(acc_shtable_stripe(big, acc_shtable_hash("k", 1)) < 4096);
    /* A quarter more slots than entries, each 512 bytes and a tag. */
    assert_true(acc_shtable_bytes(100000) >= 125000 * 516);
    assert_true(acc_shtable_bytes(100000) <= 140000 * 516);
}

int main(void)
{
    static const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_and_out),
        cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_refresh),
        cmocka_unit_test(test_hash_spread),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_big_entries),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_expired_first),
        cmocka_unit_test(test_scribbled),
        cmocka_unit_test(test_sets_in_stripe),
        cmocka_unit_test(test_replace_when_full),
        cmocka_unit_test(test_shared),
        cmocka_unit_test(test_stripes),
    };
    int rc;

    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        return 1;
    }
    rc = cmocka_run_group_tests_name("shtable", tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
