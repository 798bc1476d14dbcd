/* SPDX-License-Identifier: MIT */
/* Helpers the cgroup backends share: the root of the cgroup mount, writing and reading control
 * files, the stat-file parsers, killing and removing a group. */
#include "ctr/cgroup/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/model.h"
#include "ctr/store/store.h"

static char cg_root[PATH_MAX] = "/sys/fs/cgroup";

void
ctr_cgroup_set_root(const char *root)
{
    ctr_fmt(cg_root, sizeof(cg_root), "%s", root);
}

const char *
ctr_cgroup_root(void)
{
    return cg_root;
}

void
ctr_cgfds_init(struct ctr_cgfds *f)
{
    f->cpu = f->mem = f->mem_limit = f->pids = f->io = -1;
}

void
ctr_cgfds_close(struct ctr_cgfds *f)
{
    int *all[] = {&f->cpu, &f->mem, &f->mem_limit, &f->pids, &f->io};
    for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
        if (*all[i] >= 0)
            close(*all[i]);
        *all[i] = -1;
    }
}

int
ctr_cg_write(const char *dir, const char *file, const char *val, struct err **err)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/%s", dir, file);
    cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "open '%s'", p);
    size_t n = strlen(val);
    if (write(fd, val, n) != (ssize_t)n)
        return err_set(err, errno, "write '%s' to '%s'", val, p);
    return 0;
}

uint64_t
ctr_cg_text_u64(const char *text)
{
    if (!text || strncmp(text, "max", 3) == 0)
        return INST_UNKNOWN;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    return end == text ? INST_UNKNOWN : (uint64_t)v;
}

uint64_t
ctr_cg_read_u64(int fd)
{
    char buf[64];
    if (fd < 0 || ctr_pread1(fd, buf, sizeof(buf)) <= 0)
        return INST_UNKNOWN;
    return ctr_cg_text_u64(buf);
}

/* The text of fd into buf, or NULL (no file, read error). */
static const char *
cg_text(int fd, char *buf, size_t size)
{
    return fd >= 0 && ctr_pread1(fd, buf, size) >= 0 ? buf : NULL;
}

void
ctr_cg_stats_read(const struct ctr_cgfds *f, struct ctr_cgstats *o,
                  void (*parse)(const struct ctr_cgtext *, struct ctr_cgstats *))
{
    char cpu[1024], mem[64], lim[64], pids[64], io[4096];
    struct ctr_cgtext t = {cg_text(f->cpu, cpu, sizeof(cpu)), cg_text(f->mem, mem, sizeof(mem)),
                           cg_text(f->mem_limit, lim, sizeof(lim)),
                           cg_text(f->pids, pids, sizeof(pids)), cg_text(f->io, io, sizeof(io))};
    parse(&t, o);
}

uint64_t
ctr_cg_key_u64(const char *text, const char *key)
{
    size_t kl = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (strncmp(l, key, kl) == 0 && l[kl] == ' ')
            return strtoull(l + kl + 1, NULL, 10);
    }
    return INST_UNKNOWN;
}

void
ctr_cg_kill_procs(const char *dir, int sig)
{
    char p[PATH_MAX], buf[8192];
    ctr_fmt(p, sizeof(p), "%s/cgroup.procs", dir);
    cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? ctr_pread1(fd, buf, sizeof(buf)) : -1;
    for (char *s = buf; n > 0 && *s;) {
        char *end;
        long pid = strtol(s, &end, 10);
        if (end == s)
            break;
        if (pid > 0)
            kill((pid_t)pid, sig);
        s = end;
        while (*s == '\n')
            s++;
    }
}

/* rmdir, retrying for up to a second while the last tasks exit. Missing is fine. */
int
ctr_cg_rmdir(const char *dir, struct err **err)
{
    for (int i = 0; i < 100; i++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            break;
        ctr_cg_kill_procs(dir, SIGKILL);
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
    return err_set(err, errno, "remove cgroup '%s'", dir);
}

/* "8:0 Read 4096\n8:0 Write 0\n..." summed over devices (the Total lines skipped). */
void
ctr_cg_parse_blkio_v1(const char *text, uint64_t *rd, uint64_t *wr)
{
    *rd = *wr = 0;
    char dev[64], op[16];
    unsigned long long v;
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (sscanf(l, "%63s %15s %llu", dev, op, &v) != 3)
            continue;
        if (strcmp(op, "Read") == 0)
            *rd += v;
        else if (strcmp(op, "Write") == 0)
            *wr += v;
    }
}

/* "8:0 rbytes=1 wbytes=2 rios=3 ..." summed over devices. */
void
ctr_cg_parse_io_v2(const char *text, uint64_t *rd, uint64_t *wr)
{
    *rd = *wr = 0;
    for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        const char *eol = strchr(l, '\n');
        const char *r = strstr(l, "rbytes="), *w = strstr(l, "wbytes=");
        if (r && (!eol || r < eol))
            *rd += strtoull(r + 7, NULL, 10);
        if (w && (!eol || w < eol))
            *wr += strtoull(w + 7, NULL, 10);
    }
}

/* One pread from offset 0: stat files (cgroupfs, procfs seq files) return their whole content in
 * one read when the buffer is big enough, so this costs one syscall where a read-to-EOF loop
 * costs two -- it matters at 1000 containers per refresh. */
ssize_t
ctr_pread1(int fd, char *buf, size_t size)
{
    ssize_t n = pread(fd, buf, size - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    return n;
}
