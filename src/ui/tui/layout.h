/* SPDX-License-Identifier: MIT */
/* Dashboard layout arithmetic: pane rectangles by terminal size, column widths, scrolling. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define LAYOUT_MIN_COLS 40 /* below this (or LAYOUT_MIN_ROWS) only "terminal too small" */
#define LAYOUT_MIN_ROWS 10
#define LAYOUT_SIDE_MIN_COLS 150 /* auto split: detail beside the list from this width on */
#define LAYOUT_STACK_MIN_ROWS 20 /* stacked detail pane shown from this height on */
#define LAYOUT_HEADER_ROWS 2

struct rect {
    int y, x, h, w; /* h == 0 or w == 0: hidden */
};

enum layout_split {
    LAYOUT_SPLIT_AUTO,    /* side by side on wide terminals, stacked otherwise */
    LAYOUT_SPLIT_SIDE,    /* detail pane to the right of the list */
    LAYOUT_SPLIT_STACKED, /* detail pane below the list */
    LAYOUT_SPLIT_COUNT,
};

enum layout_zoom {
    LAYOUT_ZOOM_NONE,
    LAYOUT_ZOOM_LIST,   /* the list takes the whole body */
    LAYOUT_ZOOM_DETAIL, /* the detail pane takes the whole body */
    LAYOUT_ZOOM_COUNT,
};

struct layout {
    bool too_small;
    bool side; /* detail beside the list (else below it) */
    struct rect header, list, detail, status, fkeys;
};

/* Split a rows x cols screen into panes. Header on top, then the body (list and detail), the
 * status line and the F-key bar at the bottom. */
void layout_compute(int rows, int cols, enum layout_split split, enum layout_zoom zoom,
                    struct layout *out);

const char *layout_split_name(enum layout_split s); /* "auto", "side", "stacked" */
int layout_split_parse(const char *s);              /* -1 when unknown */

/* The list's columns. */
enum col_id {
    COL_KIND,
    COL_NAME,
    COL_STATE,
    COL_CPU,
    COL_MEM,
    COL_TASKS, /* vCPUs of a VM, pids of a container */
    COL_NET,
    COL_BLK,
    COL_UPTIME,
    COL_SOURCE,
    COL_PORTS, /* a container's published ports */
    /* Optional (off by default: `columns =` in the config): VM-vs-container figures. */
    COL_START,    /* start request -> exec (container) / running (VM) */
    COL_READY,    /* start request -> first output (container) / first serial line (VM) */
    COL_OVERHEAD, /* VM: QEMU RSS - guest RAM; container: kernel memory */
    COL_DISK,     /* own disk: upper layer / allocation */
    COL_KERNEL,   /* "own/tcg", "shared" */
    COL_COUNT,
};

#define COL_ALL ((1u << COL_COUNT) - 1)
#define COL_DEFAULT ((1u << COL_START) - 1) /* the columns shown without `columns =` */

struct col_spec {
    const char *title; /* "CPU%" */
    const char *name;  /* "cpu", for the config file */
    int min, max;      /* width range; max > min: grows with spare room */
    int prio;          /* dropped first when space is short: the highest prio number */
    bool right;        /* right-aligned figures */
};

extern const struct col_spec layout_cols[COL_COUNT];

/* Widths of the columns in mask that fit in width (one blank between columns); a column left
 * out gets 0. Columns are dropped by priority; spare room grows the flexible ones. Returns the
 * total width used. */
int layout_columns(unsigned mask, int width, int widths[COL_COUNT]);
/* The column at screen column x (0-based within the list), or -1. */
int layout_col_at(const int widths[COL_COUNT], int x);
/* "kind,name,cpu" -> mask; -1 with *bad pointing at the unknown name. */
long layout_cols_parse(const char *s, const char **bad, size_t *bad_len);

/* The first row to show so that sel stays visible in a window of visible rows over n rows,
 * moving as little as possible from top. */
size_t layout_scroll(size_t sel, size_t top, size_t n, int visible);

/* The F-key bar: F1..F10, each "F<n>" then a label of LAYOUT_FKEY_LABEL columns, htop's
 * geometry: 9 x 8 + "F10Quit" fits 80 columns (the label's colour separates the slots). */
#define LAYOUT_FKEYS 10
#define LAYOUT_FKEY_LABEL 6
/* Where key f (1..LAYOUT_FKEYS) starts, in columns from the bar's left edge; its label starts
 * strlen("F<n>") further. */
int layout_fkey_x(int f);
/* The F-key under column x of the bar (from its left edge), or 0 for none. */
int layout_fkey_at(int x);
