/*
 * t/unit/test_password.c -- argon2 hashing, verification, PHC parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <apr_base64.h>
#include <apr_general.h>
#include <argon2.h>
#include <string.h>

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/password.h"

static apr_pool_t *pool;

/* Threads started in this process: pthread_create is interposed here (the
 * executable's definition comes before libc's for libargon2 too), counts,
 * and hands over to the real one. */
static volatile int threads_started;

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                         void *);

__attribute__((visibility("default"))) int
pthread_create(pthread_t *th, const pthread_attr_t *attr,
               void *(*start)(void *), void *arg)
{
    create_fn real = (create_fn)dlsym(RTLD_NEXT, "pthread_create");

    threads_started++;
    return real(th, attr, start, arg);
}

/* Cheap parameters: tests hash many times. */
static const acc_argon2_params_t cheap = {64, 1, 1};

/* Reference vectors.  KAT_ID is phc-winner-argon2 src/test.c (argon2id,
 * v=19, t=2, m=2^8, p=1, "password", "somesalt"), also printed by the
 * argon2 CLI; the others are from the argon2 CLI (Debian 0~20171227):
 *   echo -n password | argon2 somesalt -id -t 2 -m 10 -p 1 -l 32 -e
 *   echo -n password | argon2 somesalt -i -t 2 -m 8 -p 1 -l 32 -e
 *   echo -n password | argon2 somesalt -d -t 1 -m 6 -p 1 -l 32 -v 10 -e
 *   echo -n password | argon2 somesalt -id -t 1 -m 6 -p 1 -l 16 -e */
#define KAT_ID                                                                 \
    "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"                                \
    "nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
#define CLI_ID                                                                 \
    "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQ$"                               \
    "7FfsnA6vUe7qLpL/3Kqc3uR48ZJyFbUVt7jWZlf0Htk"
#define CLI_I                                                                  \
    "$argon2i$v=19$m=256,t=2,p=1$c29tZXNhbHQ$"                                 \
    "iekCn0Y3spW+sCcFanM2xBT63UP2sghkUoHLIUpWRS8"
#define CLI_D16                                                                \
    "$argon2d$v=16$m=64,t=1,p=1$c29tZXNhbHQ$"                                  \
    "BDttV45bckoRtgeAmxDKDf21Ruglm1x79meMBV3Xkjs"
#define CLI_ID16                                                               \
    "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$pMlwOs/gn+zdvoB/AGiRNA"

static int setup(void **state)
{
    (void)state;
    if (apr_initialize() != APR_SUCCESS) {
        return -1;
    }
    return apr_pool_create(&pool, NULL) == APR_SUCCESS ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    apr_pool_destroy(pool);
    apr_terminate();
    return 0;
}

static const char *hash_or_fail(const acc_argon2_params_t *prm, const char *pw,
                                apr_size_t len)
{
    const char *phc = NULL, *err = "unset";

    assert_int_equal(acc_password_hash(pool, prm, pw, len, &phc, &err),
                     APR_SUCCESS);
    assert_null(err);
    assert_non_null(phc);
    return phc;
}

static void test_hash_then_verify(void **state)
{
    char pw[] = "correct horse battery staple";
    apr_size_t len = strlen(pw);
    const char *phc;

    (void)state;
    phc = hash_or_fail(&cheap, pw, len);
    assert_int_equal(acc_password_verify(phc, pw, len, NULL), ACC_PW_MATCH);
    assert_int_equal(acc_password_verify(phc, "correct horse", 13, NULL),
                     ACC_PW_MISMATCH);
    assert_int_equal(acc_password_verify(phc, pw, len - 1, NULL),
                     ACC_PW_MISMATCH);
    assert_int_equal(acc_password_verify(phc, "", 0, NULL), ACC_PW_MISMATCH);

    /* Every single-bit change of the first and last byte fails. */
    for (int bit = 0; bit < 8; bit++) {
        pw[0] ^= (char)(1 << bit);
        assert_int_equal(acc_password_verify(phc, pw, len, NULL),
                         ACC_PW_MISMATCH);
        pw[0] ^= (char)(1 << bit);
        pw[len - 1] ^= (char)(1 << bit);
        assert_int_equal(acc_password_verify(phc, pw, len, NULL),
                         ACC_PW_MISMATCH);
        pw[len - 1] ^= (char)(1 << bit);
    }
    assert_int_equal(acc_password_verify(phc, pw, len, NULL), ACC_PW_MATCH);
}

static void test_hash_binary_and_empty(void **state)
{
    static const char bin[] = {'a', '\0', 'b', '\xff'};
    const char *phc;

    (void)state;
    /* The length counts, not the NUL. */
    phc = hash_or_fail(&cheap, bin, sizeof(bin));
    assert_int_equal(acc_password_verify(phc, bin, sizeof(bin), NULL),
                     ACC_PW_MATCH);
    assert_int_equal(acc_password_verify(phc, "a", 1, NULL), ACC_PW_MISMATCH);

    phc = hash_or_fail(&cheap, "", 0);
    assert_int_equal(acc_password_verify(phc, "", 0, NULL), ACC_PW_MATCH);
    assert_int_equal(acc_password_verify(phc, "x", 1, NULL), ACC_PW_MISMATCH);
}

static int is_b64(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') || c == '+' || c == '/';
}

