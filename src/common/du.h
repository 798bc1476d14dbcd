/* SPDX-License-Identifier: MIT */
/*
 * Disk usage of directory trees (like `du -s`), measured off the caller's path: a slot names one
 * or more trees; du_slot_request queues it for one worker thread (started at the first request),
 * which walks the trees and stores the sum. The caller reads the last sum at any time, without a
 * lock and without waiting (the VM-vs-container storage figures, common/model.h inst_figs).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct du_slot;

/* A slot for the trees of paths, ':'-separated (absolute). Its sum is INST_UNKNOWN until the
 * first walk ends. */
struct du_slot *du_slot_new(const char *paths);
/* Drop the caller's reference (a walk under way keeps its own). NULL is allowed. */
void du_slot_put(struct du_slot *s);
/* Queue a walk unless one is queued or under way. Never blocks on a walk. */
void du_slot_request(struct du_slot *s);
/* The sum of the last walk in bytes (allocated blocks, hard links counted once), INST_UNKNOWN
 * before the first or when no tree could be opened. */
uint64_t du_slot_bytes(struct du_slot *s);

/* The walk itself, synchronous: bytes of allocated blocks under the ':'-separated paths, hard
 * links counted once, not crossing into other file systems; INST_UNKNOWN when none opens. */
uint64_t du_paths(const char *paths);
