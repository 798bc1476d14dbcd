/* SPDX-License-Identifier: MIT */
/* Host totals from /proc: CPU, memory, load. */
#pragma once

#include <stdint.h>

#include "common/err.h"

struct host_sample {
    int64_t mono_ns;
    uint64_t cpu_busy_ticks, cpu_total_ticks; /* from the "cpu" line of /proc/stat */
    unsigned ncpu;                            /* online CPUs */
    uint64_t mem_total_bytes;                 /* MemTotal */
    uint64_t mem_used_bytes;                  /* MemTotal - MemAvailable (as free(1) "used") */
    uint64_t swap_total_bytes, swap_used_bytes;
    double load1, load5, load15;
    double cpu_pct; /* share of all CPUs busy since the previous sample, 0..100; NaN at first */
};

/* Read /proc (procfs_root lets unit tests point at a recorded tree; NULL = "/proc"). prev may be
 * NULL; when given, cpu_pct is computed against it. */
int host_sample_read(const char *procfs_root, const struct host_sample *prev,
                     struct host_sample *out, struct err **err);