static void test_phc_shape(void **state)
{
    static const char pre[] = "$argon2id$v=19$m=64,t=1,p=1$";
    const acc_argon2_params_t prm2 = {1024, 3, 2};
    const char *a, *b, *s;
    acc_phc_t h;
    int i;

    (void)state;
    a = hash_or_fail(&cheap, "pw", 2);
    b = hash_or_fail(&cheap, "pw", 2);
    assert_string_not_equal(a, b); /* fresh salt each time */

    assert_int_equal(strncmp(a, pre, strlen(pre)), 0);
    s = a + strlen(pre);
    for (i = 0; i < 22; i++) {
        assert_true(is_b64(s[i]));
    }
    assert_int_equal(s[22], '$');
    s += 23;
    for (i = 0; i < 43; i++) {
        assert_true(is_b64(s[i]));
    }
    assert_int_equal(s[43], '\0');
    assert_int_equal(strlen(a), strlen(pre) + 22 + 1 + 43);

    assert_int_equal(acc_phc_parse(a, &h), 0);
    assert_string_equal(h.variant, "argon2id");
    assert_int_equal(h.version, 19);
    assert_int_equal(h.params.m_kib, 64);
    assert_int_equal(h.params.t, 1);
    assert_int_equal(h.params.p, 1);
    assert_int_equal(h.salt_len, ACC_ARGON2_SALT_LEN);
    assert_int_equal(h.hash_len, ACC_ARGON2_HASH_LEN);

    a = hash_or_fail(&prm2, "pw", 2);
    assert_int_equal(strncmp(a, "$argon2id$v=19$m=1024,t=3,p=2$", 30), 0);
    assert_int_equal(acc_password_verify(a, "pw", 2, NULL), ACC_PW_MATCH);
}

/* libargon2's own encoded hash of pw at prm, with the salt found in phc
 * (decoded by apr-util, not by the code under test), in pool. */
static const char *libargon2_twin(const char *phc,
                                  const acc_argon2_params_t *prm,
                                  const char *pw, apr_size_t len)
{
    const char *end = strrchr(phc, '$'), *start = end - 1;
    unsigned char salt[64];
    char *b64, *enc;
    size_t enclen;
    int n;

    while (start > phc && *start != '$') {
        start--;
    }
    b64 = apr_pstrndup(pool, start + 1, (apr_size_t)(end - start - 1));
    assert_true(apr_base64_decode_len(b64) <= (int)sizeof(salt));
    n = apr_base64_decode_binary(salt, b64);
    assert_int_equal(n, ACC_ARGON2_SALT_LEN);
    enclen = argon2_encodedlen(prm->t, prm->m_kib, prm->p, (uint32_t)n,
                               ACC_ARGON2_HASH_LEN, Argon2_id);
    enc = apr_palloc(pool, enclen);
    assert_int_equal(argon2id_hash_encoded(prm->t, prm->m_kib, prm->p, pw, len,
                                           salt, (size_t)n, ACC_ARGON2_HASH_LEN,
                                           enc, enclen),
                     ARGON2_OK);
    return enc;
}

/* Our hashes are libargon2's, byte for byte, whatever the lanes. */
static void test_same_as_libargon2(void **state)
{
    static const acc_argon2_params_t prm[] = {
        {64, 1, 1}, {256, 3, 2}, {1024, 2, 4}, {19456, 2, 1}, {128, 1, 16},
    };
    static const char pw[] = "correct horse battery staple";
    const char *phc;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(prm) / sizeof(prm[0]); i++) {
        phc = hash_or_fail(&prm[i], pw, strlen(pw));
        assert_string_equal(phc, libargon2_twin(phc, &prm[i], pw, strlen(pw)));
        phc = hash_or_fail(&prm[i], "", 0);
        assert_string_equal(phc, libargon2_twin(phc, &prm[i], "", 0));
    }
}

/* Hashes with several lanes, made by libargon2 (which fills lanes in
 * threads), verify: the tag does not depend on how many threads made
 * it. */
static void test_lanes_from_libargon2(void **state)
{
    static const unsigned char salt[16] = "0123456789abcdef";
    static const struct {
        uint32_t t, m, p;
    } cost[] = {{2, 1024, 4}, {1, 256, 8}, {3, 512, 16}, {1, 64, 2}};
    char enc[160];
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(cost) / sizeof(cost[0]); i++) {
        assert_int_equal(
            argon2id_hash_encoded(cost[i].t, cost[i].m, cost[i].p, "password",
                                  8, salt, sizeof(salt), 32, enc, sizeof(enc)),
            ARGON2_OK);
        assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                         ACC_PW_MATCH);
        assert_int_equal(acc_password_verify(enc, "passwore", 8, NULL),
                         ACC_PW_MISMATCH);
        assert_int_equal(argon2i_hash_encoded(cost[i].t, cost[i].m, cost[i].p,
                                              "password", 8, salt, sizeof(salt),
                                              32, enc, sizeof(enc)),
                         ARGON2_OK);
        assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                         ACC_PW_MATCH);
        assert_int_equal(argon2d_hash_encoded(cost[i].t, cost[i].m, cost[i].p,
                                              "password", 8, salt, sizeof(salt),
                                              32, enc, sizeof(enc)),
                         ARGON2_OK);
        assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                         ACC_PW_MATCH);
        assert_int_equal(acc_password_verify(enc, "password!", 9, NULL),
                         ACC_PW_MISMATCH);
    }
}

/* A hash with p lanes is worked in the calling thread: an httpd worker
 * that checks a password starts no threads. */
static void test_no_threads(void **state)
{
    static const acc_argon2_params_t four = {1024, 1, 4};
    static const unsigned char salt[16] = "0123456789abcdef";
    const char *phc;
    char enc[160];

    (void)state;
    /* The counter works: libargon2's own encoder starts threads. */
    threads_started = 0;
    assert_int_equal(argon2id_hash_encoded(1, 1024, 4, "password", 8, salt,
                                           sizeof(salt), 32, enc, sizeof(enc)),
                     ARGON2_OK);
    assert_true(threads_started > 0);

    threads_started = 0;
    assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                     ACC_PW_MATCH);
    assert_int_equal(acc_password_verify(enc, "passwore", 8, NULL),
                     ACC_PW_MISMATCH);
    assert_int_equal(threads_started, 0);
    phc = hash_or_fail(&four, "password", 8);
    assert_int_equal(threads_started, 0);
    assert_int_equal(acc_password_verify(phc, "password", 8, NULL),
                     ACC_PW_MATCH);
    assert_int_equal(threads_started, 0);
}

