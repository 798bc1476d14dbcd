/* SPDX-License-Identifier: MIT */
/* The dashboard's key table. */
#include "ui/tui/keys.h"

#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct ui_action_info keys_actions[UI_ACT_COUNT] = {
    [UI_ACT_NONE] = {"none", "nothing (unbinds a key)"},
    [UI_ACT_QUIT] = {"quit", "quit berth (instances keep running)"},
    [UI_ACT_UP] = {"up", "select the previous instance / scroll up"},
    [UI_ACT_DOWN] = {"down", "select the next instance / scroll down"},
    [UI_ACT_PAGE_UP] = {"page-up", "one page up"},
    [UI_ACT_PAGE_DOWN] = {"page-down", "one page down"},
    [UI_ACT_HOME] = {"home", "first instance"},
    [UI_ACT_END] = {"end", "last instance"},
    [UI_ACT_FOCUS_NEXT] = {"focus-next", "move the focus to the next pane"},
    [UI_ACT_FILTER] = {"filter", "filter by name (Enter keeps it, Esc clears it)"},
    [UI_ACT_SORT_NEXT] = {"sort-next", "sort by the next column"},
    [UI_ACT_SORT_PREV] = {"sort-prev", "sort by the previous column"},
    [UI_ACT_SORT_INVERT] = {"sort-invert", "invert the sort order"},
    [UI_ACT_HELP] = {"help", "this help"},
    [UI_ACT_REFRESH] = {"refresh", "sample now"},
    [UI_ACT_REDRAW] = {"redraw", "repaint the whole screen"},
    [UI_ACT_THEME_NEXT] = {"theme-next", "next colour theme"},
    [UI_ACT_SPLIT_TOGGLE] = {"split", "detail pane: auto / side by side / stacked"},
    [UI_ACT_ZOOM] = {"zoom", "zoom the focused pane to the whole screen"},
    [UI_ACT_GROUP_TOGGLE] = {"group", "group the list by kind, or mix VMs and containers"},
    [UI_ACT_START] = {"start", "start the selected instance"},
    [UI_ACT_STOP] = {"stop", "stop gracefully (ACPI shutdown / SIGTERM)"},
    [UI_ACT_KILL] = {"kill", "kill / force off (asks first)"},
    [UI_ACT_PAUSE] = {"pause", "pause, or resume when paused"},
    [UI_ACT_RESTART] = {"restart", "restart / reboot"},
    [UI_ACT_REMOVE] = {"remove", "remove / undefine (asks first)"},
    [UI_ACT_CONSOLE] = {"console", "console: VM serial console, shell in a container"},
    [UI_ACT_LOG] = {"log", "log view (container output, berth messages)"},
    [UI_ACT_NEW_CTR] = {"new-container", "create a container (form)"},
    [UI_ACT_NEW_VM] = {"new-vm", "create a VM (form)"},
    [UI_ACT_MARK] = {"mark", "mark / unmark the selected instance for compare"},
    [UI_ACT_COMPARE] = {"compare", "compare the marked instances' VM vs container figures"},
};

static const struct {
    int key;
    enum ui_action act;
} default_binds[] = {
    {'q', UI_ACT_QUIT},
    {KEY_F(10), UI_ACT_QUIT},
    {KEY_UP, UI_ACT_UP},
    {'k', UI_ACT_UP},
    {KEY_DOWN, UI_ACT_DOWN},
    {'j', UI_ACT_DOWN},
    {KEY_PPAGE, UI_ACT_PAGE_UP},
    {2 /* C-b */, UI_ACT_PAGE_UP},
    {KEY_NPAGE, UI_ACT_PAGE_DOWN},
    {6 /* C-f */, UI_ACT_PAGE_DOWN},
    {KEY_HOME, UI_ACT_HOME},
    {'g', UI_ACT_HOME},
    {KEY_END, UI_ACT_END},
    {'G', UI_ACT_END},
    {'\t', UI_ACT_FOCUS_NEXT},
    {'\n', UI_ACT_FOCUS_NEXT},
    {'/', UI_ACT_FILTER},
    {KEY_F(4), UI_ACT_FILTER},
    {'s', UI_ACT_SORT_NEXT},
    {'>', UI_ACT_SORT_NEXT},
    {KEY_F(6), UI_ACT_SORT_NEXT},
    {'<', UI_ACT_SORT_PREV},
    {'I', UI_ACT_SORT_INVERT},
    {'?', UI_ACT_HELP},
    {KEY_F(1), UI_ACT_HELP},
    {'r', UI_ACT_REFRESH},
    {KEY_F(5), UI_ACT_REFRESH},
    {12 /* C-l */, UI_ACT_REDRAW},
    {'t', UI_ACT_THEME_NEXT},
    {'v', UI_ACT_SPLIT_TOGGLE},
    {'z', UI_ACT_ZOOM},
    {'o', UI_ACT_GROUP_TOGGLE},
    {'S', UI_ACT_START},
    {KEY_F(2), UI_ACT_START},
    {'x', UI_ACT_STOP},
    {KEY_F(3), UI_ACT_STOP},
    {'K', UI_ACT_KILL},
    {KEY_F(9), UI_ACT_KILL},
    {'p', UI_ACT_PAUSE},
    {KEY_F(7), UI_ACT_PAUSE},
    {'R', UI_ACT_RESTART},
    {'D', UI_ACT_REMOVE},
    {KEY_DC, UI_ACT_REMOVE},
    {'c', UI_ACT_CONSOLE},
    {'l', UI_ACT_LOG},
    {KEY_F(8), UI_ACT_LOG},
    {'n', UI_ACT_NEW_CTR},
    {'N', UI_ACT_NEW_VM},
    {'m', UI_ACT_MARK},
    {'C', UI_ACT_COMPARE},
};

