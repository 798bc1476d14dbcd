/* SPDX-License-Identifier: MIT */
/* The container's output log: "log" grows to a cap, then becomes "log.1" (the previous log.1 is
 * dropped), so at most two caps of disk are used per container. */
#include "ctr/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"

/* $BERTH_CTR_LOG_MAX: bytes, or with a K, M or G suffix (powers of 1024), from 1024 to 1 TiB. */
#define LOG_MAX_MIN 1024ULL
#define LOG_MAX_MAX (1ULL << 40)

int
ctr_log_max_get(uint64_t *out, struct err **err)
{
    const char *e = getenv("BERTH_CTR_LOG_MAX");
    *out = CTR_LOG_MAX_DEFAULT;
    if (!e || !*e)
        return 0;
    char *end = NULL;
    errno = 0;
    unsigned long long v = e[0] >= '0' && e[0] <= '9' ? strtoull(e, &end, 10) : 0;
    unsigned shift = 0;
    if (end && *end && !end[1])
        shift = *end == 'K' || *end == 'k'   ? 10
                : *end == 'M' || *end == 'm' ? 20
                : *end == 'G' || *end == 'g' ? 30
                                             : 64;
    bool ok = end && end != e && errno == 0 && (!*end || (shift < 64 && !end[1])) &&
              v <= (LOG_MAX_MAX >> shift) && (v << shift) >= LOG_MAX_MIN;
    if (!ok)
        return err_set(err, 0,
                       "BERTH_CTR_LOG_MAX='%s': expected a size from 1024 bytes to 1T (a number "
                       "of bytes, or with K, M or G)",
                       e);
    *out = (uint64_t)v << shift;
    return 0;
}

uint64_t
ctr_log_max(void)
{
    uint64_t v;
    cleanup_err struct err *e = NULL;
    return ctr_log_max_get(&v, &e) < 0 ? CTR_LOG_MAX_DEFAULT : v;
}

int
ctr_logfile_open(struct ctr_logfile *lf, const char *dir, struct err **err)
{
    lf->fd = lf->dirfd = -1;
    if (ctr_log_max_get(&lf->max, err) < 0)
        return -1;
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
