/* SPDX-License-Identifier: MIT */
/* A container's VM-vs-container figures (struct inst_figs): start figures, isolation, the memory
 * cgroup's directory. Used by provider.c; calls store/ and common/figs. Private to src/ctr/. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "common/model.h"
#include "ctr/store/store.h"

/* Isolation facts of the spec (namespaces, user namespace mapping, seccomp, capabilities, cgroup
 * manager mgr or "" when not running) and the shared kernel into f. */
void ctr_figs_isolation(const struct ctr_spec *s, const char *mgr, struct inst_figs *f);
/* The start figures of figures.json into f; returns true when the first output is still to come
 * (the file should be read again when some state changes). */
bool ctr_figs_start(const char *name, struct inst_figs *f);
/* The memory cgroup directory of cgpath under manager mgr into buf; *v2: its files are v2's.
 * false when the manager has no memory files ("none"). */
bool ctr_figs_memdir(const char *mgr, const char *cgpath, char *buf, size_t size, bool *v2);

/* The trees of the container's storage figures: own, its upper layer (the definition
 * directory's upper/; the rootfs itself when it runs in place); shared, the ':'-joined lower
 * layers (the image's layer directories, or the rootfs), "" with none; base "image" or "rootfs". */
void ctr_figs_disk_paths(const char *name, const struct ctr_spec *s, char *own, size_t own_size,
                         char *shared, size_t shared_size, char *base, size_t base_size);
