/* SPDX-License-Identifier: MIT */
/* Unit tests: rates from cumulative counters, history rings, the per-instance sampler. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/sampler.h"

#define SEC 1000000000LL

static void
assert_close(double got, double want)
{
    if (isnan(got) || fabs(got - want) > 1e-9 * (fabs(want) + 1))
        fail_msg("got %.12g, want %.12g", got, want);
}

static void
rate_cpu_pct_one_full_cpu_is_100(void **state)
{
    (void)state;
    assert_close(rate_cpu_pct(0, 0, 1000000000ULL, SEC), 100.0);
    assert_close(rate_cpu_pct(5 * SEC, 10 * SEC, 5 * SEC + 500000000ULL, 11 * SEC), 50.0);
    assert_close(rate_cpu_pct(0, 0, 4 * SEC, 2 * SEC), 200.0); /* two CPUs busy */
    assert_close(rate_cpu_pct(7, SEC, 7, 2 * SEC), 0.0);       /* idle: 0, not NaN */
}

static void
rate_cpu_pct_counter_reset_gives_nan(void **state)
{
    (void)state;
    assert_true(isnan(rate_cpu_pct(10 * SEC, 0, 1 * SEC, SEC)));
}

static void
rate_cpu_pct_zero_or_negative_interval_gives_nan(void **state)
{
    (void)state;
    assert_true(isnan(rate_cpu_pct(0, SEC, SEC, SEC)));
    assert_true(isnan(rate_cpu_pct(0, 2 * SEC, SEC, SEC)));
}

static void
rate_unknown_counter_gives_nan(void **state)
{
    (void)state;
    assert_true(isnan(rate_cpu_pct(INST_UNKNOWN, 0, SEC, SEC)));
    assert_true(isnan(rate_cpu_pct(0, 0, INST_UNKNOWN, SEC)));
    assert_true(isnan(rate_per_sec(INST_UNKNOWN, 0, 5, SEC)));
}

static void
rate_per_sec_bytes(void **state)
{
    (void)state;
    assert_close(rate_per_sec(1000, 0, 3000, SEC / 2), 4000.0);
    assert_true(isnan(rate_per_sec(3000, 0, 1000, SEC)));
    assert_true(isnan(rate_per_sec(0, SEC, 1000, SEC)));
}

static void
ring_keeps_last_cap_values_oldest_first(void **state)
{
    (void)state;
    struct ring r;
    ring_init(&r, 4);
    assert_int_equal(r.n, 0);
    assert_true(isnan(ring_get(&r, 0)));
    for (int i = 1; i <= 3; i++)
        ring_push(&r, i);
    assert_int_equal(r.n, 3);
    assert_close(ring_get(&r, 0), 1);
    assert_close(ring_get(&r, 2), 3);
    for (int i = 4; i <= 10; i++) /* wraps around twice */
        ring_push(&r, i);
    assert_int_equal(r.n, 4);
    for (size_t i = 0; i < 4; i++)
        assert_close(ring_get(&r, i), 7 + (double)i);
    assert_true(isnan(ring_get(&r, 4)));
    ring_push(&r, NAN);
    assert_true(isnan(ring_get(&r, 3)));
    assert_close(ring_get(&r, 0), 8);
    /* Stored as float: a memory figure of 64 GiB keeps 7 significant digits, ample for a graph. */
    ring_push(&r, 68719476736.0 + 123456.0);
    double got = ring_get(&r, 3);
    assert_true(fabs(got - (68719476736.0 + 123456.0)) / 68719476736.0 < 1e-6);
    ring_done(&r);

    ring_init(&r, 0); /* a zero-capacity ring holds nothing and does not crash */
    ring_push(&r, 1);
    assert_int_equal(r.n, 0);
    ring_done(&r);
}

static struct inst *
add(struct inst_list *l, enum inst_kind k, const char *src, const char *id, uint64_t cpu_ns,
    int64_t mono, uint64_t mem)
{
    struct inst *in = inst_list_add(l, k, src, id, id);
    in->cpu_ns = cpu_ns;
    in->mono_ns = mono;
    in->mem_bytes = mem;
    return in;
}

