/* SPDX-License-Identifier: MIT */
/* Text graphs of a history ring: braille or block glyphs in UTF-8, an ASCII fallback. */
#pragma once

#include <stddef.h>

enum graph_style {
    GRAPH_STYLE_BRAILLE, /* 2 samples x 4 levels per cell */
    GRAPH_STYLE_BLOCK,   /* 1 sample x 8 levels per cell (U+2581..U+2588) */
    GRAPH_STYLE_ASCII,   /* 1 sample x 2 levels per cell ('.' and '#') */
    GRAPH_STYLE_COUNT,
};

const char *graph_style_name(enum graph_style s); /* "braille", "block", "ascii" */
int graph_style_parse(const char *s);             /* -1 when unknown */

/* Samples one cell shows, and vertical levels per row of cells. */
int graph_samples_per_cell(enum graph_style s);
int graph_levels_per_row(enum graph_style s);

/* Scale v into 0..levels against vmax: NaN, negatives and 0 give 0, >= vmax gives levels, and any
 * positive value gives at least 1 so that activity never vanishes. */
int graph_level(double v, double vmax, int levels);

/* A round upper bound for the axis: the smallest 1, 2 or 5 x 10^k >= max, and at least min. */
double graph_nice_max(double max, double min);

/* Bytes one row needs for w cells (with the NUL). */
#define GRAPH_ROW_BYTES(w) ((size_t)(w)*3 + 1)

/*
 * Draw the newest values of v[0..n) (oldest first; NaN = gap) right-aligned into h rows of w
 * cells. Row r (0 = top) is written NUL-terminated at rows + r * row_size, which must be at
 * least GRAPH_ROW_BYTES(w). Every row is exactly w cells wide.
 */
void graph_render(const double *v, size_t n, double vmax, enum graph_style st, int w, int h,
                  char *rows, size_t row_size);
