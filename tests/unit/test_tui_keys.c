/* SPDX-License-Identifier: MIT */
/* The key table: defaults, names both ways, rebinding, and that every action is reachable
 * without F-keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

/* docs/TUI.md's key table lists, for every action, exactly the keys the defaults bind to it:
 * rows "| `s`, `>`, F6 | sort-next | ... |" (the issue: the README said `s` sorts while it
 * started the selection). */
static void
docs_key_table_matches_the_defaults(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof(path), "%s/docs/TUI.md", getenv("BERTH_SRC") ? getenv("BERTH_SRC") : ".");
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    struct keymap km;
    keys_defaults(&km);
    bool seen[UI_ACT_COUNT] = {false};
    bool in_table = false;
    char line[1024];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "| keys | action | does |", 24) == 0) {
            in_table = true;
            continue;
        }
        if (!in_table)
            continue;
        if (line[0] != '|')
            break;
        if (strncmp(line, "|---", 4) == 0)
            continue;
        char *save = NULL;
        char *keys_cell = strtok_r(line + 1, "|", &save);
        char *act_cell = strtok_r(NULL, "|", &save);
        assert_non_null(keys_cell);
        assert_non_null(act_cell);
        char act_name[64];
        assert_int_equal(sscanf(act_cell, " %63s", act_name), 1);
        enum ui_action a = UI_ACT_NONE;
        if (keys_action_parse(act_name, &a, NULL) < 0)
            fail_msg("docs/TUI.md names an unknown action '%s'", act_name);
        if (seen[a])
            fail_msg("docs/TUI.md lists '%s' twice", act_name);
        seen[a] = true;
        int doc[16], ndoc = 0;
        char *ksave = NULL;
        for (char *k = strtok_r(keys_cell, ",", &ksave); k; k = strtok_r(NULL, ",", &ksave)) {
            while (*k == ' ')
                k++;
            size_t l = strlen(k);
            while (l && k[l - 1] == ' ')
                k[--l] = '\0';
            if (l >= 3 && k[0] == '`' && k[l - 1] == '`') {
                k[l - 1] = '\0';
                k++;
            }
            int code = 0;
            if (keys_parse(k, &code, NULL) < 0)
                fail_msg("docs/TUI.md: '%s': unknown key '%s'", act_name, k);
            assert_true(ndoc < 16);
            doc[ndoc++] = code;
        }
        int bound[16];
        size_t nb = keys_for_action(&km, a, bound, 16);
        for (int i = 0; i < ndoc; i++) {
            if (keys_lookup(&km, doc[i]) != a) {
                char kn[16];
                fail_msg("docs/TUI.md says %s does '%s', the key table says '%s'",
                         keys_name(doc[i], kn, sizeof(kn)), act_name,
                         keys_actions[keys_lookup(&km, doc[i])].name);
            }
        }
        if ((size_t)ndoc != nb)
            fail_msg("'%s': docs/TUI.md lists %d keys, the key table binds %zu", act_name, ndoc,
                     nb);
    }
    fclose(f);
    assert_true(in_table);
    for (int a = 1; a < UI_ACT_COUNT; a++) {
        if (!seen[a])
            fail_msg("docs/TUI.md's key table lacks the action '%s'", keys_actions[a].name);
    }
}

/* The README's promises: `s` sorts, Enter and Tab move between panes, `S` starts. */
static void
readme_promises_hold(void **state)
{
    (void)state;
    struct keymap km;
    keys_defaults(&km);
    assert_int_equal(keys_lookup(&km, 's'), UI_ACT_SORT_NEXT);
    assert_int_equal(keys_lookup(&km, '\n'), UI_ACT_FOCUS_NEXT);
    assert_int_equal(keys_lookup(&km, '\t'), UI_ACT_FOCUS_NEXT);
    assert_int_equal(keys_lookup(&km, 'S'), UI_ACT_START);
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
        cmocka_unit_test(docs_key_table_matches_the_defaults),
        cmocka_unit_test(readme_promises_hold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
