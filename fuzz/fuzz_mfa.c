/*
 * fuzz/fuzz_mfa.c -- libFuzzer target: what a browser sends the second
 * factor's pages: pending and trust tickets (cookies), TOTP and recovery
 * codes (form fields), sealed secrets as a tampered row would hold them,
 * and text for the QR code.
 *
 * Invariants: a ticket that checks under the key is exactly the one
 * acc_mfa_ticket_make makes of its own numbers; nothing sealed by anyone
 * without the key opens; a recovery code hashes to 64 hex digits or to
 * nothing; a TOTP code is taken only for a step within the drift window
 * and after the last one used; a QR code is made for anything short but
 * empty.
 */
#include "core/totp.h"
#include "core/qrsvg.h"

#include "harness.h"

#include <apr_strings.h>

#include <string.h>

static const unsigned char KEY[] = "fuzz-secret-key-0123456789-abcdef";
static const unsigned char SECRET[] = "12345678901234567890";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char seal[ACC_MFA_KEY_LEN], codes[ACC_MFA_KEY_LEN], out[64];
    apr_int64_t uid, issued, step;
    apr_size_t n = 0;
    const char *h;
    char *s;
    int flags;

    if ((s = fuzz_cstr(data, size)) == NULL) {
        return 0;
    }
    if (acc_mfa_ticket_parse(s, &uid, &issued, &flags) == 0 &&
        acc_mfa_ticket_check(pool, KEY, sizeof(KEY) - 1, "pending", s,
                             "bind") &&
        strcmp(s, acc_mfa_ticket_make(pool, KEY, sizeof(KEY) - 1, "pending",
                                      uid, issued, flags, "bind")) != 0) {
        abort();
    }
    acc_mfa_keys(pool, KEY, sizeof(KEY) - 1, seal, codes);
    if (acc_mfa_open(pool, seal, s, "1", out, sizeof(out), &n) == 0) {
        abort(); /* a forgery of AES-GCM */
    }
    h = acc_recovery_code_hash(pool, codes, s);
    if (h && (strlen(h) != 64 || strspn(h, "0123456789abcdef") != 64)) {
        abort();
    }
    step = acc_totp_check(SECRET, 20, s, 1234567890, 41152262);
    if (step != -1 && (step < 41152262 || step > 41152264)) {
        abort();
    }
    if (*s && size < 200 && acc_qr_svg(pool, s) == NULL) {
        abort();
    }
    apr_pool_clear(pool);
    free(s);
    return 0;
}
