/* SPDX-License-Identifier: MIT */
/*
 * linux.resources of an OCI bundle beyond berth's own limits (memory, CPU quota, pids), on cgroup
 * v1 controllers (v1 and hybrid hosts): memory reservation/swap/swappiness/OOM killer, CPU shares,
 * realtime and cpuset, blkio weights and throttles, net_cls/net_prio, hugetlb, devices. Each
 * value goes to its controller's file; a file the kernel lacks for a value asked for is an error
 * naming it (kernel memory limits, gone from recent kernels, are skipped: runc does the same).
 */
#include "ctr/cgroup/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "ctr/store/store.h"

/* The controllers berth's v1 backend does not make: made here when a value needs them. */
static const char *const extra_ctl[] = {"cpuset", "devices", "net_cls", "net_prio", "hugetlb"};

static void
dir_of(char *buf, const char *ctl, const char *path)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s/%s", ctr_cgroup_root(), ctl, path);
}

/* cpuset: every level made with its parent's cpus and mems (an empty cpuset takes no task). */
static int
cpuset_make(const char *path, struct err **err)
{
    char d[PATH_MAX], parent[PATH_MAX], rel[PATH_MAX];
    ctr_fmt(rel, sizeof(rel), "%s", path);
    dir_of(parent, "cpuset", "");
    for (char *p = rel; p;) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = 0;
        dir_of(d, "cpuset", rel);
        if (mkdir(d, 0755) == 0) {
            const char *files[] = {"cpuset.cpus", "cpuset.mems"};
            for (size_t i = 0; i < 2; i++) {
                char p2[PATH_MAX];
                cleanup_free char *v = NULL;
                ctr_fmt(p2, sizeof(p2), "%s/%s", parent, files[i]);
                if (fileio_read_all(p2, 4096, &v, NULL, err) < 0 ||
                    ctr_cg_write(d, files[i], v, err) < 0)
                    return -1;
            }
        } else if (errno != EEXIST) {
            return err_set(err, errno, "mkdir '%s'", d);
        }
        ctr_fmt(parent, sizeof(parent), "%s", d);
        if (slash)
            *slash = '/';
        p = slash ? slash + 1 : NULL;
    }
    return 0;
}

static int
put(const char *ctl, const char *path, const char *file, const char *val, struct err **err)
{
    char d[PATH_MAX], p[PATH_MAX];
    /* Never a directory where no controller is mounted (that is the tmpfs above them). */
    ctr_fmt(p, sizeof(p), "%s/%s/cgroup.procs", ctr_cgroup_root(), ctl);
    if (access(p, F_OK) < 0)
        return err_set(err, 0, "linux.resources: this host has no cgroup %s controller (for %s)",
                       ctl, file);
    dir_of(d, ctl, path);
    ctr_fmt(p, sizeof(p), "%s/%s", d, file);
    if (strstr(file, "kmem.") && access(p, F_OK) < 0)
        return 0;
    if (access(d, F_OK) < 0) {
        if (strcmp(ctl, "cpuset") == 0 ? cpuset_make(path, err) < 0
                                       : fileio_mkdir_p(d, 0755, err) < 0)
            return -1;
    }
    if (ctr_cg_write(d, file, val, err) < 0)
        return err_wrap(err, "linux.resources");
    return 0;
}

static int
put_i64(const char *ctl, const char *path, json_object *o, const char *key, const char *file,
        struct err **err)
{
    json_object *v;
    char buf[32];
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return 0;
    ctr_fmt(buf, sizeof(buf), "%" PRId64, json_object_get_int64(v));
    return put(ctl, path, file, buf, err);
}

static int
put_str(const char *ctl, const char *path, json_object *o, const char *key, const char *file,
        struct err **err)
{
    const char *v;
    if (!jsonx_get_str(o, key, &v) || !v[0])
        return 0;
    return put(ctl, path, file, v, err);
}

static int
memory(const char *path, json_object *m, struct err **err)
{
    bool oom_off = false;
    if (put_i64("memory", path, m, "limit", "memory.limit_in_bytes", err) < 0 ||
        put_i64("memory", path, m, "reservation", "memory.soft_limit_in_bytes", err) < 0 ||
        put_i64("memory", path, m, "swap", "memory.memsw.limit_in_bytes", err) < 0 ||
        put_i64("memory", path, m, "kernel", "memory.kmem.limit_in_bytes", err) < 0 ||
        put_i64("memory", path, m, "kernelTCP", "memory.kmem.tcp.limit_in_bytes", err) < 0 ||
        put_i64("memory", path, m, "swappiness", "memory.swappiness", err) < 0)
        return -1;
    if (jsonx_get_bool(m, "disableOOMKiller", &oom_off) && oom_off)
        return put("memory", path, "memory.oom_control", "1", err);
    return 0;
}

