/* SPDX-License-Identifier: MIT */
/* Rates from cumulative counters, history rings, and the per-instance sampler. */
#include "common/sampler.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

double
rate_per_sec(uint64_t prev, int64_t prev_mono_ns, uint64_t cur, int64_t cur_mono_ns)
{
    if (prev == INST_UNKNOWN || cur == INST_UNKNOWN)
        return NAN;
    if (cur_mono_ns <= prev_mono_ns || cur < prev)
        return NAN;
    return (double)(cur - prev) * 1e9 / (double)(cur_mono_ns - prev_mono_ns);
}

double
rate_cpu_pct(uint64_t prev_cpu_ns, int64_t prev_mono_ns, uint64_t cur_cpu_ns, int64_t cur_mono_ns)
{
    double r = rate_per_sec(prev_cpu_ns, prev_mono_ns, cur_cpu_ns, cur_mono_ns);
    return isnan(r) ? r : r / 1e9 * 100.0;
}

void
ring_init(struct ring *r, size_t cap)
{
    r->v = cap ? xcalloc(cap, sizeof(*r->v)) : NULL;
    r->cap = cap;
    r->n = 0;
    r->head = 0;
}

void
ring_done(struct ring *r)
{
    free(r->v);
    memset(r, 0, sizeof(*r));
}

void
ring_push(struct ring *r, double x)
{
    if (!r->cap)
        return;
    r->v[r->head] = (float)x;
    r->head = (r->head + 1) % r->cap;
    if (r->n < r->cap)
        r->n++;
}

double
ring_get(const struct ring *r, size_t i)
{
    if (i >= r->n)
        return NAN;
    return r->v[(r->head + r->cap - r->n + i) % r->cap];
}

/* One known instance: its key, its previous counters and its history. */
struct entry {
    bool used;
    bool moved; /* old table only: taken over by the new table, a tombstone for probing */
    uint64_t hash;
    enum inst_kind kind;
    char *source, *id; /* owned */
    uint64_t cpu_ns;
    int64_t mono_ns;
    struct ring cpu, mem;
};

struct sampler {
    size_t history_len;
    struct entry *tab; /* open addressing, linear probing; cap is a power of two */
    size_t cap;
    struct entry *spare; /* the previous table, all zero, reused when the size fits */
    size_t spare_cap;
};

static uint64_t
hash_key(enum inst_kind kind, const char *source, const char *id)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    h = (h ^ (uint64_t)kind) * 1099511628211ULL;
    for (const unsigned char *p = (const unsigned char *)source; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL; /* separator: ("ab","c") != ("a","bc") */
    for (const unsigned char *p = (const unsigned char *)id; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return h ^ (h >> 29);
}

/* The slot holding the key, or the empty slot where it would go. tab has an empty slot. */
static struct entry *
tab_slot(struct entry *tab, size_t cap, uint64_t h, enum inst_kind kind, const char *source,
         const char *id)
{
    for (size_t i = h & (cap - 1);; i = (i + 1) & (cap - 1)) {
        struct entry *e = &tab[i];
        if (!e->used)
            return e;
        if (!e->moved && e->hash == h && e->kind == kind && !strcmp(e->id, id) &&
            !strcmp(e->source, source))
            return e;
    }
}

static void
entry_done(struct entry *e)
{
    free(e->source);
    free(e->id);
    ring_done(&e->cpu);
    ring_done(&e->mem);
    memset(e, 0, sizeof(*e));
}

struct sampler *
sampler_new(size_t history_len)
{
    struct sampler *s = xcalloc(1, sizeof(*s));
    s->history_len = history_len;
    return s;
}

void
sampler_free(struct sampler *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        if (s->tab[i].used)
            entry_done(&s->tab[i]);
    free(s->tab);
    free(s->spare);
    free(s);
}

/* Bring one instance's entry into the new table (moved from the old one, or fresh). */
static void
sampler_track(struct sampler *s, struct entry *ntab, size_t ncap, struct inst *in)
{
    const char *src = in->source ? in->source : "", *id = in->id ? in->id : "";
    uint64_t h = hash_key(in->kind, src, id);
    struct entry *ne = tab_slot(ntab, ncap, h, in->kind, src, id);
    if (ne->used) { /* the same key twice in one sample: no rate for the duplicate */
        in->cpu_pct = NAN;
        return;
    }
    struct entry *old = s->cap ? tab_slot(s->tab, s->cap, h, in->kind, src, id) : NULL;
    if (old && old->used && !old->moved) {
        *ne = *old;
        memset(old, 0, sizeof(*old)); /* the old table only keeps what vanished */
        old->used = old->moved = true;
        in->cpu_pct = rate_cpu_pct(ne->cpu_ns, ne->mono_ns, in->cpu_ns, in->mono_ns);
    } else {
        ne->used = true;
        ne->hash = h;
        ne->kind = in->kind;
        ne->source = xstrdup(src);
        ne->id = xstrdup(id);
        ring_init(&ne->cpu, s->history_len);
        ring_init(&ne->mem, s->history_len);
        in->cpu_pct = NAN;
    }
    ne->cpu_ns = in->cpu_ns;
    ne->mono_ns = in->mono_ns;
    ring_push(&ne->cpu, in->cpu_pct);
    ring_push(&ne->mem, in->mem_bytes == INST_UNKNOWN ? NAN : (double)in->mem_bytes);
}

void
sampler_update(struct sampler *s, struct inst_list *cur)
{
    size_t ncap = 16;
    while (ncap < cur->n * 2 + 1)
        ncap *= 2;
    struct entry *ntab = s->spare;
    if (s->spare_cap != ncap) {
        free(s->spare);
        ntab = xcalloc(ncap, sizeof(*ntab));
    }
    s->spare = NULL;
    for (size_t i = 0; i < cur->n; i++)
        sampler_track(s, ntab, ncap, &cur->v[i]);
    for (size_t i = 0; i < s->cap; i++) /* forget the instances absent from cur */
        if (s->tab[i].used)
            entry_done(&s->tab[i]); /* leaves the slot zeroed */
    s->spare = s->tab;
    s->spare_cap = s->cap;
    s->tab = ntab;
    s->cap = ncap;
}

static const struct entry *
sampler_find(const struct sampler *s, const struct inst *in)
{
    if (!s->cap || !in)
        return NULL;
    const char *src = in->source ? in->source : "", *id = in->id ? in->id : "";
    struct entry *e = tab_slot(s->tab, s->cap, hash_key(in->kind, src, id), in->kind, src, id);
    return e->used ? e : NULL;
}

const struct ring *
sampler_cpu_history(const struct sampler *s, const struct inst *in)
{
    const struct entry *e = sampler_find(s, in);
    return e ? &e->cpu : NULL;
}

const struct ring *
sampler_mem_history(const struct sampler *s, const struct inst *in)
{
    const struct entry *e = sampler_find(s, in);
    return e ? &e->mem : NULL;
}
