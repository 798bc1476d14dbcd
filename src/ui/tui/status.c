/* SPDX-License-Identifier: MIT */
/* The status line and berth's own message log behind it (the log view shows the ring). */
#include "ui/tui/tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#define STATUS_INFO_NS (8LL * 1000000000)
#define STATUS_ERROR_NS (30LL * 1000000000)

static void
log_ring_add(struct tui *t, const char *msg)
{
    char ts[16];
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
    snprintf(t->log_lines[t->log_head], TUI_MSG_MAX, "%s %.490s", ts, msg);
    t->log_head = (t->log_head + 1) % TUI_LOG_LINES;
    if (t->log_n < TUI_LOG_LINES)
        t->log_n++;
}

void
tui_status(struct tui *t, bool error, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->status, sizeof(t->status), fmt, ap);
    va_end(ap);
    t->status_err = error;
    t->status_until_ns = mono_now_ns() + (error ? STATUS_ERROR_NS : STATUS_INFO_NS);
    log_ring_add(t, t->status);
}
