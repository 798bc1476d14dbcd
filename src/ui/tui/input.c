/* SPDX-License-Identifier: MIT */
/* Key and mouse handlers: the key table maps a key to an action, the action's handler changes
 * state and returns what to redraw (it never draws). */
#include "ui/tui/tui.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

typedef unsigned (*ui_handler)(struct tui *t);

static unsigned
h_quit(struct tui *t)
{
    t->quit = true;
    return 0;
}

static unsigned
h_move(struct tui *t, long delta)
{
    tui_view_move(t, delta);
    return REDRAW_LIST | REDRAW_DETAIL;
}

static unsigned
h_up(struct tui *t)
{
    return h_move(t, -1);
}

static unsigned
h_down(struct tui *t)
{
    return h_move(t, 1);
}

static unsigned
h_page_up(struct tui *t)
{
    int rows = tui_view_visible_rows(t);
    return h_move(t, -(long)(rows > 1 ? rows - 1 : 1));
}

static unsigned
h_page_down(struct tui *t)
{
    int rows = tui_view_visible_rows(t);
    return h_move(t, rows > 1 ? rows - 1 : 1);
}

static unsigned
h_home(struct tui *t)
{
    return h_move(t, -(long)t->nview);
}

static unsigned
h_end(struct tui *t)
{
    return h_move(t, (long)t->nview);
}

static unsigned
h_focus_next(struct tui *t)
{
    bool detail = t->lay.detail.h > 0 || t->zoom != LAYOUT_ZOOM_NONE;
    t->focus = detail ? !t->focus : 0;
    if (t->zoom != LAYOUT_ZOOM_NONE) {
        t->zoom = t->focus ? LAYOUT_ZOOM_DETAIL : LAYOUT_ZOOM_LIST;
        return REDRAW_LAYOUT;
    }
    return REDRAW_LIST | REDRAW_DETAIL;
}

static unsigned
h_filter(struct tui *t)
{
    t->mode = TUI_MODE_FILTER;
    return REDRAW_STATUS;
}

static unsigned
h_sort(struct tui *t, int step)
{
    int c = t->sort_col;
    do {
        c = (c + step + COL_COUNT) % COL_COUNT;
    } while (c != t->sort_col && !(t->cfg.columns & (1u << c)));
    t->sort_col = c;
    /* Figures sort biggest first; names A to Z. */
    t->sort_desc = layout_cols[c].right;
    return REDRAW_VIEW | REDRAW_LIST | REDRAW_STATUS;
}

static unsigned
h_sort_next(struct tui *t)
{
    return h_sort(t, 1);
}

static unsigned
h_sort_prev(struct tui *t)
{
    return h_sort(t, -1);
}

static unsigned
h_sort_invert(struct tui *t)
{
    t->sort_desc = !t->sort_desc;
    return REDRAW_VIEW | REDRAW_LIST | REDRAW_STATUS;
}

static unsigned
h_help(struct tui *t)
{
    t->mode = TUI_MODE_HELP;
    t->help_top = 0;
    return REDRAW_ALL;
}

static unsigned
h_refresh(struct tui *t)
{
    tui_sampling_request(t);
    tui_status(t, false, "refreshing…");
    return REDRAW_STATUS;
}

static unsigned
h_redraw(struct tui *t)
{
    tui_sampling_request(t);
    return REDRAW_FULL | REDRAW_LAYOUT;
}

static unsigned
h_theme_next(struct tui *t)
{
    if (t->nthemes == 0)
        return 0;
    size_t cur = 0;
    for (size_t i = 0; i < t->nthemes; i++) {
        if (strcmp(t->themes[i], t->theme.name) == 0)
            cur = i;
    }
    const char *next = t->themes[(cur + 1) % t->nthemes];
    cleanup_err struct err *e = NULL;
    if (theme_load(next, &t->theme, &e) < 0)
        tui_status(t, true, "%s; using the default theme", err_msg(e));
    else
        tui_status(t, false, "theme %s", t->theme.name);
    snprintf(t->theme.name, sizeof(t->theme.name), "%s", next);
    tui_theme_apply(t);
    return REDRAW_ALL;
}

static unsigned
h_split(struct tui *t)
{
    t->split = (enum layout_split)((t->split + 1) % LAYOUT_SPLIT_COUNT);
    tui_status(t, false, "layout %s", layout_split_name(t->split));
    return REDRAW_LAYOUT;
}

static unsigned
h_zoom(struct tui *t)
{
    if (t->zoom != LAYOUT_ZOOM_NONE)
        t->zoom = LAYOUT_ZOOM_NONE;
    else
        t->zoom = t->focus ? LAYOUT_ZOOM_DETAIL : LAYOUT_ZOOM_LIST;
    return REDRAW_LAYOUT;
}

