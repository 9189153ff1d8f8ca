/*
 * src/core/mailmsg.h -- a whole mail message, safe to pipe into
 * `sendmail -t -i`.
 *
 * The module queues mail (password reset links, email verification) as
 * the finished text of an RFC 5322 message, built here when the mail is
 * queued; the sender only pipes it into the configured command.  That
 * command reads the recipients from the headers (-t), so a line break
 * that reached a header from a display name, a subject or an address
 * would add recipients.  Hence, for every input:
 *
 *   - no header ever holds a CR, a NUL or any other C0 control, DEL or
 *     C1 control; header lines break only where this file folds them
 *     ("\n" and a space);
 *   - addresses are one plain addr-spec each (acc_mail_addr_ok), or the
 *     message is refused;
 *   - a display name goes out as bare words (letters, digits, space and
 *     - ' _ & +), as a quoted-string (the same and "."), or else as
 *     RFC 2047 encoded-words, which hold only letters, digits and
 *     + / = ?; so the To and From headers hold exactly one "@" and at
 *     most one "<" and one ">", whatever the name, and even a naive
 *     address parser finds the right recipient;
 *   - the subject has its line breaks joined as Django joins them, and is
 *     sent as it is when it is plain printable ASCII, else as
 *     encoded-words;
 *   - the body is quoted-printable UTF-8: every line at most 76
 *     characters, nothing but printable ASCII, "." and "From " never at
 *     the start of a line (so it survives 7-bit relays, mbox files, and a
 *     command run without -i).
 *
 * The message uses "\n" line endings throughout (sendmail converts).
 * Encoded-words are "=?utf-8?b?...?=", at most 75 characters each, never
 * splitting a UTF-8 sequence; a header line holding one is at most 76
 * characters long (RFC 2047, 2).  Input that is not valid UTF-8 (or holds
 * a NUL) is refused.
 */
#ifndef ACC_MAILMSG_H
#define ACC_MAILMSG_H

#include "core.h"

#include <apr_time.h>

#define ACC_MAIL_ADDR_MAX 254 /* bytes, as the email column */

/* 1 when addr (NUL-terminated) is one address this module mails to, else
 * 0 (also for NULL): at most 254 bytes, ASCII only, local@domain where the
 * local part is a dot-atom (letters, digits and !#$%&'*+-/=?^_`{|}~,
 * dots only between them) not starting with "|" or "/", and the domain is
 * dot-separated labels of letters, digits and inner hyphens (1 to 63 each)
 * or a literal "[...]" of letters, digits, ":" and ".".  So no space,
 * comma, quote, angle bracket, parenthesis, line break or control
 * character, and no second "@".  Django accepts more (quoted local parts,
 * non-ASCII letters it folds to ASCII); such addresses are not mailed. */
int acc_mail_addr_ok(const char *addr);

/* NULL when from can be the sender of every message: "addr", "<addr>" or
 * "Name <addr>", the name bare or "quoted" (with \ escapes), in any UTF-8
 * text, addr as acc_mail_addr_ok; else the reason, one sentence in p
 * quoting from escaped, e.g.
 *   'x' is not an email address such as noreply@example.org or
 *   Example <noreply@example.org>
 * that the caller prefixes with the directive's name (AccountsMailFrom). */
const char *acc_mail_from_check(apr_pool_t *p, const char *from);

/* The header line "name: value\n" for unstructured text (a subject), in
 * p; name is the caller's constant.  value (NULL reads as "") is cleaned
 * first: line breaks (those of Python's str.splitlines: CR, LF, VT, FF,
 * 1C..1E, U+0085, U+2028, U+2029) are removed, joining the lines as Django
 * does; other C0 controls, DEL and C1 controls are removed too, and a tab
 * becomes a space; then surrounding whitespace is stripped (acc_strip).
 * Then it goes out as it is, folded at spaces, when it is printable ASCII
 * with no "=?" and no word too long for a 76-character line; else as
 * encoded-words, folded between them.  NULL when value is not valid UTF-8
 * or holds a NUL. */
const char *acc_mail_header_text(apr_pool_t *p, const char *name,
                                 const char *value);

/* body (NULL reads as "") as a quoted-printable (RFC 2045, 6.7) body in p:
 * CRLF and CR first become LF, and a final LF is added when missing; each
 * line then ends in "\n", is at most 76 characters long (soft line breaks
 * "=\n" split longer ones, never inside an "=XX"), and holds only
 * printable ASCII, spaces and tabs.  Encoded as "=XX" (upper-case hex): "=",
 * every byte above 0x7E, controls other than tab, a space or tab that
 * ends a line, and a "." or the "F" of "From " that would start a line.
 * NULL when body is not valid UTF-8 or holds a NUL. */
const char *acc_mail_qp_encode(apr_pool_t *p, const char *body);

/* The whole message, in p: the headers
 *
 *   Date: Tue, 01 Dec 2026 20:30:00 +0000     (date, in UTC)
 *   From: Example <noreply@example.org>       (from as configured)
 *   To: Alice Smith <alice@example.com>       (to_name, to)
 *   Subject: ...                              (acc_mail_header_text)
 *   Message-ID: <24 random base64url characters@msgid_domain>
 *   MIME-Version: 1.0
 *   Content-Type: text/plain; charset=utf-8
 *   Content-Transfer-Encoding: quoted-printable
 *   Auto-Submitted: auto-generated
 *
 * an empty line and the body (acc_mail_qp_encode).  from is checked as
 * acc_mail_from_check, to as acc_mail_addr_ok.  to_name (NULL or "" for
 * none) may be anything the user chose: controls become spaces, runs of
 * spaces one space, surrounding whitespace goes, and what is left is the
 * display name, encoded as above.  subject and body may be NULL.
 * msgid_domain NULL or "" means the domain of from's address; otherwise it
 * must be labels as in acc_mail_addr_ok (or a literal), at most 253
 * bytes.
 *
 * On error NULL, and *err (err must not be NULL) gets one sentence in p,
 * never quoting to_name, subject or body: a bad sender ("sender: " and
 * acc_mail_from_check's sentence), a recipient that is not an address we
 * mail to, text that is not valid UTF-8, a bad msgid_domain, or no random
 * bytes from the OS. */
const char *acc_mail_build(apr_pool_t *p, const char *from, const char *to,
                           const char *to_name, const char *subject,
                           const char *body, apr_time_t date,
                           const char *msgid_domain, const char **err);

#endif /* ACC_MAILMSG_H */