static void
sampler_two_updates_give_pct_and_history(void **state)
{
    (void)state;
    struct sampler *s = sampler_new(10);
    struct inst_list l;
    inst_list_init(&l);
    add(&l, INST_KIND_VM, "test:///default", "u1", 0, SEC, 100);
    add(&l, INST_KIND_CONTAINER, "local", "c1", 0, SEC, INST_UNKNOWN);
    sampler_update(s, &l);
    assert_true(isnan(l.v[0].cpu_pct)); /* first sight: no rate yet */
    const struct ring *h = sampler_cpu_history(s, &l.v[0]);
    assert_non_null(h);
    assert_int_equal(h->n, 1);

    inst_list_clear(&l);
    add(&l, INST_KIND_VM, "test:///default", "u1", SEC / 4, 2 * SEC, 200);
    add(&l, INST_KIND_CONTAINER, "local", "c1", 3 * SEC, 2 * SEC, 50);
    sampler_update(s, &l);
    assert_close(l.v[0].cpu_pct, 25.0);
    assert_close(l.v[1].cpu_pct, 300.0);
    h = sampler_cpu_history(s, &l.v[0]);
    assert_int_equal(h->n, 2);
    assert_true(isnan(ring_get(h, 0)));
    assert_close(ring_get(h, 1), 25.0);
    const struct ring *m = sampler_mem_history(s, &l.v[0]);
    assert_close(ring_get(m, 0), 100);
    assert_close(ring_get(m, 1), 200);
    m = sampler_mem_history(s, &l.v[1]);
    assert_true(isnan(ring_get(m, 0))); /* unknown memory is a gap, not 0 */
    assert_close(ring_get(m, 1), 50);
    inst_list_done(&l);
    sampler_free(s);
}

static void
sampler_key_is_kind_source_and_id(void **state)
{
    (void)state;
    struct sampler *s = sampler_new(4);
    struct inst_list l;
    inst_list_init(&l);
    add(&l, INST_KIND_VM, "qemu:///system", "same", 0, SEC, 1);
    add(&l, INST_KIND_VM, "test:///default", "same", 10 * SEC, SEC, 1);
    add(&l, INST_KIND_CONTAINER, "qemu:///system", "same", 20 * SEC, SEC, 1);
    sampler_update(s, &l);
    inst_list_clear(&l);
    add(&l, INST_KIND_CONTAINER, "qemu:///system", "same", 20 * SEC + SEC / 10, 2 * SEC, 1);
    add(&l, INST_KIND_VM, "test:///default", "same", 10 * SEC + SEC / 5, 2 * SEC, 1);
    add(&l, INST_KIND_VM, "qemu:///system", "same", SEC / 2, 2 * SEC, 1);
    sampler_update(s, &l);
    assert_close(l.v[0].cpu_pct, 10.0);
    assert_close(l.v[1].cpu_pct, 20.0);
    assert_close(l.v[2].cpu_pct, 50.0);
    inst_list_done(&l);
    sampler_free(s);
}

static void
sampler_restarted_counter_gives_nan_not_negative(void **state)
{
    (void)state;
    struct sampler *s = sampler_new(4);
    struct inst_list l;
    inst_list_init(&l);
    add(&l, INST_KIND_CONTAINER, "local", "web", 50 * SEC, SEC, 1);
    sampler_update(s, &l);
    inst_list_clear(&l);
    add(&l, INST_KIND_CONTAINER, "local", "web", SEC / 10, 2 * SEC, 1);
    sampler_update(s, &l);
    assert_true(isnan(l.v[0].cpu_pct));
    inst_list_clear(&l);
    add(&l, INST_KIND_CONTAINER, "local", "web", SEC / 10 + SEC / 2, 3 * SEC, 1);
    sampler_update(s, &l);
    assert_close(l.v[0].cpu_pct, 50.0); /* and counts on from the new value */
    inst_list_done(&l);
    sampler_free(s);
}

static void
sampler_vanished_instance_is_forgotten_and_starts_fresh(void **state)
{
    (void)state;
    struct sampler *s = sampler_new(8);
    struct inst_list l, gone;
    inst_list_init(&l);
    inst_list_init(&gone);
    add(&l, INST_KIND_VM, "u", "a", 0, SEC, 1);
    add(&l, INST_KIND_VM, "u", "b", 0, SEC, 1);
    sampler_update(s, &l);
    inst_list_copy(&gone, &l);

    inst_list_clear(&l);
    add(&l, INST_KIND_VM, "u", "a", SEC, 2 * SEC, 1); /* b is absent */
    sampler_update(s, &l);
    assert_close(l.v[0].cpu_pct, 100.0);
    assert_null(sampler_cpu_history(s, &gone.v[1]));
    assert_null(sampler_mem_history(s, &gone.v[1]));
    assert_int_equal(sampler_cpu_history(s, &gone.v[0])->n, 2);

    inst_list_clear(&l);
    add(&l, INST_KIND_VM, "u", "a", 2 * SEC, 3 * SEC, 1);
    add(&l, INST_KIND_VM, "u", "b", 2 * SEC, 3 * SEC, 1); /* back: no rate against old data */
    sampler_update(s, &l);
    assert_close(l.v[0].cpu_pct, 100.0);
    assert_true(isnan(l.v[1].cpu_pct));
    assert_int_equal(sampler_cpu_history(s, &l.v[1])->n, 1);
    inst_list_done(&l);
    inst_list_done(&gone);
    sampler_free(s);
}