static unsigned
h_group(struct tui *t)
{
    t->grouped = !t->grouped;
    tui_status(t, false, t->grouped ? "grouped by kind" : "VMs and containers mixed");
    return REDRAW_VIEW | REDRAW_LIST | REDRAW_STATUS;
}

/* Fill job for the selection; false (with a status message) when there is none. */
static bool
sel_job(struct tui *t, enum inst_action a, struct tui_job *job)
{
    struct inst *in = tui_view_selected(t, NULL);
    if (!in) {
        tui_status(t, true, "nothing selected");
        return false;
    }
    memset(job, 0, sizeof(*job));
    job->prov = app_provider_for(&t->app, in);
    job->action = a;
    snprintf(job->id, sizeof(job->id), "%s", in->id);
    snprintf(job->label, sizeof(job->label), "%s '%s'",
             in->kind == INST_KIND_VM ? "vm" : "container", in->name);
    if (!job->prov) {
        tui_status(t, true, "no provider for %s (source %s)", job->label, in->source);
        return false;
    }
    return true;
}

static unsigned
act(struct tui *t, enum inst_action a, bool confirm)
{
    struct tui_job job;
    if (!sel_job(t, a, &job))
        return REDRAW_STATUS;
    if (confirm) {
        t->confirm_job = job;
        t->mode = TUI_MODE_CONFIRM;
        return REDRAW_STATUS;
    }
    tui_working_queue_shown(t, &job);
    return REDRAW_VIEW | REDRAW_ALL;
}

static unsigned
h_start(struct tui *t)
{
    return act(t, INST_ACTION_START, false);
}

static unsigned
h_stop(struct tui *t)
{
    return act(t, INST_ACTION_SHUTDOWN, false);
}

static unsigned
h_kill(struct tui *t)
{
    return act(t, INST_ACTION_KILL, true);
}

static unsigned
h_pause(struct tui *t)
{
    struct inst *in = tui_view_selected(t, NULL);
    bool paused = in && in->state == INST_STATE_PAUSED;
    return act(t, paused ? INST_ACTION_RESUME : INST_ACTION_PAUSE, false);
}

static unsigned
h_restart(struct tui *t)
{
    return act(t, INST_ACTION_REBOOT, false);
}

static unsigned
h_remove(struct tui *t)
{
    return act(t, INST_ACTION_REMOVE, true);
}

static unsigned
h_console(struct tui *t)
{
    return tui_console(t);
}

static unsigned
h_log(struct tui *t)
{
    tui_log_open(t);
    return REDRAW_ALL;
}

static unsigned
h_new_ctr(struct tui *t)
{
    tui_form_open(t, false);
    return REDRAW_ALL;
}

static unsigned
h_new_vm(struct tui *t)
{
    tui_form_open(t, true);
    return REDRAW_ALL;
}

static const ui_handler handlers[UI_ACT_COUNT] = {
    [UI_ACT_QUIT] = h_quit,
    [UI_ACT_UP] = h_up,
    [UI_ACT_DOWN] = h_down,
    [UI_ACT_PAGE_UP] = h_page_up,
    [UI_ACT_PAGE_DOWN] = h_page_down,
    [UI_ACT_HOME] = h_home,
    [UI_ACT_END] = h_end,
    [UI_ACT_FOCUS_NEXT] = h_focus_next,
    [UI_ACT_FILTER] = h_filter,
    [UI_ACT_SORT_NEXT] = h_sort_next,
    [UI_ACT_SORT_PREV] = h_sort_prev,
    [UI_ACT_SORT_INVERT] = h_sort_invert,
    [UI_ACT_HELP] = h_help,
    [UI_ACT_REFRESH] = h_refresh,
    [UI_ACT_REDRAW] = h_redraw,
    [UI_ACT_THEME_NEXT] = h_theme_next,
    [UI_ACT_SPLIT_TOGGLE] = h_split,
    [UI_ACT_ZOOM] = h_zoom,
    [UI_ACT_GROUP_TOGGLE] = h_group,
    [UI_ACT_START] = h_start,
    [UI_ACT_STOP] = h_stop,
    [UI_ACT_KILL] = h_kill,
    [UI_ACT_PAUSE] = h_pause,
    [UI_ACT_RESTART] = h_restart,
    [UI_ACT_REMOVE] = h_remove,
    [UI_ACT_CONSOLE] = h_console,
    [UI_ACT_LOG] = h_log,
    [UI_ACT_NEW_CTR] = h_new_ctr,
    [UI_ACT_NEW_VM] = h_new_vm,
    [UI_ACT_MARK] = tui_mark_toggle,
    [UI_ACT_COMPARE] = tui_compare_open,
};

