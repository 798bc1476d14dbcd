/* SPDX-License-Identifier: MIT */
/* Where containers live: definition and runtime directories, names, the per-container lock. */
#include "ctr/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"

static char lib_dir[PATH_MAX];
static char run_dir[PATH_MAX];
static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;

static void
dirs_resolve(void)
{
    const char *root = getenv("BERTH_ROOT");
    if (root && *root) {
        ctr_fmt(lib_dir, sizeof(lib_dir), "%s/lib", root);
        ctr_fmt(run_dir, sizeof(run_dir), "%s/run", root);
        return;
    }
    if (geteuid() == 0) {
        ctr_fmt(lib_dir, sizeof(lib_dir), "/var/lib/berth");
        ctr_fmt(run_dir, sizeof(run_dir), "/run/berth");
        return;
    }
    const char *xd = getenv("XDG_DATA_HOME"), *xr = getenv("XDG_RUNTIME_DIR");
    const char *home = getenv("HOME");
    if (xd && *xd)
        ctr_fmt(lib_dir, sizeof(lib_dir), "%s/berth", xd);
    else
        ctr_fmt(lib_dir, sizeof(lib_dir), "%s/.local/share/berth", home ? home : "/tmp");
    if (xr && *xr)
        ctr_fmt(run_dir, sizeof(run_dir), "%s/berth", xr);
    else
        ctr_fmt(run_dir, sizeof(run_dir), "/tmp/berth-%u", (unsigned)getuid());
}

const char *
ctr_lib_dir(void)
{
    pthread_once(&dirs_once, dirs_resolve);
    return lib_dir;
}

const char *
ctr_run_dir(void)
{
    pthread_once(&dirs_once, dirs_resolve);
    return run_dir;
}

void
ctr_path_def(char *buf, const char *name, const char *leaf)
{
    ctr_fmt(buf, PATH_MAX, "%s/containers/%s%s%s", ctr_lib_dir(), name, leaf ? "/" : "",
            leaf ? leaf : "");
}

void
ctr_path_run(char *buf, const char *name, const char *leaf)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s%s%s", ctr_run_dir(), name, leaf ? "/" : "", leaf ? leaf : "");
}

int
ctr_dirs_ensure(struct err **err)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/containers", ctr_lib_dir());
    if (fileio_mkdir_p(p, 0700, err) < 0)
        return -1;
    return fileio_mkdir_p(ctr_run_dir(), 0700, err);
}

int
ctr_name_check(const char *name, struct err **err)
{
    size_t n = strlen(name);
    if (n == 0)
        return err_set(err, 0, "invalid container name '': it is empty");
    if (n > CTR_NAME_MAX)
        return err_set(err, 0, "invalid container name '%.20s...': %zu characters (at most %d)",
                       name, n, CTR_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum || (i > 0 && (c == '_' || c == '.' || c == '-')))
            continue;
        if (c < 0x20 || c == 0x7f)
            return err_set(err, 0,
                           "invalid container name: control character 0x%02x at position %zu "
                           "(use [a-zA-Z0-9][a-zA-Z0-9_.-]*)",
                           c, i + 1);
        return err_set(err, 0,
                       "invalid container name '%s': character '%c' at position %zu "
                       "(use [a-zA-Z0-9][a-zA-Z0-9_.-]*)",
                       name, c, i + 1);
    }
    return 0;
}

bool
ctr_exists(const char *name)
{
    char p[PATH_MAX];
    ctr_path_def(p, name, "config.json");
    return access(p, F_OK) == 0;
}

int
ctr_lock(const char *name, struct err **err)
{
    char p[PATH_MAX];
    if (ctr_name_check(name, err) < 0)
        return -1;
    ctr_path_def(p, name, NULL);
    cleanup_close int dfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) {
        if (errno == ENOENT)
            return err_set(err, 0, "no such container '%s'", name);
        return err_set(err, errno, "open '%s'", p);
    }
    int fd = openat(dfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, errno, "open lock of container '%s'", name);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return err_set(err, e, "lock container '%s'", name);
        }
    }
    /* The container may have been removed while we waited. */
    struct stat st;
    if (fstatat(dfd, "config.json", &st, 0) < 0) {
        close(fd);
        return err_set(err, 0, "no such container '%s'", name);
    }
    return fd;
}

int
ctr_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    return n;
}

/* Runtime files (under the run directory, gone at reboot by design) are replaced atomically by
 * rename but not fsynced: a crash loses them along with the containers they describe, and the
 * boot id in state.json marks any survivor as stale. Definitions use fileio_write_atomic. */
int
ctr_write_runtime(const char *path, const char *data, size_t len, mode_t mode, struct err **err)
{
    char tmp[PATH_MAX];
    ctr_fmt(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return err_set(err, errno, "create '%s'", tmp);
    ssize_t n = write(fd, data, len);
    int e = errno;
    close(fd);
    if (n != (ssize_t)len || rename(tmp, path) < 0) {
        e = n != (ssize_t)len ? (n < 0 ? e : EIO) : errno;
        unlink(tmp);
        return err_set(err, e, "write '%s'", path);
    }
    return 0;
}

/* The cgroup parent: "berth", or "berth-<hash of $BERTH_ROOT>" so that two state roots (tests,
 * a user's private root) never share, or destroy, each other's container cgroups. */
const char *
ctr_cgroup_parent(void)
{
    static char parent[32];
    if (parent[0])
        return parent;
    const char *root = getenv("BERTH_ROOT");
    if (!root || !*root) {
        ctr_fmt(parent, sizeof(parent), "berth");
        return parent;
    }
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *c = root; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    ctr_fmt(parent, sizeof(parent), "berth-%08x", h);
    return parent;
}
