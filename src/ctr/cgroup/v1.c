/* SPDX-License-Identifier: MIT */
/* cgroup v1 backend: one hierarchy per controller under <root>/<controller>/. */
#include "ctr/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/model.h"
#include "ctr/cgroup/backends.h"
#include "ctr/store/store.h"

static const char *const controllers[] = {"memory", "cpu", "cpuacct", "pids", "freezer", "blkio"};

static void
ctl_dir(char *buf, const char *ctl, const char *path)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s/%s", ctr_cgroup_root(), ctl, path);
}

static bool
has_ctl(const char *ctl)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/%s/cgroup.procs", ctr_cgroup_root(), ctl);
    return access(p, F_OK) == 0;
}

static int
v1_limits(const char *path, const struct ctr_limits *lim, struct err **err)
{
    char d[PATH_MAX], v[32];
    if (lim->mem > 0) {
        if (!has_ctl("memory"))
            return err_set(err, 0, "a memory limit needs the cgroup memory controller");
        ctl_dir(d, "memory", path);
        ctr_fmt(v, sizeof(v), "%" PRId64, lim->mem);
        if (ctr_cg_write(d, "memory.limit_in_bytes", v, err) < 0)
            return -1;
        ctr_cg_write(d, "memory.memsw.limit_in_bytes", v, NULL); /* absent without swap */
    }
    if (lim->quota > 0) {
        if (!has_ctl("cpu"))
            return err_set(err, 0, "a CPU limit needs the cgroup cpu controller");
        ctl_dir(d, "cpu", path);
        ctr_fmt(v, sizeof(v), "%" PRIu64, lim->period);
        if (ctr_cg_write(d, "cpu.cfs_period_us", v, err) < 0)
            return -1;
        ctr_fmt(v, sizeof(v), "%" PRId64, lim->quota);
        if (ctr_cg_write(d, "cpu.cfs_quota_us", v, err) < 0)
            return -1;
    }
    if (lim->pids > 0) {
        if (!has_ctl("pids"))
            return err_set(err, 0, "a pids limit needs the cgroup pids controller");
        ctl_dir(d, "pids", path);
        ctr_fmt(v, sizeof(v), "%" PRId64, lim->pids);
        if (ctr_cg_write(d, "pids.max", v, err) < 0)
            return -1;
    }
    return 0;
}

int
ctr_cg_v1_create(const char *path, const struct ctr_limits *lim, struct err **err)
{
    char d[PATH_MAX];
    for (size_t i = 0; i < ARRAY_SIZE(controllers); i++) {
        if (!has_ctl(controllers[i]))
            continue;
        ctl_dir(d, controllers[i], path);
        if (fileio_mkdir_p(d, 0755, err) < 0)
            return -1;
    }
    if (v1_limits(path, lim, err) < 0) {
        ctr_cg_v1_destroy(path, NULL);
        return -1;
    }
    return 0;
}

int
ctr_cg_v1_attach(const char *path, pid_t pid, struct err **err)
{
    char d[PATH_MAX], v[32];
    ctr_fmt(v, sizeof(v), "%d", (int)pid);
    for (size_t i = 0; i < ARRAY_SIZE(controllers); i++) {
        if (!has_ctl(controllers[i]))
            continue;
        ctl_dir(d, controllers[i], path);
        if (ctr_cg_write(d, "cgroup.procs", v, err) < 0)
            return -1;
    }
    return 0;
}

int
ctr_cg_v1_freeze(const char *path, bool frozen, struct err **err)
{
    char d[PATH_MAX], buf[32];
    if (!has_ctl("freezer"))
        return err_set(err, 0, "pause needs the cgroup freezer controller");
    ctl_dir(d, "freezer", path);
    if (ctr_cg_write(d, "freezer.state", frozen ? "FROZEN" : "THAWED", err) < 0)
        return -1;
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/freezer.state", d);
    cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
    for (int i = 0; fd >= 0 && i < 500; i++) {
        if (ctr_pread1(fd, buf, sizeof(buf)) > 0 &&
            strncmp(buf, frozen ? "FROZEN" : "THAWED", 6) == 0)
            return 0;
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    }
    return err_set(err, 0, "cgroup '%s' did not become %s", d, frozen ? "frozen" : "thawed");
}