unsigned
tui_keys_run(struct tui *t, enum ui_action a)
{
    if ((unsigned)a >= UI_ACT_COUNT || !handlers[a])
        return 0;
    return handlers[a](t);
}

static unsigned
filter_key(struct tui *t, int key)
{
    if (key == KEYS_ESC) {
        t->filter[0] = '\0';
        t->mode = TUI_MODE_NORMAL;
    } else if (key == '\n') {
        t->mode = TUI_MODE_NORMAL;
    } else if (!lineedit_key(t->filter, sizeof(t->filter), key)) {
        return 0;
    }
    return REDRAW_VIEW | REDRAW_LIST | REDRAW_DETAIL | REDRAW_STATUS;
}

static unsigned
confirm_key(struct tui *t, int key)
{
    t->mode = TUI_MODE_NORMAL;
    if (key != 'y' && key != 'Y') {
        tui_status(t, false, "cancelled");
        return REDRAW_STATUS;
    }
    tui_working_queue_shown(t, &t->confirm_job);
    return REDRAW_VIEW | REDRAW_ALL;
}

unsigned
tui_keys_handle(struct tui *t, int key)
{
    if (key == KEY_ENTER || key == '\r') /* nonl(): Enter arrives as CR */
        key = '\n';
    switch (t->mode) {
    case TUI_MODE_FILTER:
        return filter_key(t, key);
    case TUI_MODE_CONFIRM:
        return confirm_key(t, key);
    case TUI_MODE_HELP:
        return tui_help_key(t, key);
    case TUI_MODE_LOG:
        return tui_log_key(t, key);
    case TUI_MODE_FORM:
        return tui_form_key(t, key);
    case TUI_MODE_COMPARE:
        return tui_compare_key(t, key);
    default:
        break;
    }
    if (t->lay.too_small && keys_lookup(&t->cfg.keys, key) != UI_ACT_QUIT)
        return 0;
    if (key == KEYS_ESC && t->filter[0]) { /* Esc clears a kept filter */
        t->filter[0] = '\0';
        return REDRAW_VIEW | REDRAW_ALL;
    }
    return tui_keys_run(t, keys_lookup(&t->cfg.keys, key));
}

/* A click on the F-key bar: the action of the F-key under the pointer. */
static unsigned
mouse_fkeys(struct tui *t, int x)
{
    int f = layout_fkey_at(x - t->lay.fkeys.x);
    return f ? tui_keys_run(t, keys_lookup(&t->cfg.keys, KEY_F(f))) : 0;
}

static unsigned
mouse_list(struct tui *t, const MEVENT *ev)
{
    const struct rect *r = &t->lay.list;
    if (ev->y == r->y) { /* the titles: sort by that column, again to invert */
        int c = layout_col_at(t->col_w, ev->x - r->x);
        if (c < 0)
            return 0;
        if (c == t->sort_col)
            t->sort_desc = !t->sort_desc;
        else
            t->sort_col = c, t->sort_desc = layout_cols[c].right;
        return REDRAW_VIEW | REDRAW_LIST | REDRAW_STATUS;
    }
    size_t idx = t->top + (size_t)(ev->y - r->y - 1);
    if (idx < t->nview)
        tui_view_select(t, idx);
    t->focus = 0;
    return REDRAW_LIST | REDRAW_DETAIL;
}

static bool
in_rect(const struct rect *r, int y, int x)
{
    return r->h > 0 && y >= r->y && y < r->y + r->h && x >= r->x && x < r->x + r->w;
}

unsigned
tui_keys_mouse(struct tui *t)
{
    MEVENT ev;
    if (getmouse(&ev) != OK || t->mode != TUI_MODE_NORMAL || t->lay.too_small)
        return 0;
    if (ev.bstate & BUTTON4_PRESSED)
        return h_move(t, -3);
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED)
        return h_move(t, 3);
#endif
    if (!(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
        return 0;
    if (in_rect(&t->lay.fkeys, ev.y, ev.x))
        return mouse_fkeys(t, ev.x);
    if (in_rect(&t->lay.list, ev.y, ev.x))
        return mouse_list(t, &ev);
    if (in_rect(&t->lay.detail, ev.y, ev.x)) {
        t->focus = 1;
        return REDRAW_LIST | REDRAW_DETAIL;
    }
    return 0;
}
