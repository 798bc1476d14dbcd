/* SPDX-License-Identifier: MIT */
/* The container's output log: "log" grows to a cap, then becomes "log.1" (the previous log.1 is
 * dropped), so at most two caps of disk are used per container. */
#include "ctr/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

uint64_t
ctr_log_max(void)
{
    const char *e = getenv("BERTH_CTR_LOG_MAX");
    if (e && *e) {
        unsigned long long v = strtoull(e, NULL, 10);
        if (v >= 1024)
            return v;
    }
    return CTR_LOG_MAX_DEFAULT;
}

int
ctr_logfile_open(struct ctr_logfile *lf, const char *dir, struct err **err)
{
    lf->max = ctr_log_max();
    lf->dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (lf->dirfd < 0)
        return err_set(err, errno, "open '%s'", dir);
    lf->fd = openat(lf->dirfd, "log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (lf->fd < 0) {
        close(lf->dirfd);
        return err_set(err, errno, "open log in '%s'", dir);
    }
    struct stat st;
    lf->size = fstat(lf->fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    return 0;
}

static void
logfile_rotate(struct ctr_logfile *lf)
{
    renameat(lf->dirfd, "log", lf->dirfd, "log.1");
    int fd = openat(lf->dirfd, "log", O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(lf->fd);
        lf->fd = fd;
    }
    lf->size = 0;
}

void
ctr_logfile_write(struct ctr_logfile *lf, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0 && lf->fd >= 0) {
        if (lf->size >= lf->max)
            logfile_rotate(lf);
        size_t room = lf->max - lf->size;
        size_t n = len < room ? len : room;
        ssize_t w = write(lf->fd, p, n);
        if (w <= 0)
            return; /* disk trouble: drop output rather than block the container */
        lf->size += (uint64_t)w;
        p += w;
        len -= (size_t)w;
    }
}

void
ctr_logfile_close(struct ctr_logfile *lf)
{
    if (lf->fd >= 0)
        close(lf->fd);
    if (lf->dirfd >= 0)
        close(lf->dirfd);
    lf->fd = lf->dirfd = -1;
}
