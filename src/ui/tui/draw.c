/* SPDX-License-Identifier: MIT */
/*
 * Drawing one frame: werase, the panes, wnoutrefresh, one doupdate. Only the visible rows are
 * formatted (into stack buffers: no allocation per frame), so 1000s of instances cost what one
 * screenful does. Curses sends only the cells that changed.
 */
#include "ui/tui/tui.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "common/units.h"

#define ROW_BYTES 1024

/* Bytes of s that fit in w columns; *cols gets their width. Invalid bytes count as one column
 * (they are replaced when copied). */
static size_t
text_fit(const char *s, int w, int *cols)
{
    mbstate_t st;
    memset(&st, 0, sizeof(st));
    size_t i = 0;
    int c = 0;
    while (s[i]) {
        wchar_t wc;
        size_t n = (unsigned char)s[i] < 0x80 ? 1 : mbrtowc(&wc, s + i, MB_CUR_MAX, &st);
        int cw = 1;
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
            n = 1;
            memset(&st, 0, sizeof(st));
        } else if (n > 1) {
            cw = wcwidth(wc);
            cw = cw < 0 ? 1 : cw;
        }
        if (c + cw > w)
            break;
        c += cw;
        i += n;
    }
    *cols = c;
    return i;
}

/* Copy s to buf with control characters (and bytes that are not valid here) replaced by '?'. */
static const char *
text_clean(const char *s, char *buf, size_t len, bool utf8)
{
    size_t j = 0;
    for (size_t i = 0; s[i] && j + 1 < len; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[j++] = (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) ? '?' : (char)c;
    }
    buf[j] = '\0';
    return buf;
}

/* Print s in w columns at (y, x), left or right aligned, with attr. */
static void
put(struct tui *t, int y, int x, int w, int attr, const char *s, bool right)
{
    if (w <= 0)
        return;
    char clean[ROW_BYTES];
    text_clean(s, clean, sizeof(clean), t->utf8);
    int cols;
    size_t n = text_fit(clean, w, &cols);
    attrset(attr);
    mvaddnstr(y, right ? x + w - cols : x, clean, (int)n);
}

static void
fill(int y, int x, int w, int attr)
{
    if (w <= 0)
        return;
    attrset(attr);
    mvhline(y, x, ' ', w);
}

static char *
fmt_pct(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%.1f", v);
    return buf;
}

static char *
fmt_rate(double v, char *buf, size_t len)
{
    if (isnan(v))
        return strcpy(buf, "-");
    return units_format_size((uint64_t)(v + 0.5), buf, len);
}

/* "[|||||     12.3%]" meter of width w, label before it. */
static void
draw_meter(struct tui *t, int y, int x, int w, const char *label, double frac, const char *text)
{
    int lw = (int)strlen(label);
    put(t, y, x, lw, t->attr[THEME_ROLE_HEADER] | A_BOLD, label, false);
    int inner = w - lw - 2;
    if (inner < 4)
        return;
    put(t, y, x + lw, 1, t->attr[THEME_ROLE_HEADER], "[", false);
    int bars = isnan(frac) ? 0 : (int)lround(frac * inner);
    bars = bars < 0 ? 0 : (bars > inner ? inner : bars);
    int role = frac > 0.8 ? THEME_ROLE_METER_HIGH : THEME_ROLE_METER;
    attrset(t->attr[role]);
    mvhline(y, x + lw + 1, '|', bars);
    fill(y, x + lw + 1 + bars, inner - bars, t->attr[THEME_ROLE_HEADER]);
    put(t, y, x + lw + 1, inner, t->attr[THEME_ROLE_DIM], text, true);
    put(t, y, x + lw + 1 + inner, 1, t->attr[THEME_ROLE_HEADER], "]", false);
}

