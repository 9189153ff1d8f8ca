/*
 * fuzz/harness.h -- what every libFuzzer target shares: libFuzzer's entry
 * points, APR set up once, a pool for each input, exact-size copies.
 *
 * Each fuzz/fuzz_X.c is a program of its own: it includes this header
 * once and defines LLVMFuzzerTestOneInput, which allocates from `pool`
 * and clears it before returning.  LLVMFuzzerInitialize is defined here.
 */
#ifndef ACC_FUZZ_HARNESS_H
#define ACC_FUZZ_HARNESS_H

#include "core/core.h"

#include <apr_general.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* libFuzzer's entry points: called once at startup, then once an input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The pool an input allocates from; the target clears it after each. */
static apr_pool_t *pool;

/* APR and the pool, or abort(): nothing can be fuzzed without them. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    ACC_UNUSED(argc);
    ACC_UNUSED(argv);
    if (apr_initialize() != APR_SUCCESS ||
        apr_pool_create(&pool, NULL) != APR_SUCCESS) {
        abort();
    }
    return 0;
}

/* data[0..size) and a NUL, in a malloc'd block of exactly size + 1 bytes
 * (free() it), so that AddressSanitizer sees a read past the end: a copy
 * in a pool is a piece of a larger block, where it sees nothing.  NULL
 * when out of memory (the target then skips the input). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s != NULL) {
        memcpy(s, data, size);
        s[size] = '\0';
    }
    return s;
}

#endif /* ACC_FUZZ_HARNESS_H */
