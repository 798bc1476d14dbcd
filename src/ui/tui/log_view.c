/* SPDX-License-Identifier: MIT */
/* The log view's text: a container's log (ctr_logs into a memfd, read when the view opens and
 * again every second: it follows new lines like `logs -f` while it shows the end), or, for a VM
 * or when the containers API is absent, berth's own messages. Pager keys scroll it; `/` searches
 * (case-insensitive), n and N go to the next and previous match. */
#include "ui/tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "ctr/ctr.h"

#define LOGV_LINES 2000
#define LOGV_MAX (1024 * 1024)

void
tui_log_close(struct tui *t)
{
    free(t->logv_text);
    free(t->logv_line);
    t->logv_text = NULL;
    t->logv_line = NULL;
    t->logv_n = 0;
}

/* Split text into lines in place. */
static void
log_split(struct tui *t, char *text, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += text[i] == '\n';
    t->logv_line = xcalloc(n + 1, sizeof(*t->logv_line));
    char *p = text;
    for (size_t i = 0; i < n + 1 && p < text + len; i++) {
        char *nl = memchr(p, '\n', (size_t)(text + len - p));
        if (nl)
            *nl = '\0';
        t->logv_line[t->logv_n++] = p;
        p = nl ? nl + 1 : text + len;
    }
    t->logv_text = text;
}

static int
log_read(struct tui *t, const char *id, struct err **err)
{
    cleanup_close int fd = memfd_create("berth-log", MFD_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "memfd_create");
    if (ctr_logs(id, LOGV_LINES, false, fd, err) < 0)
        return -1;
    off_t len = lseek(fd, 0, SEEK_END);
    if (len > LOGV_MAX)
        len = LOGV_MAX;
    char *text = malloc((size_t)len + 1);
    if (!text)
        return err_set(err, ENOMEM, "log of '%s'", id);
    ssize_t got = pread(fd, text, (size_t)len, 0);
    if (got < 0) {
        free(text);
        return err_set(err, errno, "log of '%s'", id);
    }
    text[got] = '\0';
    log_split(t, text, (size_t)got);
    if (!t->logv_text)
        free(text);
    return 0;
}

void
tui_log_open(struct tui *t)
{
    tui_log_close(t);
    t->mode = TUI_MODE_LOG;
    t->log_top = -1; /* the end, following */
    t->logv_id[0] = '\0';
    t->logv_searching = false;
    t->logv_match = -1;
    struct inst *in = tui_view_selected(t, NULL);
    if (!in || in->kind != INST_KIND_CONTAINER)
        return;
    cleanup_err struct err *e = NULL;
    if (log_read(t, in->id, &e) < 0) {
        tui_status(t, true, "log of '%s': %s; showing berth's messages", in->name, err_msg(e));
        return;
    }
    snprintf(t->logv_id, sizeof(t->logv_id), "%s", in->id);
    snprintf(t->logv_title, sizeof(t->logv_title), "log of container %.200s (last %d lines)",
             in->name, LOGV_LINES);
}

unsigned
tui_log_follow(struct tui *t)
{
    if (t->mode != TUI_MODE_LOG)
        return 0;
    if (!t->logv_id[0])
        return REDRAW_ALL; /* berth's messages: drawn from the ring */
    char id[256];
    snprintf(id, sizeof(id), "%s", t->logv_id);
    tui_log_close(t);
    cleanup_err struct err *e = NULL;
    if (log_read(t, id, &e) < 0) {
        snprintf(t->logv_title, sizeof(t->logv_title), "log of container %.200s: %.100s", id,
                 err_msg(e));
        return REDRAW_ALL;
    }
    snprintf(t->logv_id, sizeof(t->logv_id), "%s", id);
    if (t->logv_match >= (int)t->logv_n)
        t->logv_match = -1;
    return REDRAW_ALL;
}

static int
log_total(const struct tui *t)
{
    return t->logv_text ? (int)t->logv_n : (int)t->log_n;
}