static void
sampler_duplicate_key_in_one_sample_gets_no_rate(void **state)
{
    (void)state;
    struct sampler *s = sampler_new(4);
    struct inst_list l;
    inst_list_init(&l);
    add(&l, INST_KIND_VM, "u", "a", 0, SEC, 1);
    sampler_update(s, &l);
    inst_list_clear(&l);
    add(&l, INST_KIND_VM, "u", "a", SEC, 2 * SEC, 1);
    add(&l, INST_KIND_VM, "u", "a", SEC, 2 * SEC, 1);
    sampler_update(s, &l);
    assert_close(l.v[0].cpu_pct, 100.0);
    assert_true(isnan(l.v[1].cpu_pct));
    inst_list_done(&l);
    sampler_free(s);
}

/* 2000 instances over several rounds with churn: every rate right, every history found. */
static void
sampler_handles_2000_instances_with_churn(void **state)
{
    (void)state;
    enum { N = 2000, ROUNDS = 6 };
    struct sampler *s = sampler_new(300);
    struct inst_list l;
    inst_list_init(&l);
    for (int r = 0; r < ROUNDS; r++) {
        inst_list_clear(&l);
        for (int i = 0; i < N; i++) {
            if ((i + r) % 10 == 0) /* a tenth is absent each round, a different tenth */
                continue;
            char id[32];
            snprintf(id, sizeof(id), "inst-%d", i);
            /* instance i burns i % 200 percent of a CPU */
            uint64_t cpu = (uint64_t)r * (uint64_t)(i % 200) * (SEC / 100);
            add(&l, i % 2 ? INST_KIND_VM : INST_KIND_CONTAINER, "src", id, cpu, (r + 1) * SEC,
                (uint64_t)i);
        }
        sampler_update(s, &l);
        for (size_t k = 0; k < l.n; k++) {
            int i = atoi(l.v[k].id + 5);
            bool present_before = r > 0 && (i + r - 1) % 10 != 0;
            if (present_before)
                assert_close(l.v[k].cpu_pct, (double)(i % 200));
            else
                assert_true(isnan(l.v[k].cpu_pct));
            const struct ring *m = sampler_mem_history(s, &l.v[k]);
            assert_non_null(m);
            assert_close(ring_get(m, m->n - 1), (double)i);
        }
    }
    inst_list_done(&l);
    sampler_free(s);
}

/* The table is resized between refreshes of very different sizes; rates carry across. */
static void
sampler_survives_growing_and_shrinking_lists(void **state)
{
    (void)state;
    const int sizes[] = {1, 50, 3, 300, 300, 2, 2, 64, 1};
    size_t hist[300] = {0};
    struct sampler *s = sampler_new(3);
    struct inst_list l;
    inst_list_init(&l);
    for (size_t r = 0; r < sizeof(sizes) / sizeof(sizes[0]); r++) {
        inst_list_clear(&l);
        for (int i = 0; i < sizes[r]; i++) {
            char id[16];
            snprintf(id, sizeof(id), "%d", i);
            add(&l, INST_KIND_VM, "u", id, (uint64_t)r * (SEC / 10), (int64_t)(r + 1) * SEC, 1);
        }
        sampler_update(s, &l);
        for (int i = 0; i < sizes[r]; i++) {
            if (r > 0 && i < sizes[r - 1])
                assert_close(l.v[i].cpu_pct, 10.0);
            else
                assert_true(isnan(l.v[i].cpu_pct));
            /* history: consecutive presence, capped at the ring size (3) */
            hist[i] = r > 0 && i < sizes[r - 1] ? (hist[i] < 3 ? hist[i] + 1 : 3) : 1;
            assert_int_equal(sampler_cpu_history(s, &l.v[i])->n, hist[i]);
        }
    }
    inst_list_done(&l);
    sampler_free(s);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rate_cpu_pct_one_full_cpu_is_100),
        cmocka_unit_test(rate_cpu_pct_counter_reset_gives_nan),
        cmocka_unit_test(rate_cpu_pct_zero_or_negative_interval_gives_nan),
        cmocka_unit_test(rate_unknown_counter_gives_nan),
        cmocka_unit_test(rate_per_sec_bytes),
        cmocka_unit_test(ring_keeps_last_cap_values_oldest_first),
        cmocka_unit_test(sampler_two_updates_give_pct_and_history),
        cmocka_unit_test(sampler_key_is_kind_source_and_id),
        cmocka_unit_test(sampler_restarted_counter_gives_nan_not_negative),
        cmocka_unit_test(sampler_vanished_instance_is_forgotten_and_starts_fresh),
        cmocka_unit_test(sampler_duplicate_key_in_one_sample_gets_no_rate),
        cmocka_unit_test(sampler_handles_2000_instances_with_churn),
        cmocka_unit_test(sampler_survives_growing_and_shrinking_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
