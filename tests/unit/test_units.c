/* SPDX-License-Identifier: MIT */
/* Unit tests: size, seconds, integer and duration parsing/formatting (common/units). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/model.h"
#include "common/units.h"

static uint64_t
parse_ok(const char *s)
{
    uint64_t v = 0;
    struct err *e = NULL;
    int rc = units_parse_size(s, &v, &e);
    if (rc != 0)
        fail_msg("'%s' was rejected: %s", s, err_msg(e));
    assert_null(e);
    return v;
}

/* The parse fails, leaves *out alone, and the message quotes the value and contains why. */
static void
parse_bad(const char *s, const char *why)
{
    uint64_t v = 12345;
    struct err *e = NULL;
    assert_int_equal(units_parse_size(s, &v, &e), -1);
    assert_non_null(e);
    assert_int_equal(v, 12345);
    char quoted[256];
    snprintf(quoted, sizeof(quoted), "'%s'", s);
    if (!strstr(err_msg(e), quoted) || !strstr(err_msg(e), why))
        fail_msg("message for '%s' is \"%s\"; expected it to quote the value and say \"%s\"", s,
                 err_msg(e), why);
    err_free(e);
}

static void
size_accepts_suffixes_case_and_forms(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("512K"), 512ULL << 10);
    assert_int_equal(parse_ok("256M"), 256ULL << 20);
    assert_int_equal(parse_ok("1.5G"), 3ULL << 29);
    assert_int_equal(parse_ok("2T"), 2ULL << 40);
    assert_int_equal(parse_ok("3P"), 3ULL << 50);
    assert_int_equal(parse_ok("1g"), 1ULL << 30);
    assert_int_equal(parse_ok("10MiB"), 10ULL << 20);
    assert_int_equal(parse_ok("10MB"), 10ULL << 20);
    assert_int_equal(parse_ok("10mb"), 10ULL << 20);
    assert_int_equal(parse_ok("1024"), 1024);
    assert_int_equal(parse_ok("1024B"), 1024);
    assert_int_equal(parse_ok("0"), 0);
    assert_int_equal(parse_ok("0.5K"), 512);
    assert_int_equal(parse_ok("1.25K"), 1280);
    assert_int_equal(parse_ok("1.500G"), 3ULL << 29);
}

static void
size_rejects_bad_input_with_quoted_value(void **state)
{
    (void)state;
    parse_bad("12Q", "unknown unit 'Q'");
    parse_bad("-5M", "negative");
    parse_bad("99999999999999999999G", "too large");
    parse_bad("1.5", "whole number of bytes");
    parse_bad("1.0001K", "whole number of bytes");
    parse_bad("", "empty");
    parse_bad("  ", "empty");
    parse_bad("5MBx", "unknown unit 'MBx'");
    parse_bad("0x10", "unknown unit 'x10'");
    parse_bad("M", "expected a number");
    parse_bad(" 5M", "expected a number");
    parse_bad("5 M", "unknown unit ' M'");
    parse_bad("1e3", "unknown unit 'e3'");
    parse_bad("5KK", "unknown unit 'KK'");
}

static void
size_boundary_max_u64_ok_one_more_overflows(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("18446744073709551615"), UINT64_MAX);
    parse_bad("18446744073709551616", "too large");
    /* 16383P fits, 16384P = 2^64 does not */
    assert_int_equal(parse_ok("16383P"), 16383ULL << 50);
    parse_bad("16384P", "too large");
    /* the fraction pushes it over */
    assert_int_equal(parse_ok("16383.5P"), (16383ULL << 50) + (1ULL << 49));
    parse_bad("16383.9999999999999999999P", "");
}

static void
size_null_error_pointer_is_allowed(void **state)
{
    (void)state;
    uint64_t v = 7;
    assert_int_equal(units_parse_size("bogus", &v, NULL), -1);
    assert_int_equal(v, 7);
}

static const char *
fmt(uint64_t v)
{
    static char buf[4][16];
    static int i;
    i = (i + 1) % 4;
    return units_format_size(v, buf[i], sizeof(buf[i]));
}

static void
size_format_three_significant_digits(void **state)
{
    (void)state;
    assert_string_equal(fmt(0), "0B");
    assert_string_equal(fmt(999), "999B");
    assert_string_equal(fmt(1000), "0.98K");
    assert_string_equal(fmt(1024), "1K");
    assert_string_equal(fmt(1536), "1.5K");
    assert_string_equal(fmt(256ULL << 20), "256M");
    assert_string_equal(fmt(12ULL << 30), "12G");
    assert_string_equal(fmt(2ULL << 40), "2T");
    assert_string_equal(fmt((1ULL << 30) + (1ULL << 30) / 3), "1.33G");
    assert_string_equal(fmt(100ULL << 20), "100M");
    assert_string_equal(fmt(1023ULL << 20), "1G"); /* 0.999G rounds to 3 digits */
    assert_string_equal(fmt(INST_UNKNOWN), "-");
    assert_string_equal(fmt(INST_UNKNOWN - 1), "16E");
}