static void
draw_header_meters(struct tui *t, const struct rect *r)
{
    const struct host_sample *h = &t->cur.host;
    char load[64], buf[64], a[16], b[16];
    if (t->cur.host_ok)
        snprintf(load, sizeof(load), "load %.2f %.2f %.2f", h->load1, h->load5, h->load15);
    else
        snprintf(load, sizeof(load), "load -");
    int fixed = 7 + (int)strlen(load) + 2 + (int)strlen(t->clock) + 1;
    int mw = (r->w - fixed) / 2 - 1;
    mw = mw > 44 ? 44 : mw;
    put(t, r->y, r->x + 1, 5, t->attr[THEME_ROLE_FRAME], "berth", false);
    int x = r->x + 7;
    if (mw >= 12 && t->cur.host_ok) {
        if (isnan(h->cpu_pct))
            snprintf(buf, sizeof(buf), "-");
        else
            snprintf(buf, sizeof(buf), "%.1f%%", h->cpu_pct);
        draw_meter(t, r->y, x, mw, "CPU", isnan(h->cpu_pct) ? NAN : h->cpu_pct / 100, buf);
        snprintf(buf, sizeof(buf), "%s/%s", units_format_size(h->mem_used_bytes, a, sizeof(a)),
                 units_format_size(h->mem_total_bytes, b, sizeof(b)));
        double mf =
            h->mem_total_bytes ? (double)h->mem_used_bytes / (double)h->mem_total_bytes : NAN;
        draw_meter(t, r->y, x + mw + 1, mw, "MEM", mf, buf);
        x += 2 * mw + 2;
    }
    put(t, r->y, x, r->w - x, t->attr[THEME_ROLE_HEADER], load, false);
    int cw = (int)strlen(t->clock);
    put(t, r->y, r->x + r->w - cw - 1, cw, t->attr[THEME_ROLE_HEADER] | A_BOLD, t->clock, false);
}

static void
draw_header_conns(struct tui *t, const struct rect *r)
{
    char line[ROW_BYTES];
    size_t len = 0;
    unsigned nvm = 0, nct = 0, rvm = 0, rct = 0;
    for (size_t i = 0; i < t->cur.list.n; i++) {
        const struct inst *in = &t->cur.list.v[i];
        bool run = in->state == INST_STATE_RUNNING;
        if (in->kind == INST_KIND_VM) {
            nvm++;
            rvm += run;
        } else {
            nct++;
            rct += run;
        }
    }
    len += (size_t)snprintf(line + len, sizeof(line) - len, "VMs %u (%u up)  containers %u (%u up)",
                            nvm, rvm, nct, rct);
    for (size_t i = 0; i < t->nconns && len < sizeof(line) - 1; i++)
        len += (size_t)snprintf(line + len, sizeof(line) - len, " | %s %s%s%s", t->conns[i].uri,
                                conn_state_name(t->conns[i].state),
                                t->conns[i].reason[0] ? ": " : "", t->conns[i].reason);
    bool bad = false;
    for (size_t i = 0; i < t->nconns; i++)
        bad |= t->conns[i].state != CONN_STATE_CONNECTED;
    int x = r->x + 1;
    if (t->banner[0]) { /* first, in the error colour: not the host's hypervisor */
        char b[TUI_MSG_MAX + 8];
        snprintf(b, sizeof(b), "%s  ", t->banner);
        int bw = r->w - 2 < (int)strlen(b) ? r->w - 2 : (int)strlen(b);
        put(t, r->y + 1, x, bw, t->attr[THEME_ROLE_ERROR], b, false);
        x += bw;
    }
    put(t, r->y + 1, x, r->x + r->w - 1 - x, t->attr[bad ? THEME_ROLE_ERROR : THEME_ROLE_DIM], line,
        false);
}

static int
state_role(enum inst_state s)
{
    switch (s) {
    case INST_STATE_RUNNING:
        return THEME_ROLE_RUNNING;
    case INST_STATE_PAUSED:
        return THEME_ROLE_PAUSED;
    case INST_STATE_STOPPED:
        return THEME_ROLE_STOPPED;
    case INST_STATE_CRASHED:
        return THEME_ROLE_CRASHED;
    case INST_STATE_STARTING:
    case INST_STATE_STOPPING:
        return THEME_ROLE_TRANSIENT;
    default:
        return THEME_ROLE_DIM;
    }
}

