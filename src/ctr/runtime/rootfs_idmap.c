/* SPDX-License-Identifier: MIT */
/*
 * The root of a container with a user namespace started by host root. Container root is an
 * unprivileged host id (100000 by default), which may neither read a rootfs owned by host root
 * as its own nor walk berth's 0700 state directories. So the monitor, still host root and in
 * the host's mount namespace, builds the root as a detached mount once the container's id maps
 * are written:
 *
 *   - an id-mapped clone of DIR (open_tree(OPEN_TREE_CLONE) + mount_setattr(MOUNT_ATTR_IDMAP)
 *     with the container's user namespace): host uid 0 shows as 100000, and so as 0 inside;
 *   - overlayfs over it (fsopen/fsconfig/fsmount), the upper layer's root owned by the id that
 *     DIR's owner shows as, so that copy-up and new files carry mapped ids on the host (before
 *     Linux 6.15, which refuses a detached layer, made in a helper's private mount namespace
 *     where the clone is attached: overlay_attached);
 *   - --inplace: the id-mapped clone of DIR itself (recursive); writes land in DIR with DIR's
 *     own ids, nothing is chowned.
 *
 * The mount fd goes to the init over the sync socket; the init attaches it in its own mount
 * namespace (move_mount) and pivots into it. A DIR already owned by ids of the container's range
 * (chowned for user namespaces beforehand) is used without an id map.
 */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"

bool
ctr_rootfs_mapped_needed(const struct ctr_spec *s)
{
    return (s->ns & CTR_NS_USER) && geteuid() == 0;
}

/* Container id -> host id through one of the spec's maps; false when not mapped. */
static bool
map_out(const struct ctr_idmap *m, size_t n, uint32_t id, uint32_t *host)
{
    for (size_t i = 0; i < n; i++) {
        if (id >= m[i].inside && id - m[i].inside < m[i].size) {
            *host = m[i].outside + (id - m[i].inside);
            return true;
        }
    }
    return false;
}

/* Is host id mapped into the container? */
static bool
map_has_host(const struct ctr_idmap *m, size_t n, uint32_t host)
{
    for (size_t i = 0; i < n; i++) {
        if (host >= m[i].outside && host - m[i].outside < m[i].size)
            return true;
    }
    return false;
}

/* The kernel's own reason for a failed fsconfig, from the fs context's log ("e ovl: ..."). */
static int
fs_fail(int fsfd, int code, const char *what, struct err **err)
{
    char msg[256];
    ssize_t n = read(fsfd, msg, sizeof(msg) - 1);
    if (n > 2) {
        msg[n] = 0;
        msg[strcspn(msg, "\n")] = 0;
        return err_set(err, code, "%s (%s)", what, msg + 2);
    }
    return err_set(err, code, "%s", what);
}

/* File systems by statfs magic, and the Linux version that let them be id-mapped (NULL: not
 * known to). */
static const struct {
    unsigned long magic;
    const char *name, *since;
} idmap_fs[] = {
    {0xEF53, "ext4", "5.12"},      {0x58465342, "xfs", "5.12"},
    {0x9123683E, "btrfs", "5.15"}, {0x4d44, "vfat", "5.12"},
    {0xF2F52010, "f2fs", "5.18"},  {0x794c7630, "overlayfs", "5.19"},
    {0x01021994, "tmpfs", "6.3"},  {0x65735546, "fuse", "6.12 (if the FUSE server allows it)"},
    {0x858458f6, "ramfs", NULL},   {0x6969, "nfs", NULL},
    {0x01021997, "9p", NULL},      {0x73717368, "squashfs", NULL},
    {0x9fa0, "proc", NULL},        {0x62656572, "sysfs", NULL},
};

void
ctr_idmap_unsupported_msg(char *buf, size_t len, unsigned long fs_magic, const char *release)
{
    const char *name = NULL, *since = NULL;
    for (size_t i = 0; i < sizeof(idmap_fs) / sizeof(idmap_fs[0]); i++) {
        if (idmap_fs[i].magic == fs_magic) {
            name = idmap_fs[i].name;
            since = idmap_fs[i].since;
        }
    }
    char fs[64];
    if (name)
        snprintf(fs, sizeof(fs), "%s", name);
    else
        snprintf(fs, sizeof(fs), "file system type 0x%lx", fs_magic);
    char why[160];
    if (since)
        snprintf(why, sizeof(why), "%s has them from Linux %s; this kernel is %s", fs, since,
                 release);
    else
        snprintf(why, sizeof(why), "%s has none on this kernel, %s", fs, release);
    snprintf(buf, len,
             "--userns needs id-mapped mounts on the rootfs's file system (%s): use a rootfs "
             "on ext4/xfs/btrfs, or run without --userns",
             why);
}

