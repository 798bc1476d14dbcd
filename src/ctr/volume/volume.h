/* SPDX-License-Identifier: MIT */
/*
 * Volumes (src/ctr/volume/): the -v / --tmpfs option parsers and the named-volume store. A named
 * volume is the directory <lib>/volumes/<name>/ holding volume.json and _data/ (what containers
 * see); it is made whole under a temporary name and renamed in. A container names the volumes it
 * uses in its config.json (annotation org.berth.volumes), which is how `volume rm` and `prune`
 * know what is in use. Every change holds <lib>/volumes/.lock. This folder uses store/paths.c and
 * src/common/ only. Public: the ui includes this header.
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

#define VOL_NAME_MAX 64

enum vol_kind {
    VOL_KIND_BIND,  /* -v /host/path:/dest */
    VOL_KIND_NAMED, /* -v NAME:/dest */
    VOL_KIND_TMPFS, /* --tmpfs /dest */
    VOL_KIND_COUNT,
};

/* One -v or --tmpfs option, parsed (no file system looked at). */
struct vol_mount {
    enum vol_kind kind;
    char source[PATH_MAX]; /* host path (bind), volume name (named), "" (tmpfs) */
    char dest[PATH_MAX];   /* absolute, normalised (no "//", no trailing '/') */
    bool ro;
    bool exec;     /* tmpfs: exec (default noexec) */
    uint64_t size; /* tmpfs: bytes, 0 = the kernel's default (half of RAM) */
    unsigned mode; /* tmpfs: permission bits, 0 = default 1777 */
    bool mode_set;
};

/* "SRC:DEST[:ro|rw]" (SRC an absolute host path or a volume NAME). One-line errors name the
 * option's value and what is wrong with it. */
int vol_mount_parse(const char *arg, struct vol_mount *m, struct err **err);
/* "DEST[:size=SIZE,mode=OCTAL,ro,rw,exec,noexec]". */
int vol_tmpfs_parse(const char *arg, struct vol_mount *m, struct err **err);
/* A container destination: absolute, no "." or ".." component, not "/", not /proc or /sys or
 * below. Normalised copy into out (PATH_MAX). */
int vol_dest_check(const char *dest, char *out, struct err **err);
/* [a-zA-Z0-9][a-zA-Z0-9_.-]{0,63} */
int vol_name_check(const char *name, struct err **err);

/* ---- volume.c: the store ---- */
struct vol_info {
    char name[VOL_NAME_MAX + 1];
    char path[PATH_MAX]; /* the _data directory */
    int64_t created;     /* realtime seconds */
    char users[256];     /* containers using it, comma-separated ("" none; truncated) */
    size_t n_users;
};

/* Exclusive lock of the volume store (blocks); fd, -1 with err. */
int vol_lock(struct err **err);
/* Create NAME (an error when it exists, unless exist_ok). The caller may hold vol_lock (pass
 * locked = true) or not. */
int vol_create(const char *name, bool exist_ok, bool locked, struct err **err);
/* The _data directory of NAME into out (PATH_MAX); the volume need not exist. */
void vol_data_path(const char *name, char *out);
int vol_get(const char *name, struct vol_info *out, struct err **err);
/* Every volume, sorted by name; *out malloc'd. */
int vol_list(struct vol_info **out, size_t *n, struct err **err);
/* Remove NAME; refused while a container uses it. */
int vol_remove(const char *name, struct err **err);
/* Remove every volume no container uses; *removed: how many. Names of the removed into names
 * (comma-separated, truncated) when not NULL. */
int vol_prune(size_t *removed, char *names, size_t len, struct err **err);
