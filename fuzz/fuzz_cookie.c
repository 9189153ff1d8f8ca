/*
 * fuzz/fuzz_cookie.c -- libFuzzer target: the Cookie header parser.
 *
 * Input: a cookie name, a NUL byte, then the header (the name defaults to
 * "sessionid" when there is no NUL).  Checks that get agrees with the
 * first of get_all, and that no value is longer than the header.
 */
#include "core/cookie.h"

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    char *name, *header;
    const char *first;
    apr_array_header_t *all;
    size_t hlen;
    int i;

    if (nul) {
        name =
            apr_pstrmemdup(pool, (const char *)data, (apr_size_t)(nul - data));
        hlen = size - (size_t)(nul - data) - 1;
        header = fuzz_cstr(nul + 1, hlen);
    }
    else {
        name = "sessionid";
        header = fuzz_cstr(data, size);
    }
    if (header == NULL) {
        apr_pool_clear(pool);
        return 0;
    }
    hlen = strlen(header);

    first = acc_cookie_get(pool, header, name);
    all = acc_cookie_get_all(pool, header, name);
    if (all == NULL || (first == NULL) != (all->nelts == 0)) {
        abort();
    }
    if (first && strcmp(first, APR_ARRAY_IDX(all, 0, const char *)) != 0) {
        abort();
    }
    for (i = 0; i < all->nelts; i++) {
        const char *v = APR_ARRAY_IDX(all, i, const char *);

        if (strlen(v) > hlen || strchr(v, ';') || strchr(v, ',')) {
            abort();
        }
        (void)acc_is_base64url(v, strlen(v));
    }
    (void)acc_is_base64url(header, hlen);

    apr_pool_clear(pool);
    free(header);
    return 0;
}
