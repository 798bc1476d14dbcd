/* SPDX-License-Identifier: MIT */
/* The cgroup manager over recorded cgroupfs trees: layout detection (v2, v1, hybrid), stats from
 * kept-open files (v1 recorded on a hybrid host, v2 written from the kernel's documented format),
 * OOM counts, and the io/blkio parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/model.h"
#include "ctr/internal.h"

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
detects_each_layout(void **state)
{
    (void)state;
    struct err *e = NULL;
    ctr_cgroup_set_root(data_dir("cgroupfs-v2"));
    assert_ptr_equal(ctr_cgroup_detect(&e), &ctr_cgroup_v2_ops);
    ctr_cgroup_set_root(data_dir("cgroupfs-hybrid"));
    assert_ptr_equal(ctr_cgroup_detect(&e), &ctr_cgroup_hybrid_ops);
    ctr_cgroup_set_root(data_dir("cgroupfs-v1"));
    assert_ptr_equal(ctr_cgroup_detect(&e), &ctr_cgroup_v1_ops);
    ctr_cgroup_set_root(data_dir("no-such-tree"));
    assert_null(ctr_cgroup_detect(&e));
    assert_non_null(strstr(err_msg(e), "no usable cgroup"));
    err_free(e);
}

static void
v1_stats_from_recorded_tree(void **state)
{
    (void)state;
    struct ctr_cgfds f;
    struct ctr_cgstats s;
    ctr_cgroup_set_root(data_dir("cgroupfs-hybrid"));
    ctr_cgroup_hybrid_ops.stats_open("berth/rec", &f);
    assert_true(f.cpu >= 0 && f.mem >= 0 && f.mem_limit >= 0 && f.pids >= 0 && f.io >= 0);
    ctr_cgroup_hybrid_ops.stats_read(&f, &s);
    assert_int_equal(s.cpu_ns, 37289773);
    assert_int_equal(s.mem, 4493312);
    assert_int_equal(s.mem_limit, 64 << 20);
    assert_int_equal(s.pids, 1);
    assert_int_equal(s.rd, 0); /* "Total 0": no device line */
    assert_int_equal(s.wr, 0);
    /* Re-read through the same fds gives the same figures (pread from offset 0). */
    ctr_cgroup_hybrid_ops.stats_read(&f, &s);
    assert_int_equal(s.cpu_ns, 37289773);
    ctr_cgfds_close(&f);
    assert_int_equal(f.cpu, -1);
}

static void
v1_missing_group_is_unknown(void **state)
{
    (void)state;
    struct ctr_cgfds f;
    struct ctr_cgstats s;
    ctr_cgroup_set_root(data_dir("cgroupfs-hybrid"));
    ctr_cgroup_v1_ops.stats_open("berth/gone", &f);
    ctr_cgroup_v1_ops.stats_read(&f, &s);
    assert_true(s.cpu_ns == INST_UNKNOWN && s.mem == INST_UNKNOWN && s.pids == INST_UNKNOWN);
    assert_true(s.mem_limit == INST_UNKNOWN && s.rd == INST_UNKNOWN);
    ctr_cgfds_close(&f);
}

static void
v1_oom_counts(void **state)
{
    (void)state;
    ctr_cgroup_set_root(data_dir("cgroupfs-hybrid"));
    assert_int_equal(ctr_cgroup_v1_ops.oom_kills("berth/rec"), 0);
    assert_int_equal(ctr_cgroup_v1_ops.oom_kills("berth/oom"), 1);
    assert_int_equal(ctr_cgroup_v1_ops.oom_kills("berth/gone"), 0);
}

