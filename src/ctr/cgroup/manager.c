/* SPDX-License-Identifier: MIT */
/* The cgroup manager's registry: picks the backend for this host (v2, v1, hybrid) or by name. */
#include "ctr/cgroup/cgroup.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/store/store.h"

static bool
exists_in_root(const char *rel)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/%s", ctr_cgroup_root(), rel);
    return access(p, F_OK) == 0;
}

const struct cgroup_ops *
ctr_cgroup_detect(struct err **err)
{
    if (exists_in_root("cgroup.controllers"))
        return &ctr_cgroup_v2_ops;
    bool v1 = exists_in_root("memory/cgroup.procs") || exists_in_root("pids/cgroup.procs") ||
              exists_in_root("cpu/cgroup.procs");
    if (v1 && exists_in_root("unified/cgroup.controllers"))
        return &ctr_cgroup_hybrid_ops;
    if (v1)
        return &ctr_cgroup_v1_ops;
    err_set(err, 0, "no usable cgroup file system under '%s'", ctr_cgroup_root());
    return NULL;
}

const struct cgroup_ops *
ctr_cgroup_by_name(const char *name)
{
    const struct cgroup_ops *all[] = {&ctr_cgroup_v2_ops, &ctr_cgroup_v1_ops,
                                      &ctr_cgroup_hybrid_ops, &ctr_cgroup_none_ops};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        if (strcmp(all[i]->name, name) == 0)
            return all[i];
    }
    return NULL;
}