/* The text of one cell. */
static const char *
cell_text(struct tui *t, const struct inst *in, const struct tui_rates *rt, int col, char *buf,
          size_t len)
{
    char a[16], b[16];
    uint64_t tasks = in->kind == INST_KIND_VM ? in->vcpus : in->pids;
    switch (col) {
    case COL_KIND:
        return in->kind == INST_KIND_VM ? "vm" : "ctr";
    case COL_NAME:
        return in->name;
    case COL_STATE:
        return inst_state_name(in->state);
    case COL_CPU:
        return fmt_pct(in->cpu_pct, buf, len);
    case COL_MEM:
        snprintf(buf, len, "%s/%s", units_format_size(in->mem_bytes, a, sizeof(a)),
                 units_format_size(in->mem_limit_bytes, b, sizeof(b)));
        return buf;
    case COL_TASKS:
        if (tasks == INST_UNKNOWN)
            return "-";
        snprintf(buf, len, "%llu", (unsigned long long)tasks);
        return buf;
    case COL_NET:
        return fmt_rate(rt->net, buf, len);
    case COL_BLK:
        return fmt_rate(rt->blk, buf, len);
    case COL_UPTIME:
        if (in->start_time < 0 || in->state != INST_STATE_RUNNING)
            return "-";
        return units_format_duration(real_now_ns() / 1000000000 - in->start_time, buf, len);
    case COL_SOURCE:
        return in->source;
    case COL_PORTS:
        return in->ports[0] ? in->ports : "-";
    default: /* the optional VM-vs-container columns */
        (void)t;
        return tui_figs_cell(in, col, buf, len);
    }
}

static void
draw_list_titles(struct tui *t, const struct rect *r)
{
    fill(r->y, r->x, r->w, t->attr[THEME_ROLE_TITLE]);
    int x = r->x;
    for (int c = 0; c < COL_COUNT; c++) {
        int w = t->col_w[c];
        if (w <= 0)
            continue;
        char title[32];
        bool sorted = c == t->sort_col;
        const char *arrow = t->sort_desc ? (t->utf8 ? "\u25bc" : "v") : (t->utf8 ? "\u25b2" : "^");
        int tl = (int)strlen(layout_cols[c].title);
        if (sorted && tl + 1 > w)
            tl = w - 1; /* the arrow always shows */
        snprintf(title, sizeof(title), "%.*s%s", tl, layout_cols[c].title, sorted ? arrow : "");
        int role = sorted ? THEME_ROLE_TITLE_SORT : THEME_ROLE_TITLE;
        if (sorted)
            fill(r->y, x, w, t->attr[role]);
        put(t, r->y, x, w, t->attr[role], title, layout_cols[c].right);
        x += w + 1;
    }
}

static void
draw_list_row(struct tui *t, int y, const struct rect *r, size_t vi)
{
    size_t i = t->view[vi];
    const struct inst *in = &t->cur.list.v[i];
    const struct tui_rates *rt = &t->cur.rates[i];
    bool sel = vi == t->sel;
    int base = sel ? t->attr[t->focus == 0 ? THEME_ROLE_SELECTED : THEME_ROLE_TITLE]
                   : t->attr[THEME_ROLE_NORMAL];
    if (sel)
        fill(y, r->x, r->w, base);
    int x = r->x;
    char buf[64];
    for (int c = 0; c < COL_COUNT; c++) {
        int w = t->col_w[c];
        if (w <= 0)
            continue;
        int attr = base;
        if (!sel && c == COL_STATE)
            attr = t->attr[state_role(in->state)];
        else if (!sel && (c == COL_KIND || c == COL_SOURCE))
            attr = t->attr[THEME_ROLE_DIM];
        put(t, y, x, w, attr, cell_text(t, in, rt, c, buf, sizeof(buf)), layout_cols[c].right);
        x += w + 1;
    }
    if (tui_marked(t, in)) /* marked for compare: a star in the row's last cell */
        put(t, y, r->x + r->w - 1, 1, base | A_BOLD, "*", false);
}

static void
draw_list(struct tui *t)
{
    const struct rect *r = &t->lay.list;
    if (r->h <= 0)
        return;
    layout_columns(t->cfg.columns, r->w, t->col_w);
    draw_list_titles(t, r);
    int rows = tui_view_visible_rows(t);
    t->top = layout_scroll(t->sel, t->top, t->nview, rows);
    for (int k = 0; k < rows && t->top + (size_t)k < t->nview; k++)
        draw_list_row(t, r->y + 1 + k, r, t->top + (size_t)k);
    if (t->nview == 0) {
        const char *msg = t->filter[0]
                              ? "no instance matches the filter"
                              : (t->cur.list.n || t->frames ? "no instances" : "sampling…");
        put(t, r->y + 2, r->x + 2, r->w - 4, t->attr[THEME_ROLE_DIM], msg, false);
    }
}

