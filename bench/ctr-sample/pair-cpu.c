/* SPDX-License-Identifier: MIT */
/* The two read paths of the containers provider side by side in one process: a provider that
 * reads the stat files in one io_uring batch and one that preads them (BERTH_NO_URING=1), warm
 * rounds of 10 refreshes taken alternately, so that both see the same moments of a shared
 * machine. Prints the medians and minima (CPU time, user + system, per refresh) and the
 * distribution of the per-round ratio io_uring / pread. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "common/model.h"
#include "ctr/ctr.h"

static double
cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static int
cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double
round10(struct provider *p, struct inst_list *l)
{
    double a = cpu_ms();
    for (int k = 0; k < 10; k++) {
        inst_list_clear(l);
        p->ops->sample(p->self, l, NULL);
    }
    return (cpu_ms() - a) / 10;
}

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 40;
    struct provider u, r;
    struct err *e = NULL;
    unsetenv("BERTH_NO_URING");
    if (ctr_provider_new(&u, &e) < 0)
        return 1;
    setenv("BERTH_NO_URING", "1", 1);
    if (ctr_provider_new(&r, &e) < 0)
        return 1;
    struct inst_list l;
    inst_list_init(&l);
    u.ops->sample(u.self, &l, NULL); /* cold refreshes first */
    inst_list_clear(&l);
    r.ops->sample(r.self, &l, NULL);
    double *a = calloc((size_t)rounds, sizeof(double)), *b = calloc((size_t)rounds, sizeof(double));
    double *q = calloc((size_t)rounds, sizeof(double));
    for (int i = 0; i < rounds; i++) {
        a[i] = round10(&u, &l);
        b[i] = round10(&r, &l);
        q[i] = a[i] / b[i];
    }
    qsort(a, (size_t)rounds, sizeof(double), cmp_d);
    qsort(b, (size_t)rounds, sizeof(double), cmp_d);
    qsort(q, (size_t)rounds, sizeof(double), cmp_d);
    printf("io_uring median_ms %.3f min_ms %.3f pread median_ms %.3f min_ms %.3f ratio median %.2f "
           "p10 %.2f p90 %.2f\n",
           a[rounds / 2], a[0], b[rounds / 2], b[0], q[rounds / 2], q[rounds / 10],
           q[rounds * 9 / 10]);
    inst_list_done(&l);
    u.ops->close(u.self);
    r.ops->close(r.self);
    return 0;
}
