/* SPDX-License-Identifier: MIT */
/* Graph scaling and rendering: levels, axis bounds, braille/block/ASCII rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "ui/tui/graph.h"

static void
level_scaling(void **state)
{
    (void)state;
    assert_int_equal(graph_level(0, 100, 8), 0);
    assert_int_equal(graph_level(NAN, 100, 8), 0);
    assert_int_equal(graph_level(-5, 100, 8), 0);
    assert_int_equal(graph_level(100, 100, 8), 8);
    assert_int_equal(graph_level(250, 100, 8), 8); /* clipped */
    assert_int_equal(graph_level(50, 100, 8), 4);
    assert_int_equal(graph_level(0.01, 100, 8), 1); /* activity never vanishes */
    assert_int_equal(graph_level(12.5, 100, 8), 1);
    assert_int_equal(graph_level(10, 0, 8), 8);
    for (int v = 0; v <= 100; v++) { /* monotonic */
        assert_true(graph_level(v, 100, 16) <= graph_level(v + 1, 100, 16));
    }
}

static void
nice_axis_maximum(void **state)
{
    (void)state;
    assert_true(graph_nice_max(37, 100) == 100);
    assert_true(graph_nice_max(130, 100) == 200);
    assert_true(graph_nice_max(201, 100) == 500);
    assert_true(graph_nice_max(500, 100) == 500);
    assert_true(graph_nice_max(501, 100) == 1000);
    assert_true(graph_nice_max(NAN, 100) == 100);
    assert_true(graph_nice_max(0, 0) == 1);
    assert_true(graph_nice_max(3e9, 1) == 5e9);
}

#define W 6
#define H 2

static void
render(const double *v, size_t n, double vmax, enum graph_style st,
       char rows[H][GRAPH_ROW_BYTES(W)])
{
    graph_render(v, n, vmax, st, W, H, &rows[0][0], GRAPH_ROW_BYTES(W));
}

static void
ascii_rows_right_aligned(void **state)
{
    (void)state;
    char rows[H][GRAPH_ROW_BYTES(W)];
    double v[] = {100, 50, 25, 0};
    /* 4 levels in 2 rows: 100 -> 4, 50 -> 2, 25 -> 1, 0 -> 0 */
    render(v, 4, 100, GRAPH_STYLE_ASCII, rows);
    assert_string_equal(rows[0], "  #   ");
    assert_string_equal(rows[1], "  ##. ");
    render(v, 0, 100, GRAPH_STYLE_ASCII, rows);
    assert_string_equal(rows[0], "      ");
    assert_string_equal(rows[1], "      ");
}

static void
ascii_keeps_only_the_newest(void **state)
{
    (void)state;
    char rows[H][GRAPH_ROW_BYTES(W)];
    double v[10];
    for (int i = 0; i < 10; i++)
        v[i] = i < 4 ? 100 : 0;
    v[9] = 75; /* 3 of 4 levels */
    render(v, 10, 100, GRAPH_STYLE_ASCII, rows);
    assert_string_equal(rows[0], "     .");
    assert_string_equal(rows[1], "     #");
}

static void
block_glyphs(void **state)
{
    (void)state;
    char rows[H][GRAPH_ROW_BYTES(W)];
    double v[] = {100, 50, 6.25};
    render(v, 3, 100, GRAPH_STYLE_BLOCK, rows);
    /* 16 levels: 100 -> 16 (full, full), 50 -> 8 (blank, full), 6.25 -> 1 (blank, 1/8) */
    assert_string_equal(rows[0], "   \u2588  ");
    assert_string_equal(rows[1], "   \u2588\u2588\u2581");
}

static void
braille_two_samples_per_cell(void **state)
{
    (void)state;
    char rows[H][GRAPH_ROW_BYTES(W)];
    double v[] = {100, 25};
    render(v, 2, 100, GRAPH_STYLE_BRAILLE, rows);
    /* 8 levels: left column 8 (4 dots in each row), right column 2 (2 dots, bottom row only).
     * Top row: left column full = dots 1,2,3,7 = 0x47 -> U+2847.
     * Bottom row: left full 0x47 | right 2 from the bottom: dots 8,6 = 0xA0 -> U+28E7. */
    assert_string_equal(rows[0], "     \u2847");
    assert_string_equal(rows[1], "     \u28e7");
}

static void
nan_is_a_gap(void **state)
{
    (void)state;
    char rows[H][GRAPH_ROW_BYTES(W)];
    double v[] = {100, NAN, 100};
    render(v, 3, 100, GRAPH_STYLE_ASCII, rows);
    assert_string_equal(rows[1], "   # #");
}

static void
style_names(void **state)
{
    (void)state;
    for (int s = 0; s < GRAPH_STYLE_COUNT; s++)
        assert_int_equal(graph_style_parse(graph_style_name((enum graph_style)s)), s);
    assert_int_equal(graph_style_parse("sparkles"), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(level_scaling),
        cmocka_unit_test(nice_axis_maximum),
        cmocka_unit_test(ascii_rows_right_aligned),
        cmocka_unit_test(ascii_keeps_only_the_newest),
        cmocka_unit_test(block_glyphs),
        cmocka_unit_test(braille_two_samples_per_cell),
        cmocka_unit_test(nan_is_a_gap),
        cmocka_unit_test(style_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