/* A detached clone of DIR, id-mapped to the user namespace userns_fd unless it is -1. */
static int
clone_root(const char *root, int userns_fd, bool recursive, struct err **err)
{
    unsigned rec = recursive ? AT_RECURSIVE : 0;
    int fd = open_tree(AT_FDCWD, root, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
    if (fd < 0 && errno == ENOSYS)
        return err_set(err, errno, "--userns as root needs open_tree (Linux 5.2)");
    if (fd < 0)
        return err_set(err, errno, "clone the mount of rootfs '%s'", root);
    if (userns_fd < 0)
        return fd;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns_fd};
    if (mount_setattr(fd, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0) {
        int e = errno;
        close(fd);
        if (e == ENOSYS)
            return err_set(err, e, "--userns as root needs id-mapped mounts (Linux 5.12)");
        struct statfs sfs;
        struct utsname u;
        if (e != EINVAL || statfs(root, &sfs) < 0 || uname(&u) < 0)
            return err_set(err, e,
                           "id-mapped mount of rootfs '%s' (its file system must support "
                           "id-mapped mounts)",
                           root);
        /* EINVAL: this file system (on this kernel) cannot be id-mapped */
        char msg[512];
        ctr_idmap_unsupported_msg(msg, sizeof(msg), (unsigned long)sfs.f_type, u.release);
        return err_set(err, 0, "%s", msg);
    }
    return fd;
}

/* The upper layer's root shows as the merged root: give it DIR's mode and the host ids that
 * DIR's owner shows as in the container. */
static int
upper_own(const struct ctr_spec *s, const struct stat *st, bool idmapped, const char *def_dir,
          struct err **err)
{
    uint32_t uid = st->st_uid, gid = st->st_gid;
    if (idmapped && (!map_out(s->uidmap, s->n_uidmap, st->st_uid, &uid) ||
                     !map_out(s->gidmap, s->n_gidmap, st->st_gid, &gid)))
        return err_set(err, 0,
                       "rootfs '%s' is owned by %u:%u, which the container's id maps do not "
                       "cover",
                       s->root, (unsigned)st->st_uid, (unsigned)st->st_gid);
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/upper", def_dir);
    cleanup_close int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fchown(fd, uid, gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0)
        return err_set(err, errno, "give '%s' to the container's root", p);
    return 0;
}

/* overlayfs over the lower layer: given as lower_path when set, else by the fd lower. */
static int
overlay_mount(int lower, const char *lower_path, const char *def_dir, struct err **err)
{
    cleanup_close int fs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fs < 0)
        return err_set(err, errno, "--userns as root needs overlayfs with fsopen (Linux 5.2)");
    char p[PATH_MAX];
    if (lower_path) {
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower_path, 0) < 0)
            return fs_fail(fs, errno, "overlayfs: id-mapped lower layer", err);
    } else if (fsconfig(fs, FSCONFIG_SET_FD, "lowerdir+", NULL, lower) < 0) {
        /* Layers by fd since Linux 6.13; before, the path of the detached mount. */
        ctr_fmt(p, sizeof(p), "/proc/self/fd/%d", lower);
        if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", p, 0) < 0)
            return fs_fail(fs, errno, "overlayfs: id-mapped lower layer", err);
    }
    /* Upper and work by /proc/self/fd/N too: overlayfs shows the paths it is given in the
     * container's mountinfo, and these name nothing of the host. Open until the mount is made
     * (kernels before 6.5 resolve them then). */
    char up[PATH_MAX], work[PATH_MAX];
    ctr_fmt(up, sizeof(up), "%s/upper", def_dir);
    ctr_fmt(work, sizeof(work), "%s/work", def_dir);
    cleanup_close int ufd = open(up, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    cleanup_close int wfd = open(work, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (ufd < 0 || wfd < 0)
        return err_set(err, errno, "overlayfs: open '%s'", ufd < 0 ? up : work);
    ctr_fmt(p, sizeof(p), "/proc/self/fd/%d", ufd);
    if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", p, 0) < 0)
        return fs_fail(fs, errno, "overlayfs: upper layer", err);
    ctr_fmt(p, sizeof(p), "/proc/self/fd/%d", wfd);
    if (fsconfig(fs, FSCONFIG_SET_STRING, "workdir", p, 0) < 0)
        return fs_fail(fs, errno, "overlayfs: work directory", err);
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return fs_fail(fs, errno, "overlayfs over an id-mapped lower layer (needs Linux 5.19)",
                       err);
    int m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
    if (m < 0)
        return err_set(err, errno, "overlayfs: fsmount");
    return m;
}

/* The child of overlay_attached: never returns. */
static void __attribute__((noreturn))
overlay_attached_child(int sock, int lower, const char *dir, const char *def_dir)
{
    struct err *e = NULL;
    int m = -1;
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        err_set(&e, errno, "overlayfs: a private mount namespace");
    else if (move_mount(lower, "", AT_FDCWD, dir, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        err_set(&e, errno, "overlayfs: attach the id-mapped lower layer");
    else {
        /* By fd, so that the container's mountinfo names nothing of the host. */
        int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        char p[64];
        ctr_fmt(p, sizeof(p), "/proc/self/fd/%d", dfd);
        m = dfd < 0 ? err_set(&e, errno, "overlayfs: open the lower layer")
                    : overlay_mount(-1, p, def_dir, &e);
    }
    if (m >= 0 && ctr_fd_send(sock, 'M', m) == 0)
        _exit(0);
    const char *msg = e ? err_msg(e) : "overlayfs: send the mount";
    if (write(sock, msg, strlen(msg)) < 0)
        _exit(2);
    _exit(1);
}

/*
 * Before Linux 6.15 overlayfs takes a layer only from a mount of the caller's mount namespace
 * (clone_private_mount's check_mnt), and refuses the detached id-mapped clone with EINVAL. Then
 * a child process in a private mount namespace attaches the clone at <def_dir>/lower, makes the
 * overlay over it and sends the overlay's detached mount back. The attached clone goes away with
 * the child's namespace (the overlay keeps its own private copy of each layer); the host's mount
 * table never sees it.
 */
static int
overlay_attached(int lower, const char *def_dir, struct err **err)
{
    char dir[PATH_MAX];
    ctr_fmt(dir, sizeof(dir), "%s/lower", def_dir);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return err_set(err, errno, "overlayfs: mkdir '%s'", dir);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return err_set(err, errno, "overlayfs: socketpair");
    pid_t pid = fork();
    if (pid < 0) {
        close(sv[0]);
        close(sv[1]);
        return err_set(err, errno, "overlayfs: fork");
    }
    if (pid == 0) {
        close(sv[0]);
        overlay_attached_child(sv[1], lower, dir, def_dir);
    }
    close(sv[1]);
    char msg[512];
    int m = -1;
    ssize_t n = ctr_fd_recv(sv[0], msg, sizeof(msg) - 1, &m);
    close(sv[0]);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    rmdir(dir);
    if (m >= 0)
        return m;
    msg[n > 0 ? n : 0] = 0;
    return err_set(err, 0, "%s", n > 0 ? msg : "overlayfs: the helper process failed");
}

int
ctr_rootfs_mapped(const struct ctr_spec *s, pid_t pid, const char *def_dir, struct err **err)
{
    struct stat st;
    if (stat(s->root, &st) < 0)
        return err_set(err, errno, "rootfs '%s'", s->root);
    /* Already in the container's range (chowned beforehand): no id map. */
    bool idmapped = !map_has_host(s->uidmap, s->n_uidmap, st.st_uid);
    char p[64];
    ctr_fmt(p, sizeof(p), "/proc/%d/ns/user", (int)pid);
    cleanup_close int userns = idmapped ? open(p, O_RDONLY | O_CLOEXEC) : -1;
    if (idmapped && userns < 0)
        return err_set(err, errno, "open the container's user namespace");
    cleanup_close int lower = clone_root(s->root, userns, s->inplace, err);
    if (lower < 0)
        return -1;
    if (s->inplace)
        return steal_fd(&lower);
    if (upper_own(s, &st, idmapped, def_dir, err) < 0)
        return -1;
    /* BERTH_TEST_OVERLAY_ATTACHED=1: the tests take the older kernels' way on any kernel. */
    const char *t = getenv("BERTH_TEST_OVERLAY_ATTACHED");
    if (t && strcmp(t, "1") == 0)
        return overlay_attached(lower, def_dir, err);
    cleanup_err struct err *e = NULL;
    int m = overlay_mount(lower, NULL, def_dir, &e);
    if (m >= 0 || e->code != EINVAL) {
        if (m < 0)
            *err = steal_pointer(&e);
        return m;
    }
    return overlay_attached(lower, def_dir, err); /* a kernel before 6.15 */
}

int
ctr_bind_mapped(const struct ctr_mount *m, pid_t pid, char *why, size_t len, struct err **err)
{
    char p[64];
    why[0] = '\0';
    ctr_fmt(p, sizeof(p), "/proc/%d/ns/user", (int)pid);
    cleanup_close int userns = open(p, O_RDONLY | O_CLOEXEC);
    if (userns < 0)
        return err_set(err, errno, "open the container's user namespace");
    unsigned rec = m->recursive ? AT_RECURSIVE : 0;
    cleanup_close int fd =
        open_tree(AT_FDCWD, m->source, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
    if (fd < 0)
        return err_set(err, errno, "bind mount source '%s'", m->source);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
    if (mount_setattr(fd, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) == 0)
        return steal_fd(&fd);
    int e = errno;
    if (e != EINVAL && e != ENOSYS && e != EOPNOTSUPP)
        return err_set(err, e, "id-mapped mount of volume '%s'", m->source);
    /* This file system (or kernel) has no id-mapped mounts: the clone as it is (the init may not
     * be able to walk to the source itself). */
    struct statfs sfs;
    struct utsname u;
    if (e == EINVAL && statfs(m->source, &sfs) == 0 && uname(&u) == 0)
        ctr_fmt(why, len, "file system type 0x%lx on Linux %s has no id-mapped mounts",
                (unsigned long)sfs.f_type, u.release);
    else
        ctr_fmt(why, len, "this kernel has no id-mapped mounts (%s)", strerror(e));
    return steal_fd(&fd);
}
