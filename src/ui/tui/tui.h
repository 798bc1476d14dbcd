/* SPDX-License-Identifier: MIT */
/* The dashboard's internal state and the functions of the files in src/ui/tui/, each listed under
 * the file that defines it (not used outside the TUI). */
#pragma once

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/host.h"
#include "common/model.h"
#include "common/provider.h"
#include "common/sampler.h"
#include "ui/app.h"
#include "ui/tui/config.h"
#include "ui/tui/graph.h"
#include "ui/tui/keys.h"
#include "ui/tui/layout.h"
#include "ui/tui/lineedit.h"
#include "ui/tui/theme.h"

/* What a handler asks to redraw. The frame is rebuilt when any bit is set. */
enum {
    REDRAW_HEADER = 1 << 0,
    REDRAW_LIST = 1 << 1,
    REDRAW_DETAIL = 1 << 2,
    REDRAW_STATUS = 1 << 3,
    REDRAW_VIEW = 1 << 4,   /* filter, sort or data changed: rebuild the sorted view first */
    REDRAW_LAYOUT = 1 << 5, /* the terminal size or the split changed */
    REDRAW_FULL = 1 << 6,   /* repaint every cell (C-l) */
    REDRAW_ALL = REDRAW_HEADER | REDRAW_LIST | REDRAW_DETAIL | REDRAW_STATUS,
};

/* Per-instance byte rates the sampling thread computes beside the sampler's CPU %. */
struct tui_rates {
    double net, blk; /* bytes per second, rx + tx / read + write; NaN when unknown */
    double net_rx, net_tx, blk_rd, blk_wr;
};

/* One published sample: instances, their rates (same index), host totals. */
struct tui_snapshot {
    struct inst_list list;
    struct tui_rates *rates;
    size_t rates_cap;
    struct host_sample host;
    bool host_ok;
};

#define TUI_FACT_LINES 16
#define TUI_FACT_LEN 200

/* What the detail pane shows beyond the model: disks, networks, limits, log tail. Fetched by
 * the sampling thread (it may need a backend round trip) for the selected instance. */
struct tui_facts {
    enum inst_kind kind;
    char source[256], id[256]; /* whose facts these are */
    char lines[TUI_FACT_LINES][TUI_FACT_LEN];
    int n;
};

struct tui_sampling {
    pthread_t thread;
    bool started;
    pthread_mutex_t mu; /* guards pub, fresh, sampler's history, stop */
    struct app *app;
    struct sampler *sampler;
    struct tui_snapshot pub; /* the newest sample, swapped out by the UI */
    bool fresh;              /* pub holds a sample the UI has not taken */
    bool facts_fresh;        /* facts changed since the UI last looked */
    bool stop;
    int wake_fd;   /* eventfd: a sample was published */
    int req_fd;    /* eventfd: sample now (or stop) */
    int events_fd; /* libvirt lifecycle events, or -1 */
    int ctr_fd;    /* container changes (ctr_changes_fd), or -1 */
    double interval_s;
    bool req_sample;       /* sample now (refresh key, after an action) */
    struct tui_facts want; /* whose facts to fetch (key only) */
    bool want_set, want_changed;
    struct tui_facts facts; /* the newest facts */
};

#define TUI_MAX_JOBS 16
#define TUI_MAX_CHILDREN 8
#define TUI_MSG_MAX 512

struct tui_job {
    struct provider *prov;
    char id[256];
    char label[160]; /* "vm 'test'" */
    enum inst_action action;
    bool demo;      /* create the demo container instead */
    bool check_ctr; /* after a start: watch the container ~1 s and report how it fares */
};

/* An action queued and not yet reported: the list shows its instance "stopping"/"starting"
 * until the result has come and a sample taken after it shows the real state. */
struct tui_pending {
    bool used, finished;
    char id[256];
    enum inst_action action;
};

struct tui_working {
    pthread_t thread;
    bool started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct tui_job jobs[TUI_MAX_JOBS];
    size_t head, n;
    char results[TUI_MAX_JOBS][TUI_MSG_MAX];
    bool result_err[TUI_MAX_JOBS];
    char result_id[TUI_MAX_JOBS][256]; /* the job's instance and action, for tui_pending */
    enum inst_action result_act[TUI_MAX_JOBS];
    size_t nres;
    bool busy, stop;
    int wake_fd; /* eventfd: a result is ready */
};

/* A child running the project's CLI (new container / new VM forms). */
struct tui_child {
    pid_t pid; /* 0 = free slot */
    int err_fd;
    char what[160];
    char out[2048];
    size_t len;
    bool post_start; /* start the container once created */
    char ctr_name[128];
};

