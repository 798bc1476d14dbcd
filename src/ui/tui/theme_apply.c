/* SPDX-License-Identifier: MIT */
/* Themes on the terminal: colour pairs for 256 or 8 colours, attributes alone for monochrome
 * (no colours, TERM=vt100, or NO_COLOR set). */
#include "ui/tui/tui.h"

#include <curses.h>
#include <stdlib.h>

/* What keeps each role readable without colours. */
static const unsigned mono_attrs[THEME_ROLE_COUNT] = {
    [THEME_ROLE_HEADER] = 0,
    [THEME_ROLE_METER] = THEME_ATTR_BOLD,
    [THEME_ROLE_METER_HIGH] = THEME_ATTR_BOLD,
    [THEME_ROLE_TITLE] = THEME_ATTR_REVERSE,
    [THEME_ROLE_TITLE_SORT] = THEME_ATTR_REVERSE | THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE,
    [THEME_ROLE_SELECTED] = THEME_ATTR_REVERSE | THEME_ATTR_BOLD,
    [THEME_ROLE_RUNNING] = THEME_ATTR_BOLD,
    [THEME_ROLE_STOPPED] = 0,
    [THEME_ROLE_PAUSED] = THEME_ATTR_UNDERLINE,
    [THEME_ROLE_CRASHED] = THEME_ATTR_BOLD | THEME_ATTR_UNDERLINE,
    [THEME_ROLE_TRANSIENT] = THEME_ATTR_UNDERLINE,
    [THEME_ROLE_FRAME] = THEME_ATTR_BOLD,
    [THEME_ROLE_ERROR] = THEME_ATTR_BOLD | THEME_ATTR_REVERSE,
    [THEME_ROLE_FKEY] = 0,
    [THEME_ROLE_FKEY_LABEL] = THEME_ATTR_REVERSE,
    [THEME_ROLE_PROMPT] = THEME_ATTR_BOLD,
};

static int
curses_attrs(unsigned a)
{
    int r = 0;
    if (a & THEME_ATTR_BOLD)
        r |= A_BOLD;
    if (a & THEME_ATTR_DIM)
        r |= A_DIM;
    if (a & THEME_ATTR_UNDERLINE)
        r |= A_UNDERLINE;
    if (a & THEME_ATTR_REVERSE)
        r |= A_REVERSE;
#ifdef A_ITALIC
    if (a & THEME_ATTR_ITALIC)
        r |= A_ITALIC;
#endif
    return r;
}

static int
color_mode_detect(void)
{
    const char *nc = getenv("NO_COLOR");
    if ((nc && *nc) || !has_colors())
        return 0;
    return COLORS >= 256 ? 256 : 8;
}

void
tui_theme_apply(struct tui *t)
{
    t->color_mode = color_mode_detect();
    if (t->color_mode) {
        start_color();
        use_default_colors();
        t->color_mode = COLORS >= 256 ? 256 : 8;
    }
    for (int r = 0; r < THEME_ROLE_COUNT; r++) {
        const struct theme_style *s = &t->theme.s[r];
        if (!t->color_mode) {
            t->attr[r] = curses_attrs(mono_attrs[r] | s->attrs);
            continue;
        }
        short fg = t->color_mode == 256 ? s->fg.c256 : s->fg.c8;
        short bg = t->color_mode == 256 ? s->bg.c256 : s->bg.c8;
        init_pair((short)(r + 1), fg, bg);
        t->attr[r] = (int)COLOR_PAIR(r + 1) | curses_attrs(s->attrs);
    }
    /* Erased cells take the normal role's colours (themes with their own background). */
    bkgdset((chtype)' ' | (chtype)(t->color_mode ? COLOR_PAIR(THEME_ROLE_NORMAL + 1) : 0));
}
