/* SPDX-License-Identifier: MIT */
/*
 * The container's file system, set up inside its mount namespace: the root (overlayfs, a bind of
 * DIR, or the detached mount the monitor built for --userns as root), the spec's mounts, /dev,
 * /etc files, pivot_root. Every path inside the root is resolved with
 * openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS) and every mount goes through /proc/self/fd/N
 * of that O_PATH fd, so a symlink in a hostile rootfs cannot redirect a mount or a write to the
 * host. A mount target that is itself a symlink is refused.
 */
#include "common/trace.h"
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/xalloc.h"

/* Lower layers of an image mounted through mount(2) (no lowerdir+): fds kept open at once. */
#define IMAGE_LOWER_MAX 500

/* Without openat2 (Linux < 5.6): walk component by component, refusing any symlink and "..". */
static int
open_walk(int rootfd, const char *path, int flags)
{
    char buf[PATH_MAX];
    ctr_fmt(buf, sizeof(buf), "%s", path);
    int fd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        int nfd = strcmp(c, "..") == 0 ? (errno = EXDEV, -1)
                                       : openat(fd, c, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (nfd >= 0 && fstat(nfd, &st) == 0 && S_ISLNK(st.st_mode) && (!(flags & O_NOFOLLOW))) {
            close(nfd);
            nfd = (errno = ELOOP, -1);
        }
        close(fd);
        fd = nfd;
    }
    return fd;
}

int
ctr_open_in_root(int rootfd, const char *path, int flags, struct err **err)
{
    struct open_how how = {
        .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    int fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    if (fd < 0 && errno == ENOSYS)
        fd = open_walk(rootfd, path, flags);
    if (fd < 0)
        return err_set(err, errno, "open '%s' in the rootfs", path);
    return fd;
}

/* mkdir -p inside the root; returns an O_PATH fd of the directory. */
static int
mkdir_in_root(int rootfd, const char *path, struct err **err)
{
    char pre[PATH_MAX];
    size_t n = strlen(path);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != 0)
            continue;
        ctr_fmt(pre, sizeof(pre), "%.*s", (int)i, path);
        int fd = ctr_open_in_root(rootfd, pre, O_DIRECTORY, NULL);
        if (fd >= 0) {
            if (i == n)
                return fd;
            close(fd);
            continue;
        }
        char *slash = strrchr(pre, '/');
        *slash = 0;
        cleanup_close int parent = ctr_open_in_root(rootfd, *pre ? pre : "/", O_DIRECTORY, err);
        if (parent < 0 || (mkdirat(parent, slash + 1, 0755) < 0 && errno != EEXIST))
            return parent < 0 ? -1
                              : err_set(err, errno, "mkdir '%.*s' in the rootfs", (int)i, path);
        if (i == n)
            return ctr_open_in_root(rootfd, path, O_DIRECTORY, err);
    }
    return ctr_open_in_root(rootfd, "/", O_DIRECTORY, err);
}

/* An O_PATH fd of a mount target: a directory (or a file when file), made when missing. The
 * last component must not be a symlink. */