#if defined(__GLIBC__) && defined(__linux__)
/* Bytes malloc holds from the system: its heap and its own mappings. */
static size_t malloc_held(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.arena + mi.hblkhd;
}

/* The process's virtual size in bytes (/proc/self/statm). */
static size_t vm_size(void)
{
    unsigned long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");

    assert_non_null(f);
    assert_int_equal(fscanf(f, "%lu", &pages), 1);
    fclose(f);
    return (size_t)pages * (size_t)sysconf(_SC_PAGESIZE);
}
#endif

/* With a caller's memory (httpd's hash slots): a hash whose blocks fit
 * works there, and libargon2 leaves it wiped; one whose blocks do not fit
 * maps its own and leaves the caller's alone; and the memory is used only
 * inside the call that was given it. */
static int all_bytes(const unsigned char *b, apr_size_t len, unsigned char v)
{
    for (apr_size_t i = 0; i < len; i++) {
        if (b[i] != v) {
            return 0;
        }
    }
    return 1;
}

static void test_caller_memory(void **state)
{
    static const acc_argon2_params_t small = {256, 1, 1}, large = {512, 1, 1};
    const char *phc = NULL, *phc2 = NULL, *err = NULL;
    acc_hash_mem_t mem;

    (void)state;
    /* m KiB, and at least 8 KiB a lane. */
    {
        static const acc_argon2_params_t lanes = {8, 1, 2};
        assert_int_equal(acc_hash_mem_len(&small), 256 * 1024);
        assert_int_equal(acc_hash_mem_len(&lanes), 16 * 1024);
    }
    mem.len = acc_hash_mem_len(&small);
    mem.base = acc_hash_mem_map(mem.len);
    assert_non_null(mem.base);

    /* Fits: used (the marks are gone), wiped (all zero), and right. */
    memset(mem.base, 0xA5, mem.len);
    assert_int_equal(
        acc_password_hash_in(&mem, pool, &small, "pw", 2, &phc, &err),
        APR_SUCCESS);
    assert_true(all_bytes(mem.base, mem.len, 0));
    memset(mem.base, 0xA5, mem.len);
    assert_int_equal(acc_password_verify_in(&mem, phc, "pw", 2, NULL),
                     ACC_PW_MATCH);
    assert_true(all_bytes(mem.base, mem.len, 0));
    assert_int_equal(acc_password_verify_in(&mem, phc, "pX", 2, NULL),
                     ACC_PW_MISMATCH);
    /* The same tag as a hash in memory of its own. */
    assert_int_equal(acc_password_verify(phc, "pw", 2, NULL), ACC_PW_MATCH);

    /* Too small for m=512: not touched, and the hash still right. */
    memset(mem.base, 0xA5, mem.len);
    assert_int_equal(
        acc_password_hash_in(&mem, pool, &large, "pw", 2, &phc2, &err),
        APR_SUCCESS);
    assert_int_equal(acc_password_verify_in(&mem, phc2, "pw", 2, NULL),
                     ACC_PW_MATCH);
    assert_true(all_bytes(mem.base, mem.len, 0xA5));

    /* Not given: not used, even right after a call that was. */
    assert_int_equal(acc_password_verify_in(&mem, phc, "pw", 2, NULL),
                     ACC_PW_MATCH);
    memset(mem.base, 0xA5, mem.len);
    assert_int_equal(acc_password_verify(phc, "pw", 2, NULL), ACC_PW_MATCH);
    assert_true(all_bytes(mem.base, mem.len, 0xA5));
    acc_hash_mem_unmap(mem.base, mem.len);
}

/* argon2's m KiB come from their own mapping and go back to the system
 * when the hash ends, whatever malloc's settings: neither malloc's heap
 * nor the process keep m KiB after a few hashes.  (glibc's malloc, left
 * to itself, serves the second block of the same size from its heap and
 * keeps it there once freed.) */
static void test_memory_returned(void **state)
{
#if defined(__GLIBC__) && defined(__linux__)
    static const acc_argon2_params_t big = {16384, 1, 1}; /* 16 MiB */
    const size_t m = (size_t)big.m_kib * 1024;
    size_t heap0, vm0;
    const char *phc;
    int i;

    (void)state;
    phc = hash_or_fail(&cheap, "pw", 2);
    /* What earlier tests (and libargon2's own encoder in them) left free
     * in the heap goes first, so that only these hashes count. */
    malloc_trim(0);
    heap0 = malloc_held();
    vm0 = vm_size();
    phc = hash_or_fail(&big, "pw", 2);
    for (i = 0; i < 3; i++) {
        assert_int_equal(acc_password_verify(phc, "pw", 2, NULL), ACC_PW_MATCH);
    }
    if (malloc_held() > heap0 + m / 4) {
        fail_msg("malloc holds %zu KiB more after 4 hashes at m=%u",
                 (malloc_held() - heap0) / 1024, big.m_kib);
    }
    if (vm_size() > vm0 + m / 4) {
        fail_msg("the process is %zu KiB larger after 4 hashes at m=%u",
                 (vm_size() - vm0) / 1024, big.m_kib);
    }
#else
    (void)state;
    skip();
#endif
}

/* A stored hash names its own cost: one over the ceiling is unusable and
 * is not hashed (m=524288 would take 512 MiB and over a second). */
