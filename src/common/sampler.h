/* SPDX-License-Identifier: MIT */
/*
 * Rates and history: CPU % from two samples' cumulative counters and monotonic timestamps, one
 * piece of code for VMs and containers. 100% = one full host CPU (as in top). History rings keep
 * the last N figures per instance for graphs.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/model.h"

/* CPU % between two readings; NaN when either is unknown, the interval is <= 0, or the counter
 * went backwards (the instance restarted). Never negative. */
double rate_cpu_pct(uint64_t prev_cpu_ns, int64_t prev_mono_ns, uint64_t cur_cpu_ns,
                    int64_t cur_mono_ns);

/* Bytes per second between two readings of a byte counter; NaN as above. */
double rate_per_sec(uint64_t prev, int64_t prev_mono_ns, uint64_t cur, int64_t cur_mono_ns);

/* A fixed-size ring of values for graphs (NaN = gap), stored as float: 7 significant digits are
 * more than a graph shows, and 1000 instances x 2 rings x 240 values take 1.9 MB, not 3.8. */
struct ring {
    float *v;
    size_t cap;
    size_t n;    /* number of values held, <= cap */
    size_t head; /* index of the next write */
};
void ring_init(struct ring *r, size_t cap);
void ring_done(struct ring *r);
void ring_push(struct ring *r, double x);
/* i = 0 is the oldest held value, n - 1 the newest. */
double ring_get(const struct ring *r, size_t i);

struct sampler;

/* history_len: values kept per instance (e.g. 300). */
struct sampler *sampler_new(size_t history_len);
void sampler_free(struct sampler *s);

/*
 * Fill cpu_pct of every instance in cur from the previous sample of the same (kind, source, id),
 * push cpu_pct and mem_bytes into its history, and remember cur as the previous sample.
 * Instances absent from cur are forgotten. O(n) with a hash table: fit for 1000s of instances.
 */
void sampler_update(struct sampler *s, struct inst_list *cur);

/* History rings of one instance, or NULL when unknown. Valid until the next sampler_update. */
const struct ring *sampler_cpu_history(const struct sampler *s, const struct inst *in);
const struct ring *sampler_mem_history(const struct sampler *s, const struct inst *in);
