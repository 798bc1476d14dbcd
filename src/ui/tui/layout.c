/* SPDX-License-Identifier: MIT */
/* Dashboard layout arithmetic. */
#include "ui/tui/layout.h"

#include <string.h>
#include <strings.h>

const struct col_spec layout_cols[COL_COUNT] = {
    [COL_KIND] = {"KIND", "kind", 4, 4, 6, false},
    [COL_NAME] = {"NAME", "name", 10, 32, 0, false},
    [COL_STATE] = {"STATE", "state", 8, 8, 1, false},
    [COL_CPU] = {"CPU%", "cpu", 6, 6, 0, true},
    [COL_MEM] = {"MEM/LIMIT", "mem", 11, 11, 2, true},
    [COL_TASKS] = {"VCPU|PIDS", "tasks", 10, 10, 5, true},
    [COL_NET] = {"NET/s", "net", 7, 7, 4, true},
    [COL_BLK] = {"BLK/s", "blk", 7, 7, 4, true},
    [COL_UPTIME] = {"UPTIME", "uptime", 7, 7, 3, true},
    [COL_SOURCE] = {"SOURCE", "source", 6, 24, 7, false},
    [COL_PORTS] = {"PORTS", "ports", 5, 32, 8, false},
    [COL_START] = {"START", "start", 6, 6, 9, true},
    [COL_READY] = {"READY", "ready", 6, 6, 10, true},
    [COL_OVERHEAD] = {"OVERHD", "overhead", 6, 6, 11, true},
    [COL_DISK] = {"DISK", "disk", 5, 5, 12, true},
    [COL_KERNEL] = {"KERNEL", "kernel", 7, 7, 13, false},
};

static const char *const split_names[LAYOUT_SPLIT_COUNT] = {"auto", "side", "stacked"};

const char *
layout_split_name(enum layout_split s)
{
    return (unsigned)s < LAYOUT_SPLIT_COUNT ? split_names[s] : "auto";
}

int
layout_split_parse(const char *s)
{
    for (int i = 0; i < LAYOUT_SPLIT_COUNT; i++) {
        if (strcmp(s, split_names[i]) == 0)
            return i;
    }
    return -1;
}

static struct rect
rect_make(int y, int x, int h, int w)
{
    if (h <= 0 || w <= 0)
        return (struct rect){y, x, 0, 0};
    return (struct rect){y, x, h, w};
}

/* Place list and detail in the body rectangle. */
static void
layout_body(struct rect body, enum layout_split split, enum layout_zoom zoom, struct layout *out)
{
    out->side = split == LAYOUT_SPLIT_SIDE ||
                (split == LAYOUT_SPLIT_AUTO && body.w >= LAYOUT_SIDE_MIN_COLS);
    if (zoom == LAYOUT_ZOOM_LIST) {
        out->list = body;
        return;
    }
    if (zoom == LAYOUT_ZOOM_DETAIL) {
        out->detail = body;
        return;
    }
    if (out->side) {
        int dw = body.w * 2 / 5;
        if (dw < 30)
            dw = body.w >= 60 ? 30 : 0;
        out->list = rect_make(body.y, body.x, body.h, body.w - dw);
        out->detail = rect_make(body.y, body.x + body.w - dw, body.h, dw);
        return;
    }
    int total = body.h + LAYOUT_HEADER_ROWS + 2;
    int dh = 0;
    if (total >= LAYOUT_STACK_MIN_ROWS) {
        dh = body.h * 2 / 5;
        if (dh < 8)
            dh = 8;
    }
    out->list = rect_make(body.y, body.x, body.h - dh, body.w);
    out->detail = rect_make(body.y + body.h - dh, body.x, dh, body.w);
}

