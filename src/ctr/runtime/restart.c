/* SPDX-License-Identifier: MIT */
/* `start --all-restartable`: after a reboot (or a lost monitor), the containers whose restart
 * policy says so are started again. */
#include "ctr/runtime/runtime.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"

static bool
restartable(const struct ctr_info *in)
{
    char p[PATH_MAX];
    if (in->status == CTR_STATUS_RUNNING || in->status == CTR_STATUS_PAUSED ||
        in->status == CTR_STATUS_ORPHANED)
        return false;
    if (strcmp(in->restart, "always") != 0 && strcmp(in->restart, "unless-stopped") != 0)
        return false;
    ctr_path_def(p, in->name, CTR_AUTOSTART_FILE);
    return access(p, F_OK) == 0;
}

int
ctr_start_restartable(size_t *started, char *names, size_t len, struct err **err)
{
    cleanup_free struct ctr_info *v = NULL;
    size_t n = 0, used = 0;
    *started = 0;
    if (names && len)
        names[0] = '\0';
    if (ctr_list(&v, &n, err) < 0)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        if (!restartable(&v[i]))
            continue;
        cleanup_err struct err *e = NULL;
        if (ctr_start(v[i].name, false, false, &e) < 0) {
            if (rc == 0 && err)
                *err = steal_pointer(&e);
            rc = -1;
            continue;
        }
        (*started)++;
        if (names && used + strlen(v[i].name) + 2 < len)
            used += (size_t)ctr_fmt(names + used, len - used, "%s%s", used ? "\n" : "", v[i].name);
    }
    return rc;
}
