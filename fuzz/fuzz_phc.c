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
 * looser than its decoder).  Django's other forms (djhash.h) go to
 * acc_dj_parse, and to verification when cheap (PBKDF2 <= 1000
 * iterations, bcrypt cost <= 5, scrypt N r p <= 4096): what parses is
 * never unusable to PBKDF2 and scrypt, what is over a ceiling or does not
 * parse is unusable; acc_password_problem explains every input.
 */
#include "core/djhash.h"
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
        acc_dj_hash_t dj;
        /* Not argon2 and not Django's: nothing could match it. */
        if ((acc_dj_parse(s, &dj), dj.kind == ACC_DJ_NONE) &&
            acc_password_verify(s, "password", 8, &prm) != ACC_PW_UNUSABLE) {
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

    {
        acc_dj_hash_t dj;
        int drc = acc_dj_parse(s, &dj), unknown;
        if (drc != 0 && dj.kind != ACC_DJ_NONE &&
            acc_password_verify(s, "password", 8, &prm) != ACC_PW_UNUSABLE) {
            abort();
        }
        if (drc == 0) {
            int cheap = (dj.kind == ACC_DJ_PBKDF2_SHA256 ||
                         dj.kind == ACC_DJ_PBKDF2_SHA1)
                            ? dj.iterations <= 1000
                        : dj.kind == ACC_DJ_SCRYPT ? dj.n * dj.r * dj.p <= 4096
                                                   : dj.iterations <= 5;
            if (cheap) {
                r = acc_password_verify(s, "password", 8, &prm);
                if (r == ACC_PW_UNUSABLE && dj.kind != ACC_DJ_BCRYPT &&
                    dj.kind != ACC_DJ_BCRYPT_SHA256) {
                    abort();
                }
            }
        }
        (void)acc_password_problem(pool, s, &prm, &unknown);
    }
    (void)acc_argon2_params_parse(pool, s, &out);
    apr_pool_clear(pool);
    free(s);
    return 0;
}
