/* SPDX-License-Identifier: MIT */
/*
 * VM vs container figures in the dashboard: the lines of the detail pane, marks (`m`), and the
 * compare overlay (`C`): one column per marked instance, a row per figure, and the difference
 * of two instances' numbers (second minus first) when two are marked.
 */
#include "ui/tui/tui.h"

#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/units.h"

/* One figure: its text for an instance, and its number (NAN: none) for differences. */
struct fig_row {
    const char *label;
    bool size; /* the number is bytes (else ms or s) */
    double (*num)(const struct inst *in);
    const char *(*text)(const struct inst *in, char *buf, size_t len);
};

static double
n_mem(const struct inst *in)
{
    /* What the instance costs the host: QEMU's RSS, or the cgroup's charge. */
    return in->kind == INST_KIND_VM ? tui_fig_bytes(in->figs.host_rss)
                                    : tui_fig_bytes(in->mem_bytes);
}
static double
n_anon(const struct inst *in)
{
    return in->kind == INST_KIND_VM ? tui_fig_bytes(in->figs.guest_mem)
                                    : tui_fig_bytes(in->figs.mem_anon);
}
static double
n_cpu(const struct inst *in)
{
    return in->cpu_ns == INST_UNKNOWN ? NAN : (double)in->cpu_ns / 1e9;
}
static double
n_emu(const struct inst *in)
{
    return in->figs.emu_ns == INST_UNKNOWN ? NAN : (double)in->figs.emu_ns / 1e9;
}

static double
n_disk_shared(const struct inst *in)
{
    return tui_fig_bytes(in->figs.disk_shared);
}

static const char *
t_kernel(const struct inst *in, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s", in->figs.kernel[0] ? in->figs.kernel : "-",
             in->figs.accel[0] ? ", " : "", in->figs.accel);
    return buf;
}
static const char *
t_iso(const struct inst *in, char *buf, size_t len)
{
    snprintf(buf, len, "%s", in->figs.isolation[0] ? in->figs.isolation : "-");
    return buf;
}

