/* SPDX-License-Identifier: MIT */
/* The cgroups of a container name that no state tells of (an orphan: its runtime state lost, or
 * its definition removed while it ran): finding their processes in any hierarchy, killing them
 * and removing the groups. */
#include "ctr/cgroup/cgroup.h"

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/store/store.h"

/*
 * A container is found by its cgroup even without state (the runtime directory lost): the group
 * "<parent>/<name>" in whichever hierarchy the host has (v2, the hybrid's unified tree, the v1
 * controllers). One that holds processes while no state says the container runs is orphaned.
 */
static const char *const cg_bases[] = {"", "unified/", "pids/", "memory/", "cpu/", "freezer/"};

size_t
ctr_cg_orphan_bases(void)
{
    return ARRAY_SIZE(cg_bases);
}

void
ctr_cg_orphan_base_dir(char *buf, size_t i)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s%s", ctr_cgroup_root(), cg_bases[i], ctr_cgroup_parent());
}

static void
cg_dir(char *buf, size_t i, const char *name)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s%s/%s", ctr_cgroup_root(), cg_bases[i], ctr_cgroup_parent(), name);
}

size_t
ctr_cg_orphan_procs(const char *name, pid_t *pids, size_t max, bool *exists)
{
    char p[PATH_MAX], buf[8192];
    size_t n = 0;
    *exists = false;
    if (geteuid() != 0)
        return 0; /* rootless containers have no cgroup of this name: it could be root's */
    for (size_t i = 0; i < ARRAY_SIZE(cg_bases) && n == 0; i++) {
        cg_dir(p, i, name);
        strcat(p, "/cgroup.procs");
        cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        *exists = true;
        if (ctr_pread1(fd, buf, sizeof(buf)) <= 0)
            continue;
        for (char *c = buf, *end; n < max && *c; c = end + (*end == '\n')) {
            long v = strtol(c, &end, 10);
            if (end == c)
                break;
            if (v > 0)
                pids[n++] = (pid_t)v;
        }
    }
    return n;
}

bool
ctr_cg_orphan_populated(const char *name)
{
    pid_t pid;
    bool exists;
    return ctr_cg_orphan_procs(name, &pid, 1, &exists) > 0;
}

void
ctr_cg_orphan_kill(const char *name)
{
    pid_t pids[256];
    bool exists;
    int mons[8];
    size_t n_mons = 0, n = ctr_cg_orphan_procs(name, pids, ARRAY_SIZE(pids), &exists);
    for (size_t i = 0; i < n && n_mons < ARRAY_SIZE(mons); i++) {
        char p[64], comm[32] = "";
        pid_t pp = 0;
        ctr_fmt(p, sizeof(p), "/proc/%d/stat", (int)pids[i]);
        cleanup_file FILE *f = fopen(p, "re");
        if (!f || fscanf(f, "%*d (%*[^)]) %*c %d", &pp) != 1 || pp <= 1)
            continue;
        ctr_fmt(p, sizeof(p), "/proc/%d/comm", (int)pp);
        cleanup_close int cfd = open(p, O_RDONLY | O_CLOEXEC);
        if (cfd < 0 || ctr_pread1(cfd, comm, sizeof(comm)) <= 0 ||
            strncmp(comm, "berth-monitor", 13) != 0)
            continue;
        int fd = (int)syscall(SYS_pidfd_open, pp, 0);
        if (fd >= 0)
            mons[n_mons++] = fd;
    }
    const struct cgroup_ops *cg = ctr_cgroup_detect(NULL);
    char path[PATH_MAX];
    ctr_fmt(path, sizeof(path), "%s/%s", ctr_cgroup_parent(), name);
    if (cg && exists)
        cg->destroy(path, NULL);
    for (size_t i = 0; i < n_mons; i++) {
        struct pollfd pf = {mons[i], POLLIN, 0};
        if (poll(&pf, 1, 5000) != 1)
            syscall(SYS_pidfd_send_signal, mons[i], SIGKILL, NULL, 0);
        close(mons[i]);
    }
    if (cg && exists)
        cg->destroy(path, NULL); /* a monitor killed before it removed the group */
}
