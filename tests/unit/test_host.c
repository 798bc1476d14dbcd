/* SPDX-License-Identifier: MIT */
/* Unit tests: host CPU, memory and load from recorded /proc trees and the live /proc. */
#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "common/host.h"

/* tests/unit/data, from $BERTH_SRC or relative to the source file (the build runs at the root). */
static const char *
data_dir(const char *sub)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    const char *src = getenv("BERTH_SRC");
    if (src && *src)
        snprintf(buf[i], sizeof(buf[i]), "%s/tests/unit/data/%s", src, sub);
    else
        snprintf(buf[i], sizeof(buf[i]), "%.*s/data/%s", (int)(strrchr(__FILE__, '/') - __FILE__),
                 __FILE__, sub);
    return buf[i];
}

static void
read_ok(const char *root, const struct host_sample *prev, struct host_sample *out)
{
    struct err *e = NULL;
    if (host_sample_read(root, prev, out, &e) < 0)
        fail_msg("host_sample_read(%s): %s", root ? root : "/proc", err_msg(e));
}

static void
recorded_proc_gives_exact_figures(void **state)
{
    (void)state;
    struct host_sample a;
    read_ok(data_dir("proc-a"), NULL, &a);
    /* cpu  8533 0 7006 100436 373 0 229 0 0 0 */
    assert_int_equal(a.cpu_total_ticks, 8533 + 7006 + 100436 + 373 + 229);
    assert_int_equal(a.cpu_busy_ticks, 8533 + 7006 + 229);
    assert_int_equal(a.ncpu, 2);
    assert_int_equal(a.mem_total_bytes, 24683620ULL * 1024);
    assert_int_equal(a.mem_used_bytes, (24683620ULL - 24137096ULL) * 1024);
    assert_int_equal(a.swap_total_bytes, 0);
    assert_int_equal(a.swap_used_bytes, 0);
    assert_true(a.load1 == 0.37 && a.load5 == 0.34 && a.load15 == 0.18);
    assert_true(isnan(a.cpu_pct)); /* no previous sample */
    assert_true(a.mono_ns > 0);
}

static void
cpu_pct_between_samples_counts_guest_once(void **state)
{
    (void)state;
    struct host_sample a, b;
    read_ok(data_dir("proc-a"), NULL, &a);
    read_ok(data_dir("proc-b"), &a, &b);
    /* deltas: user 1000 nice 10 system 500 idle 1460 iowait 200 softirq 100 steal 50,
     * guest 300 and guest_nice 5 already inside user and nice: 1660 busy of 3320 */
    assert_int_equal(b.cpu_total_ticks - a.cpu_total_ticks, 3320);
    assert_int_equal(b.cpu_busy_ticks - a.cpu_busy_ticks, 1660);
    assert_true(fabs(b.cpu_pct - 50.0) < 1e-9);
    assert_int_equal(b.swap_total_bytes, 2097148ULL * 1024);
    assert_int_equal(b.swap_used_bytes, (2097148ULL - 1048572ULL) * 1024);
    assert_true(b.load1 == 1.25 && b.load5 == 0.75 && b.load15 == 0.5);

    /* counters going backwards (b then a): no figure rather than a wrong one */
    struct host_sample back;
    read_ok(data_dir("proc-a"), &b, &back);
    assert_true(isnan(back.cpu_pct));
    /* the same counters again: no interval */
    read_ok(data_dir("proc-a"), &a, &back);
    assert_true(isnan(back.cpu_pct));
}

