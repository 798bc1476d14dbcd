/* SPDX-License-Identifier: MIT */
/* The one line editor of the dashboard: the filter and the form fields. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Apply an editing key to the NUL-terminated text in buf (cap bytes): Backspace (curses'
 * KEY_BACKSPACE, DEL or C-h) deletes the last character, C-u clears the line, a printable byte
 * is appended while it fits. Returns false for any other key (the caller's: Enter, Esc, Tab...),
 * leaving buf alone.
 */
bool lineedit_key(char *buf, size_t cap, int key);