static void test_cost_ceiling(void **state)
{
#define S "$c29tZXNhbHRzb21lc2FsdA$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
    static const char *const over[] = {
        "$argon2id$v=19$m=524288,t=1,p=1" S,
        "$argon2id$v=19$m=2097152,t=1000,p=1" S,
        "$argon2id$v=19$m=262145,t=1,p=1" S,
        "$argon2id$v=19$m=64,t=17,p=1" S,
        "$argon2id$v=19$m=1024,t=1,p=17" S,
        "$argon2id$v=19$m=4294967295,t=1,p=1" S,
        "$argon2id$v=19$m=65536,t=4294967295,p=1" S,
        "argon2$argon2id$v=19$m=524288,t=1,p=1" S,
        "$argon2i$v=19$m=524288,t=1,p=1" S,
        "$argon2d$m=524288,t=1,p=1" S,
    };
#undef S
    static const unsigned char salt[16] = "0123456789abcdef";
    const acc_argon2_params_t t17 = {64, 17, 1};
    char enc[160];
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
        if (acc_password_verify(over[i], "password", 8, NULL) !=
            ACC_PW_UNUSABLE) {
            fail_msg("usable: %s", over[i]);
        }
        if (acc_password_verify(over[i], "password", 8, &cheap) !=
            ACC_PW_UNUSABLE) {
            fail_msg("usable with m=64 t=1 p=1 configured: %s", over[i]);
        }
    }

    /* At the ceiling's t and p (cheap at m=64, 128): verified. */
    assert_int_equal(argon2id_hash_encoded(16, 64, 1, "password", 8, salt,
                                           sizeof(salt), 32, enc, sizeof(enc)),
                     ARGON2_OK);
    assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                     ACC_PW_MATCH);
    assert_int_equal(acc_password_verify(enc, "password", 8, &cheap),
                     ACC_PW_MATCH);
    assert_int_equal(argon2id_hash_encoded(1, 128, 16, "password", 8, salt,
                                           sizeof(salt), 32, enc, sizeof(enc)),
                     ARGON2_OK);
    assert_int_equal(acc_password_verify(enc, "password", 8, &cheap),
                     ACC_PW_MATCH);

    /* One pass over: unusable, unless the configured cost is that high. */
    assert_int_equal(argon2id_hash_encoded(17, 64, 1, "password", 8, salt,
                                           sizeof(salt), 32, enc, sizeof(enc)),
                     ARGON2_OK);
    assert_int_equal(acc_password_verify(enc, "password", 8, &cheap),
                     ACC_PW_UNUSABLE);
    assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                     ACC_PW_UNUSABLE);
    assert_int_equal(acc_password_verify(enc, "password", 8, &t17),
                     ACC_PW_MATCH);
    assert_int_equal(acc_password_verify(enc, "passwore", 8, &t17),
                     ACC_PW_MISMATCH);

    /* 17 lanes: unusable whatever is configured. */
    assert_int_equal(argon2id_hash_encoded(1, 136, 17, "password", 8, salt,
                                           sizeof(salt), 32, enc, sizeof(enc)),
                     ARGON2_OK);
    assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                     ACC_PW_UNUSABLE);
}

/* The ceiling itself: max(configured, floor) for m and t, 16 lanes. */
static void test_cost_ok(void **state)
{
    static const struct {
        acc_argon2_params_t stored, configured;
        int ok;
    } c[] = {
        /* the floors, with a small configured cost */
        {{262144, 16, 16}, {64, 1, 1}, 1},
        {{262145, 1, 1}, {64, 1, 1}, 0},
        {{64, 17, 1}, {64, 1, 1}, 0},
        {{128, 1, 17}, {64, 1, 1}, 0},
        {{524288, 1, 1}, {64, 1, 1}, 0},
        {{2097152, 1000, 1}, {64, 1, 1}, 0},
        /* Django's argon2 default, and OWASP's (ours) */
        {{102400, 2, 8}, {64, 1, 1}, 1},
        {{19456, 2, 1}, {64, 1, 1}, 1},
        /* the ceiling follows a higher configured cost up */
        {{524288, 1, 1}, {524288, 1, 1}, 1},
        {{524289, 1, 1}, {524288, 1, 1}, 0},
        {{4194304, 1, 1}, {4194304, 3, 4}, 1},
        {{64, 40, 1}, {64, 40, 1}, 1},
        {{64, 41, 1}, {64, 40, 1}, 0},
        {{524288, 40, 16}, {524288, 40, 1}, 1},
        {{524288, 41, 16}, {524288, 40, 1}, 0},
        {{1024, 1, 17}, {1024, 1, 16}, 0},
        /* never below the floors, however small the configured cost */
        {{262144, 16, 1}, {8, 1, 1}, 1},
        {{UINT32_MAX, 1, 1}, {4194304, 1, 1}, 0},
        {{64, UINT32_MAX, 1}, {64, 1000, 1}, 0},
    };
    const acc_argon2_params_t floor_m = {ACC_ARGON2_VERIFY_M_FLOOR, 1, 1},
                              floor_t = {64, ACC_ARGON2_VERIFY_T_FLOOR, 1},
                              over_m = {ACC_ARGON2_VERIFY_M_FLOOR + 1, 1, 1},
                              over_t = {64, ACC_ARGON2_VERIFY_T_FLOOR + 1, 1};
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        if (acc_password_cost_ok(&c[i].stored, &c[i].configured) != c[i].ok) {
            fail_msg("case %u: m=%u t=%u p=%u under m=%u t=%u p=%u: want %d",
                     (unsigned)i, c[i].stored.m_kib, c[i].stored.t,
                     c[i].stored.p, c[i].configured.m_kib, c[i].configured.t,
                     c[i].configured.p, c[i].ok);
        }
    }
    /* NULL means the defaults (m=19456 t=2 p=1): the floors decide. */
    assert_int_equal(acc_password_cost_ok(&floor_m, NULL), 1);
    assert_int_equal(acc_password_cost_ok(&floor_t, NULL), 1);
    assert_int_equal(acc_password_cost_ok(&over_m, NULL), 0);
    assert_int_equal(acc_password_cost_ok(&over_t, NULL), 0);
}

