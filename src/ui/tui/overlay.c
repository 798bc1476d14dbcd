/* SPDX-License-Identifier: MIT */
/* What the overlays over the body share (help, log view, forms): the body rectangle, a line in
 * it, and the pager keys of the help and log views. */
#include "ui/tui/tui.h"

#include <curses.h>

/* The body area the overlays use. */
struct rect
tui_overlay_rect(const struct tui *t)
{
    const struct layout *l = &t->lay;
    int y0 = l->header.y + l->header.h, y1 = l->status.y;
    return (struct rect){y0, 0, y1 - y0, t->cols};
}

void
tui_overlay_line(struct tui *t, const struct rect *r, int row, int role, const char *s)
{
    if (row < 0 || row >= r->h)
        return;
    attrset(t->attr[role]);
    mvhline(r->y + row, r->x, ' ', r->w);
    char clean[600];
    size_t j = 0;
    for (size_t i = 0; s[i] && j + 1 < sizeof(clean); i++)
        clean[j++] =
            ((unsigned char)s[i] < 0x20 || (!t->utf8 && (unsigned char)s[i] >= 0x80)) ? '?' : s[i];
    clean[j] = '\0';
    mvaddnstr(r->y + row, r->x + 1, clean, r->w - 2 > 0 ? r->w - 2 : 0);
}

/* The pager keys of the help and log views; *top is their first line shown (-1: the end).
 * Returns true when the key closes the view. */
bool
tui_overlay_page_key(const struct tui *t, int *top, int key)
{
    int page = t->lay.list.h + t->lay.detail.h - 3;
    page = page > 1 ? page : 1;
    if (key == KEY_UP || key == 'k')
        *top = *top > 0 ? *top - 1 : 0;
    else if (key == KEY_DOWN || key == 'j')
        *top += 1; /* the drawing clamps it */
    else if (key == KEY_PPAGE)
        *top = *top > page ? *top - page : 0;
    else if (key == KEY_NPAGE)
        *top += page;
    else if (key == KEY_HOME || key == 'g')
        *top = 0;
    else if (key == KEY_END || key == 'G')
        *top = -1; /* the end */
    else if (key == 'q' || key == KEYS_ESC || key == '?' || key == '\n' || key == KEY_F(10) ||
             key == KEY_F(1) || key == 'l' || key == KEY_F(8))
        return true;
    return false;
}
