/*
 * src/core/mailpipe.c -- hand a message to a sendmail-compatible command.
 *
 * The command line (AccountsMailCommand, or accountsctl mail send's) is
 * split into words as httpd splits arguments (apr_tokenize_to_argv: quotes
 * and backslashes, no shell), the program found on a fixed PATH when its
 * name has no '/', run with the whole message on its standard input and
 * an environment of its own (PATH, and the caller's HOME, LANG and TZ:
 * nothing else of httpd's), and judged by its exit status; what it says
 * on stderr explains a failure.  Used by the module's sender and by
 * accountsctl.
 */
#ifndef ACC_MAILPIPE_H
#define ACC_MAILPIPE_H

#include "core.h"

#include <apr_time.h>

/* How long a command may take before it is killed (and the message is
 * tried again later). */
#define ACC_MAIL_PIPE_TIMEOUT apr_time_from_sec(20)

/* Run command with msg on its stdin: NULL when it exited 0, else one line
 * saying what went wrong (its first words on stderr included), in p. */
const char *acc_mail_pipe(apr_pool_t *p, const char *command, const char *msg,
                          apr_interval_time_t timeout);

#endif /* ACC_MAILPIPE_H */
