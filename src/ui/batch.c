/* SPDX-License-Identifier: MIT */
/* Headless batch mode: the model printed as a table, JSON Lines or CSV, COUNT samples apart. */
#include "ui/cli.h"

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
#include "common/units.h"
#include "ui/batch_fmt.h"
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

/* Read the eventfd empty (it is non-blocking). */
static void
batch_drain(int fd)
{
    uint64_t n;
    while (read(fd, &n, sizeof(n)) == (ssize_t)sizeof(n))
        ;
}

/*
 * Sleep until the monotonic deadline, a stop signal, or a VM lifecycle event on events_fd (-1:
 * none). A burst of events (a start raises several) is taken as one: after the first, wait
 * EVENT_SETTLE_MS and drain again, so one sample shows the outcome.
 */
static void
batch_sleep_until(int64_t deadline_ns, int events_fd)
{
    while (!batch_stop) {
        int64_t left = deadline_ns - mono_now_ns();
        if (left <= 0)
            return;
        struct pollfd pfd = {.fd = events_fd, .events = POLLIN};
        int ms = (int)((left + 999999) / 1000000);
        int r = poll(&pfd, events_fd >= 0 ? 1 : 0, ms);
        if (r > 0 && (pfd.revents & POLLIN)) {
            batch_drain(events_fd);
            poll(NULL, 0, EVENT_SETTLE_MS);
            batch_drain(events_fd);
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
    int events_fd = o->no_vms ? -1 : vm_events_fd();
    int rc = 0;
    for (uint64_t i = 0; !batch_stop && (o->count == 0 || i < o->count); i++) {
        batch_sleep_until(next, events_fd);
        if (batch_stop)
            break;
        batch_take(&app, smp, &host, &list);
        next = mono_now_ns() + step;
        struct conn_info conns[APP_MAX_PROVIDERS * 2];
        size_t nconns = app_conns(&app, conns, ARRAY_SIZE(conns));
        strbuf_reset(&sb);
        batch_fmt_sample(&fmt, &sb, real_now_ns(), &host, conns, nconns, &list);
        if (!batch_write(&sb)) {
            rc = errno == EPIPE ? 0 : 1;
            if (rc)
                fprintf(stderr, "berth: writing output: %s\n", strerror(errno));
            break;
        }
    }
    strbuf_done(&sb);
    inst_list_done(&list);
    sampler_free(smp);
    app_close(&app);
    return rc;
}
