/* SPDX-License-Identifier: MIT */
/* File helpers: atomic replace, bounded reads, pread of small stat files, mkdir -p. */
#include "common/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

int
fileio_write_full(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) { /* a non-blocking fd: wait until it drains */
            struct pollfd pfd = {.fd = fd, .events = POLLOUT};
            poll(&pfd, 1, 100);
            continue;
        }
        if (n < 0)
            return -1;
        if (n == 0) {
            errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Write data into the open temp file, flush it to disk and close it (fd is consumed). */
static int
write_temp(int fd, const void *data, size_t len, const char *shown, struct err **err)
{
    int rc = 0;
    if (fileio_write_full(fd, data, len) < 0)
        rc = err_set(err, errno, "write '%s'", shown);
    else if (fsync(fd) < 0)
        rc = err_set(err, errno, "fsync '%s'", shown);
    if (close(fd) < 0 && rc == 0)
        rc = err_set(err, errno, "close '%s'", shown);
    return rc;
}

/* shown is how the target is named in messages (the full path when known). */
static int
write_atomic_impl(int dirfd, const char *name, const char *shown, const void *data, size_t len,
                  mode_t mode, struct err **err)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", name, (long)getpid()) >= (int)sizeof(tmp))
        return err_set(err, ENAMETOOLONG, "write '%s'", shown);
    unlinkat(dirfd, tmp, 0); /* a leftover of a crashed writer with our pid */
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0)
        return err_set(err, errno, "create temporary file for '%s'", shown);
    if (write_temp(fd, data, len, shown, err) < 0)
        goto out_unlink;
    if (renameat(dirfd, tmp, dirfd, name) < 0) {
        err_set(err, errno, "replace '%s'", shown);
        goto out_unlink;
    }
    int dfd = dirfd == AT_FDCWD ? open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                : openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return err_set(err, errno, "open directory of '%s'", shown);
    int rc = 0;
    if (fsync(dfd) < 0)
        rc = err_set(err, errno, "fsync directory of '%s'", shown);
    close(dfd);
    return rc;

out_unlink:
    unlinkat(dirfd, tmp, 0);
    return -1;
}

int
fileio_write_atomic_at(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
                       struct err **err)
{
    return write_atomic_impl(dirfd, name, name, data, len, mode, err);
}

int
fileio_write_atomic(const char *path, const void *data, size_t len, mode_t mode, struct err **err)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return write_atomic_impl(AT_FDCWD, path, path, data, len, mode, err);
    if (!slash[1])
        return err_set(err, EISDIR, "write '%s'", path);
    cleanup_free char *dir = xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
    cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return err_set(err, errno, "open directory '%s'", dir);
    return write_atomic_impl(dfd, slash + 1, path, data, len, mode, err);
}

/* Read fd to its end into a NUL-terminated buffer of at most max bytes of content. */
static int
read_fd_all(int fd, const char *shown, size_t max, char **out, size_t *len, struct err **err)
{
    size_t cap = 4096, n = 0;
    cleanup_free char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return err_set(err, errno, "read '%s'", shown);
        }
        if (r == 0)
            break;
        n += (size_t)r;
        if (n > max)
            return err_set(err, EFBIG, "read '%s': larger than the limit of %zu bytes", shown, max);
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    *out = steal_pointer(&buf);
    return 0;
}

int
fileio_read_all_at(int dirfd, const char *name, size_t max, char **out, size_t *len,
                   struct err **err)
{
    cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "open '%s'", name);
    return read_fd_all(fd, name, max, out, len, err);
}

int
fileio_read_all(const char *path, size_t max, char **out, size_t *len, struct err **err)
{
    return fileio_read_all_at(AT_FDCWD, path, max, out, len, err);
}

ssize_t
fileio_pread_str(int fd, char *buf, size_t size)
{
    if (size == 0) {
        errno = EINVAL;
        return -1;
    }
    size_t n = 0;
    while (n + 1 < size) {
        ssize_t r = pread(fd, buf + n, size - n - 1, (off_t)n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return (ssize_t)n;
}

static int
mkdir_one(const char *path, mode_t mode, struct err **err)
{
    if (mkdir(path, mode) == 0)
        return 0;
    int saved = errno;
    struct stat st;
    if (saved == EEXIST && stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return 0;
        return err_set(err, ENOTDIR, "create directory '%s'", path);
    }
    return err_set(err, saved, "create directory '%s'", path);
}

int
fileio_mkdir_p(const char *path, mode_t mode, struct err **err)
{
    if (!path || !*path)
        return err_set(err, EINVAL, "create directory ''");
    /* Usually only the last component is missing, or none: one mkdir, no walk. */
    if (mkdir(path, mode) == 0)
        return 0;
    if (errno != ENOENT)
        return mkdir_one(path, mode, err);
    cleanup_free char *p = xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/' || s[-1] == '/')
            continue;
        *s = '\0';
        int rc = mkdir_one(p, mode, err);
        *s = '/';
        if (rc < 0)
            return -1;
    }
    return mkdir_one(p, mode, err);
}