static void test_known_vectors(void **state)
{
    static const char *const v[] = {KAT_ID, CLI_ID, CLI_I, CLI_D16, CLI_ID16};
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        assert_int_equal(acc_password_verify(v[i], "password", 8, NULL),
                         ACC_PW_MATCH);
        assert_int_equal(acc_password_verify(v[i], "Password", 8, NULL),
                         ACC_PW_MISMATCH);
        assert_int_equal(acc_password_verify(v[i], "password ", 9, NULL),
                         ACC_PW_MISMATCH);
    }
}

static void test_parse_fields(void **state)
{
    acc_phc_t h;

    (void)state;
    assert_int_equal(acc_phc_parse(KAT_ID, &h), 0);
    assert_string_equal(h.variant, "argon2id");
    assert_int_equal(h.version, 19);
    assert_int_equal(h.params.m_kib, 256);
    assert_int_equal(h.params.t, 2);
    assert_int_equal(h.params.p, 1);
    assert_int_equal(h.salt_len, 8);
    assert_int_equal(h.hash_len, 32);

    assert_int_equal(acc_phc_parse(CLI_D16, &h), 0);
    assert_string_equal(h.variant, "argon2d");
    assert_int_equal(h.version, 16);

    assert_int_equal(acc_phc_parse(CLI_I, &h), 0);
    assert_string_equal(h.variant, "argon2i");

    assert_int_equal(acc_phc_parse(CLI_ID16, &h), 0);
    assert_int_equal(h.hash_len, 16);

    /* No v= means version 0x10, as libargon2 reads it. */
    assert_int_equal(
        acc_phc_parse("$argon2d$m=64,t=1,p=1$c29tZXNhbHQ$"
                      "BDttV45bckoRtgeAmxDKDf21Ruglm1x79meMBV3Xkjs",
                      &h),
        0);
    assert_int_equal(h.version, 16);
    assert_int_equal(acc_password_verify("$argon2d$m=64,t=1,p=1$c29tZXNhbHQ$"
                                         "BDttV45bckoRtgeAmxDKDf21Ruglm1x79meM"
                                         "BV3Xkjs",
                                         "password", 8, NULL),
                     ACC_PW_MATCH);
    assert_int_equal(acc_phc_parse(KAT_ID, NULL), -1);
}

/* Salts and tags up to 64 bytes verify; longer ones do not parse. */
static void test_salt_and_tag_lengths(void **state)
{
    static const struct {
        size_t salt, tag;
        int ok;
    } c[] = {{8, 4, 1},   {64, 64, 1}, {22, 32, 1},
             {65, 32, 0}, {16, 65, 0}, {100, 100, 0}};
    unsigned char salt[128];
    char enc[400];
    acc_phc_t h;
    apr_size_t i;

    (void)state;
    memset(salt, 's', sizeof(salt));
    for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        assert_int_equal(argon2id_hash_encoded(1, 64, 1, "password", 8, salt,
                                               c[i].salt, c[i].tag, enc,
                                               sizeof(enc)),
                         ARGON2_OK);
        if (c[i].ok) {
            assert_int_equal(acc_phc_parse(enc, &h), 0);
            assert_int_equal(h.salt_len, c[i].salt);
            assert_int_equal(h.hash_len, c[i].tag);
            assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                             ACC_PW_MATCH);
            assert_int_equal(acc_password_verify(enc, "passwore", 8, NULL),
                             ACC_PW_MISMATCH);
        }
        else {
            assert_int_equal(acc_phc_parse(enc, &h), -1);
            assert_int_equal(acc_password_verify(enc, "password", 8, NULL),
                             ACC_PW_UNUSABLE);
        }
    }
}

static void test_django_prefix(void **state)
{
    const char *phc;
    acc_phc_t h;

    (void)state;
    assert_int_equal(acc_password_verify("argon2" KAT_ID, "password", 8, NULL),
                     ACC_PW_MATCH);
    assert_int_equal(acc_password_verify("argon2" KAT_ID, "passwore", 8, NULL),
                     ACC_PW_MISMATCH);
    assert_int_equal(acc_phc_parse("argon2" KAT_ID, &h), 0);
    assert_int_equal(h.params.m_kib, 256);

    phc = hash_or_fail(&cheap, "s3cret", 6);
    phc = apr_pstrcat(pool, "argon2", phc, NULL);
    assert_int_equal(acc_password_verify(phc, "s3cret", 6, NULL), ACC_PW_MATCH);
    assert_int_equal(acc_password_needs_rehash(phc, &cheap), 0);

    /* Only exactly "argon2" in front of the '$'. */
    assert_int_equal(acc_password_verify("argon2argon2id$v=19$m=256,t=2,p=1$"
                                         "c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5"
                                         "h7TKyQwu9U1bMCHGi/4",
                                         "password", 8, NULL),
                     ACC_PW_UNUSABLE);
    assert_int_equal(acc_password_verify("argon2$" KAT_ID, "password", 8, NULL),
                     ACC_PW_UNUSABLE);
    assert_int_equal(
        acc_password_verify("argon2id" KAT_ID, "password", 8, NULL),
        ACC_PW_UNUSABLE);
    assert_int_equal(acc_password_verify("argon2" CLI_I, "password", 8, NULL),
                     ACC_PW_MATCH);
}

