/* SPDX-License-Identifier: MIT */
/* VM vs container figures: parsers of cgroup memory files and /proc status, shared sums. */
#include "common/figs.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/cleanup.h"
#include "common/fileio.h"

#define FIGS_FILE_MAX (256 * 1024)

void
figs_init(struct inst_figs *f)
{
    memset(f, 0, sizeof(*f));
    f->start_req_ns = f->start_exec_ns = f->start_first_ns = -1;
    f->mem_anon = f->mem_file = f->mem_kernel = f->mem_total = INST_UNKNOWN;
    f->guest_mem = f->host_rss = INST_UNKNOWN;
    f->mem_overhead = INT64_MIN;
    f->vcpu_ns = f->emu_ns = INST_UNKNOWN;
    f->disk_own = f->disk_shared = f->disk_capacity = INST_UNKNOWN;
}

/* The value of the line "key N" in a flat keyed file, INST_UNKNOWN when there is none. */
static uint64_t
key_u64(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *l = text; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
        if (strncmp(l, key, klen) == 0 && l[klen] == ' ') {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(l + klen + 1, &end, 10);
            if (errno == 0 && end != l + klen + 1)
                return v;
        }
    }
    return INST_UNKNOWN;
}

/* One number (memory.current, usage_in_bytes); INST_UNKNOWN for NULL or no number. */
static uint64_t
text_u64(const char *text)
{
    if (!text)
        return INST_UNKNOWN;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    return errno == 0 && end != text ? v : INST_UNKNOWN;
}

/* Sum of keys that are present; INST_UNKNOWN when none is. */
static uint64_t
key_sum(const char *text, const char *const *keys)
{
    uint64_t sum = INST_UNKNOWN;
    for (size_t i = 0; keys[i]; i++) {
        uint64_t v = key_u64(text, keys[i]);
        if (v != INST_UNKNOWN)
            sum = (sum == INST_UNKNOWN ? 0 : sum) + v;
    }
    return sum;
}

static uint64_t
key_either(const char *text, const char *a, const char *b)
{
    uint64_t v = key_u64(text, a);
    return v != INST_UNKNOWN ? v : key_u64(text, b);
}

void
figs_memstat_parse(bool v2, const char *stat, const char *kmem, const char *usage,
                   struct inst_figs *f)
{
    static const char *const kernel_v2_old[] = {"kernel_stack", "pagetables", "percpu",
                                                "sock",         "slab",       NULL};
    f->mem_total = text_u64(usage);
    if (!v2)
        f->mem_kernel = text_u64(kmem);
    if (!stat)
        return;
    if (v2) {
        f->mem_anon = key_u64(stat, "anon");
        f->mem_file = key_u64(stat, "file");
        f->mem_kernel = key_u64(stat, "kernel");
        if (f->mem_kernel == INST_UNKNOWN)
            f->mem_kernel = key_sum(stat, kernel_v2_old);
    } else {
        f->mem_anon = key_either(stat, "total_rss", "rss");
        f->mem_file = key_either(stat, "total_cache", "cache");
    }
}

static char *
read_in(const char *dir, const char *leaf)
{
    char path[PATH_MAX];
    char *text = NULL;
    snprintf(path, sizeof(path), "%s/%s", dir, leaf);
    if (fileio_read_all(path, FIGS_FILE_MAX, &text, NULL, NULL) < 0)
        return NULL;
    return text;
}

int
figs_cg_mem_read(const char *dir, bool v2, struct inst_figs *f)
{
    cleanup_free char *stat = read_in(dir, "memory.stat");
    cleanup_free char *kmem = v2 ? NULL : read_in(dir, "memory.kmem.usage_in_bytes");
    cleanup_free char *usage = read_in(dir, v2 ? "memory.current" : "memory.usage_in_bytes");
    figs_memstat_parse(v2, stat, kmem, usage, f);
    return stat ? 0 : -1;
}

uint64_t
figs_status_rss(const char *status)
{
    const char *l = status ? strstr(status, "\nVmRSS:") : NULL;
    if (!l)
        return INST_UNKNOWN;
    char *end;
    unsigned long long kb = strtoull(l + 7, &end, 10);
    return end != l + 7 ? (uint64_t)kb * 1024 : INST_UNKNOWN;
}

uint64_t
figs_proc_rss(const char *procfs_root, pid_t pid)
{
    char path[PATH_MAX];
    cleanup_free char *text = NULL;
    snprintf(path, sizeof(path), "%s/%d/status", procfs_root, (int)pid);
    if (fileio_read_all(path, FIGS_FILE_MAX, &text, NULL, NULL) < 0)
        return INST_UNKNOWN;
    return figs_status_rss(text);
}

void
figs_vm_overhead(struct inst_figs *f)
{
    if (f->host_rss == INST_UNKNOWN || f->guest_mem == INST_UNKNOWN)
        f->mem_overhead = INT64_MIN;
    else
        f->mem_overhead = (int64_t)f->host_rss - (int64_t)f->guest_mem;
}

const char *
figs_host_kernel(void)
{
    static char release[sizeof(((struct utsname *)0)->release)];
    if (!release[0]) {
        struct utsname u;
        snprintf(release, sizeof(release), "%s", uname(&u) == 0 ? u.release : "?");
    }
    return release;
}

static uint64_t
be64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static uint32_t
be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

bool
figs_qcow2_header(const unsigned char *hdr, size_t n, uint64_t *virt_size, uint64_t *name_off,
                  uint32_t *name_len)
{
    /* magic "QFI\xfb", version (2, 3), backing_file_offset, backing_file_size, cluster_bits,
     * size: the fields up to byte 32 (docs/interop/qcow2.txt in QEMU) */
    if (n < 32 || memcmp(hdr, "QFI\xfb", 4) != 0)
        return false;
    uint32_t version = be32(hdr + 4);
    uint64_t off = be64(hdr + 8);
    uint32_t len = be32(hdr + 16);
    if (version < 2 || version > 3 || len > 1023 || (off == 0) != (len == 0) ||
        (off != 0 && off < 32))
        return false;
    *virt_size = be64(hdr + 24);
    *name_off = off;
    *name_len = len;
    return true;
}

void
figs_list_add(char *buf, size_t size, const char *item)
{
    size_t n = strlen(buf);
    if (size < 6 || (n >= 3 && strcmp(buf + n - 3, "...") == 0))
        return;
    const char *sep = n ? ", " : "";
    if (n + strlen(sep) + strlen(item) + 5 < size) { /* room for ", ..." after it */
        snprintf(buf + n, size - n, "%s%s", sep, item);
        return;
    }
    /* each item added left room for this */
    snprintf(buf + n, size - n, "%s...", sep);
}

void
figs_devices_put(struct inst_figs *f, const char *list)
{
    size_t n = strlen(f->isolation);
    snprintf(f->isolation + n, sizeof(f->isolation) - n, "%sdevices %s", n ? "; " : "",
             list && list[0] ? list : "none");
}
