/* SPDX-License-Identifier: MIT */
/*
 * The cgroup v2 subtree a machine delegates to a rootless user (systemd's Delegate=yes: a
 * cgroup the user owns, its controllers enabled, the user's processes in leaves below it). A
 * rootless container's group goes under it, "<delegated>/<ctr_cgroup_parent()>/<name>", so that
 * --memory, --cpus, --pids and pause work without root. The delegated cgroup is the highest
 * ancestor of the process's own cgroup ("0::PATH" in /proc/self/cgroup) that the user owns, and
 * never the process's own cgroup itself: a cgroup holding processes cannot hand controllers down.
 */
#include "ctr/cgroup/cgroup.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/store/store.h"

static bool
owned(const char *root, const char *rel, uid_t uid)
{
    char p[PATH_MAX];
    struct stat st;
    ctr_fmt(p, sizeof(p), "%s%s", root, rel);
    return stat(p, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid;
}

int
ctr_cgroup_delegated_at(const char *root, const char *self_cgroup, uid_t uid, char *out, size_t len)
{
    out[0] = 0;
    char p[PATH_MAX], line[PATH_MAX + 8], own[PATH_MAX] = "";
    ctr_fmt(p, sizeof(p), "%s/cgroup.controllers", root);
    if (uid == 0 || access(p, F_OK) != 0)
        return -1; /* root, or not a pure v2 host */
    cleanup_file FILE *f = fopen(self_cgroup, "re");
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, "0::", 3) == 0) {
            line[strcspn(line, "\n")] = 0;
            ctr_fmt(own, sizeof(own), "%s", line + 3);
        }
    }
    if (own[0] != '/' || strcmp(own, "/") == 0 || strstr(own, "/.."))
        return -1;
    /* From the top down: the first ancestor the user owns. */
    char rel[PATH_MAX];
    ctr_fmt(rel, sizeof(rel), "%s", own);
    for (char *slash = strchr(rel + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = 0;
        if (owned(root, rel, uid)) {
            ctr_fmt(out, len, "%s", rel + 1);
            return 0;
        }
        *slash = '/';
    }
    return -1; /* only the process's own cgroup (or nothing) is the user's */
}

const char *
ctr_cgroup_delegated(void)
{
    static char deleg[PATH_MAX];
    static bool done;
    if (!done) {
        ctr_cgroup_delegated_at(ctr_cgroup_root(), "/proc/self/cgroup", geteuid(), deleg,
                                sizeof(deleg));
        done = true;
    }
    return deleg;
}
