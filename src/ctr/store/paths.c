/* SPDX-License-Identifier: MIT */
/* Where containers live: definition and runtime directories, names, the per-container lock; and the
 * small helpers of every file under src/ctr/ (ctr_fmt, runtime-file writes). */
#include "ctr/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
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
static bool run_dir_fallback; /* /tmp/berth-UID: no $XDG_RUNTIME_DIR */
static pthread_once_t dirs_once = PTHREAD_ONCE_INIT;

/* The user's home: $HOME, else the password database; never a shared directory like /tmp. */
static const char *
home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && *home == '/')
        return home;
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir && *pw->pw_dir == '/' ? pw->pw_dir : "/nonexistent";
}

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
    if (xd && *xd)
        ctr_fmt(lib_dir, sizeof(lib_dir), "%s/berth", xd);
    else
        ctr_fmt(lib_dir, sizeof(lib_dir), "%s/.local/share/berth", home_dir());
    if (xr && *xr == '/') {
        ctr_fmt(run_dir, sizeof(run_dir), "%s/berth", xr);
        return;
    }
    /* In the shared /tmp: anyone may have made it first, so ctr_run_dirfd checks it is ours. */
    ctr_fmt(run_dir, sizeof(run_dir), "/tmp/berth-%u", (unsigned)getuid());
    run_dir_fallback = true;
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

/* A directory opened with O_NOFOLLOW is one of ours, closed to everyone else: anything another
 * user could write there (a forged state.json, a fake attach.sock, a symlink for a container's
 * run directory) is refused before it is read or written through. */
static int
dir_check(int fd, const char *path, bool top, struct err **err)
{
    struct stat st;
    const char *hint = run_dir_fallback ? " (remove it, or set XDG_RUNTIME_DIR)" : "";
    if (fstat(fd, &st) < 0)
        return err_set(err, errno, "state directory '%s'", path);
    if (!S_ISDIR(st.st_mode))
        return err_set(err, 0, "unsafe state directory '%s': not a directory%s", path, hint);
    if (st.st_uid != geteuid())
        return err_set(err, 0,
                       "unsafe state directory '%s': owned by uid %u, not by you (uid %u)%s", path,
                       (unsigned)st.st_uid, (unsigned)geteuid(), hint);
    if (top && (st.st_mode & 077))
        return err_set(err, 0,
                       "unsafe state directory '%s': mode %04o, open to others (want 0700)%s", path,
                       (unsigned)(st.st_mode & 07777), hint);
    return 0;
}

/* Open name (no symlink in its last component) as an O_PATH directory fd and check it: the top
 * run directory is ours and 0700; a container's directory in it is ours (0755: a container's
 * root in a user namespace reads its hostname and hosts there). */
static int
dir_open_checked(int at, const char *name, const char *shown, bool top, struct err **err)
{
    int fd = openat(at, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        struct stat st;
        if ((e == ENOTDIR || e == ELOOP) && fstatat(at, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISLNK(st.st_mode))
            return err_set(err, 0, "unsafe state directory '%s': a symbolic link%s", shown,
                           run_dir_fallback ? " (remove it, or set XDG_RUNTIME_DIR)" : "");
        return err_set(err, e, "open state directory '%s'", shown);
    }
    if (dir_check(fd, shown, top, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

int
ctr_run_dirfd(struct err **err)
{
    const char *dir = ctr_run_dir();
    if (mkdir(dir, 0700) < 0 && errno == ENOENT && !run_dir_fallback &&
        fileio_mkdir_p(dir, 0700, err) < 0)
        return -1;
    return dir_open_checked(AT_FDCWD, dir, dir, true, err);
}

int
ctr_run_open(const char *name, bool create, struct err **err)
{
    char shown[PATH_MAX];
    if (ctr_name_check(name, err) < 0)
        return -1;
    cleanup_close int top = ctr_run_dirfd(err);
    if (top < 0)
        return -1;
    ctr_path_run(shown, name, NULL);
    if (create && mkdirat(top, name, 0755) < 0 && errno != EEXIST)
        return err_set(err, errno, "mkdir '%s'", shown);
    return dir_open_checked(top, name, shown, false, err);
}

int
ctr_dirs_ensure(struct err **err)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/containers", ctr_lib_dir());
    if (fileio_mkdir_p(p, 0700, err) < 0)
        return -1;
    cleanup_close int fd = ctr_run_dirfd(err);
    return fd < 0 ? -1 : 0;
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
ctr_flock_wait(int fd)
{
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR)
            return -1;
    }
    return 0;
}

int
ctr_lock(const char *name, struct err **err)
{
    char p[PATH_MAX];
    if (ctr_name_check(name, err) < 0)
        return -1;
    {
        /* Every locked operation reads or writes the run directory: refuse one not ours. */
        cleanup_close int run = ctr_run_dirfd(err);
        if (run < 0)
            return -1;
    }
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
    if (ctr_flock_wait(fd) < 0) {
        int e = errno;
        close(fd);
        return err_set(err, e, "lock container '%s'", name);
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

int
ctr_write_runtime_at(int dfd, const char *leaf, const char *data, size_t len, mode_t mode,
                     struct err **err)
{
    char tmp[NAME_MAX + 1];
    ctr_fmt(tmp, sizeof(tmp), ".%s.tmp.%d", leaf, (int)getpid());
    unlinkat(dfd, tmp, 0); /* a leftover of a writer killed with our pid */
    int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return err_set(err, errno, "create '%s'", tmp);
    int rc = fileio_write_full(fd, data, len);
    int e = errno;
    close(fd);
    if (rc < 0 || renameat(dfd, tmp, dfd, leaf) < 0) {
        e = rc < 0 ? e : errno;
        unlinkat(dfd, tmp, 0);
        return err_set(err, e, "write '%s'", leaf);
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
