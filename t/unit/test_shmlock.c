/*
 * t/unit/test_shmlock.c -- the shared lock: it excludes across processes,
 * and a process that dies holding it (SIGKILL) does not block the others.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <apr_general.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/shmlock.h"

static apr_pool_t *pool;

/* A hang would be the failure: end the test instead. */
static void no_hang(int seconds)
{
    signal(SIGALRM, SIG_DFL);
    alarm((unsigned)seconds);
}

static void test_lock_unlock(void **state)
{
    acc_shmlock_t *l;

    (void)state;
    assert_int_equal(acc_shmlock_create(&l, pool), APR_SUCCESS);
    assert_non_null(l);
    no_hang(10);
    assert_int_equal(acc_shmlock_lock(l), ACC_SHMLOCK_OK);
    acc_shmlock_unlock(l);
    assert_int_equal(acc_shmlock_lock(l), ACC_SHMLOCK_OK);
    acc_shmlock_unlock(l);
    alarm(0);
}

/* Two processes adding to a shared counter under the lock lose nothing. */
static void test_excludes_processes(void **state)
{
    acc_shmlock_t *l;
    volatile long *counter;
    pid_t pid;
    int i, status;

    (void)state;
    assert_int_equal(acc_shmlock_create(&l, pool), APR_SUCCESS);
    counter = mmap(NULL, sizeof(*counter), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    assert_true(counter != MAP_FAILED);
    *counter = 0;
    no_hang(30);
    pid = fork();
    assert_true(pid >= 0);
    for (i = 0; i < 200000; i++) {
        long v;
        assert_true(acc_shmlock_lock(l) == ACC_SHMLOCK_OK);
        v = *counter;
        *counter = v + 1;
        acc_shmlock_unlock(l);
    }
    if (pid == 0) {
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(*counter, 400000);
    alarm(0);
    munmap((void *)counter, sizeof(*counter));
}

/* A child process takes l and is killed holding it. */
static void die_holding(acc_shmlock_t *l)
{
    int ready[2], status;
    char c;
    pid_t pid;

    assert_int_equal(pipe(ready), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (acc_shmlock_lock(l) != ACC_SHMLOCK_OK) {
            _exit(1);
        }
        if (write(ready[1], "x", 1) != 1) {
            _exit(1);
        }
        pause(); /* holding it until killed */
        _exit(0);
    }
    assert_int_equal(read(ready[0], &c, 1), 1);
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    close(ready[0]);
    close(ready[1]);
}

/* Locks made together are separate locks: another process takes one
 * while this one holds the others, and its death while holding it leaves
 * the others as they were. */
static void test_array(void **state)
{
    acc_shmlock_t *l[3];

    (void)state;
    assert_int_equal(acc_shmlock_create_n(l, 3, pool), APR_SUCCESS);
    assert_non_null(l[0]);
    assert_non_null(l[2]);
    assert_int_equal(acc_shmlock_lock(l[0]), ACC_SHMLOCK_OK);
    assert_int_equal(acc_shmlock_lock(l[2]), ACC_SHMLOCK_OK);
    no_hang(10);
    die_holding(l[1]);
    assert_int_equal(acc_shmlock_lock(l[1]), ACC_SHMLOCK_RECOVERED);
    acc_shmlock_unlock(l[1]);
    acc_shmlock_unlock(l[0]);
    acc_shmlock_unlock(l[2]);
    assert_int_equal(acc_shmlock_lock(l[0]), ACC_SHMLOCK_OK);
    acc_shmlock_unlock(l[0]);
    alarm(0);
    /* None is not a number of locks. */
    assert_int_equal(acc_shmlock_create_n(l, 0, pool), APR_EINVAL);
}

/* A process killed while it holds the lock: the next locker takes it over
 * (and is told so) instead of waiting for ever. */
static void test_holder_killed(void **state)
{
    acc_shmlock_t *l;

    (void)state;
    assert_int_equal(acc_shmlock_create(&l, pool), APR_SUCCESS);
    die_holding(l);
    no_hang(10);
    assert_int_equal(acc_shmlock_lock(l), ACC_SHMLOCK_RECOVERED);
    acc_shmlock_unlock(l);
    /* And it is an ordinary lock again. */
    assert_int_equal(acc_shmlock_lock(l), ACC_SHMLOCK_OK);
    acc_shmlock_unlock(l);
    alarm(0);
}

/* The pool the lock was made from goes (httpd's configuration pool at a
 * graceful restart) while a process forked before still uses the lock. */
static void test_outlives_pool(void **state)
{
    apr_pool_t *p;
    acc_shmlock_t *l;
    int go[2], status;
    char c;
    pid_t pid;

    (void)state;
    assert_int_equal(apr_pool_create(&p, pool), APR_SUCCESS);
    assert_int_equal(acc_shmlock_create(&l, p), APR_SUCCESS);
    assert_int_equal(pipe(go), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (read(go[0], &c, 1) != 1) {
            _exit(2);
        }
        if (acc_shmlock_lock(l) != ACC_SHMLOCK_OK) {
            _exit(1);
        }
        acc_shmlock_unlock(l);
        _exit(0);
    }
    apr_pool_destroy(p); /* the parent's copy goes */
    assert_int_equal(write(go[1], "x", 1), 1);
    no_hang(10);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    alarm(0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(go[0]);
    close(go[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_unlock),
        cmocka_unit_test(test_excludes_processes),
        cmocka_unit_test(test_holder_killed),
        cmocka_unit_test(test_array),
        cmocka_unit_test(test_outlives_pool),
    };
    int rc;

    apr_initialize();
    apr_pool_create(&pool, NULL);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    apr_pool_destroy(pool);
    apr_terminate();
    return rc;
}