static const struct fig_row rows[] = {
    {"start -> exec/run ms", false, tui_fig_exec, NULL},
    {"start -> 1st output ms", false, tui_fig_first, NULL},
    {"host memory", true, n_mem, NULL},
    {"overhead: RSS-RAM|kmem", true, tui_fig_over, NULL},
    {"guest RAM / anon", true, n_anon, NULL},
    {"CPU time s", false, n_cpu, NULL},
    {"emulator CPU s", false, n_emu, NULL},
    {"disk own: upper|alloc", true, tui_fig_disk_own, NULL},
    {"disk shared: lower|base", true, n_disk_shared, NULL},
    {"kernel", false, NULL, t_kernel},
    {"isolation", false, NULL, t_iso},
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

static const char *
row_text(const struct fig_row *r, const struct inst *in, char *buf, size_t len)
{
    return r->text ? r->text(in, buf, len) : tui_fig_num(r->num(in), r->size, buf, len);
}

/* ---- the detail pane ---- */

int
tui_figs_lines(const struct inst *in, char lines[][256], int max)
{
    const struct inst_figs *f = &in->figs;
    char a[32], b[32], c[32], d[32];
    int n = 0;
    if (max <= n)
        return n;
    snprintf(lines[n++], 256, "start: exec/run %s ms, first output %s ms",
             tui_fig_num(tui_fig_exec(in), false, a, sizeof(a)),
             tui_fig_num(tui_fig_first(in), false, b, sizeof(b)));
    if (max <= n)
        return n;
    if (in->kind == INST_KIND_VM) {
        snprintf(lines[n++], 256, "QEMU RSS %s  guest RAM %s  overhead %s  emulator CPU %s s",
                 units_format_size(f->host_rss, a, sizeof(a)),
                 units_format_size(f->guest_mem, b, sizeof(b)),
                 tui_fig_num(tui_fig_over(in), true, c, 32),
                 tui_fig_num(n_emu(in), false, d, sizeof(d)));
    } else {
        snprintf(lines[n++], 256, "memory anon %s  file %s  kernel %s",
                 units_format_size(f->mem_anon, a, sizeof(a)),
                 units_format_size(f->mem_file, b, sizeof(b)),
                 units_format_size(f->mem_kernel, c, sizeof(c)));
    }
    if (max <= n)
        return n;
    char k[96];
    snprintf(lines[n++], 256, "kernel %.40s; %.200s", t_kernel(in, k, sizeof(k)),
             f->isolation[0] ? f->isolation : "-");
    if (max <= n)
        return n;
    if (in->kind == INST_KIND_VM)
        snprintf(lines[n++], 256, "disk allocated %s of %s  backing %s %.120s",
                 units_format_size(f->disk_own, a, sizeof(a)),
                 units_format_size(f->disk_capacity, b, sizeof(b)),
                 units_format_size(f->disk_shared, c, sizeof(c)),
                 f->disk_base[0] ? f->disk_base : "-");
    else
        snprintf(lines[n++], 256, "disk upper layer %s  shared %s %.32s",
                 units_format_size(f->disk_own, a, sizeof(a)),
                 units_format_size(f->disk_shared, b, sizeof(b)),
                 f->disk_base[0] ? f->disk_base : "");
    return n;
}

/* ---- marks ---- */

static int
mark_index(const struct tui *t, const struct inst *in)
{
    for (size_t i = 0; i < t->nmarks; i++) {
        if (strcmp(t->marks[i].id, in->id) == 0 && strcmp(t->marks[i].source, in->source) == 0)
            return (int)i;
    }
    return -1;
}

bool
tui_marked(const struct tui *t, const struct inst *in)
{
    return mark_index(t, in) >= 0;
}

unsigned
tui_mark_toggle(struct tui *t)
{
    struct inst *in = tui_view_selected(t, NULL);
    if (!in)
        return 0;
    int i = mark_index(t, in);
    if (i >= 0) {
        t->marks[i] = t->marks[--t->nmarks];
        tui_status(t, false, "unmarked %s (%zu marked)", in->name, t->nmarks);
    } else if (t->nmarks == TUI_MARKS_MAX) {
        tui_status(t, true, "%d instances are marked already: unmark one first", TUI_MARKS_MAX);
    } else {
        snprintf(t->marks[t->nmarks].id, sizeof(t->marks[0].id), "%s", in->id);
        snprintf(t->marks[t->nmarks].source, sizeof(t->marks[0].source), "%s", in->source);
        t->nmarks++;
        tui_status(t, false, "marked %s (%zu marked; compare them with the compare key)", in->name,
                   t->nmarks);
    }
    return REDRAW_LIST | REDRAW_STATUS;
}

unsigned
tui_compare_open(struct tui *t)
{
    if (t->nmarks < 2) {
        tui_status(t, true, "mark two instances (or more) to compare them");
        return REDRAW_STATUS;
    }
    t->mode = TUI_MODE_COMPARE;
    return REDRAW_ALL;
}

unsigned
tui_compare_key(struct tui *t, int key)
{
    int top = 0;
    if (tui_overlay_page_key(t, &top, key) || key == 'C')
        t->mode = TUI_MODE_NORMAL;
    return REDRAW_ALL;
}

/* ---- the overlay ---- */

static const struct inst *
find_marked(const struct tui *t, size_t m)
{
    for (size_t i = 0; i < t->cur.list.n; i++) {
        const struct inst *in = &t->cur.list.v[i];
        if (strcmp(in->id, t->marks[m].id) == 0 && strcmp(in->source, t->marks[m].source) == 0)
            return in;
    }
    return NULL;
}

static void
cell(char *line, size_t len, int col, int w, const char *s)
{
    size_t at = (size_t)col;
    while (strlen(line) < at && strlen(line) + 1 < len)
        strcat(line, " ");
    size_t l = strlen(line);
    snprintf(line + l, len - l, "%.*s", w - 1 > 0 ? w - 1 : 0, s);
}

/* The "; "-separated part p of s into buf; false when s has fewer parts. */
static bool
text_part(const char *s, int p, char *buf, size_t len)
{
    for (; p > 0 && s; p--)
        s = strstr(s, "; ") ? strstr(s, "; ") + 2 : NULL;
    if (!s)
        return false;
    snprintf(buf, len, "%.*s", (int)strcspn(s, ";"), s);
    return true;
}

/* A text row, one line per "; "-separated part (isolation facts); returns the next y. */
static int
draw_text_row(struct tui *t, const struct rect *r, int y, const struct fig_row *row,
              const struct inst *const *in, size_t n, int lw, int cw)
{
    char line[600], text[256], part[160];
    for (int p = 0; p < 8; p++) {
        bool any = false;
        line[0] = 0;
        cell(line, sizeof(line), 0, lw, p ? "" : row->label);
        for (size_t m = 0; m < n; m++) {
            if (in[m] && text_part(row->text(in[m], text, sizeof(text)), p, part, sizeof(part))) {
                cell(line, sizeof(line), lw + (int)m * cw, cw, part);
                any = true;
            }
        }
        if (!any)
            break;
        tui_overlay_line(t, r, y++, THEME_ROLE_NORMAL, line);
    }
    return y;
}

void
tui_compare_draw(struct tui *t, const struct rect *r)
{
    const struct inst *in[TUI_MARKS_MAX];
    size_t n = t->nmarks;
    bool diff = n == 2;
    int lw = 24, cols = (int)n + (diff ? 1 : 0);
    int cw = (r->w - lw - 2) / (cols ? cols : 1);
    char line[600], buf[160];
    for (size_t m = 0; m < n; m++)
        in[m] = find_marked(t, m);
    tui_overlay_line(t, r, 0, THEME_ROLE_TITLE,
                     "compare: VM vs container figures   q/Esc/C closes");
    line[0] = 0;
    cell(line, sizeof(line), 0, lw, "");
    for (size_t m = 0; m < n; m++) {
        snprintf(buf, sizeof(buf), "%s %s", in[m] && in[m]->kind == INST_KIND_VM ? "vm" : "ctr",
                 in[m] ? in[m]->name : "(gone)");
        cell(line, sizeof(line), lw + (int)m * cw, cw, buf);
    }
    if (diff)
        cell(line, sizeof(line), lw + 2 * cw, cw, "difference (2nd-1st)");
    tui_overlay_line(t, r, 1, THEME_ROLE_TITLE, line);
    int y = 2;
    for (size_t k = 0; k < N_ROWS; k++) {
        if (!rows[k].num) {
            y = draw_text_row(t, r, y, &rows[k], in, n, lw, cw);
            continue;
        }
        line[0] = 0;
        cell(line, sizeof(line), 0, lw, rows[k].label);
        for (size_t m = 0; m < n; m++)
            cell(line, sizeof(line), lw + (int)m * cw, cw,
                 in[m] ? row_text(&rows[k], in[m], buf, sizeof(buf)) : "-");
        if (diff && in[0] && in[1]) {
            double d = rows[k].num(in[1]) - rows[k].num(in[0]);
            cell(line, sizeof(line), lw + 2 * cw, cw,
                 tui_fig_num(d, rows[k].size, buf, sizeof(buf)));
        }
        tui_overlay_line(t, r, y++, THEME_ROLE_NORMAL, line);
    }
    for (; y < r->h; y++)
        tui_overlay_line(t, r, y, THEME_ROLE_NORMAL, "");
}
