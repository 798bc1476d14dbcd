/* SPDX-License-Identifier: MIT */
/* Text graphs of a history ring. */
#include "ui/tui/graph.h"

#include <math.h>
#include <string.h>

static const char *const style_names[GRAPH_STYLE_COUNT] = {"braille", "block", "ascii"};

/* U+2581..U+2588, index = eighths filled (0 = blank). */
static const char *const block_glyphs[9] = {" ",      "\u2581", "\u2582", "\u2583", "\u2584",
                                            "\u2585", "\u2586", "\u2587", "\u2588"};
/* Braille dot bits from the bottom up, left and right columns. */
static const unsigned braille_left[4] = {0x40, 0x04, 0x02, 0x01};
static const unsigned braille_right[4] = {0x80, 0x20, 0x10, 0x08};

const char *
graph_style_name(enum graph_style s)
{
    return (unsigned)s < GRAPH_STYLE_COUNT ? style_names[s] : "ascii";
}

int
graph_style_parse(const char *s)
{
    for (int i = 0; i < GRAPH_STYLE_COUNT; i++) {
        if (strcmp(s, style_names[i]) == 0)
            return i;
    }
    return -1;
}

int
graph_samples_per_cell(enum graph_style s)
{
    return s == GRAPH_STYLE_BRAILLE ? 2 : 1;
}

int
graph_levels_per_row(enum graph_style s)
{
    switch (s) {
    case GRAPH_STYLE_BRAILLE:
        return 4;
    case GRAPH_STYLE_BLOCK:
        return 8;
    default:
        return 2;
    }
}

int
graph_level(double v, double vmax, int levels)
{
    if (isnan(v) || v <= 0 || levels <= 0)
        return 0;
    if (!(vmax > 0) || v >= vmax)
        return levels;
    long l = lround(v / vmax * levels);
    return l < 1 ? 1 : (l > levels ? levels : (int)l);
}

double
graph_nice_max(double max, double min)
{
    if (isnan(max) || max < min)
        max = min;
    if (!(max > 0))
        return 1;
    double p = pow(10, floor(log10(max)));
    static const double steps[] = {1, 2, 5, 10};
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (steps[i] * p >= max * (1 - 1e-12))
            return steps[i] * p;
    }
    return 10 * p;
}

/* Fill of one cell's sample in the row whose lowest level is base: 0..per_row. */
static int
cell_fill(int level, int base, int per_row)
{
    int f = level - base;
    return f < 0 ? 0 : (f > per_row ? per_row : f);
}

/* Append the UTF-8 of braille pattern bits (a blank for no dots). */
static char *
put_braille(char *p, unsigned bits)
{
    if (bits == 0) {
        *p++ = ' ';
        return p;
    }
    unsigned cp = 0x2800 | bits;
    *p++ = (char)0xE2;
    *p++ = (char)(0x80 | ((cp >> 6) & 0x3F));
    *p++ = (char)(0x80 | (cp & 0x3F));
    return p;
}

static char *
put_cell(char *p, enum graph_style st, const int *lv, int base)
{
    int per = graph_levels_per_row(st);
    if (st == GRAPH_STYLE_BRAILLE) {
        unsigned bits = 0;
        int l = cell_fill(lv[0], base, per), r = cell_fill(lv[1], base, per);
        for (int i = 0; i < l; i++)
            bits |= braille_left[i];
        for (int i = 0; i < r; i++)
            bits |= braille_right[i];
        return put_braille(p, bits);
    }
    int f = cell_fill(lv[0], base, per);
    if (st == GRAPH_STYLE_BLOCK) {
        size_t len = strlen(block_glyphs[f]);
        memcpy(p, block_glyphs[f], len);
        return p + len;
    }
    *p++ = f == 0 ? ' ' : (f == 1 ? '.' : '#');
    return p;
}

void
graph_render(const double *v, size_t n, double vmax, enum graph_style st, int w, int h, char *rows,
             size_t row_size)
{
    if (w <= 0 || h <= 0 || row_size < GRAPH_ROW_BYTES(w))
        return;
    int spc = graph_samples_per_cell(st);
    int levels = graph_levels_per_row(st) * h;
    size_t slots = (size_t)w * (size_t)spc;
    for (int r = 0; r < h; r++) {
        char *p = rows + (size_t)r * row_size;
        int base = (h - 1 - r) * graph_levels_per_row(st);
        for (int c = 0; c < w; c++) {
            int lv[2] = {0, 0};
            for (int k = 0; k < spc; k++) {
                size_t slot = (size_t)c * (size_t)spc + (size_t)k; /* 0 = oldest shown */
                if (slot + n >= slots)
                    lv[k] = graph_level(v[slot + n - slots], vmax, levels);
            }
            p = put_cell(p, st, lv, base);
        }
        *p = '\0';
    }
}
