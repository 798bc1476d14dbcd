/* SPDX-License-Identifier: MIT */
/* Benchmark of the per-refresh common work: sampler_update at N instances, host_sample_read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/host.h"
#include "common/model.h"
#include "common/sampler.h"

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int64_t
median(int64_t *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_i64);
    return v[n / 2];
}

/* Median time of one sampler_update over `rounds` refreshes of n instances (history 300). */
static int64_t
bench_sampler(size_t n, size_t rounds)
{
    struct sampler *s = sampler_new(300);
    struct inst_list l;
    inst_list_init(&l);
    int64_t *t = calloc(rounds, sizeof(*t));
    for (size_t r = 0; r < rounds; r++) {
        inst_list_clear(&l);
        for (size_t i = 0; i < n; i++) {
            char id[48];
            snprintf(id, sizeof(id), "0b9c6e7a-4d1f-4c3e-9a51-%012zu", i);
            struct inst *in = inst_list_add(&l, i % 2 ? INST_KIND_VM : INST_KIND_CONTAINER,
                                            "qemu:///system", id, id);
            in->cpu_ns = (uint64_t)r * 10000000ULL * (i % 100);
            in->mono_ns = (int64_t)(r + 1) * 1000000000LL;
            in->mem_bytes = (uint64_t)i << 20;
        }
        int64_t t0 = mono_now_ns();
        sampler_update(s, &l);
        t[r] = mono_now_ns() - t0;
    }
    int64_t m = median(t + 1, rounds - 1); /* the first round only inserts */
    free(t);
    inst_list_done(&l);
    sampler_free(s);
    return m;
}

static int64_t
bench_host(size_t rounds)
{
    int64_t *t = calloc(rounds, sizeof(*t));
    struct host_sample prev, cur;
    host_sample_read(NULL, NULL, &prev, NULL);
    for (size_t r = 0; r < rounds; r++) {
        int64_t t0 = mono_now_ns();
        if (host_sample_read(NULL, &prev, &cur, NULL) < 0)
            exit(1);
        t[r] = mono_now_ns() - t0;
        prev = cur;
    }
    int64_t m = median(t, rounds);
    free(t);
    return m;
}

int
main(void)
{
    const size_t sizes[] = {10, 100, 1000, 2000, 10000};
    printf("what,instances,median_us\n");
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        printf("sampler_update,%zu,%.1f\n", sizes[i],
               (double)bench_sampler(sizes[i], sizes[i] >= 10000 ? 21 : 101) / 1000.0);
    printf("host_sample_read,-,%.1f\n", (double)bench_host(201) / 1000.0);
    return 0;
}
