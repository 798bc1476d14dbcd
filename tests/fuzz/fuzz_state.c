/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a container's state.json as `berth ctr ...` loads it (through the real
 * file: written under a private BERTH_ROOT, read back by ctr_state_load). */
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctr/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char state_path[PATH_MAX];
static char state_root[PATH_MAX];

static void
fuzz_state_cleanup(void)
{
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", state_root);
    if (system(cmd) != 0) {
        /* left in /tmp */
    }
}

static void
fuzz_state_init(void)
{
    char root[] = "/tmp/berth-fuzz-state.XXXXXX";
    if (!mkdtemp(root))
        abort();
    setenv("BERTH_ROOT", root, 1);
    snprintf(state_root, sizeof(state_root), "%s", root);
    atexit(fuzz_state_cleanup);
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/run/fz", root);
    snprintf(state_path, sizeof(state_path), "%s/state.json", dir);
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
    if (system(cmd) != 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!state_path[0])
        fuzz_state_init();
    int fd = open(state_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, data, size) != (ssize_t)size)
        abort();
    close(fd);
    struct ctr_state st;
    struct err *e = NULL;
    if (ctr_state_load("fz", &st, &e) == 0)
        ctr_state_check_live(&st);
    err_free(e);
    return 0;
}
