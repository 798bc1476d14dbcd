/* SPDX-License-Identifier: MIT */
/* Headless batch mode: the model printed as a table, JSON Lines or CSV, COUNT samples apart. */
#include "ui/frontends.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/host.h"
#include "common/log.h"
#include "common/sampler.h"
#include "common/strbuf.h"
#include "ctr/ctr.h"
#include "ui/batch/format.h"
#include "vm/vm.h"

/* The priming sample before the first printed one: short, but at most the interval. */
#define PRIME_MAX_S 0.25
/* After a lifecycle event, how long to let its siblings arrive before sampling. */
#define EVENT_SETTLE_MS 100

static volatile sig_atomic_t batch_stop;

static void
batch_on_signal(int sig)
{
    (void)sig;
    batch_stop = 1;
}

static void
batch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = batch_on_signal; /* no SA_RESTART: the sleep returns at once */
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN); /* a closed pipe shows up as EPIPE on write */
}

/* Read an event fd empty (an eventfd or an inotify fd; both are non-blocking). */
static void
batch_drain(int fd)
{
    char buf[4096];
    while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
        ;
}

/*
 * Sleep until the monotonic deadline, a stop signal, or an event on one of events[2] (VM
 * lifecycle events, container changes; -1: none). A burst of events (a start raises several)
 * is taken as one: after the first, wait EVENT_SETTLE_MS and drain again, so one sample shows
 * the outcome.
 */
static void
batch_sleep_until(int64_t deadline_ns, const int events[2])
{
    while (!batch_stop) {
        int64_t left = deadline_ns - mono_now_ns();
        if (left <= 0)
            return;
        struct pollfd pfd[2] = {{events[0], POLLIN, 0}, {events[1], POLLIN, 0}};
        int ms = (int)((left + 999999) / 1000000);
        int r = poll(pfd, 2, ms); /* a negative fd is skipped */
        if (r > 0 && ((pfd[0].revents | pfd[1].revents) & POLLIN)) {
            batch_drain(events[0]);
            batch_drain(events[1]);
            poll(NULL, 0, EVENT_SETTLE_MS);
            batch_drain(events[0]);
            batch_drain(events[1]);
            return;
        }
    }
}

/* Write the whole buffer; false when stdout is gone (closed pipe) or failed. */
static bool
batch_write(const struct strbuf *sb)
{
    if (sb->len && fwrite(sb->buf, 1, sb->len, stdout) != sb->len)
        return false;
    return fflush(stdout) == 0;
}

static void
batch_take(struct app *app, struct sampler *smp, struct host_sample *host, struct inst_list *list)
{
    struct host_sample prev = *host;
    cleanup_err struct err *e = NULL;
    if (host_sample_read(NULL, prev.mono_ns ? &prev : NULL, host, &e) < 0)
        log_warn("host figures: %s", err_msg(e));
    app_sample(app, list);
    sampler_update(smp, list);
}

/* The default connection (no -c) that was unreachable at start is still not connected. */
static bool
batch_default_down(const struct app *app, const struct conn_info *conns, size_t n)
{
    if (!app->unreachable_default)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(conns[i].uri, app->unreachable_default) == 0)
            return conns[i].state != CONN_STATE_CONNECTED;
    }
    return true;
}

int
batch_main(const struct app_opts *o)
{
    struct app app;
    cleanup_err struct err *e = NULL;
    if (app_open(&app, o, &e) < 0) {
        fprintf(stderr, "berth: %s\n", err_msg(e));
        return 1;
    }
    batch_signals();
    struct sampler *smp = sampler_new(2);
    struct host_sample host;
    memset(&host, 0, sizeof(host));
    struct inst_list list;
    inst_list_init(&list);
    struct strbuf sb = STRBUF_INIT;
    struct batch_fmt fmt = {.format = o->format};

    int64_t step = (int64_t)(o->interval_s * 1e9);
    double prime_s = o->interval_s < PRIME_MAX_S ? o->interval_s : PRIME_MAX_S;
    batch_take(&app, smp, &host, &list);
    int64_t next = mono_now_ns() + (int64_t)(prime_s * 1e9);
    int events[2] = {o->no_vms ? -1 : vm_events_fd(), o->no_containers ? -1 : ctr_changes_fd()};
    int rc = 0;
    bool default_down = false;
    for (uint64_t i = 0; !batch_stop && (o->count == 0 || i < o->count); i++) {
        batch_sleep_until(next, events);
        if (batch_stop)
            break;
        batch_take(&app, smp, &host, &list);
        next = mono_now_ns() + step;
        struct conn_info conns[APP_MAX_PROVIDERS * 2];
        size_t nconns = app_conns(&app, conns, ARRAY_SIZE(conns));
        strbuf_reset(&sb);
        batch_fmt_sample(&fmt, &sb, real_now_ns(), &host, conns, nconns, &list);
        default_down = batch_default_down(&app, conns, nconns);
        if (!batch_write(&sb)) {
            rc = errno == EPIPE ? 0 : 1;
            if (rc)
                fprintf(stderr, "berth: writing output: %s\n", strerror(errno));
            break;
        }
    }
    if (default_down && rc == 0) {
        fprintf(stderr, "berth: cannot reach the default connection %s (give -c URI)\n",
                app.unreachable_default);
        rc = 1;
    }
    strbuf_done(&sb);
    inst_list_done(&list);
    sampler_free(smp);
    if (events[1] >= 0)
        close(events[1]);
    app_close(&app);
    return rc;
}