static void
v2_stats_from_documented_format(void **state)
{
    (void)state;
    struct ctr_cgfds f;
    struct ctr_cgstats s;
    ctr_cgroup_set_root(data_dir("cgroupfs-v2"));
    ctr_cgroup_v2_ops.stats_open("berth/rec", &f);
    ctr_cgroup_v2_ops.stats_read(&f, &s);
    assert_int_equal(s.cpu_ns, 1234567000ULL); /* usage_usec * 1000 */
    assert_int_equal(s.mem, 2097152);
    assert_true(s.mem_limit == INST_UNKNOWN); /* "max" */
    assert_int_equal(s.pids, 3);
    assert_int_equal(s.rd, 4096 + 1000);
    assert_int_equal(s.wr, 8192 + 24);
    ctr_cgfds_close(&f);
    ctr_cgroup_v2_ops.stats_open("berth/lim", &f);
    ctr_cgroup_v2_ops.stats_read(&f, &s);
    assert_int_equal(s.mem_limit, 64 << 20);
    assert_int_equal(s.rd, 0); /* empty io.stat: no IO yet */
    ctr_cgfds_close(&f);
}

static void
v2_oom_counts(void **state)
{
    (void)state;
    ctr_cgroup_set_root(data_dir("cgroupfs-v2"));
    assert_int_equal(ctr_cgroup_v2_ops.oom_kills("berth/rec"), 0);
    assert_int_equal(ctr_cgroup_v2_ops.oom_kills("berth/lim"), 2);
}

static void
blkio_v1_sums_devices_skips_totals(void **state)
{
    (void)state;
    uint64_t rd, wr;
    ctr_cg_parse_blkio_v1("8:0 Read 4096\n8:0 Write 12288\n8:0 Sync 16384\n8:0 Async 0\n"
                          "8:0 Discard 0\n8:0 Total 16384\n253:0 Read 100\n253:0 Write 7\n"
                          "253:0 Total 107\nTotal 16491\n",
                          &rd, &wr);
    assert_int_equal(rd, 4196);
    assert_int_equal(wr, 12295);
    ctr_cg_parse_blkio_v1("Total 0\n", &rd, &wr);
    assert_int_equal(rd, 0);
    assert_int_equal(wr, 0);
    ctr_cg_parse_blkio_v1("", &rd, &wr);
    assert_int_equal(rd + wr, 0);
}

static void
io_v2_reads_keys_per_line(void **state)
{
    (void)state;
    uint64_t rd, wr;
    ctr_cg_parse_io_v2("8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n"
                       "8:0 wbytes=10 rbytes=20\n",
                       &rd, &wr);
    assert_int_equal(rd, 21);
    assert_int_equal(wr, 12);
    /* A line without wbytes must not borrow the next line's. */
    ctr_cg_parse_io_v2("8:0 rbytes=5\n8:1 rbytes=1 wbytes=9\n", &rd, &wr);
    assert_int_equal(rd, 6);
    assert_int_equal(wr, 9);
}

static void
key_lookup_and_max(void **state)
{
    (void)state;
    assert_int_equal(ctr_cg_key_u64("a 1\nusage_usec 42\nb 3\n", "usage_usec"), 42);
    assert_true(ctr_cg_key_u64("usage_usec_x 5\n", "usage_usec") == INST_UNKNOWN);
    assert_true(ctr_cg_key_u64("", "oom_kill") == INST_UNKNOWN);
    assert_int_equal(ctr_cg_key_u64("oom_kill_disable 0\nunder_oom 0\noom_kill 7\n", "oom_kill"),
                     7);
}

static void
by_name(void **state)
{
    (void)state;
    assert_ptr_equal(ctr_cgroup_by_name("v2"), &ctr_cgroup_v2_ops);
    assert_ptr_equal(ctr_cgroup_by_name("hybrid"), &ctr_cgroup_hybrid_ops);
    assert_ptr_equal(ctr_cgroup_by_name("v1"), &ctr_cgroup_v1_ops);
    assert_null(ctr_cgroup_by_name("v3"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(detects_each_layout),
        cmocka_unit_test(v1_stats_from_recorded_tree),
        cmocka_unit_test(v1_missing_group_is_unknown),
        cmocka_unit_test(v1_oom_counts),
        cmocka_unit_test(v2_stats_from_documented_format),
        cmocka_unit_test(v2_oom_counts),
        cmocka_unit_test(blkio_v1_sums_devices_skips_totals),
        cmocka_unit_test(io_v2_reads_keys_per_line),
        cmocka_unit_test(key_lookup_and_max),
        cmocka_unit_test(by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
