/* SPDX-License-Identifier: MIT */
/*
 * The dashboard: set-up and tear-down of the terminal, and the poll loop over stdin, a 1 s
 * timer (clock, status expiry), a signalfd (SIGWINCH, SIGCHLD, SIGTERM, SIGINT, SIGHUP), the
 * sampling thread's and the action worker's wake-up eventfds and the CLI children's pipes. A
 * frame is drawn only when something changed; when idle the process sleeps in poll.
 */
#include "ui/tui/tui.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "ui/frontends.h"

static volatile sig_atomic_t curses_up;

static const int loop_signals[] = {SIGWINCH, SIGCHLD, SIGTERM, SIGINT, SIGHUP};
static const int crash_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};

/* Restore the terminal on a crash, then die of the same signal. */
static void
crash_handler(int sig)
{
    if (curses_up)
        endwin();
    raise(sig);
}

static void
signals_sigset(sigset_t *set)
{
    sigemptyset(set);
    for (size_t i = 0; i < ARRAY_SIZE(loop_signals); i++)
        sigaddset(set, loop_signals[i]);
}

static int
signals_setup(struct tui *t, struct err **err)
{
    sigset_t set;
    signals_sigset(&set);
    t->loop_sigset = set;
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* before the threads start: they inherit it */
    t->sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    if (t->sig_fd < 0)
        return err_set(err, errno, "signalfd");
    struct sigaction sa = {.sa_handler = crash_handler, .sa_flags = SA_RESETHAND | SA_NODEFER};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < ARRAY_SIZE(crash_signals); i++)
        sigaction(crash_signals[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

/* A timer on each wall-clock second, so the clock turns over on time. */
static int
timer_setup(struct tui *t, struct err **err)
{
    t->timer_fd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC | TFD_NONBLOCK);
    if (t->timer_fd < 0)
        return err_set(err, errno, "timerfd");
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    struct itimerspec its = {.it_interval = {1, 0}, .it_value = {now.tv_sec + 1, 1000000}};
    if (timerfd_settime(t->timer_fd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
        return err_set(err, errno, "timerfd_settime");
    return 0;
}

static void
term_size(struct tui *t)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0 &&
        (ws.ws_row != LINES || ws.ws_col != COLS))
        resizeterm(ws.ws_row, ws.ws_col);
    t->rows = LINES;
    t->cols = COLS;
}

static int
curses_setup(struct tui *t, struct err **err)
{
    const char *term = getenv("TERM");
    if (!newterm(NULL, stdout, stdin))
        return err_set(err, 0, "cannot use the terminal (TERM='%s')", term ? term : "");
    curses_up = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    curs_set(0);
    set_escdelay(25);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED
#ifdef BUTTON5_PRESSED
                  | BUTTON5_PRESSED
#endif
              ,
              NULL);
    mouseinterval(0);
    tui_theme_apply(t);
    term_size(t);
    return 0;
}

static void
theme_init(struct tui *t, const char *name)
{
    t->nthemes = theme_list(t->themes, ARRAY_SIZE(t->themes));
    cleanup_err struct err *e = NULL;
    if (theme_load(name, &t->theme, &e) < 0) {
        tui_status(t, true, "%s; using the default theme", err_msg(e));
        snprintf(t->settings_msg, sizeof(t->settings_msg), "%s", t->status);
    }
}

/* Settings: command line first, then the config file, then the defaults. */
static void
settings_init(struct tui *t, struct app_opts *opts)
{
    config_init(&t->cfg);
    cleanup_err struct err *e = NULL;
    if (config_load(&t->cfg, NULL, &e) < 0) {
        tui_status(t, true, "%s; the defaults are used for it", err_msg(e));
        snprintf(t->settings_msg, sizeof(t->settings_msg), "%s", t->status);
    }
    if (!opts->interval_given && t->cfg.interval_s > 0)
        opts->interval_s = t->cfg.interval_s;
    for (size_t i = 0; opts->n_uris == 0 && i < t->cfg.n_uris; i++)
        opts->uris[i] = t->cfg.uris[i];
    if (opts->n_uris == 0)
        opts->n_uris = t->cfg.n_uris;
    t->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
    t->graph = t->cfg.graph >= 0 ? (enum graph_style)t->cfg.graph
                                 : (t->utf8 ? GRAPH_STYLE_BRAILLE : GRAPH_STYLE_ASCII);
    if (!t->utf8 && t->graph != GRAPH_STYLE_ASCII)
        t->graph = GRAPH_STYLE_ASCII;
    t->split = t->cfg.split;
    t->grouped = t->cfg.grouped;
    t->sort_col = COL_NAME;
    theme_init(t, opts->theme ? opts->theme : (t->cfg.theme[0] ? t->cfg.theme : "dark"));
}

