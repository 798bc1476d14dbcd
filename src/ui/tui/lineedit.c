/* SPDX-License-Identifier: MIT */
/* The one line editor of the dashboard: the filter and the form fields. */
#include "ui/tui/lineedit.h"

#include <curses.h>
#include <string.h>

#define CTRL_H 8
#define CTRL_U 21
#define DEL 127

bool
lineedit_key(char *buf, size_t cap, int key)
{
    size_t len = strlen(buf);
    if (key == KEY_BACKSPACE || key == DEL || key == CTRL_H) {
        if (len)
            buf[len - 1] = '\0';
        return true;
    }
    if (key == CTRL_U) {
        buf[0] = '\0';
        return true;
    }
    if (key < ' ' || key >= 256 || key == DEL)
        return false;
    if (len + 1 < cap) {
        buf[len] = (char)key;
        buf[len + 1] = '\0';
    }
    return true;
}
