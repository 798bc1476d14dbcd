/* SPDX-License-Identifier: MIT */
/* The log view's text: a container's log (ctr_logs into a memfd, read once when the view
 * opens), or, for a VM or when the containers API is absent, berth's own messages. */
#include "ui/tui/tui.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
log_read(struct tui *t, const struct inst *in, struct err **err)
{
    cleanup_close int fd = memfd_create("berth-log", MFD_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "memfd_create");
    if (ctr_logs(in->id, LOGV_LINES, false, fd, err) < 0)
        return -1;
    off_t len = lseek(fd, 0, SEEK_END);
    if (len > LOGV_MAX)
        len = LOGV_MAX;
    char *text = malloc((size_t)len + 1);
    if (!text)
        return err_set(err, ENOMEM, "log of '%s'", in->name);
    ssize_t got = pread(fd, text, (size_t)len, 0);
    if (got < 0) {
        free(text);
        return err_set(err, errno, "log of '%s'", in->name);
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
    t->log_top = -1; /* the end */
    struct inst *in = tui_view_selected(t, NULL);
    if (!in || in->kind != INST_KIND_CONTAINER)
        return;
    cleanup_err struct err *e = NULL;
    if (log_read(t, in, &e) < 0) {
        tui_status(t, true, "log of '%s': %s; showing berth's messages", in->name, err_msg(e));
        return;
    }
    snprintf(t->logv_title, sizeof(t->logv_title),
             "log of container %.200s (last %d lines)   q/Esc closes", in->name, LOGV_LINES);
}

void
tui_log_draw(struct tui *t, const struct rect *r)
{
    bool ctr = t->logv_text != NULL;
    int total = ctr ? (int)t->logv_n : (int)t->log_n, vis = r->h - 1;
    if (t->log_top < 0 || t->log_top > total - vis)
        t->log_top = total - vis > 0 ? total - vis : 0;
    tui_overlay_line(t, r, 0, THEME_ROLE_TITLE,
                     ctr ? t->logv_title : "berth messages (newest last)   q/Esc closes");
    for (int i = 0; i < vis; i++) {
        int k = t->log_top + i;
        if (k >= total)
            break;
        size_t idx = (t->log_head + TUI_LOG_LINES - t->log_n + (size_t)k) % TUI_LOG_LINES;
        tui_overlay_line(t, r, i + 1, THEME_ROLE_NORMAL, ctr ? t->logv_line[k] : t->log_lines[idx]);
    }
    if (total == 0)
        tui_overlay_line(t, r, 1, THEME_ROLE_DIM, ctr ? "the log is empty" : "no messages yet");
}

unsigned
tui_log_key(struct tui *t, int key)
{
    if (tui_overlay_page_key(t, &t->log_top, key)) {
        tui_log_close(t);
        t->mode = TUI_MODE_NORMAL;
    }
    return REDRAW_ALL;
}