/* A labelled graph of one history in rows y..y+h-1. */
static void
draw_graph(struct tui *t, const struct inst *in, bool mem, int y, int x, int w, int h,
           const char *label)
{
    double hist[600];
    size_t n = tui_sampling_history(t, in, mem, hist, (size_t)(w * 2) < 600 ? (size_t)w * 2 : 600);
    double max = 0;
    for (size_t i = 0; i < n; i++)
        max = !isnan(hist[i]) && hist[i] > max ? hist[i] : max;
    double vmax = mem ? (in->mem_limit_bytes != INST_UNKNOWN && in->mem_limit_bytes > 0
                             ? (double)in->mem_limit_bytes
                             : graph_nice_max(max, 1024 * 1024))
                      : graph_nice_max(max, 100);
    char axis[48], a[16];
    if (mem)
        snprintf(axis, sizeof(axis), "%s (max %s)", label,
                 units_format_size((uint64_t)vmax, a, sizeof(a)));
    else
        snprintf(axis, sizeof(axis), "%s (max %.0f%%)", label, vmax);
    put(t, y, x, w, t->attr[THEME_ROLE_DIM], axis, false);
    char rows[16][GRAPH_ROW_BYTES(200)];
    int gw = w > 200 ? 200 : w, gh = h - 1 > 16 ? 16 : h - 1;
    if (gh <= 0)
        return;
    graph_render(hist, n, vmax, t->graph, gw, gh, &rows[0][0], sizeof(rows[0]));
    for (int i = 0; i < gh; i++) {
        attrset(t->attr[mem ? THEME_ROLE_GRAPH_MEM : THEME_ROLE_GRAPH_CPU]);
        mvaddstr(y + 1 + i, x, rows[i]);
    }
}

static int
draw_facts(struct tui *t, const struct inst *in, const struct tui_rates *rt, int y, int x, int w)
{
    char l1[ROW_BYTES], a[32], b[32], c[32], d[32];
    snprintf(l1, sizeof(l1), "state %s%s%s%s   CPU %s%s   %s %s", inst_state_name(in->state),
             in->state_reason ? " (" : "", in->state_reason ? in->state_reason : "",
             in->state_reason ? ")" : "", fmt_pct(in->cpu_pct, a, sizeof(a)),
             isnan(in->cpu_pct) ? "" : "%", in->kind == INST_KIND_VM ? "vCPUs" : "pids",
             cell_text(t, in, rt, COL_TASKS, b, sizeof(b)));
    put(t, y++, x, w, t->attr[THEME_ROLE_NORMAL], l1, false);
    snprintf(l1, sizeof(l1), "memory %s of %s   uptime %s",
             units_format_size(in->mem_bytes, a, sizeof(a)),
             units_format_size(in->mem_limit_bytes, b, sizeof(b)),
             in->start_time >= 0 && in->state == INST_STATE_RUNNING
                 ? units_format_duration(real_now_ns() / 1000000000 - in->start_time, c, sizeof(c))
                 : "-");
    if (in->restarts != INST_UNKNOWN && in->restarts > 0) /* the restart policy at work */
        snprintf(l1 + strlen(l1), sizeof(l1) - strlen(l1), "   restarts %llu",
                 (unsigned long long)in->restarts);
    put(t, y++, x, w, t->attr[THEME_ROLE_NORMAL], l1, false);
    snprintf(l1, sizeof(l1), "net rx %s/s tx %s/s   disk read %s/s write %s/s",
             fmt_rate(rt->net_rx, a, sizeof(a)), fmt_rate(rt->net_tx, b, sizeof(b)),
             fmt_rate(rt->blk_rd, c, sizeof(c)), fmt_rate(rt->blk_wr, d, sizeof(d)));
    put(t, y++, x, w, t->attr[THEME_ROLE_NORMAL], l1, false);
    if (in->ip[0]) {
        snprintf(l1, sizeof(l1), "ip %s   ports %s", in->ip, in->ports[0] ? in->ports : "-");
        put(t, y++, x, w, t->attr[THEME_ROLE_NORMAL], l1, false);
    }
    snprintf(l1, sizeof(l1), "id %s", in->id);
    put(t, y++, x, w, t->attr[THEME_ROLE_DIM], l1, false);
    if (in->addrs) { /* a VM's guest addresses (leases, ARP) */
        snprintf(l1, sizeof(l1), "addresses %s", in->addrs);
        put(t, y++, x, w, t->attr[THEME_ROLE_NORMAL], l1, false);
    }
    return y;
}

