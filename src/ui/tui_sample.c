/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's sampling thread: app_sample every interval, on demand (refresh key, after an
 * action) and on libvirt lifecycle events, so that a slow or hung backend never blocks the UI.
 * It publishes one snapshot at a time under a mutex and wakes the UI through an eventfd.
 */
#include "ui/tui.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "vm/vm.h"

#define TUI_HISTORY 600
#define PRIME_MS 250

void
tui_snapshot_done(struct tui_snapshot *s)
{
    inst_list_done(&s->list);
    free(s->rates);
    s->rates = NULL;
    s->rates_cap = 0;
}

static int
inst_key_cmp(const struct inst *a, const struct inst *b)
{
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = strcmp(a->id, b->id);
    return c ? c : strcmp(a->source, b->source);
}

static int
prev_cmp(const void *a, const void *b, void *base)
{
    const struct inst *v = base;
    return inst_key_cmp(&v[*(const size_t *)a], &v[*(const size_t *)b]);
}

/* The previous sample, indexed for lookups by (kind, id, source). Thread-private. */
struct prev_index {
    struct inst_list list;
    size_t *idx;
    size_t cap;
};

static void
prev_remember(struct prev_index *p, const struct inst_list *cur)
{
    inst_list_copy(&p->list, cur);
    if (p->cap < cur->n) {
        free(p->idx);
        p->cap = cur->n * 2;
        p->idx = malloc(p->cap * sizeof(*p->idx));
        if (!p->idx)
            abort();
    }
    for (size_t i = 0; i < cur->n; i++)
        p->idx[i] = i;
    qsort_r(p->idx, p->list.n, sizeof(*p->idx), prev_cmp, p->list.v);
}

