/* SPDX-License-Identifier: MIT */
/*
 * Logging that never writes onto a terminal the TUI owns. By default messages go to stderr.
 * While the TUI runs (log_set_quiet_tty(true)) they go to the log file if one is set
 * ($BERTH_LOG or log_set_file) and to an in-memory ring the TUI shows in its status line.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_LEVEL_DEBUG,
    LOG_LEVEL_INFO,
    LOG_LEVEL_WARN,
    LOG_LEVEL_ERROR,
    LOG_LEVEL_COUNT,
};

void log_set_level(enum log_level min);
int log_set_file(const char *path); /* append; -1 with errno on failure */
void log_set_quiet_tty(bool quiet); /* true while curses owns the terminal */
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Thread-safe. Copies the newest message (at most len bytes) and its level if one arrived since
 * the last call; returns false otherwise. For the TUI status line. */
bool log_take_latest(char *buf, size_t len, enum log_level *lvl);

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
