/* SPDX-License-Identifier: MIT */
/* Theme and config files: good files apply, bad files give a message naming the file, the
 * line and the value, and leave the defaults. The shipped themes all parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/err.h"
#include "ui/tui/config.h"
#include "ui/tui/theme.h"

static void
theme_parses_colours_fallbacks_and_attrs(void **state)
{
    (void)state;
    struct theme t;
    const char *text = "# comment\n"
                       "selected = 208/yellow 16 bold reverse\n"
                       "running = bright-green\n"
                       "  error = default   red underline  # trailing\n"
                       "\n";
    assert_int_equal(theme_parse(text, "test", &t, NULL), 0);
    const struct theme_style *s = &t.s[THEME_ROLE_SELECTED];
    assert_int_equal(s->fg.c256, 208);
    assert_int_equal(s->fg.c8, 3);
    assert_int_equal(s->bg.c256, 16);
    assert_int_equal(s->bg.c8, 0); /* nearest basic colour of 16 (black) */
    assert_int_equal(s->attrs, THEME_ATTR_BOLD | THEME_ATTR_REVERSE);
    assert_int_equal(t.s[THEME_ROLE_RUNNING].fg.c256, 10);
    assert_int_equal(t.s[THEME_ROLE_RUNNING].fg.c8, 2);
    assert_int_equal(t.s[THEME_ROLE_ERROR].fg.c256, -1);
    assert_int_equal(t.s[THEME_ROLE_ERROR].bg.c256, 1);
    assert_int_equal(t.s[THEME_ROLE_ERROR].attrs, THEME_ATTR_UNDERLINE);
    struct theme def;
    theme_builtin(&def); /* roles not named keep the default */
    assert_memory_equal(&t.s[THEME_ROLE_PAUSED], &def.s[THEME_ROLE_PAUSED], sizeof(def.s[0]));
}

static void
expect_theme_error(const char *text, const char *needle)
{
    struct theme t, def;
    struct err *e = NULL;
    theme_builtin(&def);
    assert_int_equal(theme_parse(text, "theme 'bad'", &t, &e), -1);
    assert_non_null(e);
    if (!strstr(err_msg(e), needle))
        fail_msg("message '%s' lacks '%s'", err_msg(e), needle);
    assert_memory_equal(t.s, def.s, sizeof(def.s)); /* the defaults, whole */
    err_free(e);
}

static void
bad_theme_files(void **state)
{
    (void)state;
    expect_theme_error("running = purpel\n", "line 1: unknown colour or attribute 'purpel'");
    expect_theme_error("normal = default\nrunning = 256\n", "line 2:");
    expect_theme_error("running = 300/green\n", "'300/green'");
    expect_theme_error("running = 100/99\n", "'100/99'");
    expect_theme_error("runing = green\n", "unknown role 'runing'");
    expect_theme_error("running green\n", "expected 'ROLE = COLOURS'");
    expect_theme_error("running =\n", "no colour");
    expect_theme_error("running = red blue green\n", "'green'");
    expect_theme_error("\x01\x02\xff = \xfe\n", "unknown role");
}

static void
theme_names_are_checked(void **state)
{
    (void)state;
    assert_true(theme_name_valid("high-contrast"));
    assert_false(theme_name_valid("../etc/passwd"));
    assert_false(theme_name_valid(""));
    assert_false(theme_name_valid("a/b"));
    struct theme t;
    struct err *e = NULL;
    assert_int_equal(theme_load("../../etc/passwd", &t, &e), -1);
    assert_non_null(strstr(err_msg(e), "invalid theme name '../../etc/passwd'"));
    err_free(e);
}

static void
shipped_themes_parse(void **state)
{
    (void)state;
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/themes", getenv("BERTH_SRC") ? getenv("BERTH_SRC") : ".");
    setenv("BERTH_THEMES", dir, 1);
    static const char *const names[] = {"dark", "light", "high-contrast", "mono"};
    for (size_t i = 0; i < 4; i++) {
        struct theme t;
        struct err *e = NULL;
        if (theme_load(names[i], &t, &e) < 0)
            fail_msg("theme %s: %s", names[i], err_msg(e));
        assert_string_equal(t.name, names[i]);
    }
    char list[32][THEME_NAME_MAX];
    size_t n = theme_list(list, 32);
    assert_true(n >= 4);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(list[i - 1], list[i]) < 0); /* sorted, unique */
    struct theme t;
    struct err *e = NULL;
    assert_int_equal(theme_load("no-such-theme", &t, &e), -1);
    assert_non_null(strstr(err_msg(e), "theme 'no-such-theme' not found"));
    err_free(e);
}

static void
write_theme(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof(path), "mkdir -p '%s'", dir);
    assert_int_equal(system(path), 0);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static short
loaded_running_fg(const char *name)
{
    struct theme t;
    struct err *e = NULL;
    if (theme_load(name, &t, &e) < 0)
        fail_msg("theme %s: %s", name, err_msg(e));
    return t.s[THEME_ROLE_RUNNING].fg.c256;
}

/* The search order: $BERTH_THEMES, $XDG_CONFIG_HOME/berth/themes (else ~/.config/berth/themes),
 * BERTH_DATADIR/themes, ./themes; the first that has the name wins. */
