/*
 * src/core/mailpipe.c -- hand a message to a sendmail-compatible command.
 */
#include "mailpipe.h"

#include <apr_strings.h>
#include <apr_thread_proc.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Where a command named without a '/' is looked for. */
#define SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The command's environment: PATH, and HOME, LANG and TZ as the caller
 * has them (msmtp finds its configuration by HOME, for one). */
static const char *const *environment(apr_pool_t *p)
{
    static const char *const keep[] = {"HOME", "LANG", "TZ", NULL};
    const char **env = apr_pcalloc(p, sizeof(*env) * 5);
    int i, n = 0;

    env[n++] = "PATH=" SAFE_PATH;
    for (i = 0; keep[i]; i++) {
        const char *v = getenv(keep[i]);
        if (v) {
            env[n++] = apr_pstrcat(p, keep[i], "=", v, NULL);
        }
    }
    return env;
}

/* name as a path to run: itself when it holds a '/', else the first
 * executable of that name on SAFE_PATH; NULL when there is none. */
static const char *find_program(apr_pool_t *p, const char *name)
{
    const char *dir = SAFE_PATH;

    if (strchr(name, '/')) {
        return name;
    }
    while (*dir) {
        apr_size_t n = strcspn(dir, ":");
        const char *path =
            apr_pstrcat(p, apr_pstrmemdup(p, dir, n), "/", name, NULL);
        if (access(path, X_OK) == 0) {
            return path;
        }
        dir += n + (dir[n] == ':');
    }
    return NULL;
}

const char *acc_mail_pipe(apr_pool_t *p, const char *command, const char *msg,
                          apr_interval_time_t timeout)
{
    const char *path;
    char **argv = NULL;
    apr_procattr_t *attr;
    apr_proc_t proc;
    apr_size_t n = strlen(msg), off = 0;
    apr_exit_why_e why;
    apr_time_t until;
    char out[512];
    apr_size_t outlen = sizeof(out) - 1;
    int code;
    apr_status_t rv;

    if (apr_tokenize_to_argv(command, &argv, p) != APR_SUCCESS ||
        argv[0] == NULL) {
        return "the mail command is empty";
    }
    /* Our ends of the pipes do not block (APR_CHILD_BLOCK): they time
     * out, so a command that hangs cannot hold the sender. */
    if ((rv = apr_procattr_create(&attr, p)) != APR_SUCCESS ||
        (rv = apr_procattr_io_set(attr, APR_CHILD_BLOCK, APR_NO_PIPE,
                                  APR_CHILD_BLOCK)) != APR_SUCCESS ||
        /* Our own environment for it (below), not the caller's: nothing
         * preloaded or set for httpd reaches the mail command. */
        (rv = apr_procattr_cmdtype_set(attr, APR_PROGRAM)) != APR_SUCCESS ||
        (rv = apr_procattr_error_check_set(attr, 1)) != APR_SUCCESS) {
        return apr_psprintf(p, "cannot set up the mail command: %pm", &rv);
    }
    if ((path = find_program(p, argv[0])) == NULL) {
        return apr_psprintf(p, "cannot run %s: no such program on %s", argv[0],
                            SAFE_PATH);
    }
    if ((rv = apr_proc_create(&proc, path, (const char *const *)argv,
                              environment(p), attr, p)) != APR_SUCCESS) {
        return apr_psprintf(p, "cannot run %s: %pm", argv[0], &rv);
    }
    /* One deadline for the whole of it. */
    until = apr_time_now() + timeout;
    apr_file_pipe_timeout_set(proc.in, timeout);
    while (off < n) {
        apr_size_t w = n - off;
        if ((rv = apr_file_write(proc.in, msg + off, &w)) != APR_SUCCESS) {
            /* Not all of it went: never let a cut message count as sent. */
            apr_file_close(proc.in);
            apr_file_close(proc.err);
            apr_proc_kill(&proc, SIGKILL);
            apr_proc_wait(&proc, &code, &why, APR_WAIT);
            return apr_psprintf(p, "%s did not take the whole message: %pm",
                                argv[0], &rv);
        }
        off += w;
    }
    apr_file_close(proc.in);
    /* What it says on stderr (the first of it) explains a failure. */
    out[0] = '\0';
    apr_file_pipe_timeout_set(
        proc.err, until > apr_time_now() ? until - apr_time_now() : 0);
    if (apr_file_read(proc.err, out, &outlen) == APR_SUCCESS) {
        out[outlen] = '\0';
    }
    else {
        out[0] = '\0';
    }
    while ((rv = apr_proc_wait(&proc, &code, &why, APR_NOWAIT)) ==
           APR_CHILD_NOTDONE) {
        if (apr_time_now() > until) {
            apr_proc_kill(&proc, SIGKILL);
            apr_proc_wait(&proc, &code, &why, APR_WAIT);
            apr_file_close(proc.err);
            return apr_psprintf(p, "%s took over %d s and was stopped", argv[0],
                                (int)apr_time_sec(timeout));
        }
        apr_sleep(apr_time_from_msec(20));
    }
    apr_file_close(proc.err);
    if (rv != APR_CHILD_DONE) {
        return apr_psprintf(p, "cannot wait for %s: %pm", argv[0], &rv);
    }
    if (why == APR_PROC_EXIT && code == 0) {
        return NULL;
    }
    out[strcspn(out, "\r\n")] = '\0';
    return apr_psprintf(p, "%s %s %d%s%s", argv[0],
                        why == APR_PROC_EXIT ? "exited with" : "killed by",
                        code, *out ? ": " : "", out);
}