enum tui_mode {
    TUI_MODE_NORMAL,
    TUI_MODE_FILTER,
    TUI_MODE_CONFIRM,
    TUI_MODE_HELP,
    TUI_MODE_LOG,
    TUI_MODE_FORM,
    TUI_MODE_COMPARE,
    TUI_MODE_COUNT,
};

#define TUI_FORM_FIELDS 12
#define TUI_FIELD_MAX 256

struct tui_form {
    bool vm; /* new VM, else new container */
    int nfields, cur;
    const char *labels[TUI_FORM_FIELDS];
    char values[TUI_FORM_FIELDS][TUI_FIELD_MAX];
};

#define TUI_LOG_LINES 500
#define TUI_MARKS_MAX 4
#define TUI_FRAME_SAMPLES 4096

struct tui {
    const struct app_opts *opts;
    struct app app;
    struct config cfg;
    struct tui_sampling smp;
    struct tui_working wrk;
    struct tui_child children[TUI_MAX_CHILDREN];
    struct tui_pending pending[TUI_MAX_JOBS];
    int sig_fd, timer_fd;
    sigset_t loop_sigset; /* the signals the loop reads from sig_fd (blocked elsewhere) */

    /* The data shown: the newest snapshot and the sorted, filtered view over it. */
    struct tui_snapshot cur;
    size_t *view;
    size_t nview, view_cap;
    size_t sel, top; /* index into view; first row shown */
    char sel_id[256], sel_source[256];
    enum inst_kind sel_kind;
    bool have_sel;
    struct conn_info conns[APP_MAX_PROVIDERS * 2];
    size_t nconns;

    /* Interaction state. */
    enum tui_mode mode;
    char filter[128];
    int sort_col; /* enum col_id */
    bool sort_desc;
    bool grouped;
    enum layout_split split;
    enum layout_zoom zoom;
    int focus; /* 0 = list, 1 = detail */
    int detail_top, help_top, log_top;
    enum ui_action confirm_act;
    struct tui_job confirm_job;
    struct tui_form form;
    struct {
        char id[256], source[256];
    } marks[TUI_MARKS_MAX]; /* instances marked for the compare view (compare.c) */
    size_t nmarks;

    /* Display. */
    struct layout lay;
    int rows, cols;
    int col_w[COL_COUNT];
    struct theme theme;
    int attr[THEME_ROLE_COUNT];
    int color_mode; /* 0 mono, 8, 256 */
    char themes[32][THEME_NAME_MAX];
    size_t nthemes;
    enum graph_style graph;
    bool utf8;
    char status[TUI_MSG_MAX];
    bool status_err;
    int64_t status_until_ns;                    /* 0 = until replaced */
    char log_lines[TUI_LOG_LINES][TUI_MSG_MAX]; /* berth's own messages, a ring */
    char *logv_text;  /* the log view's container log (lines NUL-separated), or NULL */
    char **logv_line; /* its lines */
    size_t logv_n;
    char logv_title[320];
    char logv_id[256];     /* whose log it is (re-read every second: it follows) */
    int logv_vis;          /* lines shown at the last draw */
    char logv_search[128]; /* the search pattern ('/'), case-insensitive */
    bool logv_searching;   /* typing the pattern */
    int logv_match;        /* the line found, or -1 */
    size_t log_n, log_head;
    char clock[16];
    char settings_msg[TUI_MSG_MAX]; /* a bad config or theme file: repeated after endwin */
    char banner[TUI_MSG_MAX]; /* shown in the header while it is set (the test-driver fallback) */
    unsigned dirty;
    bool quit;
    bool sample_fresh; /* the last take brought a new sample */

    /* Frame statistics for bench/ ($BERTH_TUI_STATS): build = werase .. wnoutrefresh,
     * output = doupdate (writing to the terminal). */
    uint64_t frames, frame_ns_total, frame_ns_max, output_ns_total;
    uint32_t frame_ns[TUI_FRAME_SAMPLES]; /* build times of the first frames, for percentiles */
};

/* sample.c: the sampling thread. */
int tui_sampling_start(struct tui *t, struct err **err);
void tui_sampling_request(struct tui *t);
/* Take the newest sample if one was published (sets t->sample_fresh); true when there is
 * anything new to show (a sample or facts). */
bool tui_sampling_take(struct tui *t);
/* Copy at most max history values (oldest first) of in into out; returns how many. */
size_t tui_sampling_history(struct tui *t, const struct inst *in, bool mem, double *out,
                            size_t max);
void tui_sampling_stop(struct tui *t);
/* Ask for the facts of in (the selection); NULL for none. */
void tui_sampling_want(struct tui *t, const struct inst *in);
/* Copy the newest facts when they are in's; false otherwise. */
bool tui_sampling_facts(struct tui *t, const struct inst *in, struct tui_facts *out);
void tui_snapshot_done(struct tui_snapshot *s);

