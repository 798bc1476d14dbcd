/* SPDX-License-Identifier: MIT */
/*
 * The cgroup manager of a rootless container when the machine gives the user no cgroup of its
 * own (no delegated cgroup v2 subtree): the container runs without one, and everything that
 * would need it -- memory, CPU and pids limits, pause/resume, usage figures -- is reported as
 * unavailable, never faked.
 */
#include "ctr/cgroup/cgroup.h"

#include <errno.h>
#include <unistd.h>

#include "common/model.h"

static int
none_create(const char *path, const struct ctr_limits *lim, struct err **err)
{
    (void)path;
    const char *what = lim->mem >= 0     ? "--memory"
                       : lim->quota >= 0 ? "--cpus"
                       : lim->pids >= 0  ? "--pids"
                                         : NULL;
    if (what)
        return err_set(err, 0,
                       "%s is unavailable: limits need a cgroup, and this machine delegates "
                       "none to uid %u (run as root, or drop the limit)",
                       what, (unsigned)geteuid());
    return 0;
}

static int
none_attach(const char *path, pid_t pid, struct err **err)
{
    (void)path;
    (void)pid;
    (void)err;
    return 0;
}

static int
none_freeze(const char *path, bool frozen, struct err **err)
{
    (void)path;
    return err_set(err, 0,
                   "%s is unavailable: it needs the cgroup freezer, and this machine "
                   "delegates no cgroup to uid %u",
                   frozen ? "pause" : "resume", (unsigned)geteuid());
}

static uint64_t
none_oom_kills(const char *path)
{
    (void)path;
    return 0;
}

static void
none_kill_all(const char *path, int sig)
{
    (void)path;
    (void)sig; /* the pid namespace ends with its init: nothing survives it */
}

static int
none_destroy(const char *path, struct err **err)
{
    (void)path;
    (void)err;
    return 0;
}

static void
none_stats_open(const char *path, struct ctr_cgfds *fds)
{
    (void)path;
    ctr_cgfds_init(fds);
}

static void
none_stats_read(const struct ctr_cgfds *fds, struct ctr_cgstats *out)
{
    (void)fds;
    *out = (struct ctr_cgstats){INST_UNKNOWN, INST_UNKNOWN, INST_UNKNOWN,
                                INST_UNKNOWN, INST_UNKNOWN, INST_UNKNOWN};
}

const struct cgroup_ops ctr_cgroup_none_ops = {
    .name = "none",
    .create = none_create,
    .attach = none_attach,
    .freeze = none_freeze,
    .oom_kills = none_oom_kills,
    .kill_all = none_kill_all,
    .destroy = none_destroy,
    .stats_open = none_stats_open,
    .stats_read = none_stats_read,
};