static unsigned
on_signal(struct tui *t)
{
    struct signalfd_siginfo si;
    unsigned mask = 0;
    while (read(t->sig_fd, &si, sizeof(si)) == sizeof(si)) {
        switch (si.ssi_signo) {
        case SIGWINCH:
            mask |= REDRAW_LAYOUT | REDRAW_FULL;
            break;
        case SIGCHLD:
            mask |= tui_child_reap(t);
            break;
        default:
            t->quit = true;
        }
    }
    return mask;
}

static unsigned
on_timer(struct tui *t)
{
    uint64_t n;
    (void)!read(t->timer_fd, &n, sizeof(n));
    unsigned mask = REDRAW_HEADER | tui_log_follow(t);
    if (t->status[0] && t->status_until_ns && mono_now_ns() > t->status_until_ns) {
        t->status[0] = '\0';
        mask |= REDRAW_STATUS;
    }
    return mask;
}

static unsigned
on_sample(struct tui *t)
{
    if (!tui_sampling_take(t))
        return 0;
    if (!t->sample_fresh)
        return REDRAW_DETAIL;
    tui_pending_apply(t);
    t->nconns = app_conns(&t->app, t->conns, ARRAY_SIZE(t->conns));
    return REDRAW_VIEW | REDRAW_ALL;
}

static unsigned
on_input(struct tui *t)
{
    unsigned mask = 0;
    int key;
    while (!t->quit && (key = getch()) != ERR) {
        if (key == KEY_RESIZE)
            mask |= REDRAW_LAYOUT | REDRAW_FULL;
        else if (key == KEY_MOUSE)
            mask |= tui_keys_mouse(t);
        else
            mask |= tui_keys_handle(t, key);
    }
    return mask;
}

static unsigned
on_log(struct tui *t)
{
    char msg[TUI_MSG_MAX];
    enum log_level lvl;
    if (!log_take_latest(msg, sizeof(msg), &lvl))
        return 0;
    tui_status(t, lvl >= LOG_LEVEL_WARN, "%s", msg);
    return REDRAW_STATUS;
}

static void
render(struct tui *t)
{
    if (t->dirty & REDRAW_LAYOUT) {
        term_size(t);
        layout_compute(t->rows, t->cols, t->split, t->zoom, &t->lay);
        if (t->lay.detail.h <= 0 && t->focus == 1)
            t->focus = 0;
    }
    if (t->dirty & REDRAW_FULL)
        clearok(curscr, TRUE);
    if (t->dirty & REDRAW_VIEW)
        tui_view_rebuild(t);
    tui_sampling_want(t, tui_view_selected(t, NULL));
    tui_draw_frame(t);
    t->dirty = 0;
}

static size_t
poll_fill(struct tui *t, struct pollfd *pf)
{
    size_t n = 0;
    int fds[] = {STDIN_FILENO, t->sig_fd, t->timer_fd, t->smp.wake_fd, t->wrk.wake_fd};
    for (size_t i = 0; i < ARRAY_SIZE(fds); i++)
        pf[n++] = (struct pollfd){fds[i], POLLIN, 0};
    for (size_t i = 0; i < TUI_MAX_CHILDREN; i++) {
        if (t->children[i].pid && t->children[i].err_fd >= 0)
            pf[n++] = (struct pollfd){t->children[i].err_fd, POLLIN, 0};
    }
    return n;
}

static void
loop(struct tui *t)
{
    struct pollfd pf[5 + TUI_MAX_CHILDREN];
    t->dirty = REDRAW_LAYOUT | REDRAW_VIEW | REDRAW_ALL;
    while (!t->quit) {
        t->dirty |= on_log(t);
        if (t->dirty)
            render(t);
        size_t n = poll_fill(t, pf);
        if (poll(pf, n, -1) < 0 && errno != EINTR)
            break;
        if (pf[0].revents & (POLLHUP | POLLERR) && !(pf[0].revents & POLLIN))
            t->quit = true; /* the terminal went away */
        if (pf[0].revents & POLLIN)
            t->dirty |= on_input(t);
        if (pf[1].revents & POLLIN)
            t->dirty |= on_signal(t);
        if (pf[2].revents & POLLIN)
            t->dirty |= on_timer(t);
        if (pf[3].revents & POLLIN)
            t->dirty |= on_sample(t);
        if (pf[4].revents & POLLIN)
            t->dirty |= tui_working_collect(t);
        for (size_t i = 5; i < n; i++) {
            if (pf[i].revents)
                t->dirty |= tui_child_read(t, pf[i].fd);
        }
    }
}

