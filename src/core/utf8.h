/*
 * src/core/utf8.h -- the core's Unicode helpers: strict UTF-8, code points,
 * Python's whitespace and word characters.
 *
 * One definition of valid UTF-8 for the whole module, RFC 3629's (the
 * Unicode Standard's table of well-formed byte sequences):
 *
 *   U+0000..U+007F      00..7F
 *   U+0080..U+07FF      C2..DF  80..BF
 *   U+0800..U+0FFF      E0      A0..BF  80..BF
 *   U+1000..U+CFFF      E1..EC  80..BF  80..BF
 *   U+D000..U+D7FF      ED      80..9F  80..BF
 *   U+E000..U+FFFF      EE..EF  80..BF  80..BF
 *   U+10000..U+3FFFF    F0      90..BF  80..BF  80..BF
 *   U+40000..U+FFFFF    F1..F3  80..BF  80..BF  80..BF
 *   U+100000..U+10FFFF  F4      80..8F  80..BF  80..BF
 *
 * so no overlong form, no surrogate (U+D800..U+DFFF), nothing above
 * U+10FFFF, no truncated sequence, and never a byte C0, C1 or F5..FF.
 * utf8proc_iterate() (utf8proc 2.8) reads exactly the same sequences.
 *
 * Callers differ in one rule only, kept explicit by two functions: text
 * (a username, a group name, a `next` URL) may not hold U+0000, so
 * acc_utf8_valid() refuses it; a form field's bytes may, because
 * urlencoded.c reports a NUL byte on its own (ACC_FIELD_NUL) and checks
 * the encoding with acc_utf8_wellformed().
 *
 * Then what the rules of validate.h and names.h share: strings as arrays
 * of code points and back, and the character classes Django inherits
 * from Python (str.isspace(), str.strip(), the re module's \w).
 */
#ifndef ACC_UTF8_H
#define ACC_UTF8_H

#include "core.h"

/* ---- UTF-8 ----------------------------------------------------------- */

/* The length (1 to 4) of the well-formed sequence that starts s[0..avail),
 * and its code point in *c (when c is not NULL); 0 when none starts there
 * (avail is 0, a stray or missing continuation byte, an overlong form, a
 * surrogate, beyond U+10FFFF, C0, C1, F5..FF), and *c is then untouched.
 * A NUL byte is a sequence of one byte, U+0000. */
apr_size_t acc_utf8_char(const char *s, apr_size_t avail, int32_t *c);

/* The code point at s[0..avail) (avail > 0) in *c and its length, as
 * acc_utf8_char; a byte that starts no sequence reads as U+FFFD, one byte
 * long, so a loop over any bytes always advances. */
apr_size_t acc_utf8_next(const char *s, apr_size_t avail, int32_t *c);

/* 1 when s[0..len) is nothing but well-formed sequences (U+0000
 * included), else 0; 0 for NULL. */
int acc_utf8_wellformed(const char *s, apr_size_t len);

/* 1 when s[0..len) is well-formed UTF-8 with no NUL byte, else 0; 0 for
 * NULL. */
int acc_utf8_valid(const char *s, apr_size_t len);

/* Number of code points in a NUL-terminated valid UTF-8 string (0 for
 * NULL).  On other bytes it counts those that are not 80..BF. */
apr_size_t acc_utf8_length(const char *s);

/* ---- Code points ----------------------------------------------------- */

/* s (NUL-terminated; NULL reads as "") as code points, read as
 * acc_utf8_next reads them (a byte that starts no sequence is U+FFFD), in
 * a new array in p; *n gets how many. */
int32_t *acc_utf8_decode(apr_pool_t *p, const char *s, apr_size_t *n);

/* cp[0..n), Unicode scalar values (as acc_utf8_decode and utf8proc's case
 * mappings give), as a NUL-terminated UTF-8 string in p.  A value below 0
 * or above U+10FFFF is left out. */
char *acc_utf8_encode(apr_pool_t *p, const int32_t *cp, apr_size_t n);

/* ---- Python's character classes (1 or 0 for one code point) ---------- */

/* Whitespace to Python's str.isspace(): bidi class WS, B or S, or
 * category Zs (what acc_strip strips). */
int acc_is_space(int32_t c);

/* Python's Unicode \w (the re module): str.isalnum(), that is categories
 * L* and N*, or "_". */
int acc_is_word(int32_t c);

/* s without surrounding Unicode whitespace (Python's str.strip()), in p;
 * NULL reads as "".  A byte that is not valid UTF-8 is not whitespace. */
const char *acc_strip(apr_pool_t *p, const char *s);

#endif /* ACC_UTF8_H */
