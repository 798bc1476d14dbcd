/* SPDX-License-Identifier: MIT */
/*
 * VM vs container figures as numbers and short texts: what the compare overlay, the detail pane
 * (compare.c) and the optional list columns (START, READY, OVERHD, DISK, KERNEL: draw.c, view.c)
 * show. Calls nothing else of the dashboard.
 */
#include "ui/tui/tui.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/units.h"

static double
ms_or_nan(int64_t ns)
{
    return ns < 0 ? NAN : (double)ns / 1e6;
}

double
tui_fig_bytes(uint64_t v)
{
    return v == INST_UNKNOWN ? NAN : (double)v;
}

double
tui_fig_exec(const struct inst *in)
{
    return ms_or_nan(in->figs.start_exec_ns);
}
double
tui_fig_first(const struct inst *in)
{
    return ms_or_nan(in->figs.start_first_ns);
}
double
tui_fig_over(const struct inst *in)
{
    if (in->kind == INST_KIND_VM)
        return in->figs.mem_overhead == INT64_MIN ? NAN : (double)in->figs.mem_overhead;
    return tui_fig_bytes(in->figs.mem_kernel); /* a container's own overhead: kernel memory */
}
double
tui_fig_disk_own(const struct inst *in)
{
    return tui_fig_bytes(in->figs.disk_own);
}
const char *
tui_fig_num(double v, bool size, char *buf, size_t len)
{
    if (isnan(v))
        return "-";
    if (size && v < 0) {
        char a[32];
        snprintf(buf, len, "-%s", units_format_size((uint64_t)-v, a, sizeof(a)));
    } else if (size) {
        units_format_size((uint64_t)v, buf, len);
    } else {
        snprintf(buf, len, "%.1f", v);
    }
    return buf;
}

/* A start figure in at most 6 columns: "174ms", "3.70s", "15.6s", "2m30s". */
static const char *
t_ms(int64_t ns, char *buf, size_t len)
{
    if (ns < 0)
        return "-";
    if (ns < 1000000000)
        snprintf(buf, len, "%lldms", (long long)(ns / 1000000));
    else if (ns < 10000000000)
        snprintf(buf, len, "%.2fs", (double)ns / 1e9);
    else if (ns < 60000000000)
        snprintf(buf, len, "%.1fs", (double)ns / 1e9);
    else
        units_format_duration(ns / 1000000000, buf, len);
    return buf;
}

/* "own/tcg", "own" (a stopped VM), "shared": where the kernel is and the accelerator. */
static const char *
t_kernel_short(const struct inst *in, char *buf, size_t len)
{
    const char *k = in->figs.kernel;
    if (!k[0])
        return "-";
    snprintf(buf, len, "%.*s%s%s", (int)strcspn(k, " "), k, in->figs.accel[0] ? "/" : "",
             in->figs.accel);
    return buf;
}

const char *
tui_figs_cell(const struct inst *in, int col, char *buf, size_t len)
{
    switch (col) {
    case COL_START:
        return t_ms(in->figs.start_exec_ns, buf, len);
    case COL_READY:
        return t_ms(in->figs.start_first_ns, buf, len);
    case COL_OVERHEAD:
        return tui_fig_num(tui_fig_over(in), true, buf, len);
    case COL_DISK:
        return tui_fig_num(tui_fig_disk_own(in), true, buf, len);
    case COL_KERNEL:
        return t_kernel_short(in, buf, len);
    default:
        return "";
    }
}

static int
cmp_num(double a, double b)
{
    if (isnan(a))
        return isnan(b) ? 0 : -1;
    if (isnan(b))
        return 1;
    return a < b ? -1 : a > b;
}

int
tui_figs_cmp(const struct inst *a, const struct inst *b, int col)
{
    char x[32], y[32];
    switch (col) {
    case COL_START:
        return cmp_num(tui_fig_exec(a), tui_fig_exec(b));
    case COL_READY:
        return cmp_num(tui_fig_first(a), tui_fig_first(b));
    case COL_OVERHEAD:
        return cmp_num(tui_fig_over(a), tui_fig_over(b));
    case COL_DISK:
        return cmp_num(tui_fig_disk_own(a), tui_fig_disk_own(b));
    case COL_KERNEL:
        return strcmp(t_kernel_short(a, x, sizeof(x)), t_kernel_short(b, y, sizeof(y)));
    default:
        return 0;
    }
}
