/* SPDX-License-Identifier: MIT */
/*
 * Themes: semantic roles -> colours and attributes, read from theme files (themes/NAME), with a
 * 256-colour value, an 8-colour fallback and attributes that keep monochrome readable.
 *
 * File format, one role a line ('#' starts a comment):
 *     ROLE = FG [BG] [ATTR...]
 * FG and BG: default, a name (black red green yellow blue magenta cyan white), a number 0..255,
 * optionally followed by "/FALLBACK" naming the 8-colour fallback ("208/yellow"). Without one,
 * numbers above 15 fall back to the nearest of the 8 basic colours. ATTR: bold, dim, underline,
 * reverse, italic. Roles not named keep the built-in default.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"

enum theme_role {
    THEME_ROLE_NORMAL,
    THEME_ROLE_HEADER,     /* header lines: host meters, connections, clock */
    THEME_ROLE_METER,      /* meter bars */
    THEME_ROLE_METER_HIGH, /* meter bars above 80% */
    THEME_ROLE_TITLE,      /* the list's column titles */
    THEME_ROLE_TITLE_SORT, /* the sorted column's title */
    THEME_ROLE_SELECTED,   /* the selected row */
    THEME_ROLE_RUNNING,
    THEME_ROLE_STOPPED,
    THEME_ROLE_PAUSED,
    THEME_ROLE_CRASHED,
    THEME_ROLE_TRANSIENT, /* starting, stopping */
    THEME_ROLE_GRAPH_CPU,
    THEME_ROLE_GRAPH_MEM,
    THEME_ROLE_FRAME, /* pane titles and separators */
    THEME_ROLE_DIM,   /* labels and secondary text */
    THEME_ROLE_STATUS,
    THEME_ROLE_ERROR, /* error messages in the status line */
    THEME_ROLE_FKEY,  /* the F-key numbers in the bottom bar */
    THEME_ROLE_FKEY_LABEL,
    THEME_ROLE_PROMPT, /* filter, confirm and form prompts */
    THEME_ROLE_COUNT,
};

enum {
    THEME_ATTR_BOLD = 1,
    THEME_ATTR_DIM = 2,
    THEME_ATTR_UNDERLINE = 4,
    THEME_ATTR_REVERSE = 8,
    THEME_ATTR_ITALIC = 16,
};

struct theme_color {
    short c256; /* -1 = the terminal's default */
    short c8;   /* 8-colour fallback, -1..7 */
};

struct theme_style {
    struct theme_color fg, bg;
    unsigned attrs; /* THEME_ATTR_* */
};

#define THEME_NAME_MAX 64

struct theme {
    char name[THEME_NAME_MAX];
    struct theme_style s[THEME_ROLE_COUNT];
};

const char *theme_role_name(enum theme_role r); /* "selected" */

/* The built-in default (the "dark" theme), used when no theme file can be read. */
void theme_builtin(struct theme *t);

/* Parse theme text over the built-in default. Errors name what and the line:
 * "theme 'x' line 3: unknown colour 'purpel'". On error *t is the built-in default. */
int theme_parse(const char *text, const char *what, struct theme *t, struct err **err);

/* Theme names: letters, digits, '-' and '_'. */
bool theme_name_valid(const char *name);

/* Load theme NAME from the first directory that has it: $BERTH_THEMES,
 * $XDG_CONFIG_HOME/berth/themes (else ~/.config/berth/themes), BERTH_DATADIR/themes (compiled in),
 * ./themes. "dark" is always available (built in). */
int theme_load(const char *name, struct theme *t, struct err **err);

/* Names of the themes available (sorted, unique, "dark" included); returns how many. */
size_t theme_list(char (*names)[THEME_NAME_MAX], size_t max);
