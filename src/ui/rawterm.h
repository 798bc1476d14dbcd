/* SPDX-License-Identifier: MIT */
/* The one place berth puts the caller's terminal in raw mode (console, attach, exec -t). */
#pragma once

#include <stdbool.h>

/* Put stdin's terminal in raw mode until ui_rawterm_leave(); restored also at exit and on
 * SIGTERM, SIGHUP, SIGINT or SIGQUIT (then the signal is raised again at its default). Does
 * nothing when stdin is not a terminal. Returns whether raw mode was entered. One at a time. */
bool ui_rawterm_enter(void);
void ui_rawterm_leave(void);
