/* SPDX-License-Identifier: MIT */
/* CPU time of the containers provider's sample(): one cold refresh, then N warm ones. Prints
 * "containers N cold_ms X warm_median_ms Y warm_min_ms Z" (CPU time: user + system). */
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

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 50;
    struct provider p;
    struct err *e = NULL;
    if (ctr_provider_new(&p, &e) < 0) {
        fprintf(stderr, "%s\n", err_msg(e));
        return 1;
    }
    struct inst_list l;
    inst_list_init(&l);
    double t0 = cpu_ms();
    if (p.ops->sample(p.self, &l, &e) < 0) {
        fprintf(stderr, "%s\n", err_msg(e));
        return 1;
    }
    double cold = cpu_ms() - t0;
    size_t n = l.n, running = 0;
    for (size_t i = 0; i < l.n; i++)
        running += l.v[i].state == INST_STATE_RUNNING;
    for (size_t i = 0; getenv("DUMP") && i < l.n; i++)
        printf("%s %s %s cpu_ns=%llu mem=%llu limit=%llu pids=%llu rd=%llu wr=%llu rx=%llu "
               "tx=%llu start=%lld\n",
               l.v[i].id, inst_state_name(l.v[i].state),
               l.v[i].state_reason ? l.v[i].state_reason : "-", (unsigned long long)l.v[i].cpu_ns,
               (unsigned long long)l.v[i].mem_bytes, (unsigned long long)l.v[i].mem_limit_bytes,
               (unsigned long long)l.v[i].pids, (unsigned long long)l.v[i].blk_read_bytes,
               (unsigned long long)l.v[i].blk_write_bytes, (unsigned long long)l.v[i].net_rx_bytes,
               (unsigned long long)l.v[i].net_tx_bytes, (long long)l.v[i].start_time);
    double *w = calloc((size_t)rounds, sizeof(double));
    /* CPU time of one refresh is below getrusage's resolution: time batches of 10. */
    for (int r = 0; r < rounds; r++) {
        double a = cpu_ms();
        for (int k = 0; k < 10; k++) {
            inst_list_clear(&l);
            p.ops->sample(p.self, &l, NULL);
        }
        w[r] = (cpu_ms() - a) / 10;
    }
    qsort(w, (size_t)rounds, sizeof(double), cmp_d);
    printf("containers %zu running %zu cold_ms %.3f warm_median_ms %.3f warm_min_ms %.3f\n", n,
           running, cold, w[rounds / 2], w[0]);
    inst_list_done(&l);
    p.ops->close(p.self);
    return 0;
}
