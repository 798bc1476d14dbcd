/* SPDX-License-Identifier: MIT */
/* The help overlay: every binding, from the key table, and how to read the numbers. */
#include "ui/tui/tui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

static int
help_lines(void)
{
    return UI_ACT_COUNT - 1 + 5;
}

void
tui_help_draw(struct tui *t, const struct rect *r)
{
    int total = help_lines(), vis = r->h - 1;
    if (t->help_top > total - vis)
        t->help_top = total - vis > 0 ? total - vis : 0;
    if (t->help_top < 0)
        t->help_top = 0;
    tui_overlay_line(t, r, 0, THEME_ROLE_TITLE,
                     "berth help: keys (rebind with `bind KEY ACTION` in "
                     "~/.config/berth/config)   q/Esc closes");
    for (int i = 0; i < vis; i++) {
        int k = t->help_top + i + 1;
        char line[512] = "";
        if (k < UI_ACT_COUNT) {
            int keys[8];
            size_t nk = keys_for_action(&t->cfg.keys, (enum ui_action)k, keys, 8);
            char names[128] = "";
            for (size_t j = 0; j < nk && j < 8; j++) {
                char kn[16];
                size_t l = strlen(names);
                snprintf(names + l, sizeof(names) - l, "%s%s", j ? " " : "",
                         keys_name(keys[j], kn, sizeof(kn)));
            }
            snprintf(line, sizeof(line), "%-22s %-14s %s", names, keys_actions[k].name,
                     keys_actions[k].help);
        } else if (k == UI_ACT_COUNT + 1) {
            snprintf(line, sizeof(line),
                     "mouse: click a row to select it, a column title to "
                     "sort by it (again to invert), the wheel scrolls");
        } else if (k == UI_ACT_COUNT + 3) {
            snprintf(line, sizeof(line),
                     "log view: follows new lines at the end; arrows/PgUp scroll, G follows "
                     "again, / searches, n/N next/previous match");
        } else if (k == UI_ACT_COUNT + 2) {
            snprintf(line, sizeof(line),
                     "CPU%% is of one host CPU: 100%% = one full core. "
                     "States: running, paused, stopped, crashed.");
        }
        tui_overlay_line(t, r, i + 1, THEME_ROLE_NORMAL, line);
    }
}

unsigned
tui_help_key(struct tui *t, int key)
{
    if (tui_overlay_page_key(t, &t->help_top, key))
        t->mode = TUI_MODE_NORMAL;
    return REDRAW_ALL;
}