void
layout_compute(int rows, int cols, enum layout_split split, enum layout_zoom zoom,
               struct layout *out)
{
    memset(out, 0, sizeof(*out));
    if (rows < LAYOUT_MIN_ROWS || cols < LAYOUT_MIN_COLS) {
        out->too_small = true;
        return;
    }
    out->header = rect_make(0, 0, LAYOUT_HEADER_ROWS, cols);
    out->status = rect_make(rows - 2, 0, 1, cols);
    out->fkeys = rect_make(rows - 1, 0, 1, cols);
    struct rect body = rect_make(LAYOUT_HEADER_ROWS, 0, rows - LAYOUT_HEADER_ROWS - 2, cols);
    layout_body(body, split, zoom, out);
}

static int
cols_total(unsigned mask, const int widths[COL_COUNT])
{
    int total = 0, n = 0;
    for (int c = 0; c < COL_COUNT; c++) {
        if ((mask & (1u << c)) && widths[c] > 0) {
            total += widths[c];
            n++;
        }
    }
    return total + (n > 0 ? n - 1 : 0);
}

/* The visible column that goes first when room is short, or -1. */
static int
cols_victim(unsigned mask)
{
    int victim = -1;
    for (int c = 0; c < COL_COUNT; c++) {
        if ((mask & (1u << c)) && (victim < 0 || layout_cols[c].prio >= layout_cols[victim].prio))
            victim = c;
    }
    return victim;
}

int
layout_columns(unsigned mask, int width, int widths[COL_COUNT])
{
    mask &= COL_ALL;
    for (int c = 0; c < COL_COUNT; c++)
        widths[c] = (mask & (1u << c)) ? layout_cols[c].min : 0;
    while (mask && cols_total(mask, widths) > width) {
        int v = cols_victim(mask);
        mask &= ~(1u << v);
        widths[v] = 0;
    }
    int spare = width - cols_total(mask, widths);
    for (int c = 0; c < COL_COUNT && spare > 0; c++) {
        if (!(mask & (1u << c)))
            continue;
        int grow = layout_cols[c].max - widths[c];
        if (grow > spare)
            grow = spare;
        widths[c] += grow;
        spare -= grow;
    }
    return cols_total(mask, widths);
}

int
layout_col_at(const int widths[COL_COUNT], int x)
{
    int start = 0;
    for (int c = 0; c < COL_COUNT; c++) {
        if (widths[c] <= 0)
            continue;
        if (x >= start && x < start + widths[c] + 1)
            return c;
        start += widths[c] + 1;
    }
    return -1;
}

long
layout_cols_parse(const char *s, const char **bad, size_t *bad_len)
{
    long mask = 0;
    while (*s) {
        size_t len = strcspn(s, ", \t");
        if (len > 0) {
            int found = -1;
            for (int c = 0; c < COL_COUNT; c++) {
                if (strlen(layout_cols[c].name) == len &&
                    strncasecmp(s, layout_cols[c].name, len) == 0)
                    found = c;
            }
            if (found < 0) {
                *bad = s;
                *bad_len = len;
                return -1;
            }
            mask |= 1L << found;
        }
        s += len;
        s += strspn(s, ", \t");
    }
    return mask;
}

size_t
layout_scroll(size_t sel, size_t top, size_t n, int visible)
{
    if (visible <= 0 || n == 0)
        return 0;
    size_t vis = (size_t)visible;
    if (sel >= n)
        sel = n - 1;
    if (sel < top)
        top = sel;
    else if (sel >= top + vis)
        top = sel - vis + 1;
    if (n > vis && top > n - vis)
        top = n - vis;
    if (n <= vis)
        top = 0;
    return top;
}

static int
fkey_width(int f)
{
    return (f >= 10 ? 3 : 2) + LAYOUT_FKEY_LABEL;
}

int
layout_fkey_x(int f)
{
    int x = 0;
    for (int i = 1; i < f; i++)
        x += fkey_width(i);
    return x;
}

int
layout_fkey_at(int x)
{
    for (int f = 1; f <= LAYOUT_FKEYS; f++) {
        if (x >= layout_fkey_x(f) && x < layout_fkey_x(f) + fkey_width(f))
            return f;
    }
    return 0;
}
