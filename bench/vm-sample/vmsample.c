/* SPDX-License-Identifier: MIT */
/* Time one refresh of VM figures three ways on one connection: berth's provider sample(), the
 * bulk libvirt call it makes, and per-domain polling as virt-top does. Built by run.sh. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/err.h"
#include "common/model.h"
#include "common/provider.h"
#include "vm/vm.h"

/* The stats berth asks for (src/vm/provider.c STATS_WANTED). */
#define BULK_STATS                                                                                 \
    (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |              \
     VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

static double
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
ignore_error(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

/* berth: the provider's sample(), as the batch and TUI sampling thread call it. */
static int
one_berth(struct provider *p, size_t *n)
{
    struct inst_list l;
    inst_list_init(&l);
    struct err *e = NULL;
    int rc = p->ops->sample(p->self, &l, &e);
    *n = l.n;
    inst_list_done(&l);
    err_free(e);
    return rc;
}

/* bulk: the one call berth makes per refresh ($VMSAMPLE_STATS: another stats mask, to see
 * which groups cost what). */
static int
one_bulk(virConnectPtr c, size_t *n)
{
    static int mask = -1;
    if (mask < 0) {
        const char *env = getenv("VMSAMPLE_STATS");
        mask = env && *env ? (int)strtol(env, NULL, 0) : BULK_STATS;
    }
    virDomainStatsRecordPtr *recs = NULL;
    int k = virConnectGetAllDomainStats(c, (unsigned)mask, &recs, 0);
    if (k < 0)
        return -1;
    *n = (size_t)k;
    virDomainStatsRecordListFree(recs);
    return 0;
}

/* poll: list the domains, then one virDomainGetInfo each (virt-top's refresh). */
static int
one_poll(virConnectPtr c, size_t *n)
{
    virDomainPtr *doms = NULL;
    int k = virConnectListAllDomains(c, &doms, 0);
    if (k < 0)
        return -1;
    int rc = 0;
    for (int i = 0; i < k; i++) {
        virDomainInfo info;
        if (virDomainGetInfo(doms[i], &info) < 0)
            rc = -1;
        virDomainFree(doms[i]);
    }
    free(doms);
    *n = (size_t)k;
    return rc;
}

static int
open_berth(const char *uri, struct provider *p)
{
    struct err *e = NULL;
    if (vm_provider_new(uri, p, &e) < 0 || vm_wait_connected(vm_provider_get(p), 10000, &e) < 0) {
        fprintf(stderr, "vmsample: %s: %s\n", uri, err_msg(e));
        err_free(e);
        return -1;
    }
    return 0;
}

/* usage: vmsample URI REPS [berth|bulk|poll]...; prints "method n_domains median_ms min_ms". */
int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: vmsample URI REPS berth|bulk|poll...\n");
        return 2;
    }
    const char *uri = argv[1];
    int reps = atoi(argv[2]);
    if (reps < 1 || reps > 100000) {
        fprintf(stderr, "vmsample: REPS '%s' must be 1..100000\n", argv[2]);
        return 2;
    }
    virSetErrorFunc(NULL, ignore_error);
    virConnectPtr conn = NULL;
    struct provider prov = {0};
    double *t = calloc((size_t)reps, sizeof(*t));
    for (int a = 3; a < argc; a++) {
        const char *m = argv[a];
        bool is_berth = strcmp(m, "berth") == 0;
        if (!is_berth && strcmp(m, "bulk") && strcmp(m, "poll")) {
            fprintf(stderr, "vmsample: unknown method '%s' (berth, bulk, poll)\n", m);
            return 2;
        }
        if (is_berth && !prov.ops && open_berth(uri, &prov) < 0)
            return 1;
        if (!is_berth && !conn && !(conn = virConnectOpen(uri))) {
            fprintf(stderr, "vmsample: cannot open '%s'\n", uri);
            return 1;
        }
        size_t n = 0;
        for (int r = -1; r < reps; r++) { /* r = -1: warm-up, not timed */
            double t0 = now_ms();
            int rc = is_berth                 ? one_berth(&prov, &n)
                     : strcmp(m, "bulk") == 0 ? one_bulk(conn, &n)
                                              : one_poll(conn, &n);
            if (rc < 0) {
                fprintf(stderr, "vmsample: %s refresh failed\n", m);
                return 1;
            }
            if (r >= 0)
                t[r] = now_ms() - t0;
        }
        double lo = t[0];
        for (int r = 1; r < reps; r++)
            lo = t[r] < lo ? t[r] : lo;
        printf("%s %zu %.3f %.3f\n", m, n, median(t, reps), lo);
        fflush(stdout);
    }
    free(t);
    if (prov.ops)
        prov.ops->close(prov.self);
    if (conn)
        virConnectClose(conn);
    return 0;
}