static int
u32_cmp(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void
stats_write(struct tui *t)
{
    const char *path = getenv("BERTH_TUI_STATS");
    if (!path || !*path || t->frames == 0)
        return;
    cleanup_file FILE *f = fopen(path, "w");
    if (!f)
        return;
    size_t n = t->frames < TUI_FRAME_SAMPLES ? (size_t)t->frames : TUI_FRAME_SAMPLES;
    qsort(t->frame_ns, n, sizeof(t->frame_ns[0]), u32_cmp);
    fprintf(f, "frames %llu\nframe_ns_avg %llu\nframe_ns_p50 %u\nframe_ns_p95 %u\n",
            (unsigned long long)t->frames, (unsigned long long)(t->frame_ns_total / t->frames),
            t->frame_ns[n / 2], t->frame_ns[n * 95 / 100]);
    fprintf(f, "frame_ns_max %llu\noutput_ns_avg %llu\ninstances %zu\n",
            (unsigned long long)t->frame_ns_max,
            (unsigned long long)(t->output_ns_total / t->frames), t->cur.list.n);
}

/* Create the demo container once, off the UI thread (root only, containers enabled). */

static void
demo_queue(struct tui *t)
{
    if (t->opts->no_containers || geteuid() != 0)
        return;
    struct tui_job job = {.demo = true};
    snprintf(job.label, sizeof(job.label), "demo container");
    tui_working_queue(t, &job);
}

static void
teardown(struct tui *t)
{
    if (curses_up) {
        endwin();
        curses_up = 0;
    }
    log_set_quiet_tty(false);
    tui_children_kill(t);
    tui_working_stop(t);
    tui_sampling_stop(t);
    if (!t->smp.started && !t->wrk.started)
        app_close(&t->app); /* else a backend hangs: the process exit cleans up */
    stats_write(t);
    tui_snapshot_done(&t->cur);
    tui_log_close(t);
    free(t->view);
}

/* No -c given and the default connection could not be reached: app_open showed libvirt's test
 * driver instead (the dashboard only; batch reports the failure). Say so in a banner that stays. */
static void
fallback_banner(struct tui *t)
{
    if (t->app.vm_unavailable[0]) {
        snprintf(t->banner, sizeof(t->banner), "containers only: VMs unavailable: %.200s",
                 t->app.vm_unavailable);
        return;
    }
    if (!t->app.fallback_from[0])
        return;
    snprintf(t->banner, sizeof(t->banner),
             "showing libvirt's test driver: %.100s unreachable: %.150s", t->app.fallback_from,
             t->app.fallback_reason);
}

static int
tui_run(struct tui *t, struct app_opts *opts, struct err **err)
{
    settings_init(t, opts);
    /* Before app_open: the providers' threads must inherit the blocked signals too, or a
     * SIGWINCH or SIGTERM could be delivered to one of them and be lost to the signalfd. */
    if (signals_setup(t, err) < 0 || app_open(&t->app, opts, err) < 0)
        return -1;
    fallback_banner(t);
    t->smp.interval_s = opts->interval_s;
    if (timer_setup(t, err) < 0 || curses_setup(t, err) < 0)
        return -1;
    if (tui_sampling_start(t, err) < 0 || tui_working_start(t, err) < 0)
        return -1;
    demo_queue(t);
    loop(t);
    return 0;
}

int
tui_main(const struct app_opts *o)
{
    struct tui *t = calloc(1, sizeof(*t));
    if (!t) {
        fprintf(stderr, "berth: out of memory\n");
        return 1;
    }
    struct app_opts opts = *o;
    t->opts = &opts;
    t->sig_fd = t->timer_fd = -1;
    t->smp.wake_fd = t->smp.req_fd = t->smp.events_fd = t->smp.ctr_fd = t->wrk.wake_fd = -1;
    log_set_quiet_tty(true);
    cleanup_err struct err *e = NULL;
    int rc = tui_run(t, &opts, &e);
    teardown(t);
    if (rc < 0)
        fprintf(stderr, "berth: %s\n", err_msg(e));
    else if (t->settings_msg[0])
        fprintf(stderr, "berth: %s\n", t->settings_msg);
    free(t);
    return rc < 0 ? 1 : 0;
}
