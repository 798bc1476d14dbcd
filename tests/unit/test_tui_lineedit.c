/* SPDX-License-Identifier: MIT */
/* The dashboard's one line editor (filter, form fields): append, delete, clear, bounds, and
 * the keys it leaves to its caller. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "ui/tui/lineedit.h"

static void
typing_appends(void **state)
{
    (void)state;
    char buf[16] = "";
    for (const char *p = "web-1"; *p; p++)
        assert_true(lineedit_key(buf, sizeof(buf), *p));
    assert_string_equal(buf, "web-1");
    assert_true(lineedit_key(buf, sizeof(buf), 0xe9)); /* a byte of a UTF-8 sequence */
    assert_int_equal(strlen(buf), 6);
}

static void
backspace_deletes_the_last_character(void **state)
{
    (void)state;
    char buf[16] = "abc";
    assert_true(lineedit_key(buf, sizeof(buf), KEY_BACKSPACE));
    assert_string_equal(buf, "ab");
    assert_true(lineedit_key(buf, sizeof(buf), 127)); /* DEL */
    assert_string_equal(buf, "a");
    assert_true(lineedit_key(buf, sizeof(buf), 8)); /* C-h */
    assert_string_equal(buf, "");
    assert_true(lineedit_key(buf, sizeof(buf), KEY_BACKSPACE)); /* empty: stays empty */
    assert_string_equal(buf, "");
}

static void
ctrl_u_clears(void **state)
{
    (void)state;
    char buf[16] = "hello";
    assert_true(lineedit_key(buf, sizeof(buf), 21));
    assert_string_equal(buf, "");
}

static void
a_full_line_takes_no_more(void **state)
{
    (void)state;
    char buf[4] = "";
    for (int i = 0; i < 10; i++)
        assert_true(lineedit_key(buf, sizeof(buf), 'x'));
    assert_string_equal(buf, "xxx"); /* cap - 1 characters and the NUL */
}

static void
other_keys_are_the_callers(void **state)
{
    (void)state;
    char buf[16] = "keep";
    const int keys[] = {'\n', 27, '\t', KEY_UP, KEY_DOWN, KEY_F(1), 1 /* C-a */, 256};
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        assert_false(lineedit_key(buf, sizeof(buf), keys[i]));
    assert_string_equal(buf, "keep");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(typing_appends),
        cmocka_unit_test(backspace_deletes_the_last_character),
        cmocka_unit_test(ctrl_u_clears),
        cmocka_unit_test(a_full_line_takes_no_more),
        cmocka_unit_test(other_keys_are_the_callers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
