/*
 * src/core/csrf.c -- CSRF secrets and per-form masked tokens, as Django does.
 *
 * Django's alphabet and arithmetic (django/middleware/csrf.py):
 * cipher[i] = chars[(idx(secret[i]) + idx(mask[i])) % 62], token = mask +
 * cipher.  Characters are mapped to and from their index without tables
 * or branches on the secret, so unmasking leaks nothing through timing.
 */
#include "csrf.h"
#include "crypto.h"

#include <apr_crypto.h>

#include <string.h>

#define NCHARS 62
#define HALF   ACC_CSRF_SECRET_LEN

/* Django's CSRF_ALLOWED_CHARS, in its order, are
 *     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
 * and "chars" and "idx" below refer to that string. */

/* All ones when lo <= x <= hi, else zero; no branch. */
static unsigned in_range(unsigned x, unsigned lo, unsigned hi)
{
    return 0u - (unsigned)(x - lo <= hi - lo);
}

/* idx(c), or -1 when c is not one of the 62 characters. */
static int char_index(char c)
{
    unsigned x = (unsigned char)c;
    unsigned lower = in_range(x, 'a', 'z');
    unsigned upper = in_range(x, 'A', 'Z');
    unsigned digit = in_range(x, '0', '9');
    unsigned r;

    r = (lower & (x - 'a')) | (upper & (x - 'A' + 26)) |
        (digit & (x - '0' + 52)) | ~(lower | upper | digit);
    return (int)r;
}

/* chars[i] for 0 <= i < 62, computed rather than looked up. */
static char index_char(unsigned i)
{
    unsigned c = 'a' + i;

    c -= in_range(i, 26, 61) & ('a' - 'A' + 26);
    c -= in_range(i, 52, 61) & ('A' + 52 - 26 - '0');
    return (char)c;
}

/* (a + b) mod 62 and (a - b) mod 62 for a, b in 0..61. */
static unsigned add62(unsigned a, unsigned b)
{
    unsigned s = a + b;

    return s - (in_range(s, NCHARS, 2 * NCHARS) & NCHARS);
}

static unsigned sub62(unsigned a, unsigned b)
{
    return add62(a, NCHARS - b);
}

/* n characters chosen uniformly from chars into out: random bytes below
 * 248 (4 * 62) are kept and reduced mod 62, the rest thrown away.
 * Returns 0, or -1 when the OS gives no (or implausibly bad) randomness. */
static int random_chars(char *out, apr_size_t n)
{
    unsigned char buf[64];
    apr_size_t got = 0, i;
    int round;

    for (round = 0; got < n && round < 16; round++) {
        if (acc_random_bytes(buf, sizeof(buf)) != APR_SUCCESS) {
            break;
        }
        for (i = 0; i < sizeof(buf) && got < n; i++) {
            if (buf[i] < 4 * NCHARS) {
                out[got++] = index_char(buf[i] % NCHARS);
            }
        }
    }
    apr_crypto_memzero(buf, sizeof(buf));
    return got == n ? 0 : -1;
}

/* strlen(s), but looking at no more than max + 1 bytes. */
static apr_size_t bounded_len(const char *s, apr_size_t max)
{
    apr_size_t n = 0;

    while (n <= max && s[n] != '\0') {
        n++;
    }
    return n;
}

const char *acc_csrf_new_secret(apr_pool_t *p)
{
    char *s = apr_palloc(p, HALF + 1);

    if (random_chars(s, HALF) != 0) {
        return NULL;
    }
    s[HALF] = '\0';
    return s;
}

int acc_csrf_secret_valid(const char *s)
{
    apr_size_t i;

    if (s == NULL || bounded_len(s, HALF) != HALF) {
        return 0;
    }
    for (i = 0; i < HALF; i++) {
        if (char_index(s[i]) < 0) {
            return 0;
        }
    }
    return 1;
}

const char *acc_csrf_mask(apr_pool_t *p, const char *secret)
{
    char *tok;
    apr_size_t i;

    if (!acc_csrf_secret_valid(secret)) {
        return NULL;
    }
    tok = apr_palloc(p, ACC_CSRF_TOKEN_LEN + 1);
    if (random_chars(tok, HALF) != 0) {
        return NULL;
    }
    for (i = 0; i < HALF; i++) {
        tok[HALF + i] = index_char(add62((unsigned)char_index(secret[i]),
                                         (unsigned)char_index(tok[i])));
    }
    tok[ACC_CSRF_TOKEN_LEN] = '\0';
    return tok;
}

int acc_csrf_check(const char *secret, const char *token)
{
    char plain[HALF + 1];
    apr_size_t len, i;
    int bad = 0, m, c, ok;

    if (!acc_csrf_secret_valid(secret) || token == NULL) {
        return 0;
    }
    len = bounded_len(token, ACC_CSRF_TOKEN_LEN);
    if (len != ACC_CSRF_TOKEN_LEN && len != HALF) {
        return 0;
    }
    for (i = 0; i < HALF; i++) {
        if (len == HALF) {
            c = char_index(token[i]);
            bad |= c;
            plain[i] = token[i];
        }
        else {
            m = char_index(token[i]);
            c = char_index(token[HALF + i]);
            bad |= m | c;
            plain[i] = index_char(sub62((unsigned)c & 63, (unsigned)m & 63));
        }
    }
    plain[HALF] = '\0';
    ok = bad >= 0 && acc_str_equal_ct(plain, secret);
    apr_crypto_memzero(plain, sizeof(plain));
    return ok;
}
