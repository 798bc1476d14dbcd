/* SPDX-License-Identifier: MIT */
/* The key table: defaults, names both ways, rebinding, and that every action is reachable
 * without F-keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curses.h>

#include "common/err.h"
#include "ui/tui/keys.h"

static void
defaults_bind_the_usual_keys(void **state)
{
    (void)state;
    struct keymap km;
    keys_defaults(&km);
    assert_int_equal(keys_lookup(&km, 'q'), UI_ACT_QUIT);
    assert_int_equal(keys_lookup(&km, KEY_F(10)), UI_ACT_QUIT);
    assert_int_equal(keys_lookup(&km, 'j'), UI_ACT_DOWN);
    assert_int_equal(keys_lookup(&km, KEY_DOWN), UI_ACT_DOWN);
    assert_int_equal(keys_lookup(&km, 'k'), UI_ACT_UP);
    assert_int_equal(keys_lookup(&km, KEY_NPAGE), UI_ACT_PAGE_DOWN);
    assert_int_equal(keys_lookup(&km, KEY_HOME), UI_ACT_HOME);
    assert_int_equal(keys_lookup(&km, KEY_END), UI_ACT_END);
    assert_int_equal(keys_lookup(&km, '\t'), UI_ACT_FOCUS_NEXT);
    assert_int_equal(keys_lookup(&km, '/'), UI_ACT_FILTER);
    assert_int_equal(keys_lookup(&km, '?'), UI_ACT_HELP);
    assert_int_equal(keys_lookup(&km, 'Z'), UI_ACT_NONE);
    assert_int_equal(keys_lookup(&km, -1), UI_ACT_NONE);
    assert_int_equal(keys_lookup(&km, KEYS_MAX + 5), UI_ACT_NONE);
}

/* Some SSH clients swallow F-keys: every action has a key that is not one. */
static void
every_action_has_a_non_fkey(void **state)
{
    (void)state;
    struct keymap km;
    keys_defaults(&km);
    for (int a = 1; a < UI_ACT_COUNT; a++) {
        int keys[16];
        size_t n = keys_for_action(&km, (enum ui_action)a, keys, 16);
        bool plain = false;
        for (size_t i = 0; i < n && i < 16; i++)
            plain |= keys[i] < KEY_F0 || keys[i] > KEY_F(63);
        if (!plain)
            fail_msg("action '%s' has no key other than an F-key", keys_actions[a].name);
        assert_non_null(keys_actions[a].help);
        assert_true(strlen(keys_actions[a].help) > 3);
    }
}

static void
action_names_are_unique_and_parse(void **state)
{
    (void)state;
    for (int a = 0; a < UI_ACT_COUNT; a++) {
        enum ui_action got = UI_ACT_COUNT;
        assert_int_equal(keys_action_parse(keys_actions[a].name, &got, NULL), 0);
        assert_int_equal(got, a);
        for (int b = a + 1; b < UI_ACT_COUNT; b++)
            assert_string_not_equal(keys_actions[a].name, keys_actions[b].name);
    }
}

static void
key_names_round_trip(void **state)
{
    (void)state;
    static const char *const names[] = {"q",   "F1",    "F10", "C-l",   "Up",  "PgDn",
                                        "Tab", "Enter", "Esc", "Space", "Del", "Home",
                                        "End", "/",     "?",   "G"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        int k = -1;
        char buf[16];
        assert_int_equal(keys_parse(names[i], &k, NULL), 0);
        assert_string_equal(keys_name(k, buf, sizeof(buf)), names[i]);
    }
    int k;
    assert_int_equal(keys_parse("pagedown", &k, NULL), 0);
    assert_int_equal(k, KEY_NPAGE);
}

static void
bad_key_names_are_refused_with_the_value(void **state)
{
    (void)state;
    static const char *const bad[] = {"", "F0", "F64", "Fx", "C-1", "C-", "Hyper", "ab"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct err *e = NULL;
        int k;
        assert_int_equal(keys_parse(bad[i], &k, &e), -1);
        assert_non_null(e);
        char quoted[32];
        snprintf(quoted, sizeof(quoted), "'%s'", bad[i]);
        assert_non_null(strstr(err_msg(e), quoted));
        err_free(e);
    }
}

static void
rebinding(void **state)
{
    (void)state;
    struct keymap km;
    keys_defaults(&km);
    assert_int_equal(keys_bind(&km, "x", "quit", NULL), 0);
    assert_int_equal(keys_lookup(&km, 'x'), UI_ACT_QUIT);
    assert_int_equal(keys_bind(&km, "q", "none", NULL), 0);
    assert_int_equal(keys_lookup(&km, 'q'), UI_ACT_NONE);
    assert_int_equal(keys_bind(&km, "F12", "help", NULL), 0);
    assert_int_equal(keys_lookup(&km, KEY_F(12)), UI_ACT_HELP);
    struct err *e = NULL;
    assert_int_equal(keys_bind(&km, "x", "explode", &e), -1);
    assert_non_null(strstr(err_msg(e), "'explode'"));
    err_free(e);
    assert_int_equal(keys_lookup(&km, 'x'), UI_ACT_QUIT); /* unchanged on error */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_bind_the_usual_keys),
        cmocka_unit_test(every_action_has_a_non_fkey),
        cmocka_unit_test(action_names_are_unique_and_parse),
        cmocka_unit_test(key_names_round_trip),
        cmocka_unit_test(bad_key_names_are_refused_with_the_value),
        cmocka_unit_test(rebinding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