static int64_t
process_cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
live_proc_is_sane(void **state)
{
    (void)state;
    struct host_sample a, b;
    read_ok(NULL, NULL, &a);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    assert_int_equal(a.ncpu, (unsigned)n);
    assert_true(a.mem_total_bytes > 0);
    assert_true(a.mem_used_bytes <= a.mem_total_bytes);
    assert_true(a.swap_used_bytes <= a.swap_total_bytes);
    assert_true(a.cpu_busy_ticks <= a.cpu_total_ticks);
    assert_true(a.load1 >= 0);
    /* burn some CPU (at least 0.2 s of it) so the kernel's tick counters move */
    volatile uint64_t x = 0;
    int64_t until = a.mono_ns + 300 * 1000000LL;
    int64_t cpu0 = process_cpu_ns();
    do {
        for (int i = 0; i < 100000; i++)
            x += (uint64_t)i;
        read_ok("/proc", &a, &b);
    } while (b.cpu_total_ticks == a.cpu_total_ticks || b.mono_ns < until ||
             process_cpu_ns() - cpu0 < 200 * 1000000LL);
    (void)x;
    assert_true(b.mono_ns > a.mono_ns);
    assert_false(isnan(b.cpu_pct));
    assert_true(b.cpu_pct > 0.0 && b.cpu_pct <= 100.0);
    /* the CPU this process burnt shows in the host's busy ticks (at least half of it: the
     * kernel counts in ticks, this process's clock in ns) */
    uint64_t burnt_ticks =
        (uint64_t)(process_cpu_ns() - cpu0) * (uint64_t)sysconf(_SC_CLK_TCK) / 1000000000u;
    assert_true(b.cpu_busy_ticks - a.cpu_busy_ticks >= burnt_ticks / 2);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
broken_proc_files_give_errors_naming_the_file(void **state)
{
    (void)state;
    struct host_sample s;
    struct err *e = NULL;
    assert_int_equal(host_sample_read("/nonexistent-berth-proc", NULL, &s, &e), -1);
    assert_int_equal(e->code, ENOENT);
    assert_non_null(strstr(err_msg(e), "/nonexistent-berth-proc/stat"));
    err_free(e);
    e = NULL;

    char dir[] = "/tmp/berth-test-host-XXXXXX", p[128];
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/stat", dir);
    assert_int_equal(fileio_write_atomic(p, "intr 1 2 3\n", 11, 0644, NULL), 0);
    assert_int_equal(host_sample_read(dir, NULL, &s, &e), -1);
    assert_non_null(strstr(err_msg(e), "no \"cpu\" line"));
    err_free(e);
    e = NULL;
    assert_int_equal(fileio_write_atomic(p, "cpu  1 2\n", 9, 0644, NULL), 0);
    assert_int_equal(host_sample_read(dir, NULL, &s, &e), -1);
    assert_non_null(strstr(err_msg(e), "malformed"));
    err_free(e);
    e = NULL;

    /* old kernels without MemAvailable: free + buffers + cached */
    assert_int_equal(fileio_write_atomic(p, "cpu  1 2 3 4\ncpu0 1 2 3 4\n", 26, 0644, NULL), 0);
    snprintf(p, sizeof(p), "%s/meminfo", dir);
    const char *mi = "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n";
    assert_int_equal(fileio_write_atomic(p, mi, strlen(mi), 0644, NULL), 0);
    snprintf(p, sizeof(p), "%s/loadavg", dir);
    assert_int_equal(fileio_write_atomic(p, "garbage\n", 8, 0644, NULL), 0);
    assert_int_equal(host_sample_read(dir, NULL, &s, &e), -1);
    assert_non_null(strstr(err_msg(e), "loadavg"));
    err_free(e);
    assert_int_equal(fileio_write_atomic(p, "0.5 0.25 0.125 1/1 1\n", 21, 0644, NULL), 0);
    read_ok(dir, NULL, &s);
    assert_int_equal(s.mem_used_bytes, 600 * 1024);
    assert_int_equal(s.ncpu, 1);
    assert_int_equal(s.cpu_total_ticks, 10);
    assert_int_equal(s.cpu_busy_ticks, 6);
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recorded_proc_gives_exact_figures),
        cmocka_unit_test(cpu_pct_between_samples_counts_guest_once),
        cmocka_unit_test(live_proc_is_sane),
        cmocka_unit_test(broken_proc_files_give_errors_naming_the_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