static void
theme_search_order(void **state)
{
    (void)state;
    char tmp[] = "/tmp/berth-theme-XXXXXX", old_cwd[4096], dir[256], home[64], xdg[64];
    assert_non_null(mkdtemp(tmp));
    assert_non_null(getcwd(old_cwd, sizeof(old_cwd)));
    assert_int_equal(chdir(tmp), 0);
    unsetenv("BERTH_THEMES");
    snprintf(home, sizeof(home), "%s/home", tmp);
    snprintf(xdg, sizeof(xdg), "%s/xdg", tmp);
    snprintf(dir, sizeof(dir), "%s/berth/themes", xdg);
    write_theme(dir, "ordertest", "running = 1\n");
    write_theme(dir, "xdgonly", "running = 3\n");
    snprintf(dir, sizeof(dir), "%s/.config/berth/themes", home);
    write_theme(dir, "homeonly", "running = 4\n");
    write_theme(dir, "ordertest", "running = 5\n");
    write_theme("themes", "ordertest", "running = 2\n");
    write_theme("themes", "cwdonly", "running = 6\n");
    setenv("HOME", home, 1);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    assert_int_equal(loaded_running_fg("ordertest"), 1); /* XDG before ./themes */
    assert_int_equal(loaded_running_fg("xdgonly"), 3);
    assert_int_equal(loaded_running_fg("cwdonly"), 6); /* ./themes still searched, last */
    char list[32][THEME_NAME_MAX];
    size_t n = theme_list(list, 32), found = 0;
    for (size_t i = 0; i < n; i++)
        found += strcmp(list[i], "xdgonly") == 0 || strcmp(list[i], "cwdonly") == 0;
    assert_int_equal(found, 2);
    struct theme t;
    struct err *e = NULL;
    assert_int_equal(theme_load("nosuch", &t, &e), -1); /* the message lists what there is */
    if (!strstr(err_msg(e), "not found (themes: ") || !strstr(err_msg(e), "cwdonly") ||
        !strstr(err_msg(e), "xdgonly"))
        fail_msg("message '%s' does not list the themes found", err_msg(e));
    err_free(e);
    unsetenv("XDG_CONFIG_HOME"); /* then ~/.config/berth/themes */
    assert_int_equal(loaded_running_fg("homeonly"), 4);
    assert_int_equal(loaded_running_fg("ordertest"), 5);
    setenv("XDG_CONFIG_HOME", "relative", 1); /* a relative XDG path is ignored (XDG spec) */
    assert_int_equal(loaded_running_fg("ordertest"), 5);
    setenv("BERTH_THEMES", "themes", 1); /* $BERTH_THEMES first of all */
    assert_int_equal(loaded_running_fg("ordertest"), 2);
    unsetenv("BERTH_THEMES");
    unsetenv("XDG_CONFIG_HOME");
    assert_int_equal(chdir(old_cwd), 0);
    snprintf(dir, sizeof(dir), "rm -rf '%s'", tmp);
    assert_int_equal(system(dir), 0);
}

static void
config_applies_good_lines(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    assert_int_equal(c.columns, COL_DEFAULT); /* the optional figure columns are off */
    const char *text = "interval = 2.5\n"
                       "theme = light\n"
                       "connections = test:///default qemu:///system\n"
                       "columns = name, cpu,mem\n"
                       "layout = stacked\n"
                       "group = mixed\n"
                       "graph = block\n"
                       "bind x quit\n"
                       "bind F12 help\n";
    assert_int_equal(config_parse(&c, text, "cfg", NULL), 0);
    assert_true(c.interval_s == 2.5);
    assert_string_equal(c.theme, "light");
    assert_int_equal(c.n_uris, 2);
    assert_string_equal(c.uris[1], "qemu:///system");
    assert_int_equal(c.columns, (1u << COL_NAME) | (1u << COL_CPU) | (1u << COL_MEM));
    assert_int_equal(c.split, LAYOUT_SPLIT_STACKED);
    assert_false(c.grouped);
    assert_int_equal(c.graph, GRAPH_STYLE_BLOCK);
    assert_int_equal(keys_lookup(&c.keys, 'x'), UI_ACT_QUIT);
}

static void
config_bad_lines_keep_defaults(void **state)
{
    (void)state;
    struct config c, def;
    config_init(&c);
    config_init(&def);
    struct err *e = NULL;
    const char *text = "interval = -3\n"    /* bad */
                       "theme = light\n"    /* good: applied */
                       "colour = red\n"     /* bad key */
                       "bind q explode\n"   /* bad action */
                       "columns = name,x\n" /* bad column */
                       "just words\n";
    assert_int_equal(config_parse(&c, text, "config 'f'", &e), -1);
    assert_non_null(e);
    assert_non_null(strstr(err_msg(e), "5 bad lines"));
    assert_non_null(strstr(err_msg(e), "config 'f' line 1"));
    assert_non_null(strstr(err_msg(e), "'-3'"));
    err_free(e);
    assert_true(c.interval_s == 0);
    assert_string_equal(c.theme, "light");
    assert_int_equal(c.columns, def.columns);
    assert_int_equal(keys_lookup(&c.keys, 'q'), UI_ACT_QUIT);
}

static void
config_file_missing_or_unreadable(void **state)
{
    (void)state;
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(&c, "/nonexistent/berth/config", NULL), 0);
    char path[] = "/tmp/berth-test-config-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "layout = sideways\n", 18), 18);
    close(fd);
    struct err *e = NULL;
    assert_int_equal(config_load(&c, path, &e), -1);
    assert_non_null(strstr(err_msg(e), "invalid layout 'sideways'"));
    assert_non_null(strstr(err_msg(e), path));
    err_free(e);
    unlink(path);
    assert_int_equal(c.split, LAYOUT_SPLIT_AUTO);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(theme_parses_colours_fallbacks_and_attrs),
        cmocka_unit_test(bad_theme_files),
        cmocka_unit_test(theme_names_are_checked),
        cmocka_unit_test(shipped_themes_parse),
        cmocka_unit_test(theme_search_order),
        cmocka_unit_test(config_applies_good_lines),
        cmocka_unit_test(config_bad_lines_keep_defaults),
        cmocka_unit_test(config_file_missing_or_unreadable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
