/* SPDX-License-Identifier: MIT */
/* Dashboard layout arithmetic: panes tile the screen, columns fit, scrolling keeps the
 * selection visible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ui/tui/layout.h"

static void
tiny_terminals_are_too_small(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(8, 30, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_true(l.too_small);
    layout_compute(10, 39, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_true(l.too_small);
    layout_compute(9, 200, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_true(l.too_small);
    layout_compute(10, 40, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_false(l.too_small);
    assert_true(l.list.h > 1);
}

/* Every row of the screen belongs to exactly one of header, body, status and F-key bar. */
static void
panes_tile_the_screen(void **state)
{
    (void)state;
    static const int sizes[][2] = {{10, 40}, {15, 60}, {24, 80}, {40, 120}, {50, 200}, {99, 333}};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        for (int split = 0; split < LAYOUT_SPLIT_COUNT; split++) {
            int rows = sizes[i][0], cols = sizes[i][1];
            struct layout l;
            layout_compute(rows, cols, (enum layout_split)split, LAYOUT_ZOOM_NONE, &l);
            assert_false(l.too_small);
            assert_int_equal(l.header.y, 0);
            assert_int_equal(l.list.y, l.header.h);
            assert_int_equal(l.status.y, rows - 2);
            assert_int_equal(l.fkeys.y, rows - 1);
            if (l.side) {
                assert_int_equal(l.list.w + l.detail.w, cols);
                assert_int_equal(l.list.h, rows - l.header.h - 2);
                if (l.detail.w)
                    assert_int_equal(l.detail.x, l.list.w);
            } else {
                assert_int_equal(l.list.h + l.detail.h, rows - l.header.h - 2);
                assert_int_equal(l.list.w, cols);
                if (l.detail.h)
                    assert_int_equal(l.detail.y, l.list.y + l.list.h);
            }
            assert_true(l.list.h >= 2);
        }
    }
}

