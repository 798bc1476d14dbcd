/* SPDX-License-Identifier: MIT */
/* Unit tests: JSON parsing with positioned errors, file load/save, typed lookups. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "common/json.h"

/* Parse s and expect failure with exactly this message. */
static void
expect_error(const char *s, size_t len, const char *msg)
{
    struct err *e = NULL;
    json_object *o = jsonx_parse(s, len, "state.json", &e);
    if (o)
        fail_msg("'%s' parsed as %s", s, json_object_to_json_string(o));
    assert_non_null(e);
    assert_string_equal(err_msg(e), msg);
    err_free(e);
}

static void
parse_valid_values_of_every_kind(void **state)
{
    (void)state;
    const char *ok[] = {"{}", "[]", "123", "-1.5", "\"s\"", "true", " \n{\"a\": [1, 2]}\n\t "};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct err *e = NULL;
        json_object *o = jsonx_parse(ok[i], strlen(ok[i]), "x", &e);
        if (!o)
            fail_msg("'%s' rejected: %s", ok[i], err_msg(e));
        assert_null(e);
        json_object_put(o);
    }
    json_object *o = jsonx_parse("123", 3, "x", NULL);
    assert_int_equal(json_object_get_int64(o), 123); /* a bare number at the very end */
    json_object_put(o);
    expect_error("null", 4, "unexpected JSON in 'state.json': the document is null");
    expect_error("null x", 6,
                 "corrupt JSON in 'state.json' at offset 5: unexpected data after the value");
    o = jsonx_parse("[1]xxxx", 3, "x", NULL); /* only len bytes are looked at */
    assert_non_null(o);
    assert_int_equal(json_object_array_length(o), 1);
    json_object_put(o);
}

static void
parse_truncated_input_reports_end_offset(void **state)
{
    (void)state;
    expect_error("{\"a\": ", 6,
                 "corrupt JSON in 'state.json' at offset 6: unexpected end of input");
    expect_error("[1, 2", 5, "corrupt JSON in 'state.json' at offset 5: unexpected end of input");
    expect_error("\"abc", 4, "corrupt JSON in 'state.json' at offset 4: unexpected end of input");
    expect_error("", 0, "corrupt JSON in 'state.json' at offset 0: unexpected end of input");
    expect_error("   ", 3, "corrupt JSON in 'state.json' at offset 3: unexpected end of input");
}

static void
parse_trailing_garbage_is_rejected_with_offset(void **state)
{
    (void)state;
    expect_error("{\"a\": 1} x", 10,
                 "corrupt JSON in 'state.json' at offset 9: unexpected data after the value");
    expect_error("{}{}", 4,
                 "corrupt JSON in 'state.json' at offset 2: unexpected data after the value");
    expect_error("[1]\0junk", 8,
                 "corrupt JSON in 'state.json' at offset 3: unexpected data after the value");
}

static void
parse_syntax_error_names_position_and_problem(void **state)
{
    (void)state;
    struct err *e = NULL;
    const char *s = "{\"name\": \"x\",\n \"n\" 5}";
    assert_null(jsonx_parse(s, strlen(s), "config.json", &e));
    assert_non_null(e);
    /* the offset is where the ':' was expected */
    assert_non_null(strstr(err_msg(e), "corrupt JSON in 'config.json' at offset 19: "));
    assert_non_null(strstr(err_msg(e), "':' expected"));
    err_free(e);
    e = NULL;
    assert_null(jsonx_parse("[1,,2]", 6, "config.json", &e));
    assert_non_null(strstr(err_msg(e), "at offset 3: "));
    err_free(e);
}

static void
typed_getters_check_presence_and_type(void **state)
{
    (void)state;
    const char *s = "{\"s\": \"str\", \"i\": -42, \"big\": 9007199254740993, \"b\": true,"
                    " \"o\": {\"k\": 1}, \"a\": [1, 2, 3], \"d\": 1.5, \"n\": null}";
    json_object *o = jsonx_parse(s, strlen(s), "t", NULL);
    assert_non_null(o);
    const char *str = "unchanged";
    int64_t i = 7;
    bool b = false;
    assert_true(jsonx_get_str(o, "s", &str));
    assert_string_equal(str, "str");
    assert_true(jsonx_get_int64(o, "i", &i));
    assert_int_equal(i, -42);
    assert_true(jsonx_get_int64(o, "big", &i));
    assert_int_equal(i, 9007199254740993LL);
    assert_true(jsonx_get_bool(o, "b", &b));
    assert_true(b);
    assert_non_null(jsonx_get_obj(o, "o"));
    assert_int_equal(json_object_array_length(jsonx_get_array(o, "a")), 3);

    /* wrong types and absent keys: false / NULL, outputs untouched */
    str = "unchanged";
    i = 7;
    b = false;
    assert_false(jsonx_get_str(o, "i", &str));
    assert_false(jsonx_get_str(o, "n", &str));
    assert_false(jsonx_get_str(o, "missing", &str));
    assert_string_equal(str, "unchanged");
    assert_false(jsonx_get_int64(o, "s", &i));
    assert_false(jsonx_get_int64(o, "d", &i));
    assert_int_equal(i, 7);
    assert_false(jsonx_get_bool(o, "i", &b));
    assert_false(b);
    assert_null(jsonx_get_obj(o, "a"));
    assert_null(jsonx_get_array(o, "o"));
    assert_null(jsonx_get_obj(NULL, "o"));
    json_object *arr = jsonx_get_array(o, "a");
    assert_false(jsonx_get_int64(arr, "0", &i)); /* not an object */
    json_object_put(o);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void
save_then_load_round_trips_and_load_reports_corruption(void **state)
{
    (void)state;
    char dir[] = "/tmp/berth-test-json-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char p[128];
    snprintf(p, sizeof(p), "%s/state.json", dir);

    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string("a/b \"q\" é"));
    json_object_object_add(o, "pid", json_object_new_int64(1234));
    assert_int_equal(jsonx_save_file(p, o, true, NULL), 0);
    json_object_put(o);

    struct err *e = NULL;
    o = jsonx_load_file(p, 1 << 20, &e);
    assert_non_null(o);
    const char *name = NULL;
    int64_t pid = 0;
    assert_true(jsonx_get_str(o, "name", &name));
    assert_string_equal(name, "a/b \"q\" é");
    assert_true(jsonx_get_int64(o, "pid", &pid));
    assert_int_equal(pid, 1234);
    json_object_put(o);

    assert_int_equal(fileio_write_atomic(p, "{\"pid\": 12", 10, 0644, NULL), 0);
    assert_null(jsonx_load_file(p, 1 << 20, &e));
    char want[200];
    snprintf(want, sizeof(want), "corrupt JSON in '%s' at offset 10: unexpected end of input", p);
    assert_string_equal(err_msg(e), want);
    err_free(e);
    e = NULL;
    assert_null(jsonx_load_file(p, 5, &e)); /* over the size limit */
    assert_non_null(strstr(err_msg(e), "limit of 5 bytes"));
    err_free(e);
    nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_valid_values_of_every_kind),
        cmocka_unit_test(parse_truncated_input_reports_end_offset),
        cmocka_unit_test(parse_trailing_garbage_is_rejected_with_offset),
        cmocka_unit_test(parse_syntax_error_names_position_and_problem),
        cmocka_unit_test(typed_getters_check_presence_and_type),
        cmocka_unit_test(save_then_load_round_trips_and_load_reports_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