static void test_unusable(void **state)
{
#define H "$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMCHGi/4"
    static const char *const bad[] = {
        "",
        "!",
        "!abc",
        "!4lX9ZnD0MLbAxXr3tXiQ9ajB7KcWd0fTpvmjEqUa",
        "$",
        "$argon2id$",
        "$argon2id$v=19$",
        "$argon2id$v=19$m=256,t=2,p=1$",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$",
        "$argon2id$v=19$m=256,t=2,p=1$$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQwu9U1bMC",
        "argon2",
        "argon2$",
        /* Django's other forms verify (test_djhash.c); its oldest do not */
        "md5$c29tZXNhbHQ$0123456789abcdef0123456789abcdef",
        "sha1$c29tZXNhbHQ$0123456789abcdef0123456789abcdef01234567",
        /* bcrypt without Django's prefix is not a Django hash */
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        /* variants and versions */
        "$argon2$v=19$m=256,t=2,p=1" H,
        "$argon2x$v=19$m=256,t=2,p=1" H,
        "$argon2ds$v=19$m=256,t=2,p=1" H,
        "$ARGON2ID$v=19$m=256,t=2,p=1" H,
        "argon2id$v=19$m=256,t=2,p=1" H,
        "$argon2id$v=18$m=256,t=2,p=1" H,
        "$argon2id$v=0x13$m=256,t=2,p=1" H,
        "$argon2id$v=019$m=256,t=2,p=1" H,
        "$argon2id$v=$m=256,t=2,p=1" H,
        /* numbers */
        "$argon2id$v=19$m=4294967296,t=2,p=1" H,
        "$argon2id$v=19$m=99999999999999999999999,t=2,p=1" H,
        "$argon2id$v=19$m=256,t=18446744073709551617,p=1" H,
        "$argon2id$v=19$m=256,t=2,p=4294967295" H,
        "$argon2id$v=19$m=4294967552,t=2,p=1" H, /* 2^32 + 256 */
        "$argon2id$v=19$m=256,t=4294967298,p=1" H,
        "$argon2id$v=4294967315$m=256,t=2,p=1" H,
        "$argon2id$v=19$m=256,t=2,p=16777216" H,
        "$argon2id$v=19$m=0256,t=2,p=1" H,
        "$argon2id$v=19$m=+256,t=2,p=1" H,
        "$argon2id$v=19$m=-256,t=2,p=1" H,
        "$argon2id$v=19$m= 256,t=2,p=1" H,
        "$argon2id$v=19$m=256 ,t=2,p=1" H,
        "$argon2id$v=19$m=,t=2,p=1" H,
        "$argon2id$v=19$m=256,t=0,p=1" H,
        "$argon2id$v=19$m=256,t=2,p=0" H,
        "$argon2id$v=19$m=7,t=2,p=1" H,
        "$argon2id$v=19$m=8,t=2,p=2" H,
        /* field order and separators */
        "$argon2id$v=19$t=2,m=256,p=1" H,
        "$argon2id$v=19$m=256,t=2" H,
        "$argon2id$v=19$m=256,t=2,p=1,x=1" H,
        "$argon2id$v=19$m=256;t=2;p=1" H,
        "$argon2id$v=19$$m=256,t=2,p=1" H,
        /* base64 */
        "$argon2id$v=19$m=256,t=2,p=1$c29t*XNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7"
        "TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ=$nf65EOgLrQMR/uIPnA4rEsF5h"
        "7TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR_uIPnA4rEsF5h7"
        "TKyQwu9U1bMCHGi-4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHR$nf65EOgLrQMR/uIPnA4rEsF5h7"
        "TKyQwu9U1bMCHGi/4",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$nf65EOgLrQMR/uIPnA4rEsF5h7"
        "TKyQwu9U1bMCHGi/5",
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQA$nf65EOgLrQMR/uIPnA4rEsF5h"
        "7TKyQwu9U1bMCHGi/4", /* control: 12 chars, 9 bytes, fine */
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQAA$nf65EOgLrQMR/uIPnA4rEsF5h"
        "7TKyQwu9U1bMCHGi/4", /* 13: impossible */
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXM$nf65EOgLrQMR/uIPnA4rEsF5h7TKyQ"
        "wu9U1bMCHGi/4", /* 5-byte salt: below libargon2's 8 */
        "$argon2id$v=19$m=256,t=2,p=1$c29tZXNhbHQ$AAA", /* 2-byte tag */
        /* trailing garbage */
        "$argon2id$v=19$m=256,t=2,p=1" H "$",
        "$argon2id$v=19$m=256,t=2,p=1" H " ",
        "$argon2id$v=19$m=256,t=2,p=1" H "\n",
        "$argon2id$v=19$m=256,t=2,p=1" H "$x",
        " $argon2id$v=19$m=256,t=2,p=1" H,
    };
#undef H
    acc_phc_t h;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        /* One well-formed control: a 9-byte salt is fine. */
        int ok = strstr(bad[i], "$c29tZXNhbHQA$") != NULL;

        if (ok) {
            assert_int_equal(acc_phc_parse(bad[i], &h), 0);
            assert_int_equal(h.salt_len, 9);
            assert_int_equal(acc_password_verify(bad[i], "password", 8, NULL),
                             ACC_PW_MISMATCH);
            continue;
        }
        if (acc_phc_parse(bad[i], &h) != -1) {
            fail_msg("parsed: %s", bad[i]);
        }
        if (acc_password_verify(bad[i], "password", 8, NULL) !=
            ACC_PW_UNUSABLE) {
            fail_msg("usable: %s", bad[i]);
        }
        assert_int_equal(acc_password_needs_rehash(bad[i], &cheap), 1);
    }
    assert_int_equal(acc_phc_parse(NULL, &h), -1);
    assert_int_equal(acc_password_verify(NULL, "password", 8, NULL),
                     ACC_PW_UNUSABLE);
    assert_int_equal(acc_password_verify(KAT_ID, NULL, 0, NULL),
                     ACC_PW_UNUSABLE);
    assert_int_equal(acc_password_needs_rehash(NULL, &cheap), 1);
}