static int
cpu(const char *path, json_object *c, struct err **err)
{
    return put_i64("cpu", path, c, "shares", "cpu.shares", err) < 0 ||
                   put_i64("cpu", path, c, "period", "cpu.cfs_period_us", err) < 0 ||
                   put_i64("cpu", path, c, "quota", "cpu.cfs_quota_us", err) < 0 ||
                   put_i64("cpu", path, c, "realtimePeriod", "cpu.rt_period_us", err) < 0 ||
                   put_i64("cpu", path, c, "realtimeRuntime", "cpu.rt_runtime_us", err) < 0 ||
                   put_str("cpuset", path, c, "cpus", "cpuset.cpus", err) < 0 ||
                   put_str("cpuset", path, c, "mems", "cpuset.mems", err) < 0
               ? -1
               : 0;
}

/* blockIO.<key>: [{major, minor, <field>}] -> "MAJ:MIN VALUE" lines into file. */
static int
blkio_devices(const char *path, json_object *b, const char *key, const char *field,
              const char *file, struct err **err)
{
    json_object *a = jsonx_get_array(b, key);
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *d = json_object_array_get_idx(a, i);
        int64_t maj = 0, min = 0, v = 0;
        char line[96];
        if (!jsonx_get_int64(d, "major", &maj) || !jsonx_get_int64(d, "minor", &min) ||
            !jsonx_get_int64(d, field, &v))
            continue;
        ctr_fmt(line, sizeof(line), "%" PRId64 ":%" PRId64 " %" PRId64, maj, min, v);
        if (put("blkio", path, file, line, err) < 0)
            return -1;
    }
    return 0;
}

static int
blkio(const char *path, json_object *b, struct err **err)
{
    return put_i64("blkio", path, b, "weight", "blkio.weight", err) < 0 ||
                   put_i64("blkio", path, b, "leafWeight", "blkio.leaf_weight", err) < 0 ||
                   blkio_devices(path, b, "weightDevice", "weight", "blkio.weight_device", err) <
                       0 ||
                   blkio_devices(path, b, "weightDevice", "leafWeight", "blkio.leaf_weight_device",
                                 err) < 0 ||
                   blkio_devices(path, b, "throttleReadBpsDevice", "rate",
                                 "blkio.throttle.read_bps_device", err) < 0 ||
                   blkio_devices(path, b, "throttleWriteBpsDevice", "rate",
                                 "blkio.throttle.write_bps_device", err) < 0 ||
                   blkio_devices(path, b, "throttleReadIOPSDevice", "rate",
                                 "blkio.throttle.read_iops_device", err) < 0 ||
                   blkio_devices(path, b, "throttleWriteIOPSDevice", "rate",
                                 "blkio.throttle.write_iops_device", err) < 0
               ? -1
               : 0;
}

static int
network(const char *path, json_object *n, struct err **err)
{
    if (put_i64("net_cls", path, n, "classID", "net_cls.classid", err) < 0)
        return -1;
    json_object *a = jsonx_get_array(n, "priorities");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *p = json_object_array_get_idx(a, i);
        const char *name;
        int64_t prio = 0;
        char line[128];
        if (!jsonx_get_str(p, "name", &name) || !jsonx_get_int64(p, "priority", &prio))
            continue;
        ctr_fmt(line, sizeof(line), "%s %" PRId64, name, prio);
        if (put("net_prio", path, "net_prio.ifpriomap", line, err) < 0)
            return -1;
    }
    return 0;
}

static int
hugetlb(const char *path, json_object *a, struct err **err)
{
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *h = json_object_array_get_idx(a, i);
        const char *size;
        char file[64];
        if (!jsonx_get_str(h, "pageSize", &size))
            continue;
        ctr_fmt(file, sizeof(file), "hugetlb.%s.limit_in_bytes", size);
        if (put_i64("hugetlb", path, h, "limit", file, err) < 0)
            return -1;
    }
    return 0;
}