uint64_t
ctr_cg_v1_oom_kills(const char *path)
{
    char d[PATH_MAX], buf[512];
    ctl_dir(d, "memory", path);
    strcat(d, "/memory.oom_control");
    cleanup_close int fd = open(d, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ctr_pread1(fd, buf, sizeof(buf)) <= 0)
        return 0;
    uint64_t v = ctr_cg_key_u64(buf, "oom_kill");
    return v == INST_UNKNOWN ? 0 : v;
}

void
ctr_cg_v1_kill_all(const char *path, int sig)
{
    char d[PATH_MAX];
    ctl_dir(d, has_ctl("pids") ? "pids" : "memory", path);
    ctr_cg_kill_procs(d, sig);
}

int
ctr_cg_v1_destroy(const char *path, struct err **err)
{
    char d[PATH_MAX];
    if (has_ctl("freezer")) {
        ctl_dir(d, "freezer", path);
        ctr_cg_kill_procs(d, SIGKILL);
        ctr_cg_write(d, "freezer.state", "THAWED", NULL);
    }
    int rc = 0;
    for (size_t i = 0; i < ARRAY_SIZE(controllers); i++) {
        if (!has_ctl(controllers[i]))
            continue;
        ctl_dir(d, controllers[i], path);
        if (ctr_cg_rmdir(d, err) < 0)
            rc = -1;
    }
    return rc;
}

static int
open_stat(const char *ctl, const char *path, const char *file)
{
    char d[PATH_MAX];
    ctl_dir(d, ctl, path);
    size_t n = strlen(d);
    ctr_fmt(d + n, sizeof(d) - n, "/%s", file);
    return open(d, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* O_NONBLOCK: see cgroup/rdbatch.h */
}

void
ctr_cg_v1_stats_open(const char *path, struct ctr_cgfds *f)
{
    ctr_cgfds_init(f);
    f->cpu = open_stat("cpuacct", path, "cpuacct.usage");
    f->mem = open_stat("memory", path, "memory.usage_in_bytes");
    f->mem_limit = open_stat("memory", path, "memory.limit_in_bytes");
    f->pids = open_stat("pids", path, "pids.current");
    f->io = open_stat("blkio", path, "blkio.throttle.io_service_bytes");
}

void
ctr_cg_v1_stats_parse(const struct ctr_cgtext *t, struct ctr_cgstats *o)
{
    o->cpu_ns = ctr_cg_text_u64(t->cpu);
    o->mem = ctr_cg_text_u64(t->mem);
    o->mem_limit = ctr_cg_text_u64(t->mem_limit);
    if (o->mem_limit != INST_UNKNOWN && o->mem_limit >= (1ULL << 62))
        o->mem_limit = INST_UNKNOWN; /* "unlimited" */
    o->pids = ctr_cg_text_u64(t->pids);
    o->rd = o->wr = INST_UNKNOWN;
    if (t->io)
        ctr_cg_parse_blkio_v1(t->io, &o->rd, &o->wr);
}

void
ctr_cg_v1_stats_read(const struct ctr_cgfds *f, struct ctr_cgstats *o)
{
    ctr_cg_stats_read(f, o, ctr_cg_v1_stats_parse);
}

const struct cgroup_ops ctr_cgroup_v1_ops = {
    .name = "v1",
    .create = ctr_cg_v1_create,
    .attach = ctr_cg_v1_attach,
    .freeze = ctr_cg_v1_freeze,
    .oom_kills = ctr_cg_v1_oom_kills,
    .kill_all = ctr_cg_v1_kill_all,
    .destroy = ctr_cg_v1_destroy,
    .stats_open = ctr_cg_v1_stats_open,
    .stats_read = ctr_cg_v1_stats_read,
    .stats_parse = ctr_cg_v1_stats_parse,
};