/* Every prefix of a good string is either malformed or a mismatch. */
static void test_truncated(void **state)
{
    char buf[sizeof(KAT_ID)];
    apr_size_t n, hashstart = strlen(KAT_ID) - 43;
    acc_phc_t h;

    (void)state;
    for (n = 0; n < sizeof(KAT_ID) - 1; n++) {
        memcpy(buf, KAT_ID, n);
        buf[n] = '\0';
        if (n < hashstart + 6) {
            assert_int_equal(acc_phc_parse(buf, &h), -1);
            assert_int_equal(acc_password_verify(buf, "password", 8, NULL),
                             ACC_PW_UNUSABLE);
        }
        else {
            assert_int_not_equal(acc_password_verify(buf, "password", 8, NULL),
                                 ACC_PW_MATCH);
        }
    }
}

static void test_too_long(void **state)
{
    char *big = apr_palloc(pool, ACC_PASSWORD_MAX_BYTES + 1);
    const char *phc = NULL, *err = NULL;
    char enc[128];

    (void)state;
    memset(big, 'x', ACC_PASSWORD_MAX_BYTES + 1);
    assert_int_equal(acc_password_hash(pool, &cheap, big,
                                       ACC_PASSWORD_MAX_BYTES + 1, &phc, &err),
                     APR_EINVAL);
    assert_null(phc);
    assert_non_null(err);
    assert_non_null(strstr(err, "4096"));

    phc = hash_or_fail(&cheap, big, ACC_PASSWORD_MAX_BYTES);
    assert_int_equal(
        acc_password_verify(phc, big, ACC_PASSWORD_MAX_BYTES, NULL),
        ACC_PW_MATCH);
    assert_int_equal(
        acc_password_verify(phc, big, ACC_PASSWORD_MAX_BYTES + 1, NULL),
        ACC_PW_MISMATCH);

    /* A longer password is refused even when the hash is of it. */
    assert_int_equal(
        argon2id_hash_encoded(1, 64, 1, big, ACC_PASSWORD_MAX_BYTES + 1,
                              "somesaltsomesalt", 16, 32, enc, sizeof(enc)),
        ARGON2_OK);
    assert_int_equal(
        acc_password_verify(enc, big, ACC_PASSWORD_MAX_BYTES, NULL),
        ACC_PW_MISMATCH);
    assert_int_equal(
        acc_password_verify(enc, big, ACC_PASSWORD_MAX_BYTES + 1, NULL),
        ACC_PW_MISMATCH);
}

static void test_hash_bad_params(void **state)
{
    static const acc_argon2_params_t bad[] = {
        {4, 1, 1},   {8, 0, 1}, {8, 1, 0},
        {64, 1, 17}, {8, 1, 2}, {4194305, 1, 1},
    };
    const char *phc, *err;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        phc = "unset";
        err = NULL;
        assert_int_equal(acc_password_hash(pool, &bad[i], "pw", 2, &phc, &err),
                         APR_EINVAL);
        assert_null(phc);
        assert_non_null(err);
    }
    assert_int_equal(acc_password_hash(pool, &cheap, NULL, 0, &phc, NULL),
                     APR_EINVAL);
    /* err is optional */
    phc = NULL;
    assert_int_equal(acc_password_hash(pool, &cheap, "pw", 2, &phc, NULL),
                     APR_SUCCESS);
    assert_non_null(phc);
}

/* s with the first occurrence of from replaced by to, in pool. */
static const char *subst(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);

    assert_non_null(at);
    return apr_pstrcat(pool, apr_pstrndup(pool, s, (apr_size_t)(at - s)), to,
                       at + strlen(from), NULL);
}

static void test_needs_rehash(void **state)
{
    const acc_argon2_params_t other_m = {128, 1, 1}, other_t = {64, 2, 1},
                              other_p = {64, 1, 2};
    unsigned char salt[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14};
    char enc[128];
    const char *phc, *s;

    (void)state;
    phc = hash_or_fail(&cheap, "pw", 2);
    assert_int_equal(acc_password_needs_rehash(phc, &cheap), 0);
    assert_int_equal(acc_password_needs_rehash(phc, &other_m), 1);
    assert_int_equal(acc_password_needs_rehash(phc, &other_t), 1);
    assert_int_equal(acc_password_needs_rehash(phc, &other_p), 1);

    /* Other variant or version, same everything else. */
    s = subst(phc, "$argon2id$", "$argon2i$");
    assert_int_equal(acc_password_needs_rehash(s, &cheap), 1);
    s = subst(phc, "$argon2id$", "$argon2d$");
    assert_int_equal(acc_password_needs_rehash(s, &cheap), 1);
    s = subst(phc, "$v=19$", "$v=16$");
    assert_int_equal(acc_password_needs_rehash(s, &cheap), 1);
    s = subst(phc, "$v=19$", "$");
    assert_int_equal(acc_password_needs_rehash(s, &cheap), 1);

    /* Other tag length (16) and salt length (8, KAT). */
    assert_int_equal(argon2id_hash_encoded(1, 64, 1, "pw", 2, salt, 16, 16, enc,
                                           sizeof(enc)),
                     ARGON2_OK);
    assert_int_equal(acc_password_verify(enc, "pw", 2, NULL), ACC_PW_MATCH);
    assert_int_equal(acc_password_needs_rehash(enc, &cheap), 1);
    assert_int_equal(argon2id_hash_encoded(1, 64, 1, "pw", 2, salt, 16, 32, enc,
                                           sizeof(enc)),
                     ARGON2_OK);
    assert_int_equal(acc_password_needs_rehash(enc, &cheap), 0);
    s = subst(KAT_ID, "m=256,t=2", "m=64,t=1");
    assert_int_equal(acc_password_needs_rehash(s, &cheap), 1);

    /* NULL params mean the defaults. */
    s = subst(phc, "m=64,t=1,p=1", "m=19456,t=2,p=1");
    assert_int_equal(acc_password_needs_rehash(s, NULL), 0);
    assert_int_equal(acc_password_needs_rehash(phc, NULL), 1);
}

