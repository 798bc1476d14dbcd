/* SPDX-License-Identifier: MIT */
/* The dashboard's view over the newest sample: filter by name, sort by a column, selection kept
 * on the same instance across samples. Rebuilt only when data, filter or sort change. */
#include "ui/tui/tui.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

static int
cmp_u64(uint64_t a, uint64_t b)
{
    /* Unknown figures sort below every known one. */
    if (a == INST_UNKNOWN)
        a = 0;
    if (b == INST_UNKNOWN)
        b = 0;
    return a < b ? -1 : a > b;
}

static int
cmp_dbl(double a, double b)
{
    if (isnan(a))
        a = -1;
    if (isnan(b))
        b = -1;
    return a < b ? -1 : a > b;
}

static uint64_t
inst_tasks(const struct inst *in)
{
    return in->kind == INST_KIND_VM ? in->vcpus : in->pids;
}

static int
cmp_col(const struct tui *t, size_t ia, size_t ib)
{
    const struct inst *a = &t->cur.list.v[ia], *b = &t->cur.list.v[ib];
    const struct tui_rates *ra = &t->cur.rates[ia], *rb = &t->cur.rates[ib];
    switch (t->sort_col) {
    case COL_KIND:
        return (int)a->kind - (int)b->kind;
    case COL_NAME:
        return strcmp(a->name, b->name);
    case COL_STATE:
        return strcmp(inst_state_name(a->state), inst_state_name(b->state));
    case COL_CPU:
        return cmp_dbl(a->cpu_pct, b->cpu_pct);
    case COL_MEM:
        return cmp_u64(a->mem_bytes, b->mem_bytes);
    case COL_TASKS:
        return cmp_u64(inst_tasks(a), inst_tasks(b));
    case COL_NET:
        return cmp_dbl(ra->net, rb->net);
    case COL_BLK:
        return cmp_dbl(ra->blk, rb->blk);
    case COL_UPTIME: /* longest up first when descending: earlier start = longer */
        return cmp_u64(b->start_time < 0 ? 0 : (uint64_t)b->start_time,
                       a->start_time < 0 ? 0 : (uint64_t)a->start_time);
    case COL_SOURCE:
        return strcmp(a->source, b->source);
    case COL_PORTS:
        return strcmp(a->ports, b->ports);
    default: /* the optional VM-vs-container columns */
        return tui_figs_cmp(a, b, t->sort_col);
    }
}

static int
view_cmp(const void *pa, const void *pb, void *arg)
{
    const struct tui *t = arg;
    size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
    const struct inst *a = &t->cur.list.v[ia], *b = &t->cur.list.v[ib];
    if (t->grouped && a->kind != b->kind)
        return (int)a->kind - (int)b->kind;
    int c = cmp_col(t, ia, ib);
    if (t->sort_desc)
        c = -c;
    if (c == 0)
        c = strcmp(a->name, b->name);
    if (c == 0)
        c = strcmp(a->id, b->id);
    return c;
}

static bool
view_match(const struct tui *t, const struct inst *in)
{
    if (!t->filter[0])
        return true;
    return strcasestr(in->name, t->filter) || strcasestr(in->id, t->filter);
}

static bool
is_selected(const struct tui *t, const struct inst *in)
{
    return t->have_sel && in->kind == t->sel_kind && strcmp(in->id, t->sel_id) == 0 &&
           strcmp(in->source, t->sel_source) == 0;
}

/* Remember the instance at view index idx as the selection. */
void
tui_view_select(struct tui *t, size_t idx)
{
    if (t->nview == 0) {
        t->sel = 0;
        return;
    }
    if (idx >= t->nview)
        idx = t->nview - 1;
    t->sel = idx;
    const struct inst *in = &t->cur.list.v[t->view[idx]];
    t->sel_kind = in->kind;
    snprintf(t->sel_id, sizeof(t->sel_id), "%s", in->id);
    snprintf(t->sel_source, sizeof(t->sel_source), "%s", in->source);
    t->have_sel = true;
}

void
tui_view_rebuild(struct tui *t)
{
    if (t->view_cap < t->cur.list.n) {
        free(t->view);
        t->view_cap = t->cur.list.n * 2;
        t->view = xreallocarray(NULL, t->view_cap, sizeof(*t->view));
    }
    size_t n = 0;
    for (size_t i = 0; i < t->cur.list.n; i++) {
        if (view_match(t, &t->cur.list.v[i]))
            t->view[n++] = i;
    }
    t->nview = n;
    if (n > 1) /* t->view may still be NULL when empty */
        qsort_r(t->view, n, sizeof(*t->view), view_cmp, t);
    size_t sel = t->sel < n ? t->sel : (n ? n - 1 : 0);
    for (size_t i = 0; i < n; i++) {
        if (is_selected(t, &t->cur.list.v[t->view[i]])) {
            sel = i;
            break;
        }
    }
    tui_view_select(t, sel);
    t->top = layout_scroll(t->sel, t->top, t->nview, tui_view_visible_rows(t));
}

struct inst *
tui_view_selected(struct tui *t, struct tui_rates **rates)
{
    if (t->nview == 0 || t->sel >= t->nview)
        return NULL;
    size_t i = t->view[t->sel];
    if (rates)
        *rates = &t->cur.rates[i];
    return &t->cur.list.v[i];
}

int
tui_view_visible_rows(const struct tui *t)
{
    return t->lay.list.h > 1 ? t->lay.list.h - 1 : 0; /* minus the column titles */
}

void
tui_view_move(struct tui *t, long delta)
{
    if (t->nview == 0)
        return;
    long s = (long)t->sel + delta;
    if (s < 0)
        s = 0;
    if (s >= (long)t->nview)
        s = (long)t->nview - 1;
    tui_view_select(t, (size_t)s);
    t->top = layout_scroll(t->sel, t->top, t->nview, tui_view_visible_rows(t));
}
