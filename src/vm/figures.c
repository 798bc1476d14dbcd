/* SPDX-License-Identifier: MIT */
/*
 * A VM's VM-vs-container figures: the QEMU process behind a running domain of a local qemu URI
 * (pid file), its resident memory against guest RAM, its CPU besides the vCPUs, its accelerator
 * and isolation facts, and the start figures berth recorded when it started the domain
 * ($BERTH_ROOT/run or /run/berth: vm-figures/<uuid>, root only without BERTH_ROOT).
 */
#include "vm/vm_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/figs.h"
#include "common/fileio.h"

bool
vm_pidfile_path(const char *uri, const char *name, char *buf, size_t size)
{
    if (strcmp(uri, "qemu:///system") == 0) {
        snprintf(buf, size, "/run/libvirt/qemu/%s.pid", name);
    } else if (strcmp(uri, "qemu:///session") == 0 && getenv("XDG_RUNTIME_DIR")) {
        snprintf(buf, size, "%s/libvirt/qemu/run/%s.pid", getenv("XDG_RUNTIME_DIR"), name);
    } else {
        return false;
    }
    return true;
}

static pid_t
qemu_pid(const char *uri, const char *name)
{
    char path[PATH_MAX], *text = NULL;
    if (!vm_pidfile_path(uri, name, path, sizeof(path)) ||
        fileio_read_all(path, 64, &text, NULL, NULL) < 0)
        return -1;
    long pid = strtol(text, NULL, 10);
    free(text);
    return pid > 0 ? (pid_t)pid : -1;
}

/* "kvm" / "tcg" from QEMU's command line (-accel X, or accel=X in -machine). */
static void
qemu_accel(pid_t pid, char *out, size_t size)
{
    char path[64], *cmd = NULL;
    size_t len = 0;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    if (fileio_read_all(path, 1 << 20, &cmd, &len, NULL) < 0)
        return;
    for (size_t i = 0; i < len; i += strlen(cmd + i) + 1) {
        const char *a = cmd + i, *v = NULL;
        if (strcmp(a, "-accel") == 0 && i + strlen(a) + 1 < len)
            v = a + strlen(a) + 1;
        else if (strstr(a, "accel="))
            v = strstr(a, "accel=") + 6;
        if (v) {
            snprintf(out, size, "%.*s", (int)strcspn(v, ",:"), v);
            break;
        }
    }
    free(cmd);
}

/* Value of "Key:\t..." in a /proc status text, as a number; -1 when absent. */
static long
status_num(const char *status, const char *key)
{
    const char *l = strstr(status, key);
    return l ? strtol(l + strlen(key), NULL, 10) : -1;
}

static bool
same_ns(pid_t pid, const char *ns)
{
    char a[64], b[64], la[64] = "", lb[64] = "";
    snprintf(a, sizeof(a), "/proc/%d/ns/%s", (int)pid, ns);
    snprintf(b, sizeof(b), "/proc/self/ns/%s", ns);
    if (readlink(a, la, sizeof(la) - 1) < 0 || readlink(b, lb, sizeof(lb) - 1) < 0)
        return true;
    return strcmp(la, lb) == 0;
}

static void
qemu_facts(pid_t pid, struct inst_figs *f)
{
    char path[64], *status = NULL;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (fileio_read_all(path, 1 << 16, &status, NULL, NULL) < 0)
        return;
    f->host_rss = figs_status_rss(status);
    long sec = status_num(status, "\nSeccomp:");
    long uid = status_num(status, "\nUid:");
    free(status);
    qemu_accel(pid, f->accel, sizeof(f->accel));
    snprintf(f->isolation, sizeof(f->isolation),
             "hypervisor qemu/%s; qemu uid %ld; seccomp %s; mount ns %s; pid ns %s",
             f->accel[0] ? f->accel : "?", uid,
             sec == 2   ? "filter"
             : sec == 1 ? "strict"
                        : "none",
             same_ns(pid, "mnt") ? "host" : "own", same_ns(pid, "pid") ? "host" : "own");
}

static void
start_path(char *buf, size_t size, const char *uuid)
{
    const char *root = getenv("BERTH_ROOT");
    if (root && *root)
        snprintf(buf, size, "%s/run/vm-figures%s%s", root, uuid ? "/" : "", uuid ? uuid : "");
    else if (geteuid() == 0)
        snprintf(buf, size, "/run/berth/vm-figures%s%s", uuid ? "/" : "", uuid ? uuid : "");
    else
        buf[0] = 0;
}

void
vm_figs_start_record(const char *uuid, int64_t req_ns, int64_t running_ns)
{
    char dir[PATH_MAX], path[PATH_MAX], text[128];
    start_path(dir, sizeof(dir), NULL);
    start_path(path, sizeof(path), uuid);
    if (!dir[0] || strspn(uuid, "0123456789abcdef-") != strlen(uuid) ||
        fileio_mkdir_p(dir, 0700, NULL) < 0)
        return;
    int n = snprintf(text, sizeof(text), "%" PRId64 " %" PRId64 "\n", req_ns, running_ns);
    fileio_write_atomic(path, text, (size_t)n, 0600, NULL);
}

