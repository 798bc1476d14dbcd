/* SPDX-License-Identifier: MIT */
/* Disk usage of directory trees, walked by one worker thread (du.h). */
#include "common/du.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/model.h"
#include "common/xalloc.h"

struct du_slot {
    char *paths;
    _Atomic uint64_t bytes;
    atomic_int refs;
    atomic_bool queued;
    struct du_slot *next; /* in the queue */
};

/* A file with more than one link: counted once per walk. */
struct du_link {
    dev_t dev;
    ino_t ino;
    uint64_t bytes;
};

struct du_walk {
    dev_t dev; /* of the tree's top: no walk into other file systems */
    uint64_t bytes;
    struct du_link *links;
    size_t n_links, cap_links;
};

#define DU_DEPTH_MAX 256

static void
walk_dir(struct du_walk *w, int dirfd, int depth)
{
    DIR *d = fdopendir(dirfd);
    if (!d) {
        close(dirfd);
        return;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != w->dev)
            continue;
        uint64_t b = (uint64_t)st.st_blocks * 512;
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
            if (w->n_links == w->cap_links) {
                w->cap_links = w->cap_links ? w->cap_links * 2 : 64;
                w->links = xreallocarray(w->links, w->cap_links, sizeof(*w->links));
            }
            w->links[w->n_links].dev = st.st_dev;
            w->links[w->n_links].ino = st.st_ino;
            w->links[w->n_links++].bytes = b;
            continue;
        }
        w->bytes += b;
        if (S_ISDIR(st.st_mode) && depth < DU_DEPTH_MAX) {
            int fd = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0)
                walk_dir(w, fd, depth + 1);
        }
    }
    closedir(d);
}

static int
cmp_link(const void *a, const void *b)
{
    const struct du_link *x = a, *y = b;
    if (x->dev != y->dev)
        return x->dev < y->dev ? -1 : 1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

uint64_t
du_paths(const char *paths)
{
    struct du_walk w;
    memset(&w, 0, sizeof(w));
    bool any = false;
    char *copy = xstrdup(paths);
    for (char *save = NULL, *p = strtok_r(copy, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (fd < 0)
            continue;
        if (fstat(fd, &st) < 0) {
            close(fd);
            continue;
        }
        any = true;
        w.dev = st.st_dev;
        w.bytes += (uint64_t)st.st_blocks * 512;
        walk_dir(&w, fd, 0);
    }
    free(copy);
    if (w.n_links)
        qsort(w.links, w.n_links, sizeof(*w.links), cmp_link);
    for (size_t i = 0; i < w.n_links; i++) {
        if (i == 0 || w.links[i].dev != w.links[i - 1].dev || w.links[i].ino != w.links[i - 1].ino)
            w.bytes += w.links[i].bytes;
    }
    free(w.links);
    return any ? w.bytes : INST_UNKNOWN;
}

/* The queue and its one worker, started at the first request and kept for the process's life. */
static pthread_mutex_t q_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cond = PTHREAD_COND_INITIALIZER;
static struct du_slot *q_head, *q_tail;
static bool q_worker;

struct du_slot *
du_slot_new(const char *paths)
{
    struct du_slot *s = xcalloc(1, sizeof(*s));
    s->paths = xstrdup(paths);
    atomic_store(&s->bytes, INST_UNKNOWN);
    atomic_store(&s->refs, 1);
    return s;
}

void
du_slot_put(struct du_slot *s)
{
    if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
        free(s->paths);
        free(s);
    }
}

static void *
du_worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&q_lock);
        while (!q_head)
            pthread_cond_wait(&q_cond, &q_lock);
        struct du_slot *s = q_head;
        q_head = s->next;
        if (!q_head)
            q_tail = NULL;
        pthread_mutex_unlock(&q_lock);
        /* Nobody else holds it: the walk would be for nothing. */
        if (atomic_load(&s->refs) > 1)
            atomic_store(&s->bytes, du_paths(s->paths));
        atomic_store(&s->queued, false);
        du_slot_put(s);
    }
    return NULL;
}

void
du_slot_request(struct du_slot *s)
{
    if (!s || atomic_exchange(&s->queued, true))
        return;
    atomic_fetch_add(&s->refs, 1);
    s->next = NULL;
    pthread_mutex_lock(&q_lock);
    if (!q_worker) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        q_worker = pthread_create(&t, &attr, du_worker, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    if (!q_worker) { /* no thread: the figure stays unknown rather than block the caller */
        pthread_mutex_unlock(&q_lock);
        atomic_store(&s->queued, false);
        du_slot_put(s);
        return;
    }
    if (q_tail)
        q_tail->next = s;
    else
        q_head = s;
    q_tail = s;
    pthread_cond_signal(&q_cond);
    pthread_mutex_unlock(&q_lock);
}

uint64_t
du_slot_bytes(struct du_slot *s)
{
    return s ? atomic_load(&s->bytes) : INST_UNKNOWN;
}
