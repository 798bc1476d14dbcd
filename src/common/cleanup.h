/* SPDX-License-Identifier: MIT */
/* Scope-bound cleanup attributes and visible ownership hand-over (crun/bubblewrap style). */
#pragma once

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void
cleanup_freep(void *p)
{
    free(*(void **)p);
}

static inline void
cleanup_closep(int *fd)
{
    if (*fd >= 0)
        close(*fd);
}

static inline void
cleanup_filep(FILE **f)
{
    if (*f)
        fclose(*f);
}

static inline void
cleanup_dirp(DIR **d)
{
    if (*d)
        closedir(*d);
}

#define cleanup_free __attribute__((cleanup(cleanup_freep)))
#define cleanup_close __attribute__((cleanup(cleanup_closep)))
#define cleanup_file __attribute__((cleanup(cleanup_filep)))
#define cleanup_dir __attribute__((cleanup(cleanup_dirp)))

/* Take ownership of *pp, leaving NULL behind so the cleanup attribute does nothing. */
static inline void *
steal_ptr_impl(void *pp)
{
    void **p = (void **)pp;
    void *v = *p;
    *p = NULL;
    return v;
}
#define steal_pointer(pp) ((__typeof__(*(pp)))steal_ptr_impl(pp))

/* Take ownership of an fd, leaving -1 behind. */
static inline int
steal_fd(int *fd)
{
    int v = *fd;
    *fd = -1;
    return v;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
