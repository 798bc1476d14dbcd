/* SPDX-License-Identifier: MIT */
/* File helpers: atomic replace (temp + fsync + rename), bounded whole-file reads. */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "common/err.h"

/*
 * Replace path with data atomically: write "<path>.tmp.<pid>" in the same directory, fsync it,
 * rename over path, fsync the directory. On any failure the temp file is removed and path is
 * left exactly as it was.
 */
int fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
                        struct err **err);
/* Same, relative to a directory fd. */
int fileio_write_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                           struct err **err);

/* Write all of buf to fd: retries EINTR and short writes, waits on EAGAIN (a non-blocking fd).
 * 0, or -1 with errno set (EIO for a write that wrote nothing). The one write loop of berth. */
int fileio_write_full(int fd, const void *buf, size_t len);

/* Read a whole file (at most max bytes, else an error naming the file and the limit) into a
 * NUL-terminated malloc'd buffer. *len may be NULL. */
int fileio_read_all(const char *path, size_t max, char **out, size_t *len, struct err **err);
int fileio_read_all_at(int dirfd, const char *name, size_t max, char **out, size_t *len,
                       struct err **err);

/* pread the whole small file open at fd from offset 0 into buf (NUL-terminated); returns the
 * length or -1 with errno set. For stat files kept open and re-read. */
ssize_t fileio_pread_str(int fd, char *buf, size_t size);

/* mkdir -p with mode for each created component. */
int fileio_mkdir_p(const char *path, mode_t mode, struct err **err);
