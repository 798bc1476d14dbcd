/* SPDX-License-Identifier: MIT */
/* The batch reader (ctr/rdbatch.h) over real files: the same bytes and counts as one pread each,
 * through io_uring and through the pread fallback, past one ring's worth of reads, with short
 * buffers, bad fds and files that change between batches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctr/cgroup/cgroup.h"
#include "ctr/cgroup/rdbatch.h"

#define NFILES 1100 /* more than one ring (1024 reads) holds: two submissions */

struct fixture {
    char dir[64];
    int fd[NFILES];
};

static int
setup(void **state)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max; /* 1100 files open at once */
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/berth-rdbatch.XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    for (int i = 0; i < NFILES; i++) {
        char p[128], text[64];
        snprintf(p, sizeof(p), "%s/f%d", f->dir, i);
        f->fd[i] = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        int n = snprintf(text, sizeof(text), "%d\n%s", i * 7919, i % 3 ? "" : "usage_usec 5\n");
        if (f->fd[i] < 0 || write(f->fd[i], text, (size_t)n) != n)
            return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < NFILES; i++) {
        char p[128];
        close(f->fd[i]);
        snprintf(p, sizeof(p), "%s/f%d", f->dir, i);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    unsetenv("BERTH_NO_URING");
    return 0;
}

static struct ctr_rdbatch *
batch(bool uring)
{
    if (uring)
        unsetenv("BERTH_NO_URING");
    else
        setenv("BERTH_NO_URING", "1", 1);
    return ctr_rdbatch_new();
}

/* Every file through the batch equals ctr_pread1 of it, after the files changed too. */
static void
check_same_as_pread(struct fixture *f, struct ctr_rdbatch *b)
{
    static char got[NFILES][64];
    static ssize_t n[NFILES];
    for (int round = 0; round < 2; round++) {
        memset(got, 'x', sizeof(got));
        for (int i = 0; i < NFILES; i++)
            ctr_rdbatch_add(b, f->fd[i], got[i], sizeof(got[i]), &n[i]);
        ctr_rdbatch_run(b);
        for (int i = 0; i < NFILES; i++) {
            char want[64];
            ssize_t wn = ctr_pread1(f->fd[i], want, sizeof(want));
            assert_int_equal(n[i], wn);
            assert_string_equal(got[i], want);
        }
        /* Change every file: the next round must see the new contents (offset 0, no cache). */
        for (int i = 0; i < NFILES; i++)
            assert_int_equal(pwrite(f->fd[i], "42", 2, 0), 2);
    }
}

static void
uring_reads_like_pread(void **state)
{
    struct ctr_rdbatch *b = batch(true);
    if (!ctr_rdbatch_uring(b)) {
        ctr_rdbatch_free(b);
        skip(); /* no io_uring here (kernel, sysctl or seccomp): the fallback test covers it */
    }
    check_same_as_pread(*state, b);
    assert_true(ctr_rdbatch_uring(b));
    ctr_rdbatch_free(b);
}

static void
fallback_reads_like_pread(void **state)
{
    struct ctr_rdbatch *b = batch(false);
    assert_false(ctr_rdbatch_uring(b));
    check_same_as_pread(*state, b);
    ctr_rdbatch_free(b);
}

/* Short buffer: size - 1 bytes and a NUL; no fd: -1 and an empty text; a directory: -1. */
static void
edges(bool uring)
{
    char path[] = "/tmp/berth-rdbatch-edge.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789abcdef", 16), 16);
    int dfd = open("/tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int efd = open("/dev/null", O_RDONLY | O_CLOEXEC); /* empty */
    char small[5], none[8] = "junk", dir[8] = "junk", empty[8] = "junk";
    ssize_t n1 = 99, n2 = 99, n3 = 99, n4 = 99;
    struct ctr_rdbatch *b = batch(uring);
    ctr_rdbatch_add(b, fd, small, sizeof(small), &n1);
    ctr_rdbatch_add(b, -1, none, sizeof(none), &n2);
    ctr_rdbatch_add(b, dfd, dir, sizeof(dir), &n3);
    ctr_rdbatch_add(b, efd, empty, sizeof(empty), &n4);
    ctr_rdbatch_run(b);
    assert_int_equal(n1, 4);
    assert_string_equal(small, "0123");
    assert_int_equal(n2, -1);
    assert_string_equal(none, "");
    assert_int_equal(n3, -1);
    assert_int_equal(n4, 0);
    assert_string_equal(empty, "");
    ctr_rdbatch_free(b);
    close(fd);
    close(dfd);
    close(efd);
    unlink(path);
}

static void
edges_uring(void **state)
{
    (void)state;
    edges(true);
}

static void
edges_fallback(void **state)
{
    (void)state;
    edges(false);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(uring_reads_like_pread),
        cmocka_unit_test(fallback_reads_like_pread),
        cmocka_unit_test(edges_uring),
        cmocka_unit_test(edges_fallback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
