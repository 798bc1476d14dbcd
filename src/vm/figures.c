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
#include <poll.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/figs.h"
#include "common/fileio.h"
#include "common/xalloc.h"

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

bool
vm_serial_log_default(const char *uri, const char *name, char *buf, size_t size)
{
    char dir[PATH_MAX];
    const char *cache = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    struct stat st;
    if (strcmp(uri, "qemu:///system") == 0)
        snprintf(dir, sizeof(dir), "/var/log/libvirt/qemu");
    else if (strcmp(uri, "qemu:///session") == 0 && cache && cache[0] == '/')
        snprintf(dir, sizeof(dir), "%s/libvirt/qemu/log", cache);
    else if (strcmp(uri, "qemu:///session") == 0 && home && home[0] == '/')
        snprintf(dir, sizeof(dir), "%s/.cache/libvirt/qemu/log", home);
    else
        return false;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return false;
    return (size_t)snprintf(buf, size, "%s/%s-serial0.log", dir, name) < size;
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
    long long ready = -1;
    int n = sscanf(text, "%lld %lld %lld", &req, &run, &ready);
    free(text);
    int64_t qemu_s = (int64_t)st.st_mtime;
    if (n < 2 || req / 1000000000 > qemu_s || run / 1000000000 + 1 < qemu_s || run < req)
        return;
    f->start_req_ns = req;
    f->start_exec_ns = run - req;
    if (n == 3 && ready >= run)
        f->start_first_ns = ready - req;
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

char *
vm_serial_log_path(const char *xml, bool *append)
{
    const char *end = xml + strlen(xml);
    const char *ser = vm_xml_find(xml, end, "serial");
    const char *se = ser ? vm_xml_elem_end(ser, end, "serial") : NULL;
    if (!se)
        return NULL;
    cleanup_free char *type = vm_xml_attr(ser, "type");
    const char *el = NULL;
    char *path = NULL;
    if (type && strcmp(type, "file") == 0 && (el = vm_xml_find(ser + 1, se, "source")))
        path = vm_xml_attr(el, "path");
    else if ((el = vm_xml_find(ser + 1, se, "log")))
        path = vm_xml_attr(el, "file");
    if (path && path[0] != '/') {
        free(path);
        return NULL;
    }
    cleanup_free char *app = path ? vm_xml_attr(el, "append") : NULL;
    *append = app && strcmp(app, "on") == 0;
    return path;
}

/* Decimal of v into p (async-signal-safe, for the forked watcher); returns the end. */
static char *
put_dec(char *p, int64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static int64_t
real_ns_raw(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define READY_WATCH_S 600 /* a guest silent for longer is not waited for */

/*
 * The watcher, in the forked process: only system calls from here (the parent has threads). The
 * first check decides whether what the file holds may be this boot's: a truncated file (append
 * off) that already has a line is given up, as its time is unknown; an appended one counts from
 * its size then. Each later change (inotify) reads what came; the first '\n' is the ready time.
 */
static void
ready_watch_child(const char *log, bool append, const char *rec, const char *tmp, const char *pre,
                  size_t pre_len)
{
    int in = inotify_init1(IN_CLOEXEC);
    if (in < 0 || inotify_add_watch(in, log, IN_MODIFY | IN_DELETE_SELF | IN_MOVE_SELF) < 0)
        return;
    int fd = open(log, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    struct stat st;
    if (fstat(fd, &st) < 0 || (st.st_size > 0 && !append))
        return;
    off_t off = st.st_size;
    char buf[4096];
    int64_t ready = -1;
    for (int waited = 0; ready < 0 && waited < READY_WATCH_S;) {
        ssize_t n;
        while (ready < 0 && (n = pread(fd, buf, sizeof(buf), off)) > 0) {
            if (memchr(buf, '\n', (size_t)n))
                ready = real_ns_raw();
            off += n;
        }
        if (ready >= 0)
            break;
        struct pollfd pfd = {.fd = in, .events = POLLIN};
        int r = poll(&pfd, 1, 1000);
        if (r == 0)
            waited++;
        else if (r < 0 || read(in, buf, sizeof(buf)) <= 0)
            return;
        else if (fstat(fd, &st) == 0 && st.st_nlink == 0)
            return; /* the log went (the domain is being removed) */
    }
    if (ready < 0)
        return;
    char text[160];
    memcpy(text, pre, pre_len);
    char *e = put_dec(text + pre_len, ready);
    *e++ = '\n';
    int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0)
        return;
    bool ok = write(out, text, (size_t)(e - text)) == e - text;
    close(out);
    if (ok)
        rename(tmp, rec);
    else
        unlink(tmp);
}

void
vm_figs_ready_watch(const char *uuid, const char *log, bool append)
{
    char rec[PATH_MAX], tmp[PATH_MAX + 8], pre[96];
    cleanup_free char *text = NULL;
    long long req, run;
    start_path(rec, sizeof(rec), uuid);
    if (!rec[0] || strspn(uuid, "0123456789abcdef-") != strlen(uuid) ||
        fileio_read_all(rec, 128, &text, NULL, NULL) < 0 ||
        sscanf(text, "%lld %lld", &req, &run) != 2)
        return;
    snprintf(tmp, sizeof(tmp), "%s.ready", rec);
    int pre_len = snprintf(pre, sizeof(pre), "%lld %lld ", req, run);
    pid_t pid = fork();
    if (pid < 0)
        return;
    if (pid > 0) {
        waitpid(pid, NULL, 0);
        return;
    }
    /* The child: a grandchild that outlives this process, then gone at once. */
    if (fork() != 0)
        _exit(0);
    setsid();
    /* None of the parent's descriptors (libvirt's socket, a caller's pipe) stays open here. */
    if (syscall(SYS_close_range, 3u, ~0u, 0u) < 0)
        for (int i = 3; i < 1024; i++)
            close(i);
    int devnull = open("/dev/null", O_RDWR);
    for (int i = 0; i < 3 && devnull >= 0; i++)
        dup2(devnull, i);
    if (devnull > 2)
        close(devnull);
    ready_watch_child(log, append, rec, tmp, pre, (size_t)pre_len);
    _exit(0);
}

/* ---- Devices passed through (an isolation fact) ---- */

/* An attribute of el read as a number (hex with 0x, else decimal); -1 when absent. */
static long
attr_num(const char *el, const char *name)
{
    cleanup_free char *v = el ? vm_xml_attr(el, name) : NULL;
    return v && *v ? strtol(v, NULL, 0) : -1;
}

/* "pci 0000:01:00.0" from an <address domain= bus= slot= function=/>. */
static void
pci_text(const char *addr, const char *kind, char *out, size_t size)
{
    long dom = attr_num(addr, "domain"), bus = attr_num(addr, "bus");
    long slot = attr_num(addr, "slot"), fn = attr_num(addr, "function");
    snprintf(out, size, "%s %04lx:%02lx:%02lx.%lx", kind, dom < 0 ? 0 : dom, bus < 0 ? 0 : bus,
             slot < 0 ? 0 : slot, fn < 0 ? 0 : fn);
}

/* One <hostdev>'s item: its type and host address. */
static void
hostdev_text(const char *el, const char *end, char *out, size_t size)
{
    cleanup_free char *type = vm_xml_attr(el, "type");
    cleanup_free char *mode = vm_xml_attr(el, "mode");
    const char *src = vm_xml_find(el + 1, end, "source");
    const char *srcend = src ? vm_xml_elem_end(src, end, "source") : NULL;
    const char *addr = srcend ? vm_xml_find(src + 1, srcend, "address") : NULL;
    const char *t = type ? type : "?";
    if (mode && strcmp(mode, "capabilities") == 0) {
        /* storage (<block>), misc (<char>), net (<interface>) of the host, by path or name */
        cleanup_free char *v = NULL;
        if (srcend && !(v = vm_xml_text(src, srcend, "block")) &&
            !(v = vm_xml_text(src, srcend, "char")))
            v = vm_xml_text(src, srcend, "interface");
        snprintf(out, size, "%s %s", t, v ? v : "?");
    } else if (strcmp(t, "pci") == 0 && addr) {
        pci_text(addr, "pci", out, size);
    } else if (strcmp(t, "usb") == 0 && addr) {
        snprintf(out, size, "usb bus %ld dev %ld", attr_num(addr, "bus"), attr_num(addr, "device"));
    } else if (strcmp(t, "usb") == 0 && srcend) {
        const char *ve = vm_xml_find(src + 1, srcend, "vendor");
        const char *pe = vm_xml_find(src + 1, srcend, "product");
        snprintf(out, size, "usb %04lx:%04lx", attr_num(ve, "id") < 0 ? 0 : attr_num(ve, "id"),
                 attr_num(pe, "id") < 0 ? 0 : attr_num(pe, "id"));
    } else if (strcmp(t, "scsi") == 0 && srcend) {
        const char *ad = vm_xml_find(src + 1, srcend, "adapter");
        cleanup_free char *name = ad ? vm_xml_attr(ad, "name") : NULL;
        cleanup_free char *iqn = name ? NULL : vm_xml_attr(src, "name"); /* iSCSI: the target */
        if (name && addr)
            snprintf(out, size, "scsi %s:%ld:%ld:%ld", name, attr_num(addr, "bus"),
                     attr_num(addr, "target"), attr_num(addr, "unit"));
        else
            snprintf(out, size, "scsi %s", name ? name : iqn ? iqn : "?");
    } else if ((strcmp(t, "scsi_host") == 0 || strcmp(t, "mdev") == 0) && src) {
        cleanup_free char *v = strcmp(t, "mdev") == 0 ? (addr ? vm_xml_attr(addr, "uuid") : NULL)
                                                      : vm_xml_attr(src, "wwpn");
        snprintf(out, size, "%s %s", t, v ? v : "?");
    } else {
        snprintf(out, size, "%s", t);
    }
}

/* The path in <tag>'s <source ATTR='...'> (an evdev input, a lun's block device). */
static char *
source_attr(const char *el, const char *end, const char *attr)
{
    const char *src = vm_xml_find(el + 1, end, "source");
    return src ? vm_xml_attr(src, attr) : NULL;
}

void
vm_xml_devices(const char *xml, char *out, size_t size)
{
    const char *end = xml + strlen(xml);
    const char *devs = vm_xml_find(xml, end, "devices");
    const char *dend = devs ? vm_xml_elem_end(devs, end, "devices") : NULL;
    out[0] = 0;
    if (!dend)
        return;
    static const char *const tags[] = {"hostdev", "interface", "disk", "input", "tpm"};
    for (size_t k = 0; k < ARRAY_SIZE(tags); k++) {
        const char *t = tags[k];
        for (const char *el = devs; (el = vm_xml_find(el + 1, dend, t));) {
            const char *ee = vm_xml_elem_end(el, dend, t);
            if (!ee)
                break;
            char item[128] = "";
            cleanup_free char *type = vm_xml_attr(el, "type");
            cleanup_free char *device = k == 2 ? vm_xml_attr(el, "device") : NULL;
            if (k == 0) {
                hostdev_text(el, ee, item, sizeof(item));
            } else if (k == 1 && type && strcmp(type, "hostdev") == 0) {
                /* an SR-IOV VF given to the guest as its NIC */
                const char *src = vm_xml_find(el + 1, ee, "source");
                const char *se = src ? vm_xml_elem_end(src, ee, "source") : NULL;
                const char *addr = se ? vm_xml_find(src + 1, se, "address") : NULL;
                if (addr)
                    pci_text(addr, "net pci", item, sizeof(item));
                else
                    snprintf(item, sizeof(item), "net hostdev");
            } else if (k == 2 && device && strcmp(device, "lun") == 0) {
                /* SCSI commands go to the host's device */
                cleanup_free char *dev = source_attr(el, ee, "dev");
                snprintf(item, sizeof(item), "lun %s", dev ? dev : "?");
            } else if (k == 3 && type &&
                       (strcmp(type, "passthrough") == 0 || strcmp(type, "evdev") == 0)) {
                cleanup_free char *dev = source_attr(el, ee, "evdev");
                if (!dev)
                    dev = source_attr(el, ee, "dev"); /* type='evdev' */
                snprintf(item, sizeof(item), "input %s", dev ? dev : "?");
            } else if (k == 4) {
                const char *be = vm_xml_find(el + 1, ee, "backend");
                cleanup_free char *bt = be ? vm_xml_attr(be, "type") : NULL;
                const char *dv = be && bt && strcmp(bt, "passthrough") == 0
                                     ? vm_xml_find(be + 1, ee, "device")
                                     : NULL;
                cleanup_free char *path = dv ? vm_xml_attr(dv, "path") : NULL;
                if (dv)
                    snprintf(item, sizeof(item), "tpm %s", path ? path : "?");
            }
            if (item[0])
                figs_list_add(out, size, item);
            el = ee - 1;
        }
    }
}

/* The devices of each domain, re-read from its XML when its state changed or after
 * DEVICES_TTL_S (hot-plug), not at every sample; shared by the connections' worker threads. */
#define DEVICES_TTL_S 60
#define DEVICES_FORGET_S 600
struct dev_entry {
    char *uri;
    char uuid[VIR_UUID_STRING_BUFLEN];
    int state;
    int64_t read_s, seen_s;
    char text[160];
};
static pthread_mutex_t dev_mu = PTHREAD_MUTEX_INITIALIZER;
static struct dev_entry *dev_cache;
static size_t dev_n;

static struct dev_entry *
dev_slot(const char *uri, const char *uuid, int64_t now)
{
    struct dev_entry *free_e = NULL;
    for (size_t i = 0; i < dev_n; i++) {
        struct dev_entry *e = &dev_cache[i];
        if (e->uri && strcmp(e->uuid, uuid) == 0 && strcmp(e->uri, uri) == 0)
            return e;
        if (!free_e && (!e->uri || now - e->seen_s > DEVICES_FORGET_S))
            free_e = e;
    }
    if (!free_e) {
        dev_cache = xreallocarray(dev_cache, dev_n + 1, sizeof(*dev_cache));
        free_e = &dev_cache[dev_n++];
        free_e->uri = NULL;
    }
    free(free_e->uri);
    free_e->uri = xstrdup(uri);
    snprintf(free_e->uuid, sizeof(free_e->uuid), "%s", uuid);
    free_e->state = -1;
    free_e->read_s = 0;
    free_e->text[0] = 0;
    return free_e;
}

void
vm_figs_devices(struct inst *in, virDomainPtr d, const char *uri)
{
    int state = (int)in->state;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t now = ts.tv_sec;
    char text[sizeof(((struct dev_entry *)0)->text)];
    pthread_mutex_lock(&dev_mu);
    struct dev_entry *e = dev_slot(uri, in->id, now);
    e->seen_s = now;
    bool fresh = e->state == state && now - e->read_s < DEVICES_TTL_S;
    snprintf(text, sizeof(text), "%s", e->text);
    pthread_mutex_unlock(&dev_mu);
    if (!fresh) {
        cleanup_free char *xml = virDomainGetXMLDesc(d, 0);
        if (!xml)
            return; /* unknown: no devices fact rather than a false "none" */
        vm_xml_devices(xml, text, sizeof(text));
        pthread_mutex_lock(&dev_mu);
        e = dev_slot(uri, in->id, now);
        e->state = state;
        e->read_s = now;
        snprintf(e->text, sizeof(e->text), "%s", text);
        pthread_mutex_unlock(&dev_mu);
    }
    figs_devices_put(&in->figs, text);
}
