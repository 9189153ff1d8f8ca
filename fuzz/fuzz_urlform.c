/*
 * fuzz/fuzz_urlform.c -- libFuzzer target: the urlencoded body parser.
 *
 * The input is the body, read through its length (libFuzzer's buffer is
 * exactly that size, so ASan catches any read past it).  Checks that each
 * field is NUL-terminated at len, that the flags match the bytes, that
 * decoding never grows the input, and that get finds the last field.
 */
#include "core/urlencoded.h"

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    apr_array_header_t *fields;
    const acc_field_t *f, *got;
    apr_size_t total = 0;
    int i, count;

    fields = acc_urlform_parse(pool, (const char *)data, size);
    if (fields == NULL) {
        abort();
    }
    for (i = 0; i < fields->nelts; i++) {
        f = &APR_ARRAY_IDX(fields, i, acc_field_t);
        if (f->name == NULL || f->value == NULL || f->value[f->len] != '\0') {
            abort();
        }
        if (f->flags &
            ~(ACC_FIELD_BAD_ESCAPE | ACC_FIELD_BAD_UTF8 | ACC_FIELD_NUL)) {
            abort();
        }
        /* A NUL in the value is always flagged. */
        if (memchr(f->value, '\0', f->len) && !(f->flags & ACC_FIELD_NUL)) {
            abort();
        }
        total += f->len + strlen(f->name);
    }
    if (total > size) {
        abort();
    }
    if (fields->nelts > 0) {
        f = &APR_ARRAY_IDX(fields, fields->nelts - 1, acc_field_t);
        got = acc_urlform_get(fields, f->name, &count);
        if (got != f || count < 1) {
            abort();
        }
    }

    apr_pool_clear(pool);
    return 0;
}
