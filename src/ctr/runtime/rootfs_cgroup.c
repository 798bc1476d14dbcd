/* SPDX-License-Identifier: MIT */
/*
 * The container's view of its cgroups at /sys/fs/cgroup, read-only and limited to its own
 * cgroup (as runc and crun give it), never the host's tree: there container root could freeze
 * another container, change its limits or move itself into the root cgroup.
 *
 *   - v2: cgroup2 at /sys/fs/cgroup;
 *   - v1 and hybrid: a tmpfs with one directory per hierarchy of /proc/self/cgroup, named as
 *     the host names them (cpu,cpuacct with symlinks cpu and cpuacct; name=systemd as systemd),
 *     and cgroup2 at unified when the host has it there; the tmpfs then made read-only.
 *
 * With a cgroup namespace (the default) each is a fresh cgroup file system, mounted inside the
 * namespace, so its root is the container's own cgroup. Without one (an OCI bundle that asks for
 * none) a fresh mount would show the host's whole tree (and a cgroup2 mount from the host's
 * namespace resets the host's mount options), so each is a bind of the container's own
 * directory in the host's hierarchy. Every mount is read-only, nosuid, nodev, noexec.
 */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "ctr/cgroup/cgroup.h"

#define CG_ATTRS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* One line of /proc/self/cgroup: "ID:CONTROLLERS:PATH" (ID 0, no controllers: cgroup2). */
struct cg_hier {
    bool v2;
    const char *ctls; /* "cpu,cpuacct", "name=systemd"; "" for v2 */
    const char *path; /* the init's cgroup in it ("/" inside its cgroup namespace) */
    char dir[NAME_MAX + 1];
};

/* A fresh cgroup file system of hierarchy h, as a detached read-only mount. */
static int
cg_fresh(const struct cg_hier *h, struct err **err)
{
    cleanup_close int fs = fsopen(h->v2 ? "cgroup2" : "cgroup", FSOPEN_CLOEXEC);
    if (fs < 0)
        return err_set(err, errno, "cgroup view: fsopen %s", h->v2 ? "cgroup2" : "cgroup");
    char buf[256];
    ctr_fmt(buf, sizeof(buf), "%s", h->ctls);
    char *save = NULL;
    for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        int rc = strncmp(c, "name=", 5) == 0 ? fsconfig(fs, FSCONFIG_SET_STRING, "name", c + 5, 0)
                                             : fsconfig(fs, FSCONFIG_SET_FLAG, c, NULL, 0);
        if (rc < 0)
            return err_set(err, errno, "cgroup view: controller '%s'", c);
    }
    if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return err_set(err, errno, "cgroup view: mount the %s hierarchy",
                       h->v2 ? "cgroup2" : h->ctls);
    int m = fsmount(fs, FSMOUNT_CLOEXEC, CG_ATTRS);
    if (m < 0)
        return err_set(err, errno, "cgroup view: fsmount %s", h->v2 ? "cgroup2" : h->ctls);
    return m;
}

/* No cgroup namespace: a read-only bind of the container's own directory of the host's tree. */
static int
cg_bind(const struct cg_hier *h, bool v2_only, struct err **err)
{
    char src[PATH_MAX];
    ctr_fmt(src, sizeof(src), "%s%s%s%s", ctr_cgroup_root(), v2_only ? "" : "/",
            v2_only ? "" : h->dir, h->path);
    cleanup_close int m = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
    struct mount_attr attr = {.attr_set = CG_ATTRS};
    if (m < 0 || mount_setattr(m, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
        return err_set(err, errno, "cgroup view: bind '%s'", src);
    return steal_fd(&m);
}

static int
cg_attach(const struct cg_hier *h, bool cgroupns, bool v2_only, int tfd, struct err **err)
{
    cleanup_close int m = cgroupns ? cg_fresh(h, err) : cg_bind(h, v2_only, err);
    if (m < 0)
        return -1;
    if (move_mount(m, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return err_set(err, errno, "cgroup view: attach %s", h->v2 ? "cgroup2" : h->ctls);
    return 0;
}

/* Parse /proc/self/cgroup in place into h (at most max); returns the count. */
static size_t
cg_parse(char *text, struct cg_hier *h, size_t max)
{
    size_t n = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l && n < max; l = strtok_r(NULL, "\n", &save)) {
        char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2)
            continue;
        *c1 = *c2 = 0;
        h[n].v2 = strcmp(l, "0") == 0 && c1[1] == 0;
        h[n].ctls = c1 + 1;
        h[n].path = c2 + 1;
        const char *d = h[n].v2 ? "unified" : h[n].ctls;
        ctr_fmt(h[n].dir, sizeof(h[n].dir), "%s", strncmp(d, "name=", 5) == 0 ? d + 5 : d);
        if (!h[n].dir[0] || strchr(h[n].dir, '/') || h[n].dir[0] == '.')
            continue;
        n++;
    }
    return n;
}

/* The tmpfs of v1 and hybrid, detached: a directory per hierarchy, symlinks for co-mounted
 * controllers. */
static int
cg_tmpfs(const struct cg_hier *h, size_t n, struct err **err)
{
    cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "64k", 0) < 0 ||
        fsconfig(fs, FSCONFIG_SET_STRING, "mode", "755", 0) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return err_set(err, errno, "cgroup view: tmpfs");
    cleanup_close int m =
        fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (m < 0)
        return err_set(err, errno, "cgroup view: tmpfs");
    for (size_t i = 0; i < n; i++) {
        if (mkdirat(m, h[i].dir, 0755) < 0)
            return err_set(err, errno, "cgroup view: mkdir '%s'", h[i].dir);
        if (h[i].v2 || strncmp(h[i].ctls, "name=", 5) == 0 || !strchr(h[i].ctls, ','))
            continue;
        char buf[256];
        ctr_fmt(buf, sizeof(buf), "%s", h[i].ctls);
        char *save = NULL;
        for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
            if (strncmp(c, "name=", 5) != 0 && symlinkat(h[i].dir, m, c) < 0 && errno != EEXIST)
                return err_set(err, errno, "cgroup view: symlink '%s'", c);
        }
    }
    return steal_fd(&m);
}

int
ctr_rootfs_cgroup(int tfd, bool cgroupns, struct err **err)
{
    cleanup_free char *text = NULL;
    if (fileio_read_all("/proc/self/cgroup", 65536, &text, NULL, err) < 0)
        return -1;
    struct cg_hier h[32];
    size_t n = cg_parse(text, h, ARRAY_SIZE(h));
    if (n == 1 && h[0].v2)
        return cg_attach(&h[0], cgroupns, true, tfd, err);
    /* Hybrid: cgroup2 at unified only where the host has it. */
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/unified/cgroup.controllers", ctr_cgroup_root());
    bool unified = access(p, F_OK) == 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!h[i].v2 || unified)
            h[k++] = h[i];
    }
    n = k;
    cleanup_close int t = cg_tmpfs(h, n, err);
    if (t < 0)
        return -1;
    if (move_mount(t, "", tfd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return err_set(err, errno, "cgroup view: attach the tmpfs");
    /* t now names the attached tmpfs: mount each hierarchy on its directory there. */
    for (size_t i = 0; i < n; i++) {
        cleanup_close int d = openat(t, h[i].dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0)
            return err_set(err, errno, "cgroup view: open '%s'", h[i].dir);
        if (cg_attach(&h[i], cgroupns, false, d, err) < 0)
            return -1;
    }
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
    if (mount_setattr(t, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
        return err_set(err, errno, "cgroup view: make the tmpfs read-only");
    return 0;
}