/* The fetched facts (disks, limits, log tail), at most max rows; returns the next row. */
static int
draw_more_facts(struct tui *t, const struct inst *in, int y, int x, int w, int max)
{
    struct tui_facts f;
    if (max <= 0 || !tui_sampling_facts(t, in, &f))
        return y;
    for (int i = 0; i < f.n && i < max; i++)
        put(t, y++, x, w, t->attr[THEME_ROLE_DIM], f.lines[i], false);
    return y;
}

static void
draw_detail(struct tui *t)
{
    const struct rect *r = &t->lay.detail;
    if (r->h <= 0 || r->w <= 0)
        return;
    int x = r->x + (t->lay.side ? 2 : 1), w = r->w - (t->lay.side ? 3 : 2);
    if (t->lay.side) {
        attrset(t->attr[THEME_ROLE_FRAME]);
        mvvline(r->y, r->x, ACS_VLINE, r->h);
    }
    struct tui_rates *rt = NULL;
    struct inst *in = tui_view_selected(t, &rt);
    char title[ROW_BYTES];
    /* The focused pane is marked: Tab/Enter move the focus (and what the arrows scroll). */
    const char *mark = t->focus == 1 ? (t->utf8 ? "\u25b6 " : "> ") : "";
    if (in)
        snprintf(title, sizeof(title), "%s%s %s  (%s)", mark,
                 in->kind == INST_KIND_VM ? "vm" : "container", in->name, in->source);
    else
        snprintf(title, sizeof(title), "%snothing selected", mark);
    fill(r->y, x - 1, w + 1, t->attr[t->focus == 1 ? THEME_ROLE_SELECTED : THEME_ROLE_TITLE]);
    put(t, r->y, x, w, t->attr[t->focus == 1 ? THEME_ROLE_SELECTED : THEME_ROLE_TITLE], title,
        false);
    if (!in)
        return;
    int y = draw_facts(t, in, rt, r->y + 1, x, w);
    y = draw_more_facts(t, in, y, x, w, r->y + r->h - y - 6); /* graphs keep 6 rows */
    char figs[4][256]; /* VM vs container figures, where the graphs leave room */
    int nf = tui_figs_lines(in, figs, r->y + r->h - y - 6 > 4 ? 4 : r->y + r->h - y - 6);
    for (int i = 0; i < nf; i++)
        put(t, y++, x, w, t->attr[THEME_ROLE_NORMAL], figs[i], false);
    int left = r->y + r->h - y;
    if (left < 4)
        return;
    int gh = left / 2;
    draw_graph(t, in, false, y, x, w, gh, "CPU%");
    draw_graph(t, in, true, y + gh, x, w, left - gh, "memory");
}

/* The overlay of the current mode over the body: help, log view or a form. */
static void
draw_overlay(struct tui *t)
{
    struct rect r = tui_overlay_rect(t);
    if (r.h <= 0)
        return;
    if (t->mode == TUI_MODE_HELP)
        tui_help_draw(t, &r);
    else if (t->mode == TUI_MODE_LOG)
        tui_log_draw(t, &r);
    else if (t->mode == TUI_MODE_FORM)
        tui_form_draw(t, &r);
    else if (t->mode == TUI_MODE_COMPARE)
        tui_compare_draw(t, &r);
}