static void
auto_split_by_width(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(50, 200, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_true(l.side);
    assert_true(l.detail.w >= 30);
    layout_compute(50, 120, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_false(l.side);
    assert_true(l.detail.h >= 8);
    layout_compute(15, 60, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_NONE, &l);
    assert_int_equal(l.detail.h, 0); /* too short for a stacked detail pane */
    layout_compute(50, 120, LAYOUT_SPLIT_SIDE, LAYOUT_ZOOM_NONE, &l);
    assert_true(l.side);
}

static void
zoom_gives_one_pane_the_body(void **state)
{
    (void)state;
    struct layout l;
    layout_compute(40, 120, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_DETAIL, &l);
    assert_int_equal(l.list.h, 0);
    assert_int_equal(l.detail.h, 40 - LAYOUT_HEADER_ROWS - 2);
    assert_int_equal(l.detail.w, 120);
    layout_compute(40, 120, LAYOUT_SPLIT_AUTO, LAYOUT_ZOOM_LIST, &l);
    assert_int_equal(l.detail.h, 0);
    assert_int_equal(l.list.h, 40 - LAYOUT_HEADER_ROWS - 2);
}

static int
sum_widths(const int w[COL_COUNT])
{
    int s = 0, n = 0;
    for (int c = 0; c < COL_COUNT; c++) {
        if (w[c] > 0) {
            s += w[c];
            n++;
        }
    }
    return s + (n ? n - 1 : 0);
}

static void
columns_fit_and_drop_by_priority(void **state)
{
    (void)state;
    int w[COL_COUNT];
    for (int width = 10; width <= 300; width += 7) {
        int used = layout_columns(COL_ALL, width, w);
        assert_int_equal(used, sum_widths(w));
        assert_true(used <= width);
        assert_true(w[COL_NAME] >= layout_cols[COL_NAME].min); /* the name always stays */
        for (int c = 0; c < COL_COUNT; c++)
            assert_true(w[c] == 0 || (w[c] >= layout_cols[c].min && w[c] <= layout_cols[c].max));
    }
    layout_columns(COL_ALL, 60, w);
    assert_int_equal(w[COL_SOURCE], 0); /* priority 7 goes first */
    assert_int_equal(w[COL_KIND], 0);
    assert_true(w[COL_CPU] > 0);
    layout_columns(COL_ALL, 300, w);
    for (int c = 0; c < COL_COUNT; c++)
        assert_int_equal(w[c], layout_cols[c].max);
    layout_columns((1u << COL_NAME) | (1u << COL_CPU), 300, w);
    assert_int_equal(w[COL_STATE], 0);
}

/* The optional VM-vs-container columns: off by default, named in `columns =`, and dropped before
 * any default column when room is short. */
static void
optional_columns(void **state)
{
    (void)state;
    const char *bad = NULL;
    size_t bl = 0;
    unsigned opt = (1u << COL_START) | (1u << COL_READY) | (1u << COL_OVERHEAD) | (1u << COL_DISK) |
                   (1u << COL_KERNEL);
    assert_int_equal(COL_DEFAULT & opt, 0);
    assert_int_equal(COL_DEFAULT | opt, COL_ALL);
    assert_int_equal(layout_cols_parse("start,ready,overhead,disk,kernel", &bad, &bl), opt);
    for (int c = COL_START; c < COL_COUNT; c++)
        assert_true(layout_cols[c].prio > layout_cols[COL_PORTS].prio &&
                    layout_cols[c].right == (c != COL_KERNEL));
    int w[COL_COUNT], used = -1;
    for (int c = 0; c < COL_START; c++)
        used += layout_cols[c].min + 1; /* the default columns at their narrowest */
    assert_int_equal(layout_columns(COL_ALL, used, w), used);
    for (int c = 0; c < COL_COUNT; c++)
        assert_int_equal(w[c], c < COL_START ? layout_cols[c].min : 0);
    /* room for one more: START, the last optional one to go */
    layout_columns(COL_ALL, used + layout_cols[COL_START].min + 1, w);
    assert_true(w[COL_START] > 0);
    assert_int_equal(w[COL_KERNEL], 0);
}

static void
column_at_screen_position(void **state)
{
    (void)state;
    int w[COL_COUNT] = {0};
    w[COL_KIND] = 4;
    w[COL_NAME] = 10;
    w[COL_CPU] = 6;
    assert_int_equal(layout_col_at(w, 0), COL_KIND);
    assert_int_equal(layout_col_at(w, 3), COL_KIND);
    assert_int_equal(layout_col_at(w, 5), COL_NAME);
    assert_int_equal(layout_col_at(w, 15), COL_NAME); /* the blank after a column is its own */
    assert_int_equal(layout_col_at(w, 16), COL_CPU);
    assert_int_equal(layout_col_at(w, 21), COL_CPU);
    assert_int_equal(layout_col_at(w, 23), -1);
}

static void
columns_parse(void **state)
{
    (void)state;
    const char *bad = NULL;
    size_t bl = 0;
    assert_int_equal(layout_cols_parse("name,cpu, mem", &bad, &bl),
                     (1 << COL_NAME) | (1 << COL_CPU) | (1 << COL_MEM));
    assert_int_equal(layout_cols_parse("name,bogus,cpu", &bad, &bl), -1);
    assert_int_equal(bl, 5);
    assert_memory_equal(bad, "bogus", 5);
}

static void
scroll_keeps_selection_visible(void **state)
{
    (void)state;
    assert_int_equal(layout_scroll(0, 0, 1000, 20), 0);
    assert_int_equal(layout_scroll(25, 0, 1000, 20), 6);
    assert_int_equal(layout_scroll(5, 6, 1000, 20), 5);
    assert_int_equal(layout_scroll(999, 0, 1000, 20), 980);
    assert_int_equal(layout_scroll(10, 10, 15, 20), 0); /* everything fits */
    assert_int_equal(layout_scroll(3, 990, 1000, 20), 3);
    assert_int_equal(layout_scroll(0, 50, 0, 20), 0);
    assert_int_equal(layout_scroll(5, 0, 10, 0), 0);
    /* top never leaves an empty tail when the list shrank */
    assert_int_equal(layout_scroll(99, 95, 100, 20), 80);
    for (size_t sel = 0; sel < 300; sel += 13) {
        size_t top = layout_scroll(sel, 77, 300, 17);
        assert_true(sel >= top && sel < top + 17);
    }
}

/* Drawing and clicks share the F-key bar's geometry: "F1" + 6 = 8 columns per key, F10 9, as
 * in htop: the ten keys fit 80 columns ("F10Quit" ends at column 79). A click on a key's number
 * or label picks it, past the last key picks none. */
static void
fkey_bar_slots(void **state)
{
    (void)state;
    assert_int_equal(layout_fkey_x(1), 0);
    assert_int_equal(layout_fkey_x(2), 8);
    assert_int_equal(layout_fkey_x(10), 72);
    assert_true(layout_fkey_x(10) + 3 + 4 <= 80); /* "F10Quit" */
    assert_int_equal(layout_fkey_at(0), 1);
    assert_int_equal(layout_fkey_at(7), 1);
    assert_int_equal(layout_fkey_at(8), 2);
    assert_int_equal(layout_fkey_at(71), 9);
    assert_int_equal(layout_fkey_at(72), 10);
    assert_int_equal(layout_fkey_at(79), 10);
    assert_int_equal(layout_fkey_at(81), 0);
    assert_int_equal(layout_fkey_at(-1), 0);
    for (int f = 1; f <= LAYOUT_FKEYS; f++)
        assert_int_equal(layout_fkey_at(layout_fkey_x(f)), f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tiny_terminals_are_too_small),
        cmocka_unit_test(panes_tile_the_screen),
        cmocka_unit_test(auto_split_by_width),
        cmocka_unit_test(zoom_gives_one_pane_the_body),
        cmocka_unit_test(columns_fit_and_drop_by_priority),
        cmocka_unit_test(column_at_screen_position),
        cmocka_unit_test(columns_parse),
        cmocka_unit_test(optional_columns),
        cmocka_unit_test(scroll_keeps_selection_visible),
        cmocka_unit_test(fkey_bar_slots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
