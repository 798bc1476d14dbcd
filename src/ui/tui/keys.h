/* SPDX-License-Identifier: MIT */
/* The dashboard's key table: actions, their names and help, default bindings, key names. */
#pragma once

#include <stddef.h>

#include "common/err.h"

#define KEYS_ESC 27 /* the Esc key as curses reports it (a plain byte) */

enum ui_action {
    UI_ACT_NONE,
    UI_ACT_QUIT,
    UI_ACT_UP,
    UI_ACT_DOWN,
    UI_ACT_PAGE_UP,
    UI_ACT_PAGE_DOWN,
    UI_ACT_HOME,
    UI_ACT_END,
    UI_ACT_FOCUS_NEXT,
    UI_ACT_FILTER,
    UI_ACT_SORT_NEXT,
    UI_ACT_SORT_PREV,
    UI_ACT_SORT_INVERT,
    UI_ACT_HELP,
    UI_ACT_REFRESH,
    UI_ACT_REDRAW,
    UI_ACT_THEME_NEXT,
    UI_ACT_SPLIT_TOGGLE,
    UI_ACT_ZOOM,
    UI_ACT_GROUP_TOGGLE,
    UI_ACT_START,
    UI_ACT_STOP,
    UI_ACT_KILL,
    UI_ACT_PAUSE,
    UI_ACT_RESTART,
    UI_ACT_REMOVE,
    UI_ACT_CONSOLE,
    UI_ACT_LOG,
    UI_ACT_NEW_CTR,
    UI_ACT_NEW_VM,
    UI_ACT_MARK,
    UI_ACT_COMPARE,
    UI_ACT_COUNT,
};

struct ui_action_info {
    const char *name; /* "quit": the name used by `bind KEY ACTION` */
    const char *help; /* one line for the help screen */
};

extern const struct ui_action_info keys_actions[UI_ACT_COUNT];

#define KEYS_MAX 1024 /* key codes: bytes 0..255 and curses KEY_* codes (< 01000) */

struct keymap {
    unsigned char map[KEYS_MAX]; /* enum ui_action per key code */
};

/* The default bindings: vim keys and arrows, htop-like F-keys, a letter for every action. */
void keys_defaults(struct keymap *km);
enum ui_action keys_lookup(const struct keymap *km, int key);
/* Up to max keys bound to a, in ascending key order; returns how many there are in all. */
size_t keys_for_action(const struct keymap *km, enum ui_action a, int *keys, size_t max);

/* "q", "F10", "C-l", "Up", "PgDn", "Tab", "Space", "Enter", "Esc", "Del", ... -> key code. */
int keys_parse(const char *name, int *key, struct err **err);
/* The readable name of a key code, as keys_parse accepts it. */
const char *keys_name(int key, char *buf, size_t len);
int keys_action_parse(const char *name, enum ui_action *out, struct err **err);
/* `bind KEY ACTION`: rebind one key ("none" unbinds it). */
int keys_bind(struct keymap *km, const char *key, const char *action, struct err **err);