static const struct inst *
prev_find(const struct prev_index *p, const struct inst *in)
{
    size_t lo = 0, hi = p->list.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const struct inst *m = &p->list.v[p->idx[mid]];
        int c = inst_key_cmp(in, m);
        if (c == 0)
            return m;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

static double
sum2(double a, double b)
{
    if (isnan(a))
        return b;
    return isnan(b) ? a : a + b;
}

static void
rates_one(struct tui_rates *r, const struct inst *pv, const struct inst *in)
{
    r->net_rx = rate_per_sec(pv->net_rx_bytes, pv->mono_ns, in->net_rx_bytes, in->mono_ns);
    r->net_tx = rate_per_sec(pv->net_tx_bytes, pv->mono_ns, in->net_tx_bytes, in->mono_ns);
    r->blk_rd = rate_per_sec(pv->blk_read_bytes, pv->mono_ns, in->blk_read_bytes, in->mono_ns);
    r->blk_wr = rate_per_sec(pv->blk_write_bytes, pv->mono_ns, in->blk_write_bytes, in->mono_ns);
    r->net = sum2(r->net_rx, r->net_tx);
    r->blk = sum2(r->blk_rd, r->blk_wr);
}

static void
snapshot_rates(struct tui_snapshot *s, struct prev_index *prev)
{
    if (s->rates_cap < s->list.n) {
        free(s->rates);
        s->rates_cap = s->list.n * 2;
        s->rates = malloc(s->rates_cap * sizeof(*s->rates));
        if (!s->rates)
            abort();
    }
    for (size_t i = 0; i < s->list.n; i++) {
        struct tui_rates *r = &s->rates[i];
        const struct inst *pv = prev_find(prev, &s->list.v[i]);
        if (pv) {
            rates_one(r, pv, &s->list.v[i]);
        } else {
            r->net = r->blk = r->net_rx = r->net_tx = r->blk_rd = r->blk_wr = NAN;
        }
    }
    prev_remember(prev, &s->list);
}

static void
snapshot_host(struct tui_snapshot *s, struct host_sample *hprev, bool *hprev_ok)
{
    cleanup_err struct err *e = NULL;
    s->host_ok = host_sample_read(NULL, *hprev_ok ? hprev : NULL, &s->host, &e) == 0;
    if (s->host_ok) {
        *hprev = s->host;
        *hprev_ok = true;
    }
}

/* Wait for the interval, a request or an event; false when asked to stop. */
static bool
sampling_wait(struct tui_sampling *s, int ms)
{
    struct pollfd pf[2] = {{s->req_fd, POLLIN, 0}, {s->events_fd, POLLIN, 0}};
    int r = poll(pf, s->events_fd >= 0 ? 2 : 1, ms);
    uint64_t v;
    if (r > 0 && (pf[0].revents & POLLIN))
        (void)!read(s->req_fd, &v, sizeof(v));
    if (r > 0 && s->events_fd >= 0 && (pf[1].revents & POLLIN))
        (void)!read(s->events_fd, &v, sizeof(v));
    pthread_mutex_lock(&s->mu);
    bool stop = s->stop;
    pthread_mutex_unlock(&s->mu);
    return !stop;
}

static void *
sampling_main(void *arg)
{
    struct tui_sampling *s = arg;
    struct tui_snapshot work = {0};
    struct prev_index prev = {0};
    struct host_sample hprev;
    bool hprev_ok = false, primed = false;
    inst_list_init(&work.list);
    inst_list_init(&prev.list);
    do {
        app_sample(s->app, &work.list);
        snapshot_rates(&work, &prev);
        snapshot_host(&work, &hprev, &hprev_ok);
        pthread_mutex_lock(&s->mu);
        sampler_update(s->sampler, &work.list);
        struct tui_snapshot tmp = s->pub;
        s->pub = work;
        work = tmp;
        s->fresh = true;
        pthread_mutex_unlock(&s->mu);
        eventfd_write(s->wake_fd, 1);
        int ms = primed ? (int)(s->interval_s * 1000) : PRIME_MS;
        primed = true;
        if (ms < 10)
            ms = 10;
        if (!sampling_wait(s, ms))
            break;
    } while (true);
    tui_snapshot_done(&work);
    inst_list_done(&prev.list);
    free(prev.idx);
    return NULL;
}

int
tui_sampling_start(struct tui *t, struct err **err)
{
    struct tui_sampling *s = &t->smp;
    s->app = &t->app;
    s->sampler = sampler_new(TUI_HISTORY);
    pthread_mutex_init(&s->mu, NULL);
    inst_list_init(&s->pub.list);
    s->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    s->req_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    s->events_fd = t->opts->no_vms ? -1 : vm_events_fd();
    if (s->wake_fd < 0 || s->req_fd < 0)
        return err_set(err, errno, "eventfd");
    int rc = pthread_create(&s->thread, NULL, sampling_main, s);
    if (rc != 0)
        return err_set(err, rc, "cannot start the sampling thread");
    s->started = true;
    return 0;
}

void
tui_sampling_request(struct tui *t)
{
    eventfd_write(t->smp.req_fd, 1);
}

bool
tui_sampling_take(struct tui *t)
{
    struct tui_sampling *s = &t->smp;
    uint64_t v;
    (void)!read(s->wake_fd, &v, sizeof(v));
    pthread_mutex_lock(&s->mu);
    bool fresh = s->fresh;
    if (fresh) {
        struct tui_snapshot tmp = t->cur;
        t->cur = s->pub;
        s->pub = tmp;
        s->fresh = false;
    }
    pthread_mutex_unlock(&s->mu);
    return fresh;
}

size_t
tui_sampling_history(struct tui *t, const struct inst *in, bool mem, double *out, size_t max)
{
    struct tui_sampling *s = &t->smp;
    size_t n = 0;
    pthread_mutex_lock(&s->mu);
    const struct ring *r =
        mem ? sampler_mem_history(s->sampler, in) : sampler_cpu_history(s->sampler, in);
    if (r) {
        size_t skip = r->n > max ? r->n - max : 0;
        for (size_t i = skip; i < r->n; i++)
            out[n++] = ring_get(r, i);
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

/* Stop the thread; returns without joining when the backend hangs past the grace time, in which
 * case the providers must not be closed (the caller checks smp.started). */
void
tui_sampling_stop(struct tui *t)
{
    struct tui_sampling *s = &t->smp;
    if (s->started) {
        pthread_mutex_lock(&s->mu);
        s->stop = true;
        pthread_mutex_unlock(&s->mu);
        eventfd_write(s->req_fd, 1);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 3;
        if (pthread_timedjoin_np(s->thread, NULL, &ts) != 0)
            return; /* leave it: the process exits soon */
        s->started = false;
    }
    tui_snapshot_done(&s->pub);
    if (s->sampler)
        sampler_free(s->sampler);
    s->sampler = NULL;
}