static const struct {
    const char *name;
    int key;
} key_names[] = {
    {"Up", KEY_UP},        {"Down", KEY_DOWN},
    {"Left", KEY_LEFT},    {"Right", KEY_RIGHT},
    {"PgUp", KEY_PPAGE},   {"PgDn", KEY_NPAGE},
    {"Home", KEY_HOME},    {"End", KEY_END},
    {"Ins", KEY_IC},       {"Del", KEY_DC},
    {"Tab", '\t'},         {"BTab", KEY_BTAB},
    {"Enter", '\n'},       {"Esc", KEYS_ESC},
    {"Space", ' '},        {"Backspace", KEY_BACKSPACE},
    {"PageUp", KEY_PPAGE}, {"PageDown", KEY_NPAGE},
    {"Delete", KEY_DC},    {"Insert", KEY_IC},
};

void
keys_defaults(struct keymap *km)
{
    memset(km->map, UI_ACT_NONE, sizeof(km->map));
    for (size_t i = 0; i < sizeof(default_binds) / sizeof(default_binds[0]); i++)
        km->map[default_binds[i].key] = (unsigned char)default_binds[i].act;
}

enum ui_action
keys_lookup(const struct keymap *km, int key)
{
    if (key < 0 || key >= KEYS_MAX)
        return UI_ACT_NONE;
    return (enum ui_action)km->map[key];
}

size_t
keys_for_action(const struct keymap *km, enum ui_action a, int *keys, size_t max)
{
    size_t n = 0;
    for (int k = 0; k < KEYS_MAX; k++) {
        if (km->map[k] != a)
            continue;
        if (n < max)
            keys[n] = k;
        n++;
    }
    return n;
}

/* "F1".."F63" or "C-x"; 0 when name is neither, -1 when malformed. */
static int
keys_parse_special(const char *name, int *key)
{
    if ((name[0] == 'F' || name[0] == 'f') && isdigit((unsigned char)name[1])) {
        char *end;
        long n = strtol(name + 1, &end, 10);
        if (*end || n < 1 || n > 63)
            return -1;
        *key = KEY_F((int)n);
        return 1;
    }
    if ((name[0] == 'C' || name[0] == 'c') && name[1] == '-' && name[2] && !name[3]) {
        int c = tolower((unsigned char)name[2]);
        if (c < 'a' || c > 'z')
            return -1;
        *key = c - 'a' + 1;
        return 1;
    }
    return 0;
}

int
keys_parse(const char *name, int *key, struct err **err)
{
    if (name[0] && !name[1] && (unsigned char)name[0] > ' ' && (unsigned char)name[0] < 127) {
        *key = (unsigned char)name[0];
        return 0;
    }
    for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
        if (strcasecmp(name, key_names[i].name) == 0) {
            *key = key_names[i].key;
            return 0;
        }
    }
    if (keys_parse_special(name, key) > 0)
        return 0;
    return err_set(err, 0,
                   "unknown key '%s' (a character, F1..F63, C-a..C-z, Up, Down, Left, Right, "
                   "PgUp, PgDn, Home, End, Tab, Enter, Esc, Space, Del, Ins)",
                   name);
}

const char *
keys_name(int key, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof(key_names) / sizeof(key_names[0]); i++) {
        if (key_names[i].key == key) {
            snprintf(buf, len, "%s", key_names[i].name);
            return buf;
        }
    }
    if (key >= KEY_F(1) && key <= KEY_F(63))
        snprintf(buf, len, "F%d", key - KEY_F0);
    else if (key >= 1 && key <= 26)
        snprintf(buf, len, "C-%c", 'a' + key - 1);
    else if (key > ' ' && key < 127)
        snprintf(buf, len, "%c", key);
    else
        snprintf(buf, len, "#%d", key);
    return buf;
}

int
keys_action_parse(const char *name, enum ui_action *out, struct err **err)
{
    for (int a = 0; a < UI_ACT_COUNT; a++) {
        if (strcmp(name, keys_actions[a].name) == 0) {
            *out = (enum ui_action)a;
            return 0;
        }
    }
    return err_set(err, 0, "unknown action '%s' (see the help screen, '?', for the names)", name);
}

int
keys_bind(struct keymap *km, const char *key, const char *action, struct err **err)
{
    int k = 0;
    enum ui_action a = UI_ACT_NONE;
    if (keys_parse(key, &k, err) < 0 || keys_action_parse(action, &a, err) < 0)
        return -1;
    if (k < 0 || k >= KEYS_MAX)
        return err_set(err, 0, "key '%s' cannot be bound", key);
    km->map[k] = (unsigned char)a;
    return 0;
}