/* The F-key bar: each F-key's current action, htop style. */
static void
draw_fkeys(struct tui *t)
{
    /* At most LAYOUT_FKEY_LABEL (6) columns each, so all ten fit 80 columns. */
    static const char *const labels[UI_ACT_COUNT] = {
        [UI_ACT_HELP] = "Help",      [UI_ACT_START] = "Start",      [UI_ACT_STOP] = "Stop",
        [UI_ACT_FILTER] = "Filter",  [UI_ACT_REFRESH] = "Update",   [UI_ACT_SORT_NEXT] = "Sort",
        [UI_ACT_PAUSE] = "Pause",    [UI_ACT_LOG] = "Log",          [UI_ACT_KILL] = "Kill",
        [UI_ACT_QUIT] = "Quit",      [UI_ACT_REMOVE] = "Remove",    [UI_ACT_CONSOLE] = "Attach",
        [UI_ACT_RESTART] = "Reboot", [UI_ACT_THEME_NEXT] = "Theme", [UI_ACT_ZOOM] = "Zoom",
    };
    const struct rect *r = &t->lay.fkeys;
    fill(r->y, r->x, r->w, t->attr[THEME_ROLE_FKEY_LABEL]);
    for (int f = 1; f <= LAYOUT_FKEYS && r->x + layout_fkey_x(f) < r->x + r->w; f++) {
        int x = r->x + layout_fkey_x(f);
        enum ui_action a = keys_lookup(&t->cfg.keys, KEY_F(f));
        const char *l = labels[a] ? labels[a] : keys_actions[a].name;
        char num[8];
        snprintf(num, sizeof(num), "F%d", f);
        put(t, r->y, x, r->x + r->w - x, t->attr[THEME_ROLE_FKEY], num, false);
        x += (int)strlen(num);
        int rest = r->x + r->w - x;
        put(t, r->y, x, rest < LAYOUT_FKEY_LABEL ? rest : LAYOUT_FKEY_LABEL,
            t->attr[THEME_ROLE_FKEY_LABEL], a ? l : "", false);
    }
}

static void
draw_status(struct tui *t)
{
    const struct rect *r = &t->lay.status;
    char line[ROW_BYTES];
    int role = t->status_err ? THEME_ROLE_ERROR : THEME_ROLE_STATUS;
    if (t->mode == TUI_MODE_FILTER) {
        snprintf(line, sizeof(line), "filter: %s_   (Enter keeps it, Esc clears it)", t->filter);
        role = THEME_ROLE_PROMPT;
    } else if (t->mode == TUI_MODE_CONFIRM) {
        snprintf(line, sizeof(line), "%s %s? y/N", inst_action_name(t->confirm_job.action),
                 t->confirm_job.label);
        role = THEME_ROLE_PROMPT;
    } else if (t->status[0]) {
        snprintf(line, sizeof(line), "%s", t->status);
    } else {
        snprintf(line, sizeof(line), "%zu of %zu shown%s%s%s  sort %s%s  ? help", t->nview,
                 t->cur.list.n, t->filter[0] ? "  filter '" : "", t->filter,
                 t->filter[0] ? "'" : "", layout_cols[t->sort_col].name,
                 t->sort_desc ? " (desc)" : "");
        role = THEME_ROLE_DIM;
    }
    put(t, r->y, r->x + 1, r->w - 2, t->attr[role], line, false);
}

static void
draw_too_small(struct tui *t)
{
    char msg[128];
    snprintf(msg, sizeof(msg), "terminal too small: %dx%d (need %dx%d)", t->cols, t->rows,
             LAYOUT_MIN_COLS, LAYOUT_MIN_ROWS);
    int y = t->rows / 2, w = t->cols;
    int cols;
    text_fit(msg, w, &cols);
    attrset(A_NORMAL);
    put(t, y > 0 ? y : 0, cols < w ? (w - cols) / 2 : 0, w, t->attr[THEME_ROLE_ERROR], msg, false);
    if (y + 1 < t->rows)
        put(t, y + 1, 0, w, t->attr[THEME_ROLE_DIM], "q quits", false);
}

void
tui_draw_frame(struct tui *t)
{
    int64_t t0 = mono_now_ns();
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    strftime(t->clock, sizeof(t->clock), "%H:%M:%S", &tm);
    werase(stdscr);
    if (t->lay.too_small) {
        draw_too_small(t);
    } else {
        draw_header_meters(t, &t->lay.header);
        draw_header_conns(t, &t->lay.header);
        draw_list(t);
        draw_detail(t);
        draw_overlay(t);
        draw_status(t);
        draw_fkeys(t);
    }
    attrset(A_NORMAL);
    wnoutrefresh(stdscr);
    int64_t t1 = mono_now_ns();
    doupdate();
    uint64_t ns = (uint64_t)(t1 - t0);
    if (t->frames < TUI_FRAME_SAMPLES)
        t->frame_ns[t->frames] = ns > UINT32_MAX ? UINT32_MAX : (uint32_t)ns;
    t->frames++;
    t->frame_ns_total += ns;
    t->output_ns_total += (uint64_t)(mono_now_ns() - t1);
    if (ns > t->frame_ns_max)
        t->frame_ns_max = ns;
}
