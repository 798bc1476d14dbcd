/* SPDX-License-Identifier: MIT */
/*
 * The dashboard's sampling thread: app_sample every interval, on demand (refresh key, after an
 * action) and on libvirt lifecycle events, so that a slow or hung backend never blocks the UI.
 * It publishes one snapshot at a time under a mutex and wakes the UI through an eventfd.
 */
#include "ui/tui/tui.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "ctr/ctr.h"
#include "vm/vm.h"

#define TUI_HISTORY 240 /* 4 min at 1 s; a 120-column braille graph shows 236 */
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
        p->idx = xreallocarray(NULL, p->cap, sizeof(*p->idx));
    }
    for (size_t i = 0; i < cur->n; i++)
        p->idx[i] = i;
    if (p->list.n > 1)
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
        s->rates = xreallocarray(NULL, s->rates_cap, sizeof(*s->rates));
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

/* Read an event fd empty (an eventfd or an inotify fd; both are non-blocking). */
static void
drain(int fd)
{
    char buf[4096];
    while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
        ;
}

/* A burst of events (a VM start raises several, a container start changes two files) is taken
 * as one: after the first, wait this long and drain again, so one sample shows the outcome. */
#define EVENT_SETTLE_MS 100

/* Wait for the next sample's time, a request or an event (a VM or a container changed state,
 * here or in another process: show it now). */
static void
sampling_wait(struct tui_sampling *s, int ms)
{
    struct pollfd pf[3] = {
        {s->req_fd, POLLIN, 0}, {s->events_fd, POLLIN, 0}, {s->ctr_fd, POLLIN, 0}};
    int r = poll(pf, 3, ms); /* a negative fd is skipped */
    uint64_t v;
    if (r > 0 && (pf[0].revents & POLLIN))
        (void)!read(s->req_fd, &v, sizeof(v));
    if (r > 0 && ((pf[1].revents | pf[2].revents) & POLLIN)) {
        drain(s->events_fd);
        drain(s->ctr_fd);
        poll(NULL, 0, EVENT_SETTLE_MS);
        drain(s->events_fd);
        drain(s->ctr_fd);
        pthread_mutex_lock(&s->mu);
        s->req_sample = true;
        pthread_mutex_unlock(&s->mu);
    }
}

static void
sampling_publish(struct tui_sampling *s, struct tui_snapshot *work)
{
    pthread_mutex_lock(&s->mu);
    sampler_update(s->sampler, &work->list);
    struct tui_snapshot tmp = s->pub;
    s->pub = *work;
    *work = tmp;
    s->fresh = true;
    pthread_mutex_unlock(&s->mu);
    eventfd_write(s->wake_fd, 1);
}

/* Fetch the wanted facts when the selection changed or every FACTS_EVERY samples. */
#define FACTS_EVERY 5

static void
sampling_facts(struct tui_sampling *s, bool changed_only, unsigned nsample)
{
    struct tui_facts f;
    pthread_mutex_lock(&s->mu);
    bool go = s->want_set && (s->want_changed || (!changed_only && nsample % FACTS_EVERY == 0));
    f = s->want;
    s->want_changed = false;
    pthread_mutex_unlock(&s->mu);
    if (!go)
        return;
    tui_facts_fetch(s->app, &f);
    pthread_mutex_lock(&s->mu);
    s->facts = f;
    s->facts_fresh = true;
    pthread_mutex_unlock(&s->mu);
    eventfd_write(s->wake_fd, 1);
}

struct sampling_state {
    struct tui_snapshot work;
    struct prev_index prev;
    struct host_sample hprev;
    bool hprev_ok;
    unsigned nsample;
    int64_t next_ns;
};

static void
sampling_once(struct tui_sampling *s, struct sampling_state *st)
{
    app_sample(s->app, &st->work.list);
    snapshot_rates(&st->work, &st->prev);
    snapshot_host(&st->work, &st->hprev, &st->hprev_ok);
    sampling_publish(s, &st->work);
    int64_t ivl = st->nsample == 0 ? PRIME_MS * 1000000LL : (int64_t)(s->interval_s * 1e9);
    st->next_ns = mono_now_ns() + (ivl < 10000000 ? 10000000 : ivl);
    st->nsample++;
}

static void *
sampling_main(void *arg)
{
    struct tui_sampling *s = arg;
    struct sampling_state st = {0};
    inst_list_init(&st.work.list);
    inst_list_init(&st.prev.list);
    for (;;) {
        pthread_mutex_lock(&s->mu);
        bool stop = s->stop, now = s->req_sample;
        s->req_sample = false;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        bool due = now || mono_now_ns() >= st.next_ns;
        if (due)
            sampling_once(s, &st);
        sampling_facts(s, !due, st.nsample);
        int64_t left = (st.next_ns - mono_now_ns()) / 1000000;
        sampling_wait(s, left < 0 ? 0 : (int)left);
    }
    tui_snapshot_done(&st.work);
    inst_list_done(&st.prev.list);
    free(st.prev.idx);
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
    s->ctr_fd = t->opts->no_containers ? -1 : ctr_changes_fd();
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
    pthread_mutex_lock(&t->smp.mu);
    t->smp.req_sample = true;
    pthread_mutex_unlock(&t->smp.mu);
    eventfd_write(t->smp.req_fd, 1);
}

static bool
facts_key_is(const struct tui_facts *f, const struct inst *in)
{
    return f->kind == in->kind && strcmp(f->id, in->id) == 0 && strcmp(f->source, in->source) == 0;
}

void
tui_sampling_want(struct tui *t, const struct inst *in)
{
    struct tui_sampling *s = &t->smp;
    pthread_mutex_lock(&s->mu);
    bool same = in && s->want_set && facts_key_is(&s->want, in);
    if (!same) {
        s->want_set = in != NULL;
        if (in) {
            s->want.kind = in->kind;
            snprintf(s->want.source, sizeof(s->want.source), "%s", in->source);
            snprintf(s->want.id, sizeof(s->want.id), "%s", in->id);
        }
        s->want_changed = true;
    }
    pthread_mutex_unlock(&s->mu);
    if (!same)
        eventfd_write(s->req_fd, 1);
}

bool
tui_sampling_facts(struct tui *t, const struct inst *in, struct tui_facts *out)
{
    struct tui_sampling *s = &t->smp;
    pthread_mutex_lock(&s->mu);
    bool ok = s->facts.n > 0 && facts_key_is(&s->facts, in);
    if (ok)
        *out = s->facts;
    pthread_mutex_unlock(&s->mu);
    return ok;
}

bool
tui_sampling_take(struct tui *t)
{
    struct tui_sampling *s = &t->smp;
    uint64_t v;
    (void)!read(s->wake_fd, &v, sizeof(v));
    pthread_mutex_lock(&s->mu);
    bool fresh = s->fresh, facts = s->facts_fresh;
    if (fresh) {
        struct tui_snapshot tmp = t->cur;
        t->cur = s->pub;
        s->pub = tmp;
        s->fresh = false;
    }
    s->facts_fresh = false;
    pthread_mutex_unlock(&s->mu);
    t->sample_fresh = fresh;
    return fresh || facts;
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
    if (s->ctr_fd >= 0)
        close(s->ctr_fd);
    s->ctr_fd = -1;
}
