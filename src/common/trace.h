/* SPDX-License-Identifier: MIT */
/*
 * Phase marks for start-latency work: with BERTH_TRACE=FILE set, trace_mark() appends one line
 * "<CLOCK_MONOTONIC ns> <pid> <minor faults so far> <label>" to FILE (one O_APPEND write, so forked
 * processes and the container's init may all mark). Unset, a mark costs one branch.
 * bench/ctr-start/phases.sh turns the lines into a per-phase table.
 */
#pragma once

#include <stdbool.h>

void trace_mark(const char *label);
/* After close_range took the file away: reopen it at the next mark, or (reopen false: in the
 * container, whose paths are not the host's) stop marking. */
void trace_reset(bool reopen);
