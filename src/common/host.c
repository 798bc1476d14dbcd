/* SPDX-License-Identifier: MIT */
/* Host totals from /proc: the "cpu" line of stat, meminfo, loadavg. */
#include "common/host.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/model.h"

#define PROC_FILE_MAX (8u << 20)

static int
proc_read(const char *root, const char *name, char **out, struct err **err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", root, name);
    return fileio_read_all(path, PROC_FILE_MAX, out, NULL, err);
}

/* The aggregate "cpu" line: user nice system idle iowait irq softirq steal guest guest_nice.
 * guest and guest_nice are already counted in user and nice, so they are not added again. */
static int
parse_cpu_line(const char *line, const char *root, struct host_sample *out, struct err **err)
{
    uint64_t f[8] = {0};
    int n = sscanf(line,
                   "cpu %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64 " %" SCNu64
                   " %" SCNu64 " %" SCNu64,
                   &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7]);
    if (n < 4)
        return err_set(err, 0, "parse '%s/stat': malformed \"cpu\" line", root);
    uint64_t total = 0;
    for (int i = 0; i < n; i++)
        total += f[i];
    out->cpu_total_ticks = total;
    out->cpu_busy_ticks = total - f[3] - f[4];
    return 0;
}

static int
read_stat(const char *root, struct host_sample *out, struct err **err)
{
    cleanup_free char *text = NULL;
    if (proc_read(root, "stat", &text, err) < 0)
        return -1;
    bool have_cpu = false;
    unsigned ncpu = 0;
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (!strncmp(line, "cpu ", 4)) {
            if (parse_cpu_line(line, root, out, err) < 0)
                return -1;
            have_cpu = true;
        } else if (!strncmp(line, "cpu", 3) && isdigit((unsigned char)line[3])) {
            ncpu++;
        }
        line = nl ? nl + 1 : NULL;
    }
    if (!have_cpu)
        return err_set(err, 0, "parse '%s/stat': no \"cpu\" line", root);
    if (!ncpu) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        ncpu = n > 0 ? (unsigned)n : 1;
    }
    out->ncpu = ncpu;
    return 0;
}

/* The value in kB of "Key:" in meminfo text, as bytes; INST_UNKNOWN when absent. */
static uint64_t
meminfo_get(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
        if (strncmp(p, key, klen) || p[klen] != ':')
            continue;
        unsigned long long kb;
        if (sscanf(p + klen + 1, " %llu", &kb) != 1)
            return INST_UNKNOWN;
        return (uint64_t)kb * 1024;
    }
    return INST_UNKNOWN;
}

static int
read_meminfo(const char *root, struct host_sample *out, struct err **err)
{
    cleanup_free char *text = NULL;
    if (proc_read(root, "meminfo", &text, err) < 0)
        return -1;
    uint64_t total = meminfo_get(text, "MemTotal");
    uint64_t avail = meminfo_get(text, "MemAvailable");
    if (total == INST_UNKNOWN)
        return err_set(err, 0, "parse '%s/meminfo': no MemTotal", root);
    if (avail == INST_UNKNOWN) { /* kernels before 3.14 */
        uint64_t fr = meminfo_get(text, "MemFree"), bu = meminfo_get(text, "Buffers"),
                 ca = meminfo_get(text, "Cached");
        if (fr == INST_UNKNOWN || bu == INST_UNKNOWN || ca == INST_UNKNOWN)
            return err_set(err, 0, "parse '%s/meminfo': no MemAvailable nor MemFree", root);
        avail = fr + bu + ca;
    }
    out->mem_total_bytes = total;
    out->mem_used_bytes = avail < total ? total - avail : 0;
    uint64_t st = meminfo_get(text, "SwapTotal"), sf = meminfo_get(text, "SwapFree");
    out->swap_total_bytes = st == INST_UNKNOWN ? 0 : st;
    out->swap_used_bytes = (st != INST_UNKNOWN && sf != INST_UNKNOWN && sf < st) ? st - sf : 0;
    return 0;
}

static int
read_loadavg(const char *root, struct host_sample *out, struct err **err)
{
    cleanup_free char *text = NULL;
    if (proc_read(root, "loadavg", &text, err) < 0)
        return -1;
    if (sscanf(text, "%lf %lf %lf", &out->load1, &out->load5, &out->load15) != 3)
        return err_set(err, 0, "parse '%s/loadavg': expected three load averages", root);
    return 0;
}

static double
host_cpu_pct(const struct host_sample *prev, const struct host_sample *cur)
{
    if (!prev || cur->cpu_total_ticks <= prev->cpu_total_ticks ||
        cur->cpu_busy_ticks < prev->cpu_busy_ticks)
        return NAN;
    double pct = 100.0 * (double)(cur->cpu_busy_ticks - prev->cpu_busy_ticks) /
                 (double)(cur->cpu_total_ticks - prev->cpu_total_ticks);
    return pct > 100.0 ? 100.0 : pct;
}

int
host_sample_read(const char *procfs_root, const struct host_sample *prev, struct host_sample *out,
                 struct err **err)
{
    const char *root = procfs_root ? procfs_root : "/proc";
    struct host_sample s;
    memset(&s, 0, sizeof(s));
    s.mono_ns = mono_now_ns();
    if (read_stat(root, &s, err) < 0 || read_meminfo(root, &s, err) < 0 ||
        read_loadavg(root, &s, err) < 0)
        return -1;
    s.cpu_pct = host_cpu_pct(prev, &s);
    *out = s;
    return 0;
}