static void test_params_accept(void **state)
{
    acc_argon2_params_t prm;

    (void)state;
    memset(&prm, 0xaa, sizeof(prm));
    assert_null(acc_argon2_params_parse(pool, NULL, &prm));
    assert_int_equal(prm.m_kib, ACC_ARGON2_DEFAULT_M);
    assert_int_equal(prm.t, ACC_ARGON2_DEFAULT_T);
    assert_int_equal(prm.p, ACC_ARGON2_DEFAULT_P);

    assert_null(acc_argon2_params_parse(pool, "", &prm));
    assert_int_equal(prm.m_kib, 19456);

    assert_null(acc_argon2_params_parse(pool, "m=64 t=1 p=1", &prm));
    assert_int_equal(prm.m_kib, 64);
    assert_int_equal(prm.t, 1);
    assert_int_equal(prm.p, 1);

    assert_null(acc_argon2_params_parse(pool, "  t=3 \t  m=65536  ", &prm));
    assert_int_equal(prm.m_kib, 65536);
    assert_int_equal(prm.t, 3);
    assert_int_equal(prm.p, 1);

    assert_null(acc_argon2_params_parse(pool, "p=4", &prm));
    assert_int_equal(prm.m_kib, 19456);
    assert_int_equal(prm.t, 2);
    assert_int_equal(prm.p, 4);

    assert_null(acc_argon2_params_parse(pool, "m=1024 m=2048", &prm));
    assert_int_equal(prm.m_kib, 2048);

    assert_null(acc_argon2_params_parse(pool, "m=4194304 p=16", &prm));
    assert_int_equal(prm.m_kib, 4194304);
    assert_int_equal(prm.p, 16);

    assert_null(acc_argon2_params_parse(pool, "m=128 p=16", &prm));
    assert_null(acc_argon2_params_parse(pool, "m=8", &prm));
}

static void test_params_reject(void **state)
{
    static const struct {
        const char *in, *msg;
    } cases[] = {
        {"x=1", "unknown argon2 parameter 'x=1'"},
        {"M=64", "unknown argon2 parameter 'M=64'"},
        {"m", "unknown argon2 parameter 'm'"},
        {"m64", "unknown argon2 parameter 'm64'"},
        {"mm=64", "unknown argon2 parameter 'mm=64'"},
        {"m=abc", "m must be a number of KiB of at least 8 per lane, not "
                  "'abc'"},
        {"m=", "m must be a number of KiB of at least 8 per lane, not ''"},
        {"m=12k", "not '12k'"},
        {"m=-64", "not '-64'"},
        {"m=+64", "not '+64'"},
        {"m=7", "m must be a number of KiB of at least 8 per lane, not '7'"},
        {"m=99999999999", "not '99999999999'"},
        {"m=4194305", "m must be at most 4194304 KiB (4 GiB), not '4194305'"},
        {"m=8 p=2", "at least 8 per lane, not '8' with p=2"},
        {"p=16 m=127", "not '127' with p=16"},
        {"t=0", "t must be a number of passes of at least 1, not '0'"},
        {"t=1.5", "t must be a number of passes of at least 1, not '1.5'"},
        {"t=", "not ''"},
        {"p=0", "p must be a number of lanes from 1 to 16, not '0'"},
        {"p=17", "p must be a number of lanes from 1 to 16, not '17'"},
        {"m=64 t=1 p=x", "lanes from 1 to 16, not 'x'"},
        {"m=64,t=1,p=1", "m must be a number of KiB"},
    };
    acc_argon2_params_t prm = {1, 2, 3};
    const char *msg;
    apr_size_t i;

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        msg = acc_argon2_params_parse(pool, cases[i].in, &prm);
        if (msg == NULL) {
            fail_msg("accepted: '%s'", cases[i].in);
        }
        if (strstr(msg, cases[i].msg) == NULL) {
            fail_msg("for '%s': got \"%s\", want \"%s\"", cases[i].in, msg,
                     cases[i].msg);
        }
        /* out is left alone on error */
        assert_int_equal(prm.m_kib, 1);
        assert_int_equal(prm.t, 2);
        assert_int_equal(prm.p, 3);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_then_verify),
        cmocka_unit_test(test_hash_binary_and_empty),
        cmocka_unit_test(test_phc_shape),
        cmocka_unit_test(test_same_as_libargon2),
        cmocka_unit_test(test_lanes_from_libargon2),
        cmocka_unit_test(test_no_threads),
        cmocka_unit_test(test_memory_returned),
        cmocka_unit_test(test_cost_ceiling),
        cmocka_unit_test(test_cost_ok),
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_salt_and_tag_lengths),
        cmocka_unit_test(test_django_prefix),
        cmocka_unit_test(test_unusable),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_caller_memory),
        cmocka_unit_test(test_hash_bad_params),
        cmocka_unit_test(test_needs_rehash),
        cmocka_unit_test(test_params_accept),
        cmocka_unit_test(test_params_reject),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