static const char *
log_line(const struct tui *t, int k)
{
    if (t->logv_text)
        return t->logv_line[k];
    size_t idx = (t->log_head + TUI_LOG_LINES - t->log_n + (size_t)k) % TUI_LOG_LINES;
    return t->log_lines[idx];
}

void
tui_log_draw(struct tui *t, const struct rect *r)
{
    bool ctr = t->logv_text != NULL || t->logv_id[0];
    int total = log_total(t), vis = r->h - 1;
    t->logv_vis = vis > 1 ? vis : 1;
    bool follow = t->log_top < 0 || t->log_top >= total - vis;
    if (follow)
        t->log_top = -1;
    int top = follow ? (total - vis > 0 ? total - vis : 0) : t->log_top;
    char title[600];
    if (t->logv_searching)
        snprintf(title, sizeof(title), "%s   search: %s_   (Enter finds, Esc cancels)",
                 ctr ? t->logv_title : "berth messages", t->logv_search);
    else
        snprintf(title, sizeof(title), "%s%s   / search  n/N next/prev  G end  q closes",
                 ctr ? t->logv_title : "berth messages (newest last)", follow ? ", following" : "");
    tui_overlay_line(t, r, 0, THEME_ROLE_TITLE, title);
    for (int i = 0; i < vis; i++) {
        int k = top + i;
        tui_overlay_line(t, r, i + 1, k == t->logv_match ? THEME_ROLE_SELECTED : THEME_ROLE_NORMAL,
                         k < total ? log_line(t, k)
                                   : ""); /* the rest blank: no pane shows through */
    }
    if (total == 0)
        tui_overlay_line(t, r, 1, THEME_ROLE_DIM, ctr ? "(no output yet)" : "no messages yet");
}

/* The next line from `from` (step +1 or -1, wrapping) that contains the pattern, or -1. */
static int
log_find(const struct tui *t, int from, int step)
{
    int total = log_total(t);
    if (!t->logv_search[0] || total == 0)
        return -1;
    for (int i = 0; i < total; i++) {
        int k = ((from + step * i) % total + total) % total;
        if (strcasestr(log_line(t, k), t->logv_search))
            return k;
    }
    return -1;
}

static void
log_goto_match(struct tui *t, int from, int step)
{
    int k = log_find(t, from, step);
    if (k < 0) {
        tui_status(t, true, "log: '%s' not found", t->logv_search);
        return;
    }
    t->logv_match = k;
    int half = t->logv_vis / 2;
    t->log_top = k - half > 0 ? k - half : 0;
    tui_status(t, false, "log: '%s' at line %d of %d", t->logv_search, k + 1, log_total(t));
}

unsigned
tui_log_key(struct tui *t, int key)
{
    int total = log_total(t);
    if (t->logv_searching) {
        if (key == KEYS_ESC) {
            t->logv_searching = false;
        } else if (key == '\n') {
            t->logv_searching = false;
            int top = t->log_top < 0 ? total - t->logv_vis : t->log_top;
            log_goto_match(t, top > 0 ? top : 0, 1);
        } else {
            lineedit_key(t->logv_search, sizeof(t->logv_search), key);
        }
        return REDRAW_ALL;
    }
    if (key == '/') {
        t->logv_searching = true;
        t->logv_search[0] = '\0';
        return REDRAW_ALL;
    }
    if (key == 'n' || key == 'N') {
        int from = t->logv_match >= 0 ? t->logv_match + (key == 'n' ? 1 : -1)
                                      : (t->log_top < 0 ? total - 1 : t->log_top);
        log_goto_match(t, from, key == 'n' ? 1 : -1);
        return REDRAW_ALL;
    }
    if (t->log_top < 0) /* following: scroll from the end shown */
        t->log_top = total - t->logv_vis > 0 ? total - t->logv_vis : 0;
    if (tui_overlay_page_key(t, &t->log_top, key)) {
        tui_log_close(t);
        t->logv_id[0] = '\0';
        t->mode = TUI_MODE_NORMAL;
    }
    return REDRAW_ALL;
}
