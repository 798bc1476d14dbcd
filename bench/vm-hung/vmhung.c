/* SPDX-License-Identifier: MIT */
/* Time app_sample() (one dashboard / batch refresh) over the given libvirt connections: the first
 * refresh, then the median / min / max of the next REPS. Built by run.sh against a libberth.a. */
#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/model.h"
#include "ui/app.h"

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* One refresh; its time in ms, and how many rows it gave. */
static double
refresh(struct app *app, size_t *rows)
{
    struct inst_list l;
    inst_list_init(&l);
    int64_t t0 = mono_now_ns();
    app_sample(app, &l);
    double t = (double)(mono_now_ns() - t0) / 1e6;
    *rows = l.n;
    inst_list_done(&l);
    return t;
}

int
main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: vmhung LABEL REPS URI...\n");
        return 2;
    }
    int reps = atoi(argv[2]);
    struct app_opts o;
    app_opts_init(&o);
    o.no_containers = true;
    for (int i = 3; i < argc && o.n_uris < APP_MAX_URIS; i++)
        o.uris[o.n_uris++] = argv[i];
    struct app app;
    struct err *e = NULL;
    if (reps < 1 || app_open(&app, &o, &e) < 0) {
        fprintf(stderr, "vmhung: %s\n", e ? err_msg(e) : "REPS must be >= 1");
        return 1;
    }
    size_t rows = 0;
    double first = refresh(&app, &rows);
    double *t = calloc((size_t)reps, sizeof(*t));
    for (int i = 0; i < reps; i++)
        t[i] = refresh(&app, &rows);
    qsort(t, (size_t)reps, sizeof(*t), cmp_double);
    double med = reps % 2 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2;
    printf("%-6s conns %zu rows %zu  first %.3f ms  next %d: median %.3f min %.3f max %.3f ms\n",
           argv[1], o.n_uris, rows, first, reps, med, t[0], t[reps - 1]);
    free(t);
    app_close(&app);
    return 0;
}
