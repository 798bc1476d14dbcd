/* SPDX-License-Identifier: MIT */
/*
 * What the init applies of config.json beyond berth's own options, for OCI bundles: namespaces
 * joined by path, linux.devices, linux.sysctl, process.rlimits, process.oomScoreAdj. Read from
 * the spec's JSON (checked by store/spec_parse.c); runs in the init, before execve.
 */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"

static const struct {
    const char *type;
    int flag;
} join_types[] = {
    {"network", CLONE_NEWNET},
    {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},
    {"cgroup", CLONE_NEWCGROUP},
};

const char *
ctr_oci_ns_path(const struct ctr_spec *s, const char *type)
{
    json_object *a = jsonx_get_array(jsonx_get_obj(s->json, "linux"), "namespaces");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *ns = json_object_array_get_idx(a, i);
        const char *t, *path;
        if (jsonx_get_str(ns, "type", &t) && strcmp(t, type) == 0 &&
            jsonx_get_str(ns, "path", &path))
            return path;
    }
    return NULL;
}

/* A mount namespace by path, entered first: the root is then set up in it, as runc and crun do
 * (the monitor cloned the init without a mount namespace of its own; run_dir is absolute). */
int
ctr_init_oci_join_mount(const struct ctr_spec *s, struct err **err)
{
    const char *path = ctr_oci_ns_path(s, "mount");
    if (!path)
        return 0;
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat want, own;
    if (fd < 0 || fstat(fd, &want) < 0)
        return err_set(err, errno, "join mount namespace '%s'", path);
    /* pivot_root there would move every process of the host onto the container's root. */
    if (stat("/proc/self/ns/mnt", &own) == 0 && own.st_ino == want.st_ino &&
        own.st_dev == want.st_dev)
        return err_set(err, 0,
                       "mount namespace '%s' is the runtime's own: leave the mount entry out of "
                       "linux.namespaces to stay in it",
                       path);
    if (setns(fd, CLONE_NEWNS) < 0)
        return err_set(err, errno, "join mount namespace '%s'", path);
    return 0;
}

int
ctr_init_oci_join(const struct ctr_spec *s, struct err **err)
{
    json_object *a = jsonx_get_array(jsonx_get_obj(s->json, "linux"), "namespaces");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *ns = json_object_array_get_idx(a, i);
        const char *type = "", *path;
        if (!jsonx_get_str(ns, "path", &path))
            continue;
        jsonx_get_str(ns, "type", &type);
        for (size_t k = 0; k < ARRAY_SIZE(join_types); k++) {
            if (strcmp(type, join_types[k].type) != 0)
                continue;
            cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, join_types[k].flag) < 0)
                return err_set(err, errno, "join %s namespace '%s'", type, path);
        }
    }
    return 0;
}

static int
device_make(json_object *d, size_t i, struct err **err)
{
    const char *path, *type;
    int64_t major = 0, minor = 0, mode = 0666, uid = -1, gid = -1;
    if (!jsonx_get_str(d, "path", &path) || !jsonx_get_str(d, "type", &type))
        return err_set(err, 0, "config.json: linux.devices[%zu]: path and type are required", i);
    jsonx_get_int64(d, "major", &major);
    jsonx_get_int64(d, "minor", &minor);
    jsonx_get_int64(d, "fileMode", &mode);
    jsonx_get_int64(d, "uid", &uid);
    jsonx_get_int64(d, "gid", &gid);
    mode_t kind = type[0] == 'b' ? S_IFBLK : type[0] == 'p' ? S_IFIFO : S_IFCHR;
    char dir[PATH_MAX];
    ctr_fmt(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        fileio_mkdir_p(dir, 0755, NULL);
    }
    unlink(path);
    if (mknod(path, kind | ((mode_t)mode & 07777), makedev(major, minor)) < 0)
        return err_set(err, errno, "mknod '%s'", path);
    if (chmod(path, (mode_t)mode & 07777) < 0 ||
        ((uid >= 0 || gid >= 0) && chown(path, (uid_t)uid, (gid_t)gid) < 0))
        return err_set(err, errno, "device '%s'", path);
    return 0;
}

static int
sysctl_write(const char *key, const char *val, struct err **err)
{
    char p[PATH_MAX];
    int n = ctr_fmt(p, sizeof(p), "/proc/sys/");
    for (const char *k = key; *k && n < (int)sizeof(p) - 1; k++)
        p[n++] = *k == '.' ? '/' : *k;
    p[n] = 0;
    if (strstr(key, ".."))
        return err_set(err, 0, "config.json: linux.sysctl: invalid key '%s'", key);
    cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || fileio_write_full(fd, val, strlen(val)) < 0)
        return err_set(err, errno, "sysctl %s=%s", key, val);
    return 0;
}

static int
rootfs_propagation(json_object *lin, struct err **err)
{
    static const struct {
        const char *name;
        unsigned long flag;
    } props[] = {{"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE},
                 {"slave", MS_SLAVE},           {"rslave", MS_SLAVE},
                 {"shared", MS_SHARED},         {"rshared", MS_SHARED},
                 {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE}};
    const char *v;
    if (!jsonx_get_str(lin, "rootfsPropagation", &v))
        return 0;
    for (size_t k = 0; k < ARRAY_SIZE(props); k++) {
        if (strcmp(v, props[k].name) != 0)
            continue;
        if (mount(NULL, "/", NULL, MS_REC | props[k].flag, NULL) < 0)
            return err_set(err, errno, "linux.rootfsPropagation '%s'", v);
        return 0;
    }
    return err_set(err, 0, "config.json: linux.rootfsPropagation: unknown value '%s'", v);
}

int
ctr_init_oci_rootfs(const struct ctr_spec *s, struct err **err)
{
    json_object *lin = jsonx_get_obj(s->json, "linux");
    if (rootfs_propagation(lin, err) < 0)
        return -1;
    json_object *devs = jsonx_get_array(lin, "devices");
    for (size_t i = 0; devs && i < json_object_array_length(devs); i++) {
        if (device_make(json_object_array_get_idx(devs, i), i, err) < 0)
            return -1;
    }
    json_object *sysctl = jsonx_get_obj(lin, "sysctl");
    if (!sysctl)
        return 0;
    json_object_object_foreach(sysctl, k, v)
    {
        if (sysctl_write(k, json_object_get_string(v), err) < 0)
            return -1;
    }
    return 0;
}

int
ctr_init_oci_process(const struct ctr_spec *s, struct err **err)
{
    json_object *proc = jsonx_get_obj(s->json, "process");
    json_object *a = jsonx_get_array(proc, "rlimits");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *r = json_object_array_get_idx(a, i);
        const char *type = "";
        jsonx_get_str(r, "type", &type);
        uint64_t soft = json_object_get_uint64(json_object_object_get(r, "soft"));
        uint64_t hard = json_object_get_uint64(json_object_object_get(r, "hard"));
        int res = ctr_rlimit_parse(type);
        struct rlimit rl = {(rlim_t)soft, (rlim_t)hard};
        if (res < 0 || setrlimit(res, &rl) < 0)
            return err_set(err, res < 0 ? 0 : errno, "process.rlimits[%zu]: set %s", i, type);
    }
    int64_t adj;
    if (jsonx_get_int64(proc, "oomScoreAdj", &adj)) {
        char v[32];
        int n = ctr_fmt(v, sizeof(v), "%lld", (long long)adj);
        cleanup_close int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, v, (size_t)n) != n)
            return err_set(err, errno, "process.oomScoreAdj %lld", (long long)adj);
    }
    return 0;
}
