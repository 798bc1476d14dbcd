/* SPDX-License-Identifier: MIT */
/* cgroup v2 backend: the unified hierarchy at <root>/. */
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

static void
group_dir(char *buf, const char *base, const char *path)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s", base, path);
}

int
ctr_cg_v2_group_create(const char *base, const char *path, struct err **err)
{
    char d[PATH_MAX];
    group_dir(d, base, path);
    return fileio_mkdir_p(d, 0755, err);
}

int
ctr_cg_v2_group_attach(const char *base, const char *path, pid_t pid, struct err **err)
{
    char d[PATH_MAX], v[32];
    group_dir(d, base, path);
    ctr_fmt(v, sizeof(v), "%d", (int)pid);
    return ctr_cg_write(d, "cgroup.procs", v, err);
}

int
ctr_cg_v2_group_destroy(const char *base, const char *path, struct err **err)
{
    char d[PATH_MAX];
    group_dir(d, base, path);
    if (ctr_cg_write(d, "cgroup.kill", "1", NULL) < 0)
        ctr_cg_kill_procs(d, SIGKILL);
    return ctr_cg_rmdir(d, err);
}

/* Enable the controllers berth uses in every ancestor of path (those the kernel offers). */
static void
v2_enable_controllers(const char *path)
{
    static const char *const ctls[] = {"+cpu", "+memory", "+pids", "+io"};
    char d[PATH_MAX], rel[PATH_MAX];
    ctr_fmt(rel, sizeof(rel), "%s", path);
    char *slash = rel;
    group_dir(d, ctr_cgroup_root(), "");
    for (;;) {
        for (size_t i = 0; i < ARRAY_SIZE(ctls); i++)
            ctr_cg_write(d, "cgroup.subtree_control", ctls[i], NULL);
        slash = strchr(slash, '/');
        if (!slash)
            break;
        *slash = 0;
        group_dir(d, ctr_cgroup_root(), rel);
        *slash++ = '/';
    }
}

static int
v2_create(const char *path, const struct ctr_limits *lim, struct err **err)
{
    char d[PATH_MAX], v[64];
    if (ctr_cg_v2_group_create(ctr_cgroup_root(), path, err) < 0)
        return -1;
    v2_enable_controllers(path);
    group_dir(d, ctr_cgroup_root(), path);
    if (lim->mem > 0) {
        ctr_fmt(v, sizeof(v), "%" PRId64, lim->mem);
        if (ctr_cg_write(d, "memory.max", v, err) < 0)
            goto fail;
        ctr_cg_write(d, "memory.swap.max", "0", NULL);
    }
    if (lim->quota > 0) {
        ctr_fmt(v, sizeof(v), "%" PRId64 " %" PRIu64, lim->quota, lim->period);
        if (ctr_cg_write(d, "cpu.max", v, err) < 0)
            goto fail;
    }
    if (lim->pids > 0) {
        ctr_fmt(v, sizeof(v), "%" PRId64, lim->pids);
        if (ctr_cg_write(d, "pids.max", v, err) < 0)
            goto fail;
    }
    return 0;
fail:
    rmdir(d);
    return -1;
}

static int
v2_attach(const char *path, pid_t pid, struct err **err)
{
    return ctr_cg_v2_group_attach(ctr_cgroup_root(), path, pid, err);
}

static int
v2_clone_dir(const char *path)
{
    char d[PATH_MAX];
    group_dir(d, ctr_cgroup_root(), path);
    return open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static int
v2_freeze(const char *path, bool frozen, struct err **err)
{
    char d[PATH_MAX], p[PATH_MAX], buf[512];
    group_dir(d, ctr_cgroup_root(), path);
    if (ctr_cg_write(d, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    ctr_fmt(p, sizeof(p), "%s/cgroup.events", d);
    cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
    for (int i = 0; fd >= 0 && i < 500; i++) {
        if (ctr_pread1(fd, buf, sizeof(buf)) > 0 &&
            ctr_cg_key_u64(buf, "frozen") == (frozen ? 1u : 0u))
            return 0;
        nanosleep(&(struct timespec){0, 2 * 1000 * 1000}, NULL);
    }
    return err_set(err, 0, "cgroup '%s' did not become %s", d, frozen ? "frozen" : "thawed");
}

static uint64_t
v2_oom_kills(const char *path)
{
    char d[PATH_MAX], buf[1024];
    group_dir(d, ctr_cgroup_root(), path);
    strcat(d, "/memory.events");
    cleanup_close int fd = open(d, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ctr_pread1(fd, buf, sizeof(buf)) <= 0)
        return 0;
    uint64_t v = ctr_cg_key_u64(buf, "oom_kill");
    return v == INST_UNKNOWN ? 0 : v;
}

static void
v2_kill_all(const char *path, int sig)
{
    char d[PATH_MAX];
    group_dir(d, ctr_cgroup_root(), path);
    ctr_cg_kill_procs(d, sig);
}

static int
v2_destroy(const char *path, struct err **err)
{
    char d[PATH_MAX];
    group_dir(d, ctr_cgroup_root(), path);
    ctr_cg_write(d, "cgroup.freeze", "0", NULL);
    return ctr_cg_v2_group_destroy(ctr_cgroup_root(), path, err);
}

static int
open_stat(const char *path, const char *file)
{
    char d[PATH_MAX];
    ctr_fmt(d, sizeof(d), "%s/%s/%s", ctr_cgroup_root(), path, file);
    return open(d, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* O_NONBLOCK: see cgroup/rdbatch.h */
}

static void
v2_stats_open(const char *path, struct ctr_cgfds *f)
{
    ctr_cgfds_init(f);
    f->cpu = open_stat(path, "cpu.stat");
    f->mem = open_stat(path, "memory.current");
    f->mem_limit = open_stat(path, "memory.max");
    f->pids = open_stat(path, "pids.current");
    f->io = open_stat(path, "io.stat");
}

static void
v2_stats_parse(const struct ctr_cgtext *t, struct ctr_cgstats *o)
{
    uint64_t us = t->cpu ? ctr_cg_key_u64(t->cpu, "usage_usec") : INST_UNKNOWN;
    o->cpu_ns = us == INST_UNKNOWN ? us : us * 1000;
    o->mem = ctr_cg_text_u64(t->mem);
    o->mem_limit = ctr_cg_text_u64(t->mem_limit);
    o->pids = ctr_cg_text_u64(t->pids);
    o->rd = o->wr = INST_UNKNOWN;
    if (t->io)
        ctr_cg_parse_io_v2(t->io, &o->rd, &o->wr);
}

static void
v2_stats_read(const struct ctr_cgfds *f, struct ctr_cgstats *o)
{
    ctr_cg_stats_read(f, o, v2_stats_parse);
}

const struct cgroup_ops ctr_cgroup_v2_ops = {
    .name = "v2",
    .create = v2_create,
    .attach = v2_attach,
    .clone_dir = v2_clone_dir,
    .freeze = v2_freeze,
    .oom_kills = v2_oom_kills,
    .kill_all = v2_kill_all,
    .destroy = v2_destroy,
    .stats_open = v2_stats_open,
    .stats_read = v2_stats_read,
    .stats_parse = v2_stats_parse,
};