/* facts.c: fetch facts off the UI thread (sampling thread). */
void tui_facts_fetch(struct app *app, struct tui_facts *f);

/* work.c: the action worker and CLI children. */
int tui_working_start(struct tui *t, struct err **err);
/* Queue an action on the selected instance; false when the queue is full. */
bool tui_working_queue(struct tui *t, const struct tui_job *job);
/* Queue a user's action: the status line says "ACTION LABEL…" until the result replaces it and
 * the row shows the transition (stopping, starting) meanwhile. */
void tui_working_queue_shown(struct tui *t, const struct tui_job *job);
/* Show the pending actions' transitions in t->cur (after a fresh sample was taken). */
void tui_pending_apply(struct tui *t);
/* Collect finished jobs' messages into the status line; returns a redraw mask. */
unsigned tui_working_collect(struct tui *t);
void tui_working_stop(struct tui *t);
int tui_child_spawn(struct tui *t, char *const argv[], const char *what, const char *ctr_name,
                    struct err **err);
unsigned tui_child_read(struct tui *t, int fd);
unsigned tui_child_reap(struct tui *t);
void tui_children_kill(struct tui *t);

/* view.c: filter, sort, selection. */
void tui_view_rebuild(struct tui *t);
struct inst *tui_view_selected(struct tui *t, struct tui_rates **rates);
void tui_view_select(struct tui *t, size_t idx);
void tui_view_move(struct tui *t, long delta);
int tui_view_visible_rows(const struct tui *t);

/* status.c: the status line; every message also goes to berth's own log (the log view). */
void tui_status(struct tui *t, bool error, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* draw.c: one frame (header, list, detail, the mode's overlay, status, F-key bar). */
void tui_draw_frame(struct tui *t);

/* theme_apply.c: the theme's roles as curses attributes for the terminal's colours. */
void tui_theme_apply(struct tui *t);

/* overlay.c: what the help, log and form overlays share. */
struct rect tui_overlay_rect(const struct tui *t); /* the body area they cover */
void tui_overlay_line(struct tui *t, const struct rect *r, int row, int role, const char *s);
bool tui_overlay_page_key(const struct tui *t, int *top, int key);

/* compare.c: VM vs container figures: detail lines, marks and the compare overlay. */
int tui_figs_lines(const struct inst *in, char lines[][256], int max); /* returns the count */
bool tui_marked(const struct tui *t, const struct inst *in);
unsigned tui_mark_toggle(struct tui *t);
unsigned tui_compare_open(struct tui *t);
void tui_compare_draw(struct tui *t, const struct rect *r);
unsigned tui_compare_key(struct tui *t, int key);

/* figcols.c: figures as numbers (NAN: unknown): start -> exec/running and -> first output in
 * ms, the memory overhead (VM: RSS - guest RAM; container: kernel memory) and own disk in
 * bytes; tui_fig_num: such a number as text ("-" for NAN; size: bytes in human units). */
double tui_fig_bytes(uint64_t v);
double tui_fig_exec(const struct inst *in);
double tui_fig_first(const struct inst *in);
double tui_fig_over(const struct inst *in);
double tui_fig_disk_own(const struct inst *in);
const char *tui_fig_num(double v, bool size, char *buf, size_t len);
/* The optional list columns (COL_START .. COL_KERNEL): a cell's text ("-" unknown, "" for
 * another column) and the sort order of two rows (unknown lowest). */
const char *tui_figs_cell(const struct inst *in, int col, char *buf, size_t len);
int tui_figs_cmp(const struct inst *a, const struct inst *b, int col);

/* help.c: the help overlay. */
void tui_help_draw(struct tui *t, const struct rect *r);
unsigned tui_help_key(struct tui *t, int key);

/* log_view.c: the log view: the selected container's log, else berth's own messages. */
void tui_log_open(struct tui *t);
void tui_log_close(struct tui *t);
/* Re-read the container's log (new lines show, at the bottom while following); the timer's. */
unsigned tui_log_follow(struct tui *t);
void tui_log_draw(struct tui *t, const struct rect *r);
unsigned tui_log_key(struct tui *t, int key);

/* form.c: the new container / new VM forms. */
void tui_form_open(struct tui *t, bool vm);
unsigned tui_form_key(struct tui *t, int key);
void tui_form_draw(struct tui *t, const struct rect *body);

/* console.c: hand the terminal to the selection's console and take it back. */
unsigned tui_console(struct tui *t);

/* input.c: key and mouse handlers (the key table's actions run here). */
unsigned tui_keys_handle(struct tui *t, int key);
unsigned tui_keys_mouse(struct tui *t);
unsigned tui_keys_run(struct tui *t, enum ui_action a);