static int
target_in_root(int rootfd, const char *dest, bool file, bool replace_link, struct err **err)
{
    char dir[PATH_MAX];
    ctr_fmt(dir, sizeof(dir), "%s", dest);
    char *slash = strrchr(dir, '/');
    const char *base = slash + 1;
    *slash = 0;
    cleanup_close int pfd = mkdir_in_root(rootfd, *dir ? dir : "/", err);
    if (pfd < 0)
        return -1;
    if (!*base)
        return fcntl(pfd, F_DUPFD_CLOEXEC, 3);
    struct stat st;
    if (fstatat(pfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        if (!replace_link)
            return err_set(err, 0, "mount target '%s' in the rootfs is a symlink: refused", dest);
        if (unlinkat(pfd, base, 0) < 0)
            return err_set(err, errno, "replace symlink '%s' in the rootfs", dest);
    }
    if (file) {
        int c = openat(pfd, base, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (c < 0 && errno != EISDIR)
            return err_set(err, errno, "create '%s' in the rootfs", dest);
        if (c >= 0)
            close(c);
    } else if (mkdirat(pfd, base, 0755) < 0 && errno != EEXIST) {
        return err_set(err, errno, "mkdir '%s' in the rootfs", dest);
    }
    int fd = openat(pfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "open '%s' in the rootfs", dest);
    return fd;
}

static void
fd_path(char *buf, int fd)
{
    ctr_fmt(buf, 64, "/proc/self/fd/%d", fd);
}

static int
mount_on(const char *src, int tfd, const char *type, unsigned long flags, const char *data,
         const char *dest, struct err **err)
{
    char t[64];
    fd_path(t, tfd);
    if (mount(src, t, type, flags, data && *data ? data : NULL) < 0)
        return err_set(err, errno, "mount %s on '%s'", type ? type : src, dest);
    return 0;
}

/* Apply read-only & co. to a bind mount: remount through a fresh fd of the new mount. A recursive
 * bind gets them on every mount below it too (a remount changes only the top one, and a read-only
 * rbind of /sys would leave /sys/fs/cgroup/... writable). */
static int
bind_remount(int rootfd, const char *dest, unsigned long flags, bool recursive, struct err **err)
{
    if (!(flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC)))
        return 0;
    cleanup_close int fd = ctr_open_in_root(rootfd, dest, O_NOFOLLOW, err);
    if (fd < 0 || mount_on(NULL, fd, NULL, MS_REMOUNT | MS_BIND | flags, NULL, dest, err) < 0)
        return -1;
    struct mount_attr attr = {
        .attr_set = (flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0) |
                    (flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0) |
                    (flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0) |
                    (flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0),
    };
    if (recursive && mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
        return err_set(err, errno, "apply the options of bind mount '%s' recursively", dest);
    return 0;
}

/*
 * The device policy (device_policy) for a bind of a host path: nodev, recursively, keeping its
 * other flags, or container root (CAP_MKNOD) could make a device node in a writable volume and
 * open it. Only what is meant to pass devices keeps them: a device node itself, or a path under
 * the host's /dev.
 */
static int
bind_nodev(int rootfd, const struct ctr_mount *m, const struct stat *src, struct err **err)
{
    char real[PATH_MAX];
    if (S_ISCHR(src->st_mode) || S_ISBLK(src->st_mode) ||
        (realpath(m->source, real) &&
         (strcmp(real, "/dev") == 0 || strncmp(real, "/dev/", 5) == 0)))
        return 0;
    cleanup_close int fd = ctr_open_in_root(rootfd, m->dest, O_NOFOLLOW, err);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_NODEV};
    if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
        return fd < 0 ? -1 : err_set(err, errno, "make bind mount '%s' nodev", m->dest);
    return 0;
}

/* mapped: the id-mapped clone of the source made by the monitor (-1: bind the source). */
static int
mount_bind(int rootfd, const struct ctr_mount *m, int mapped, struct err **err)
{
    cleanup_close int sfd = mapped >= 0 ? -1 : open(m->source, O_PATH | O_CLOEXEC);
    struct stat st;
    if (mapped < 0 && (sfd < 0 || fstat(sfd, &st) < 0))
        return err_set(err, errno, "bind mount source '%s'", m->source);
    if (mapped >= 0 && fstat(mapped, &st) < 0)
        return err_set(err, errno, "volume '%s'", m->dest);
    cleanup_close int tfd = target_in_root(rootfd, m->dest, !S_ISDIR(st.st_mode), false, err);
    if (tfd < 0)
        return -1;
    char s[64];
    fd_path(s, sfd);
    unsigned long fl = MS_BIND | (m->recursive ? MS_REC : 0);
    if (mapped >= 0 &&
        move_mount(mapped, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return err_set(err, errno, "attach the id-mapped volume on '%s'", m->dest);
    if ((mapped < 0 && mount_on(s, tfd, NULL, fl, NULL, m->dest, err) < 0) ||
        bind_remount(rootfd, m->dest, m->flags, m->recursive, err) < 0)
        return -1;
    return bind_nodev(rootfd, m, &st, err);
}

static bool
is_cgroup_type(const char *type)
{
    return type && (strcmp(type, "cgroup") == 0 || strcmp(type, "cgroup2") == 0);
}

/* The mount's propagation option (shared, slave, private, unbindable), on the mount now there. */
static int
mount_prop(int rootfd, const struct ctr_mount *m, struct err **err)
{
    if (!m->prop || is_cgroup_type(m->type))
        return 0; /* the cgroup view is mounted later, read-only and private */
    cleanup_close int tfd = target_in_root(rootfd, m->dest, false, false, err);
    char p[64];
    if (tfd < 0)
        return -1;
    fd_path(p, tfd);
    if (mount(NULL, p, NULL, m->prop | (m->recursive ? MS_REC : 0), NULL) < 0)
        return err_set(err, errno, "set the propagation of '%s'", m->dest);
    return 0;
}

static int mount_one_type(int rootfd, const struct ctr_mount *m, struct err **err);

static int
mount_one(int rootfd, const struct ctr_mount *m, int mapped, struct err **err)
{
    if (m->bind ? mount_bind(rootfd, m, mapped, err) < 0 : mount_one_type(rootfd, m, err) < 0)
        return -1;
    return mount_prop(rootfd, m, err);
}

static int
mount_one_type(int rootfd, const struct ctr_mount *m, struct err **err)
{
    if (is_cgroup_type(m->type))
        return 0; /* the cgroup view, below */
    cleanup_close int tfd = target_in_root(rootfd, m->dest, false, false, err);
    if (tfd < 0)
        return -1;
    /* No device node on a file system the container can write works: its /dev and other
     * tmpfs mounts are nodev, like its root (device_policy). devpts is the pty's own. */
    unsigned long flags = m->flags | (strcmp(m->type, "devpts") != 0 ? MS_NODEV : 0);
    cleanup_err struct err *e = NULL;
    if (mount_on(m->source, tfd, m->type, flags, m->data, m->dest, &e) == 0)
        return 0;
    if (strcmp(m->type, "sysfs") == 0 && (e->code == EPERM || e->code == EBUSY)) {
        /* A new sysfs needs its own netns (or real root): bind the host's, read-only. */
        if (mount_on("/sys", tfd, NULL, MS_BIND | MS_REC, NULL, m->dest, err) < 0)
            return -1;
        return bind_remount(rootfd, m->dest, m->flags | MS_RDONLY, true, err);
    }
    if (strcmp(m->type, "mqueue") == 0 && e->code == EPERM)
        return 0;
    return err_set(err, e->code, "mount %s on '%s'", m->type, m->dest);
}

/* A node of the container's own, made in its /dev tmpfs (as runc does): never a host inode, which
 * container root (CAP_CHOWN, CAP_FOWNER) could chmod or chown. /dev is nodev (device_policy), so
 * the node is bound onto itself and that one mount passes devices. */
static int
dev_node_own(int dfd, const char *name, dev_t dev, struct err **err)
{
    unlinkat(dfd, name, 0);
    if (mknodat(dfd, name, S_IFCHR | 0666, dev) < 0 || fchmodat(dfd, name, 0666, 0) < 0)
        return err_set(err, errno, "mknod /dev/%s", name);
    cleanup_close int fd = openat(dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int tree =
        fd < 0 ? -1 : open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    struct mount_attr attr = {.attr_clr = MOUNT_ATTR_NODEV};
    if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
        move_mount(tree, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return err_set(err, errno, "mount /dev/%s", name);
    return 0;
}

/* In a user namespace mknod is refused: the host's node is bound, read-only, so that even a
 * container whose root maps to host root cannot chmod or chown it (EROFS); reading and writing
 * a device node do not need a writable mount. */
static int
dev_node_host(int rootfd, const char *name, struct err **err)
{
    char dest[64];
    ctr_fmt(dest, sizeof(dest), "/dev/%s", name);
    cleanup_close int tfd = target_in_root(rootfd, dest, true, false, err);
    if (tfd < 0 || mount_on(dest, tfd, NULL, MS_BIND, NULL, dest, err) < 0)
        return -1;
    cleanup_close int fd = ctr_open_in_root(rootfd, dest, O_NOFOLLOW, err);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID};
    if (fd < 0 || mount_setattr(fd, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
        return fd < 0 ? -1 : err_set(err, errno, "make %s read-only", dest);
    return 0;
}

/*
 * The container's cgroups (rootfs_cgroup.c): at a spec's cgroup mount, or, when the spec has none,
 * at /fs/cgroup of its sysfs, so that /sys/fs/cgroup is the same with a fresh sysfs or with the
 * host's /sys bound (--net host in a user namespace).
 */
static int
cgroup_view(int rootfd, const struct ctr_spec *s, const struct ctr_mount *m, bool cg_mount,
            struct err **err)
{
    bool sysfs = m->type && strcmp(m->type, "sysfs") == 0;
    if (m->bind || (!is_cgroup_type(m->type) && !(sysfs && !cg_mount)))
        return 0;
    char dest[PATH_MAX];
    ctr_fmt(dest, sizeof(dest), "%s%s", m->dest, sysfs ? "/fs/cgroup" : "");
    cleanup_close int tfd = sysfs ? ctr_open_in_root(rootfd, dest, O_DIRECTORY | O_NOFOLLOW, NULL)
                                  : target_in_root(rootfd, dest, false, false, err);
    if (tfd < 0)
        return sysfs ? 0 : -1;
    return ctr_rootfs_cgroup(tfd, (s->ns & CTR_NS_CGROUP) != 0, err);
}

static int
dev_nodes(int rootfd, bool userns, struct err **err)
{
    static const struct {
        const char *name;
        unsigned major, minor;
    } nodes[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                 {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
    cleanup_close int dfd = ctr_open_in_root(rootfd, "/dev", O_DIRECTORY, err);
    if (dfd < 0)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
        if (userns ? dev_node_host(rootfd, nodes[i].name, err) < 0
                   : dev_node_own(dfd, nodes[i].name, makedev(nodes[i].major, nodes[i].minor),
                                  err) < 0)
            return -1;
    }
    static const char *const links[][2] = {{"ptmx", "pts/ptmx"},
                                           {"fd", "/proc/self/fd"},
                                           {"stdin", "/proc/self/fd/0"},
                                           {"stdout", "/proc/self/fd/1"},
                                           {"stderr", "/proc/self/fd/2"}};
    for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
        unlinkat(dfd, links[i][0], 0);
        if (symlinkat(links[i][1], dfd, links[i][0]) < 0)
            return err_set(err, errno, "symlink /dev/%s", links[i][0]);
    }
    return 0;
}

/* Overlay root: the run directory's file written over the root's (the copy lands in the
 * container's upper layer). No bind of the run directory's file, whose host path mountinfo would
 * show; and no mount at all. */
static int
etc_write(int tfd, const char *run_dir, const char *name, struct err **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/%s", run_dir, name);
    if (fileio_read_all(p, 1 << 20, &text, &len, err) < 0)
        return -1;
    fd_path(p, tfd);
    cleanup_close int fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC); /* the fd's own file */
    if (fd < 0 || fileio_write_full(fd, text, len) < 0)
        return err_set(err, errno, "write /etc/%s in the rootfs", name);
    return 0;
}

/* /etc/hostname, hosts, resolv.conf: written into an overlay root; bound from the run directory
 * over a root used in place (--inplace: DIR must not change). */
static int
etc_files(int rootfd, const char *run_dir, bool overlay, struct err **err)
{
    static const char *const files[] = {"hostname", "hosts", "resolv.conf"};
    char dest[64], src[PATH_MAX];
    for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
        ctr_fmt(dest, sizeof(dest), "/etc/%s", files[i]);
        cleanup_close int tfd = target_in_root(rootfd, dest, true, overlay, err);
        if (tfd < 0)
            return -1;
        struct stat st;
        if (fstat(tfd, &st) < 0 || !S_ISREG(st.st_mode))
            continue;
        ctr_fmt(src, sizeof(src), "%s/%s", run_dir, files[i]);
        if (overlay ? etc_write(tfd, run_dir, files[i], err) < 0
                    : mount_on(src, tfd, NULL, MS_BIND, NULL, dest, err) < 0)
            return -1;
    }
    return 0;
}

/* A "/proc/self/fd/N" name for path, whose fd goes to fds[*n] (closed by the caller): overlayfs
 * shows the names it is given in mountinfo, and these name nothing of the host. */
static const char *
fd_name(const char *path, int *fds, int *n, char (*names)[32])
{
    fds[*n] = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fds[*n] < 0)
        return NULL;
    ctr_fmt(names[*n], sizeof(names[*n]), "/proc/self/fd/%d", fds[*n]);
    return names[(*n)++];
}

static int
fs_set(int fs, const char *key, const char *val)
{
    return val ? fsconfig(fs, FSCONFIG_SET_STRING, key, val, 0) : -1;
}

/* Overlay of an image's layers with the new mount API: one "lowerdir+" per layer (Linux 6.8), so
 * no option string limits how many; 0, or -1 with errno (EINVAL: the kernel has no lowerdir+). */
static int
layers_fsmount(char *lowers, const char *up, const char *work, const char *target)
{
    cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    cleanup_close int mnt = -1;
    int fds[IMAGE_LOWER_MAX + 2], n = 0, rc = -1;
    char(*names)[32] = xcalloc(IMAGE_LOWER_MAX + 2, sizeof(*names));
    char *save = NULL;
    for (char *l = strtok_r(lowers, ":", &save); fs >= 0 && l; l = strtok_r(NULL, ":", &save)) {
        if (n == IMAGE_LOWER_MAX || fs_set(fs, "lowerdir+", fd_name(l, fds, &n, names)) < 0)
            goto out;
    }
    if (fs < 0 || fs_set(fs, "upperdir", fd_name(up, fds, &n, names)) < 0 ||
        fs_set(fs, "workdir", fd_name(work, fds, &n, names)) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        goto out;
    mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (mnt >= 0 && move_mount(mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) == 0)
        rc = 0;
out:;
    int e = errno;
    while (n > 0)
        close(fds[--n]);
    free(names);
    errno = e;
    return rc;
}

/* Older kernels: mount(2) with "lowerdir=/proc/self/fd/A:/proc/self/fd/B..." (short names, so
 * about 200 layers fit in the page the options may take); more is refused in one line. */
static int
layers_mount_legacy(const struct ctr_spec *s, const char *up, const char *work, const char *target,
                    struct err **err)
{
    char data[4096], *lowers = xstrdup(s->lowers), *save = NULL;
    int fds[IMAGE_LOWER_MAX], n = 0, rc = -1;
    size_t off = (size_t)snprintf(data, sizeof(data), "lowerdir=");
    for (char *l = strtok_r(lowers, ":", &save); l; l = strtok_r(NULL, ":", &save)) {
        if (n == IMAGE_LOWER_MAX) {
            err_set(err, 0, "image has more than %d layers: this kernel needs lowerdir+ (6.8)",
                    IMAGE_LOWER_MAX);
            goto out;
        }
        fds[n] = open(l, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fds[n] < 0) {
            err_set(err, errno, "image layer '%s'", l);
            goto out;
        }
        off += (size_t)snprintf(data + off, sizeof(data) - off, "%s/proc/self/fd/%d", n ? ":" : "",
                                fds[n]);
        n++;
    }
    off += (size_t)snprintf(data + off, sizeof(data) - off, ",upperdir=%s,workdir=%s", up, work);
    if (off >= sizeof(data) - 1)
        err_set(err, 0, "image has %d layers: too many for this kernel's mount options", n);
    else if (mount("overlay", target, "overlay", 0, data) < 0)
        err_set(err, errno, "mount overlayfs over %d image layers", n);
    else
        rc = 0;
out:
    while (n > 0)
        close(fds[--n]);
    free(lowers);
    return rc;
}

/* The root of a container from an image: its layers (top first) under its own upper layer. */
static int
layers_mount(const struct ctr_spec *s, const char *target, const char *def_dir, struct err **err)
{
    char up[PATH_MAX], work[PATH_MAX];
    ctr_fmt(up, sizeof(up), "%s/upper", def_dir);
    ctr_fmt(work, sizeof(work), "%s/work", def_dir);
    char *lowers = xstrdup(s->lowers);
    int rc = layers_fsmount(lowers, up, work, target);
    int e = errno;
    free(lowers);
    if (rc == 0)
        return 0;
    if (e != EINVAL && e != ENOSYS)
        return err_set(err, e, "mount overlayfs over the image's layers");
    return layers_mount_legacy(s, up, work, target, err);
}

static int
root_mount(const struct ctr_spec *s, const char *target, const char *def_dir, int root_mnt,
           struct err **err)
{
    /* Without a mount namespace of its own (an OCI bundle's choice) the host's mounts stay as they
     * are: only the root's own mount, below, is made private. */
    if ((s->ns & CTR_NS_MOUNT) && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return err_set(err, errno, "make mounts private");
    if (root_mnt >= 0) {
        if (move_mount(root_mnt, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            return err_set(err, errno, "attach the id-mapped root of rootfs '%s'", s->root);
        return 0;
    }
    if (s->lowers)
        return layers_mount(s, target, def_dir, err);
    if (s->inplace) {
        if (mount(s->root, target, NULL, MS_BIND | MS_REC, NULL) < 0 ||
            (!(s->ns & CTR_NS_MOUNT) && mount(NULL, target, NULL, MS_REC | MS_PRIVATE, NULL) < 0))
            return err_set(err, errno, "bind rootfs '%s'", s->root);
        return 0;
    }
    /* The layers by /proc/self/fd/N: overlayfs shows the paths it is given in mountinfo, and
     * these name nothing of the host. */
    char up[PATH_MAX], work[PATH_MAX], data[256];
    ctr_fmt(up, sizeof(up), "%s/upper", def_dir);
    ctr_fmt(work, sizeof(work), "%s/work", def_dir);
    cleanup_close int lfd = open(s->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int ufd = open(up, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int wfd = open(work, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (lfd < 0 || ufd < 0 || wfd < 0)
        return err_set(err, errno, "overlayfs over rootfs '%s': open '%s'", s->root,
                       lfd < 0   ? s->root
                       : ufd < 0 ? up
                                 : work);
    ctr_fmt(data, sizeof(data),
            "lowerdir=/proc/self/fd/%d,upperdir=/proc/self/fd/%d,workdir=/proc/self/fd/%d", lfd,
            ufd, wfd);
    if (mount("overlay", target, "overlay", 0, data) < 0)
        return err_set(err, errno, "mount overlayfs over rootfs '%s'", s->root);
    return 0;
}

/*
 * The device policy: berth keeps no device allow-list in a cgroup (Docker's way); instead no
 * device node works on any file system of the container except berth's own (null, zero, full,
 * random, urandom, tty: dev_nodes) and devpts. The root (overlay, bind or
 * the id-mapped mount, with every mount below it) is made nodev here, the spec's other mounts in
 * mount_one. So neither a node that the container makes (CAP_MKNOD is in Docker's default set)
 * nor one that a rootfs ships can open a host device: the console, a serial port, a disk.
 */
static int
device_policy(const char *target, struct err **err)
{
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_NODEV};
    if (mount_setattr(AT_FDCWD, target, AT_RECURSIVE, &attr, sizeof(attr)) < 0)
        return err_set(err, errno, "make the rootfs nodev");
    return 0;
}

/* pivot_root in the container's mount namespace; chroot without one (the host's mount table is
 * not the container's to change; runc does the same). Its mounts stay on <run>/rootfs in the
 * host's namespace until the container is removed (store/remove.c detaches them). */
static int
pivot(int rootfd, bool ro, bool own_ns, struct err **err)
{
    if (fchdir(rootfd) < 0)
        return err_set(err, errno, "chdir to the rootfs");
    if (!own_ns && chroot(".") < 0)
        return err_set(err, errno, "chroot to the rootfs");
    trace_mark("init: mounts");
    if (own_ns && syscall(SYS_pivot_root, ".", ".") < 0)
        return err_set(err, errno, "pivot_root");
    trace_mark("init: pivoted");
    if (own_ns && umount2(".", MNT_DETACH) < 0)
        return err_set(err, errno, "detach the old root");
    if (chdir("/") < 0)
        return err_set(err, errno, "chdir /");
    /* mount_setattr adds read-only and keeps the other flags (a remount would drop nodev). */
    struct mount_attr ro_attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (ro && mount_setattr(AT_FDCWD, "/", 0, &ro_attr, sizeof(ro_attr)) < 0)
        return err_set(err, errno, "make the rootfs read-only");
    return 0;
}

int
ctr_rootfs_setup(const struct ctr_spec *s, const char *run_dir, const char *def_dir, int root_mnt,
                 const int *bind_fds, struct err **err)
{
    char target[PATH_MAX];
    ctr_fmt(target, sizeof(target), "%s/rootfs", run_dir);
    if (root_mount(s, target, def_dir, root_mnt, err) < 0)
        return -1;
    if (device_policy(target, err) < 0)
        return -1;
    cleanup_close int rootfd = open(target, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return err_set(err, errno, "open '%s'", target);
    bool dev_tmpfs = false, cg_mount = false;
    for (size_t i = 0; i < s->n_mounts; i++)
        cg_mount |= is_cgroup_type(s->mounts[i].type);
    for (size_t i = 0; i < s->n_mounts; i++) {
        if (mount_one(rootfd, &s->mounts[i], bind_fds ? bind_fds[i] : -1, err) < 0 ||
            cgroup_view(rootfd, s, &s->mounts[i], cg_mount, err) < 0)
            return -1;
        if (strcmp(s->mounts[i].dest, "/dev") == 0 && strcmp(s->mounts[i].type, "tmpfs") == 0)
            dev_tmpfs = true;
    }
    if (dev_tmpfs && dev_nodes(rootfd, (s->ns & CTR_NS_USER) != 0, err) < 0)
        return -1;
    if (etc_files(rootfd, run_dir, !s->inplace, err) < 0)
        return -1;
    return pivot(rootfd, s->root_ro, (s->ns & CTR_NS_MOUNT) != 0, err);
}
