/* SPDX-License-Identifier: MIT */
/* Unit tests: the demo's rootfs copy reports the error of a write that stops short. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "ctr/ctr.h"

/* A file size limit of 100000 bytes: busybox's copy (64 KiB chunks) gets a short second write
 * (34464 bytes), then EFBIG. The error must name EFBIG, not whatever errno held before. */
static void
short_write_reports_its_errno(void **state)
{
    (void)state;
    if (geteuid() != 0 || access("/bin/busybox", R_OK) != 0)
        skip(); /* the demo is root's, and copies the host's busybox */
    char dir[] = "/tmp/berth-demo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("BERTH_ROOT", dir, 1);
    signal(SIGXFSZ, SIG_IGN);
    struct rlimit old, lim = {100000, 100000};
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim.rlim_max = old.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    errno = 0;
    struct err *e = NULL;
    int rc = ctr_demo_ensure(&e);
    setrlimit(RLIMIT_FSIZE, &old);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "cleanup of %s failed\n", dir);
    assert_int_equal(rc, -1);
    if (e->code != EFBIG)
        fail_msg("error code %d, not EFBIG: %s", e->code, err_msg(e));
    err_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(short_write_reports_its_errno),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
