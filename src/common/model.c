/* SPDX-License-Identifier: MIT */
/* The instance model. */
#include "common/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/figs.h"
#include "common/xalloc.h"

static const char *const kind_names[INST_KIND_COUNT] = {
    [INST_KIND_VM] = "vm",
    [INST_KIND_CONTAINER] = "container",
};

static const char *const state_names[INST_STATE_COUNT] = {
    [INST_STATE_UNKNOWN] = "unknown",   [INST_STATE_RUNNING] = "running",
    [INST_STATE_PAUSED] = "paused",     [INST_STATE_STOPPED] = "stopped",
    [INST_STATE_CRASHED] = "crashed",   [INST_STATE_STARTING] = "starting",
    [INST_STATE_STOPPING] = "stopping",
};

const char *
inst_kind_name(enum inst_kind k)
{
    return (unsigned)k < INST_KIND_COUNT ? kind_names[k] : "unknown";
}

const char *
inst_state_name(enum inst_state s)
{
    return (unsigned)s < INST_STATE_COUNT ? state_names[s] : "unknown";
}

void
inst_list_init(struct inst_list *l)
{
    l->v = NULL;
    l->n = 0;
    l->cap = 0;
}

static void
inst_done(struct inst *in)
{
    free(in->source);
    free(in->id);
    free(in->name);
    free(in->state_reason);
    free(in->addrs);
}

void
inst_list_clear(struct inst_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        inst_done(&l->v[i]);
    l->n = 0;
}

void
inst_list_done(struct inst_list *l)
{
    inst_list_clear(l);
    free(l->v);
    inst_list_init(l);
}

struct inst *
inst_list_add(struct inst_list *l, enum inst_kind kind, const char *source, const char *id,
              const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        l->v = xreallocarray(l->v, cap, sizeof(*l->v));
        l->cap = cap;
    }
    struct inst *in = &l->v[l->n++];
    memset(in, 0, sizeof(*in));
    in->kind = kind;
    in->source = xstrdup(source ? source : "");
    in->id = xstrdup(id ? id : "");
    in->name = xstrdup(name ? name : "");
    in->state = INST_STATE_UNKNOWN;
    in->cpu_ns = in->mem_bytes = in->mem_limit_bytes = INST_UNKNOWN;
    in->vcpus = in->pids = INST_UNKNOWN;
    in->blk_read_bytes = in->blk_write_bytes = INST_UNKNOWN;
    in->net_rx_bytes = in->net_tx_bytes = INST_UNKNOWN;
    in->restarts = INST_UNKNOWN;
    in->start_time = -1;
    in->mono_ns = 0;
    in->cpu_pct = NAN;
    figs_init(&in->figs);
    return in;
}

void
inst_set_reason(struct inst *in, const char *reason)
{
    free(in->state_reason);
    in->state_reason = reason ? xstrdup(reason) : NULL;
}

void
inst_list_copy(struct inst_list *dst, const struct inst_list *src)
{
    inst_list_clear(dst);
    for (size_t i = 0; i < src->n; i++) {
        const struct inst *s = &src->v[i];
        struct inst *d = inst_list_add(dst, s->kind, s->source, s->id, s->name);
        char *source = d->source, *id = d->id, *name = d->name;
        *d = *s;
        d->source = source;
        d->id = id;
        d->name = name;
        d->state_reason = s->state_reason ? xstrdup(s->state_reason) : NULL;
        d->addrs = s->addrs ? xstrdup(s->addrs) : NULL;
    }
}

int64_t
mono_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
real_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}
