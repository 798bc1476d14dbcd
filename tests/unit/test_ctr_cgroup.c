/* SPDX-License-Identifier: MIT */
/* The cgroup manager over recorded cgroupfs trees: layout detection (v2, v1, hybrid), stats from
 * kept-open files (v1 recorded on a hybrid host, v2 written from the kernel's documented format),
 * OOM counts, the io/blkio parsers, and stats_parse over texts read in one batch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/model.h"
#include "ctr/cgroup/cgroup.h"
#include "ctr/cgroup/rdbatch.h"

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

/* The provider's path: every stat file of a group read in one batch, then stats_parse; it must
 * give exactly what stats_read gives, through io_uring and through the pread fallback. */
static void
batched_parse_equals_read(const struct cgroup_ops *ops, const char *tree, const char *group,
                          bool uring)
{
    struct ctr_cgfds f;
    struct ctr_cgstats want, got;
    char cpu[512], mem[32], lim[32], pids[32], io[1024];
    ssize_t n[5];
    if (uring)
        unsetenv("BERTH_NO_URING");
    else
        setenv("BERTH_NO_URING", "1", 1);
    ctr_cgroup_set_root(data_dir(tree));
    ops->stats_open(group, &f);
    ops->stats_read(&f, &want);
    struct ctr_rdbatch *b = ctr_rdbatch_new();
    ctr_rdbatch_add(b, f.cpu, cpu, sizeof(cpu), &n[0]);
    ctr_rdbatch_add(b, f.mem, mem, sizeof(mem), &n[1]);
    ctr_rdbatch_add(b, f.mem_limit, lim, sizeof(lim), &n[2]);
    ctr_rdbatch_add(b, f.pids, pids, sizeof(pids), &n[3]);
    ctr_rdbatch_add(b, f.io, io, sizeof(io), &n[4]);
    ctr_rdbatch_run(b);
    struct ctr_cgtext t = {n[0] >= 0 ? cpu : NULL, n[1] >= 0 ? mem : NULL, n[2] >= 0 ? lim : NULL,
                           n[3] >= 0 ? pids : NULL, n[4] >= 0 ? io : NULL};
    ops->stats_parse(&t, &got);
    assert_memory_equal(&got, &want, sizeof(got));
    ctr_rdbatch_free(b);
    ctr_cgfds_close(&f);
    unsetenv("BERTH_NO_URING");
}

static void
batched_stats_match_stats_read(void **state)
{
    (void)state;
    for (int uring = 0; uring < 2; uring++) {
        batched_parse_equals_read(&ctr_cgroup_hybrid_ops, "cgroupfs-hybrid", "berth/rec", uring);
        batched_parse_equals_read(&ctr_cgroup_v1_ops, "cgroupfs-hybrid", "berth/gone", uring);
        batched_parse_equals_read(&ctr_cgroup_v2_ops, "cgroupfs-v2", "berth/rec", uring);
        batched_parse_equals_read(&ctr_cgroup_v2_ops, "cgroupfs-v2", "berth/lim", uring);
    }
}

/* stats_parse of texts as the kernel writes them; NULL (file absent) is unknown, "" of io is 0. */
static void
parse_texts(void **state)
{
    (void)state;
    struct ctr_cgstats s;
    struct ctr_cgtext v1 = {"37289773\n", "4493312\n", "9223372036854771712\n", NULL,
                            "8:0 Read 4096\n8:0 Write 512\nTotal 4608\n"};
    ctr_cgroup_v1_ops.stats_parse(&v1, &s);
    assert_int_equal(s.cpu_ns, 37289773);
    assert_int_equal(s.mem, 4493312);
    assert_true(s.mem_limit == INST_UNKNOWN); /* v1 "unlimited" */
    assert_true(s.pids == INST_UNKNOWN);
    assert_int_equal(s.rd, 4096);
    assert_int_equal(s.wr, 512);
    struct ctr_cgtext v2 = {"usage_usec 12\nuser_usec 10\n", "8192\n", "max\n", "2\n", ""};
    ctr_cgroup_v2_ops.stats_parse(&v2, &s);
    assert_int_equal(s.cpu_ns, 12000);
    assert_int_equal(s.mem, 8192);
    assert_true(s.mem_limit == INST_UNKNOWN);
    assert_int_equal(s.pids, 2);
    assert_int_equal(s.rd, 0);
    assert_int_equal(s.wr, 0);
    struct ctr_cgtext gone = {NULL, NULL, NULL, NULL, NULL};
    ctr_cgroup_v2_ops.stats_parse(&gone, &s);
    assert_true(s.cpu_ns == INST_UNKNOWN && s.mem == INST_UNKNOWN && s.rd == INST_UNKNOWN);
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
        cmocka_unit_test(batched_stats_match_stats_read),
        cmocka_unit_test(parse_texts),
        cmocka_unit_test(key_lookup_and_max),
        cmocka_unit_test(by_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
