/* SPDX-License-Identifier: MIT */
/* Hybrid backend: v1 controllers do the work; a controller-less group in the v2 mount at
 * <root>/unified tracks the processes there too (as systemd does). */
#include "ctr/cgroup/cgroup.h"

#include <limits.h>
#include <stdio.h>

#include "ctr/cgroup/backends.h"
#include "ctr/store/store.h"

static void
unified_base(char *buf)
{
    ctr_fmt(buf, PATH_MAX, "%s/unified", ctr_cgroup_root());
}

static int
hy_create(const char *path, const struct ctr_limits *lim, struct err **err)
{
    char base[PATH_MAX];
    if (ctr_cg_v1_create(path, lim, err) < 0)
        return -1;
    unified_base(base);
    if (ctr_cg_v2_group_create(base, path, err) < 0) {
        ctr_cg_v1_destroy(path, NULL);
        return -1;
    }
    return 0;
}

static int
hy_attach(const char *path, pid_t pid, struct err **err)
{
    char base[PATH_MAX];
    if (ctr_cg_v1_attach(path, pid, err) < 0)
        return -1;
    unified_base(base);
    return ctr_cg_v2_group_attach(base, path, pid, err);
}

static int
hy_destroy(const char *path, struct err **err)
{
    char base[PATH_MAX];
    int rc = ctr_cg_v1_destroy(path, err);
    unified_base(base);
    if (ctr_cg_v2_group_destroy(base, path, rc < 0 ? NULL : err) < 0)
        rc = -1;
    return rc;
}

const struct cgroup_ops ctr_cgroup_hybrid_ops = {
    .name = "hybrid",
    .create = hy_create,
    .attach = hy_attach,
    .freeze = ctr_cg_v1_freeze,
    .oom_kills = ctr_cg_v1_oom_kills,
    .kill_all = ctr_cg_v1_kill_all,
    .destroy = hy_destroy,
    .stats_open = ctr_cg_v1_stats_open,
    .stats_read = ctr_cg_v1_stats_read,
    .stats_parse = ctr_cg_v1_stats_parse,
};
