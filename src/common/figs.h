/* SPDX-License-Identifier: MIT */
/* VM vs container figures (struct inst_figs): parsers of cgroup and /proc files, shared sums. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/model.h"

/* Every figure unknown, every text empty. */
void figs_init(struct inst_figs *f);

/*
 * The memory split of one cgroup from its files' texts (any may be NULL: those figures stay
 * unknown). v2: memory.stat ("anon", "file", "kernel", or for kernels before 5.18 the sum of
 * kernel_stack, pagetables, percpu, sock, slab) and memory.current. v1: memory.stat ("total_rss",
 * "total_cache", else "rss", "cache"), memory.kmem.usage_in_bytes and memory.usage_in_bytes.
 */
void figs_memstat_parse(bool v2, const char *stat, const char *kmem, const char *usage,
                        struct inst_figs *f);
/* The same read from the files of the memory cgroup directory dir (a live group or a recorded
 * tree). Returns 0, or -1 when memory.stat cannot be read. */
int figs_cg_mem_read(const char *dir, bool v2, struct inst_figs *f);

/* VmRSS of a /proc/<pid>/status text in bytes, INST_UNKNOWN when absent. */
uint64_t figs_status_rss(const char *status);
/* VmRSS of process pid (procfs_root: "/proc" or a recorded tree), INST_UNKNOWN when gone. */
uint64_t figs_proc_rss(const char *procfs_root, pid_t pid);

/* mem_overhead = host_rss - guest_mem (INT64_MIN when either is unknown). */
void figs_vm_overhead(struct inst_figs *f);

/* The host's kernel release (uname -r), cached. */
const char *figs_host_kernel(void);

/* The first bytes of a disk image (n of them, at least 32 needed): when they are a qcow2 header,
 * its virtual size and where its backing file's name lies (*name_off, *name_len; 0 when it has no
 * backing file). false when not qcow2 or the header's figures make no sense (a name longer than
 * 1023 bytes, as QEMU refuses too, or placed within the header). */
bool figs_qcow2_header(const unsigned char *hdr, size_t n, uint64_t *virt_size, uint64_t *name_off,
                       uint32_t *name_len);

/* Devices passed through, as an isolation fact: item appended to the list in buf (", " between
 * items); when it does not fit, the list ends with ", ..." and later items are dropped. */
void figs_list_add(char *buf, size_t size, const char *item);
/* "; devices LIST" (or "devices LIST" when f->isolation is empty), LIST "none" when empty,
 * appended to f->isolation as far as it fits. */
void figs_devices_put(struct inst_figs *f, const char *list);