static void
size_format_truncates_to_buffer(void **state)
{
    (void)state;
    char buf[3];
    units_format_size(256ULL << 20, buf, sizeof(buf));
    assert_string_equal(buf, "25");
}

static void
size_format_then_parse_round_trips(void **state)
{
    (void)state;
    const uint64_t vals[] = {0,          1,          999,        512ULL << 10, 256ULL << 20,
                             3ULL << 29, 2ULL << 40, 5ULL << 50, 1536,         100ULL << 30};
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
        const char *s = fmt(vals[i]);
        assert_int_equal(parse_ok(s), vals[i]);
    }
    /* any value: the printed figure is within 3-digit rounding of the real one */
    for (uint64_t v = 1000; v < (1ULL << 62); v = v * 3 / 2 + 13) {
        char buf[16], *end = NULL;
        units_format_size(v, buf, sizeof(buf));
        double num = strtod(buf, &end); /* not scanf: "4E" would read as an exponent */
        char unit = *end;
        assert_int_equal(end[1], '\0');
        const char *units = "BKMGTPE";
        const char *u = strchr(units, unit);
        assert_non_null(u);
        double back = num;
        for (const char *q = units; q < u; q++)
            back *= 1024;
        double ratio = back / (double)v;
        if (ratio < 0.995 || ratio > 1.005 || strlen(buf) > 5)
            fail_msg("%llu formatted as %s (%g)", (unsigned long long)v, buf, back);
    }
}

static void
seconds_parse_accepts_fractions_rejects_bad(void **state)
{
    (void)state;
    double d = 0;
    assert_int_equal(units_parse_seconds("1", &d, NULL), 0);
    assert_true(d == 1.0);
    assert_int_equal(units_parse_seconds("0.2", &d, NULL), 0);
    assert_true(d == 0.2);
    assert_int_equal(units_parse_seconds("1000000", &d, NULL), 0);
    const char *bad[] = {"0",   "0.0", "-1",  "",          " ",   "1s", "abc",
                         "1e3", "nan", "inf", "1000000.5", "0x1", " 1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct err *e = NULL;
        d = 42;
        if (units_parse_seconds(bad[i], &d, &e) != -1)
            fail_msg("seconds '%s' accepted as %g", bad[i], d);
        assert_true(d == 42);
        char q[64];
        snprintf(q, sizeof(q), "'%s'", bad[i]);
        assert_non_null(strstr(err_msg(e), q));
        err_free(e);
    }
}

static void
u64_parse_range_and_errors_name_the_value(void **state)
{
    (void)state;
    uint64_t v = 0;
    struct err *e = NULL;
    assert_int_equal(units_parse_u64("5", 0, 10, "count", &v, NULL), 0);
    assert_int_equal(v, 5);
    assert_int_equal(units_parse_u64("18446744073709551615", 0, UINT64_MAX, "n", &v, NULL), 0);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(units_parse_u64("18446744073709551616", 0, UINT64_MAX, "n", &v, &e), -1);
    err_free(e);
    e = NULL;
    assert_int_equal(units_parse_u64("11", 0, 10, "count", &v, &e), -1);
    assert_string_equal(err_msg(e), "invalid count '11': must be between 0 and 10");
    err_free(e);
    e = NULL;
    assert_int_equal(units_parse_u64("-1", 0, 10, "count", &v, &e), -1);
    assert_string_equal(err_msg(e), "invalid count '-1': expected a whole number");
    err_free(e);
    const char *bad[] = {"", "1.5", "1x", "+1", " 1", "0x1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (units_parse_u64(bad[i], 0, 100, "count", &v, NULL) != -1)
            fail_msg("u64 '%s' accepted", bad[i]);
    assert_int_equal(units_parse_u64("0", 1, 10, "count", &v, NULL), -1);
}

static void
duration_format_two_largest_units(void **state)
{
    (void)state;
    char buf[32];
    assert_string_equal(units_format_duration(3 * 86400 + 4 * 3600 + 59, buf, sizeof(buf)), "3d4h");
    assert_string_equal(units_format_duration(4 * 3600 + 12 * 60 + 1, buf, sizeof(buf)), "4h12m");
    assert_string_equal(units_format_duration(12 * 60 + 30, buf, sizeof(buf)), "12m30s");
    assert_string_equal(units_format_duration(45, buf, sizeof(buf)), "45s");
    assert_string_equal(units_format_duration(0, buf, sizeof(buf)), "0s");
    assert_string_equal(units_format_duration(-5, buf, sizeof(buf)), "-");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(size_accepts_suffixes_case_and_forms),
        cmocka_unit_test(size_rejects_bad_input_with_quoted_value),
        cmocka_unit_test(size_boundary_max_u64_ok_one_more_overflows),
        cmocka_unit_test(size_null_error_pointer_is_allowed),
        cmocka_unit_test(size_format_three_significant_digits),
        cmocka_unit_test(size_format_truncates_to_buffer),
        cmocka_unit_test(size_format_then_parse_round_trips),
        cmocka_unit_test(seconds_parse_accepts_fractions_rejects_bad),
        cmocka_unit_test(u64_parse_range_and_errors_name_the_value),
        cmocka_unit_test(duration_format_two_largest_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
