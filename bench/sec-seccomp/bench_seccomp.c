/* SPDX-License-Identifier: MIT */
/* Seccomp filter cost at container start: compiling berth's default profile with libseccomp
 * versus loading the compiled filter from the cache (median of N runs each). */
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ctr/security/caps.h"
#include "ctr/security/seccomp.h"

static double
now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main(int argc, char **argv)
{
    int n = argc > 2 ? atoi(argv[2]) : 200;
    const char *dir = argc > 1 ? argv[1] : "/tmp/berth-bench-seccomp-cache";
    double *compile = calloc((size_t)n, sizeof(double)), *load = calloc((size_t)n, sizeof(double));
    json_object *oci = NULL;
    struct err *e = NULL;
    if (!compile || !load || seccomp_default_oci(CAPS_DOCKER_DEFAULT, &oci, &e) < 0) {
        fprintf(stderr, "bench: %s\n", err_msg(e));
        return 1;
    }
    size_t insns = 0;
    for (int i = 0; i < n; i++) {
        struct seccomp_prog p;
        double t0 = now_us();
        if (seccomp_compile(oci, &p, &e) < 0)
            return fprintf(stderr, "bench: %s\n", err_msg(e)), 1;
        compile[i] = now_us() - t0;
        insns = p.len;
        seccomp_prog_done(&p);
    }
    bool hit = false;
    struct seccomp_prog p;
    if (seccomp_compile_cached(oci, dir, &p, &hit, &e) < 0) /* fill the cache */
        return fprintf(stderr, "bench: %s\n", err_msg(e)), 1;
    seccomp_prog_done(&p);
    for (int i = 0; i < n; i++) {
        double t0 = now_us();
        if (seccomp_compile_cached(oci, dir, &p, &hit, &e) < 0 || !hit)
            return fprintf(stderr, "bench: cache miss\n"), 1;
        load[i] = now_us() - t0;
        seccomp_prog_done(&p);
    }
    double mc = median(compile, n), ml = median(load, n);
    printf("default profile: %zu BPF instructions, %d runs each\n", insns, n);
    printf("compile (libseccomp %u.%u.%u): median %.0f us\n", seccomp_version()->major,
           seccomp_version()->minor, seccomp_version()->micro, mc);
    printf("cache load (key check + read): median %.0f us\n", ml);
    printf("ratio compile/cache: %.0fx\n", mc / ml);
    json_object_put(oci);
    return 0;
}