/* devices: [{allow, type, major, minor, access}] -> devices.allow / devices.deny, in order. */
static int
devices(const char *path, json_object *a, struct err **err)
{
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *d = json_object_array_get_idx(a, i);
        bool allow = false;
        const char *type = "a", *access = "rwm";
        int64_t maj = -1, min = -1;
        char rule[64], smaj[24], smin[24];
        jsonx_get_bool(d, "allow", &allow);
        jsonx_get_str(d, "type", &type);
        jsonx_get_str(d, "access", &access);
        jsonx_get_int64(d, "major", &maj);
        jsonx_get_int64(d, "minor", &min);
        ctr_fmt(smaj, sizeof(smaj), maj < 0 ? "*" : "%" PRId64, maj);
        ctr_fmt(smin, sizeof(smin), min < 0 ? "*" : "%" PRId64, min);
        if (strcmp(type, "a") == 0)
            ctr_fmt(rule, sizeof(rule), "a");
        else
            ctr_fmt(rule, sizeof(rule), "%s %s:%s %s", type, smaj, smin, access);
        if (put("devices", path, allow ? "devices.allow" : "devices.deny", rule, err) < 0)
            return -1;
    }
    return 0;
}

/* After the bundle's rules, what every container needs (runc's default list: null, zero, full,
 * random, urandom, tty, console, ptmx, the pts) and the devices linux.devices makes. */
static int
devices_default(const char *path, json_object *made, struct err **err)
{
    static const char *const always[] = {"c 1:3 rwm",   "c 1:5 rwm",   "c 1:7 rwm", "c 1:8 rwm",
                                         "c 1:9 rwm",   "c 5:0 rwm",   "c 5:1 rwm", "c 5:2 rwm",
                                         "c 136:* rwm", "c 10:200 rwm"};
    char d[PATH_MAX];
    dir_of(d, "devices", path);
    if (access(d, F_OK) < 0)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(always); i++) {
        if (put("devices", path, "devices.allow", always[i], err) < 0)
            return -1;
    }
    for (size_t i = 0; made && i < json_object_array_length(made); i++) {
        json_object *dev = json_object_array_get_idx(made, i);
        const char *type = "c";
        int64_t maj = 0, min = 0;
        char rule[64];
        jsonx_get_str(dev, "type", &type);
        jsonx_get_int64(dev, "major", &maj);
        jsonx_get_int64(dev, "minor", &min);
        ctr_fmt(rule, sizeof(rule), "%s %" PRId64 ":%" PRId64 " rwm", type, maj, min);
        if (type[0] != 'p' && put("devices", path, "devices.allow", rule, err) < 0)
            return -1;
    }
    return 0;
}

int
ctr_cgroup_oci_apply(const char *path, json_object *lin, pid_t pid, struct err **err)
{
    json_object *res = jsonx_get_obj(lin, "resources");
    if (!res || ctr_cgroup_detect(NULL) == &ctr_cgroup_v2_ops)
        return 0;
    if (memory(path, jsonx_get_obj(res, "memory"), err) < 0 ||
        cpu(path, jsonx_get_obj(res, "cpu"), err) < 0 ||
        put_i64("pids", path, jsonx_get_obj(res, "pids"), "limit", "pids.max", err) < 0 ||
        blkio(path, jsonx_get_obj(res, "blockIO"), err) < 0 ||
        network(path, jsonx_get_obj(res, "network"), err) < 0 ||
        hugetlb(path, jsonx_get_array(res, "hugepageLimits"), err) < 0 ||
        devices(path, jsonx_get_array(res, "devices"), err) < 0 ||
        devices_default(path, jsonx_get_array(lin, "devices"), err) < 0)
        return -1;
    char d[PATH_MAX], v[32];
    ctr_fmt(v, sizeof(v), "%d", (int)pid);
    for (size_t i = 0; i < ARRAY_SIZE(extra_ctl); i++) {
        dir_of(d, extra_ctl[i], path);
        if (access(d, F_OK) == 0 && ctr_cg_write(d, "cgroup.procs", v, err) < 0)
            return -1;
    }
    return 0;
}

void
ctr_cgroup_oci_destroy(const char *path)
{
    char d[PATH_MAX];
    for (size_t i = 0; i < ARRAY_SIZE(extra_ctl); i++) {
        dir_of(d, extra_ctl[i], path);
        if (access(d, F_OK) == 0)
            ctr_cg_rmdir(d, NULL);
    }
}
