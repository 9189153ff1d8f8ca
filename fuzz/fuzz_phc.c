/*
 * fuzz/fuzz_phc.c -- libFuzzer target: PHC parsing, rehash and verify.
 *
 * The input, as a NUL-terminated string, goes to acc_phc_parse and
 * acc_password_needs_rehash, and to acc_password_verify when it is cheap
 * to check (m <= 64 KiB, t <= 2) or over the cost ceiling for a configured
 * m=64 t=1 p=1.  It also goes to acc_argon2_params_parse.  Invariants
 * checked: what does not parse needs a rehash and is unusable; what is
 * over the ceiling is unusable (and returns at once: otherwise a timeout);
 * what parses within it is never unusable to libargon2 (our parser is no
 * looser than its decoder).
 */
#include "core/password.h"

#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const acc_argon2_params_t prm = {64, 1, 1};
    acc_argon2_params_t out;
    acc_phc_t h;
    acc_pw_result_t r;
    char *s;
    int rc;

    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }

    rc = acc_phc_parse(s, &h);
    if (acc_password_needs_rehash(s, &prm) != 1 && rc != 0) {
        abort();
    }
    if (rc != 0) {
        if (acc_password_verify(s, "password", 8, &prm) != ACC_PW_UNUSABLE) {
            abort();
        }
    }
    else {
        if (strncmp(h.variant, "argon2", 6) != 0 || h.salt_len < 8 ||
            h.hash_len < 4 || h.params.t < 1 || h.params.p < 1 ||
            h.params.m_kib < 8 * (uint64_t)h.params.p) {
            abort();
        }
        if (!acc_password_cost_ok(&h.params, &prm)) {
            /* Refused before hashing: cheap whatever the cost says. */
            if (acc_password_verify(s, "password", 8, &prm) !=
                ACC_PW_UNUSABLE) {
                abort();
            }
        }
        else if (h.params.m_kib <= 64 && h.params.t <= 2) {
            r = acc_password_verify(s, "password", 8, &prm);
            if (r == ACC_PW_UNUSABLE) {
                abort();
            }
        }
    }

    (void)acc_argon2_params_parse(pool, s, &out);
    apr_pool_clear(pool);
    free(s);
    return 0;
}