/* The recorded start, when it belongs to this run of QEMU: the request came before the pid file
 * was written (QEMU's start) and "running" after it. */
static void
start_figs(const struct inst *in, const char *pidfile, struct inst_figs *f)
{
    char path[PATH_MAX], *text = NULL;
    struct stat st;
    long long req, run;
    start_path(path, sizeof(path), in->id);
    if (!path[0] || strspn(in->id, "0123456789abcdef-") != strlen(in->id) ||
        stat(pidfile, &st) < 0 || fileio_read_all(path, 128, &text, NULL, NULL) < 0)
        return;
    int n = sscanf(text, "%lld %lld", &req, &run);
    free(text);
    int64_t qemu_s = (int64_t)st.st_mtime;
    if (n != 2 || req / 1000000000 > qemu_s || run / 1000000000 + 1 < qemu_s || run < req)
        return;
    f->start_req_ns = req;
    f->start_exec_ns = run - req;
}

void
vm_figs_fill(struct inst *in, const char *uri, uint64_t balloon_kib, uint64_t vcpu_ns, bool active)
{
    struct inst_figs *f = &in->figs;
    snprintf(f->kernel, sizeof(f->kernel), "own (guest)");
    if (!active) {
        snprintf(f->isolation, sizeof(f->isolation), "hypervisor qemu");
        return;
    }
    f->guest_mem = balloon_kib == INST_UNKNOWN ? INST_UNKNOWN : balloon_kib * 1024;
    f->vcpu_ns = vcpu_ns;
    if (vcpu_ns != INST_UNKNOWN && in->cpu_ns != INST_UNKNOWN)
        f->emu_ns = in->cpu_ns > vcpu_ns ? in->cpu_ns - vcpu_ns : 0;
    char pidfile[PATH_MAX];
    pid_t pid = qemu_pid(uri, in->name);
    if (pid > 0 && vm_pidfile_path(uri, in->name, pidfile, sizeof(pidfile))) {
        qemu_facts(pid, f);
        start_figs(in, pidfile, f);
    }
    figs_vm_overhead(f);
}

/* The backing file named in the qcow2 header of the image at path (an absolute path, resolved
 * against the image's directory when relative) into out; false when there is none. */
static bool
qcow2_backing(const char *path, char *out, size_t size)
{
    unsigned char hdr[32];
    uint64_t vsize, off;
    uint32_t len;
    char name[1024];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return false;
    bool ok = pread(fd, hdr, sizeof(hdr), 0) == (ssize_t)sizeof(hdr) &&
              figs_qcow2_header(hdr, sizeof(hdr), &vsize, &off, &len) && len > 0 &&
              off < (1u << 20) && pread(fd, name, len, (off_t)off) == (ssize_t)len;
    close(fd);
    if (!ok || memchr(name, 0, len))
        return false;
    name[len] = 0;
    if (name[0] == '/' || strchr(name, ':')) /* absolute, or a protocol (json:, nbd:) */
        snprintf(out, size, "%s", name);
    else
        snprintf(out, size, "%.*s/%s", (int)(strrchr(path, '/') - path), path, name);
    return true;
}

static uint64_t
ull_param(virDomainStatsRecordPtr rec, const char *key)
{
    virTypedParameterPtr p = virTypedParamsGet(rec->params, rec->nparams, key);
    return p && p->type == VIR_TYPED_PARAM_ULLONG ? p->value.ul : INST_UNKNOWN;
}

static uint64_t
add_known(uint64_t sum, uint64_t v)
{
    return v == INST_UNKNOWN ? sum : (sum == INST_UNKNOWN ? 0 : sum) + v;
}

void
vm_figs_disks(struct inst *in, virDomainStatsRecordPtr rec, const char *uri)
{
    struct inst_figs *f = &in->figs;
    char pidfile[PATH_MAX], key[64];
    bool local = vm_pidfile_path(uri, in->name, pidfile, sizeof(pidfile));
    for (int i = 0; i < rec->nparams; i++) {
        virTypedParameterPtr p = &rec->params[i];
        unsigned n;
        int end = 0;
        if (sscanf(p->field, "block.%u.path%n", &n, &end) != 1 || p->field[end] ||
            p->type != VIR_TYPED_PARAM_STRING)
            continue;
        const char *path = p->value.s;
        struct stat st;
        snprintf(key, sizeof(key), "block.%u.capacity", n);
        f->disk_capacity = add_known(f->disk_capacity, ull_param(rec, key));
        if (local && path[0] == '/' && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            f->disk_own = add_known(f->disk_own, (uint64_t)st.st_blocks * 512);
            char base[PATH_MAX];
            if (!f->disk_base[0] && qcow2_backing(path, base, sizeof(base))) {
                snprintf(f->disk_base, sizeof(f->disk_base), "%.*s", (int)sizeof(f->disk_base) - 1,
                         base);
                if (stat(base, &st) == 0 && S_ISREG(st.st_mode))
                    f->disk_shared = (uint64_t)st.st_blocks * 512;
            }
            continue;
        }
        snprintf(key, sizeof(key), "block.%u.allocation", n);
        f->disk_own = add_known(f->disk_own, ull_param(rec, key));
    }
}
