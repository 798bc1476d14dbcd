/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's user configuration: ~/.config/berth/config ($XDG_CONFIG_HOME/berth/config, or
 * $BERTH_CONFIG), simple `key = value` lines and `bind KEY ACTION` lines; '#' starts a comment.
 *     interval = 2            refresh interval in seconds (fractions allowed)
 *     theme = light           theme name (themes/NAME)
 *     connections = URI ...   libvirt connections used when no -c is given
 *     columns = kind,name,... visible list columns
 *     layout = auto|side|stacked
 *     group = kind|mixed
 *     graph = braille|block|ascii
 *     bind KEY ACTION
 * A bad line is reported (file and line, the value quoted) and that setting keeps its default.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/err.h"
#include "ui/tui/graph.h"
#include "ui/tui/keys.h"
#include "ui/tui/layout.h"
#include "ui/tui/theme.h"

#define CONFIG_MAX_URIS 32
#define CONFIG_URI_MAX 256

struct config {
    double interval_s;          /* 0 when not set */
    char theme[THEME_NAME_MAX]; /* "" when not set */
    char uris[CONFIG_MAX_URIS][CONFIG_URI_MAX];
    size_t n_uris;
    unsigned columns; /* COL_* bits */
    enum layout_split split;
    bool grouped;
    int graph; /* enum graph_style, or -1 for "by locale" */
    struct keymap keys;
};

void config_init(struct config *c);

/* Apply text (named what in messages). Every good line is applied; returns -1 with the first
 * bad line's message (and how many more there were) when any line was bad. */
int config_parse(struct config *c, const char *text, const char *what, struct err **err);

/* The file's path: $BERTH_CONFIG, else $XDG_CONFIG_HOME/berth/config, else
 * $HOME/.config/berth/config. Writes at most len bytes; NULL when none can be formed. */
const char *config_path(char *buf, size_t len);

/* Load the file at path (NULL = config_path()); a missing file is not an error. */
int config_load(struct config *c, const char *path, struct err **err);
