/* SPDX-License-Identifier: MIT */
/* Creating a domain: check the options against the host, make the disk volume, define. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "common/host.h"
#include "common/units.h"

struct create_job {
    struct vm_create_opts o; /* strings below are owned copies */
    char *strs[15];
    bool local;
    char serial_log[PATH_MAX]; /* o.serial_log points here when set */
};

static void
create_job_fini(void *arg)
{
    struct create_job *j = arg;
    for (size_t i = 0; i < ARRAY_SIZE(j->strs); i++)
        free(j->strs[i]);
}

/* Copy the options' strings into the job (it may outlive the caller on a time-out). */
static void
create_job_copy(struct create_job *j, const struct vm_create_opts *o)
{
    j->o = *o;
    const char **f[] = {&j->o.name,   &j->o.disk,    &j->o.pool,      &j->o.iso,       &j->o.kernel,
                        &j->o.initrd, &j->o.cmdline, &j->o.network,   &j->o.virt_type, &j->o.cpu,
                        &j->o.image,  &j->o.ssh_key, &j->o.user_data, &j->o.hostname,  NULL};
    for (size_t i = 0; f[i]; i++) {
        if (*f[i]) {
            j->strs[i] = xstrdup(*f[i]);
            *f[i] = j->strs[i];
        }
    }
}

static bool
kvm_usable(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* --virt-type when given (checked against the host), else "kvm" when the host offers it (and, on
 * a local URI, /dev/kvm opens), else "qemu"; "test" for the test driver. */
static int
pick_virt_type(virConnectPtr conn, bool local, const char *want, const char **out, struct err **err)
{
    cleanup_free char *caps = virConnectGetCapabilities(conn);
    if (!caps)
        return vm_err_libvirt(err, "host capabilities");
    if (want && strstr(caps, "<domain type='test'")) {
        *out = "test"; /* the test driver takes any request as its one type */
        return 0;
    }
    if (want) {
        char pat[32];
        snprintf(pat, sizeof(pat), "<domain type='%s'", want);
        if (!strstr(caps, pat))
            return err_set(err, 0, "--virt-type %s: this host does not offer %s", want,
                           strcmp(want, "kvm") == 0 ? "KVM" : "QEMU emulation (TCG)");
        *out = strcmp(want, "kvm") == 0 ? "kvm" : "qemu";
        return 0;
    }
    if (strstr(caps, "<domain type='kvm'") && (!local || kvm_usable()))
        *out = "kvm";
    else if (strstr(caps, "<domain type='qemu'"))
        *out = "qemu";
    else if (strstr(caps, "<domain type='test'"))
        *out = "test";
    else
        return err_set(err, 0, "the host offers neither KVM nor QEMU emulation");
    return 0;
}

/* The domain capabilities for KVM say <mode name='host-model' supported='yes'>. */
static bool
host_model_supported(virConnectPtr conn)
{
    cleanup_free char *dc = virConnectGetDomainCapabilities(conn, NULL, NULL, NULL, "kvm", 0);
    if (!dc) {
        virResetLastError();
        return false;
    }
    return strstr(dc, "<mode name='host-model' supported='yes'") != NULL;
}

/* qcow2 images start with "QFI\xfb"; anything else is taken as raw. */
static const char *
image_format(const char *path, bool local)
{
    unsigned char magic[4] = {0};
    int fd = local ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd < 0)
        return "raw";
    ssize_t n = read(fd, magic, sizeof(magic));
    close(fd);
    return n == 4 && memcmp(magic, "QFI\xfb", 4) == 0 ? "qcow2" : "raw";
}

/* libvirt's images directory: where a fresh install's "default" pool lives. */
#define VM_DEFAULT_POOL_DIR "/var/lib/libvirt/images"

/* A fresh libvirtd has no "default" pool: define one (a directory pool under libvirt's images
 * directory), build, start and autostart it. NULL with err set when that fails (what was
 * defined is undefined again). */
static virStoragePoolPtr
default_pool_make(virConnectPtr conn, struct err **err)
{
    virStoragePoolPtr p = virStoragePoolDefineXML(
        conn,
        "<pool type='dir'><name>default</name><target><path>" VM_DEFAULT_POOL_DIR
        "</path></target></pool>",
        0);
    if (!p) {
        vm_err_libvirt(err, "no 'default' storage pool, and defining one at %s failed",
                       VM_DEFAULT_POOL_DIR);
        return NULL;
    }
    if (virStoragePoolBuild(p, 0) < 0 || virStoragePoolCreate(p, 0) < 0) {
        vm_err_libvirt(err, "no 'default' storage pool, and starting one at %s failed",
                       VM_DEFAULT_POOL_DIR);
        virStoragePoolUndefine(p);
        virStoragePoolFree(p);
        return NULL;
    }
    if (virStoragePoolSetAutostart(p, 1) < 0)
        virResetLastError(); /* it works now; only a later restart of libvirtd would lose it */
    return p;
}

static virStoragePoolPtr
pool_lookup(virConnectPtr conn, const char *name, struct err **err)
{
    virStoragePoolPtr p = virStoragePoolLookupByName(conn, name ? name : "default");
    if (!p && !name) /* the test driver calls its pool "default-pool" */
        p = virStoragePoolLookupByName(conn, "default-pool");
    if (!p && !name) {
        virResetLastError();
        return default_pool_make(conn, err);
    }
    if (!p) {
        virResetLastError();
        err_set(err, 0, "--pool '%s': no such storage pool", name ? name : "default");
    }
    return p;
}

static virStorageVolPtr
volume_create(virConnectPtr conn, const struct vm_create_opts *o, char **path, struct err **err)
{
    virStoragePoolPtr pool = pool_lookup(conn, o->pool, err);
    if (!pool)
        return NULL;
    struct strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "<volume><name>");
    vm_xml_escape(&sb, o->name);
    strbuf_printf(&sb,
                  ".qcow2</name><capacity unit='bytes'>%llu</capacity>"
                  "<target><format type='qcow2'/></target></volume>",
                  (unsigned long long)o->disk_size_bytes);
    virStorageVolPtr vol = virStorageVolCreateXML(pool, strbuf_str(&sb), 0);
    strbuf_done(&sb);
    if (!vol)
        vm_err_libvirt(err, "create volume '%s.qcow2'", o->name);
    virStoragePoolFree(pool);
    if (vol && !(*path = virStorageVolGetPath(vol))) {
        vm_err_libvirt(err, "volume path");
        virStorageVolDelete(vol, 0);
        virStorageVolFree(vol);
        vol = NULL;
    }
    return vol;
}

static int
create_precheck(virConnectPtr conn, struct create_job *j, struct err **err)
{
    virDomainPtr d = virDomainLookupByName(conn, j->o.name);
    if (d) {
        virDomainFree(d);
        return err_set(err, 0, "a domain named '%s' already exists", j->o.name);
    }
    virResetLastError();
    if (j->o.network && strcmp(j->o.network, "none") != 0) {
        virNetworkPtr net = virNetworkLookupByName(conn, j->o.network);
        if (!net) {
            virResetLastError();
            return err_set(err, 0, "--network '%s': no such libvirt network", j->o.network);
        }
        virNetworkFree(net);
    }
    virNodeInfo ni;
    if (!j->local && virNodeGetInfo(conn, &ni) == 0 &&
        j->o.mem_bytes > (uint64_t)ni.memory * 1024) {
        char a[16], b[16];
        return err_set(err, 0, "--memory %s: more than the host's %s",
                       units_format_size(j->o.mem_bytes, a, sizeof(a)),
                       units_format_size((uint64_t)ni.memory * 1024, b, sizeof(b)));
    }
    virResetLastError();
    return 0;
}

static int
define_domain(virConnectPtr conn, const struct vm_create_opts *o, const char *virt,
              const char *disk, const char *fmt, struct err **err)
{
    struct strbuf xml = STRBUF_INIT;
    vm_xml_domain(o, virt, disk, fmt, &xml);
    virDomainPtr d = virDomainDefineXML(conn, strbuf_str(&xml));
    strbuf_done(&xml);
    if (!d)
        return vm_err_libvirt(err, "define");
    virDomainFree(d);
    return 0;
}

/* --image: the base, overlay and seed in the pool, then the domain; all undone on failure. */
static int
create_cloud(virConnectPtr conn, struct create_job *j, const char *virt, struct err **err)
{
    if (!j->local)
        return err_set(err, 0, "--image needs a libvirt on this machine (the URI is remote)");
    virStoragePoolPtr pool = pool_lookup(conn, j->o.pool, err);
    if (!pool)
        return -1;
    struct vm_cloud_made m;
    int rc = vm_cloud_prepare(pool, &j->o, &m, err);
    if (rc == 0) {
        j->o.seed_iso = m.seed_path;
        rc = define_domain(conn, &j->o, virt, m.overlay_path, "qcow2", err);
        j->o.seed_iso = NULL;
        if (rc < 0)
            vm_cloud_rollback(pool, &m);
        vm_cloud_made_done(&m);
    }
    virStoragePoolFree(pool);
    return rc;
}

static int
create_run(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err)
{
    struct create_job *j = arg;
    (void)c;
    const char *virt = NULL;
    if (create_precheck(conn, j, err) < 0 ||
        pick_virt_type(conn, j->local, j->o.virt_type, &virt, err) < 0)
        return -1;
    if (!j->o.cpu && strcmp(virt, "kvm") == 0 && host_model_supported(conn))
        j->o.cpu = "host-model";
    if (j->o.image)
        return create_cloud(conn, j, virt, err);
    cleanup_free char *vol_path = NULL;
    virStorageVolPtr vol = NULL;
    if (j->o.disk_size_bytes && !(vol = volume_create(conn, &j->o, &vol_path, err)))
        return -1;
    const char *disk = vol ? vol_path : j->o.disk;
    const char *fmt = vol ? "qcow2" : disk ? image_format(disk, j->local) : NULL;
    int rc = define_domain(conn, &j->o, virt, disk, fmt, err);
    if (rc < 0 && vol)
        virStorageVolDelete(vol, 0); /* nothing half-made left behind */
    if (vol)
        virStorageVolFree(vol);
    return rc;
}

int
vm_create(struct vm_provider *vp, const struct vm_create_opts *o, struct err **err)
{
    struct vm_host_limits lim = {0};
    lim.check_files = vm_uri_is_local(vm_provider_uri(vp));
    struct host_sample hs;
    cleanup_err struct err *he = NULL;
    if (lim.check_files && host_sample_read(NULL, NULL, &hs, &he) == 0)
        lim.mem_total_bytes = hs.mem_total_bytes;
    if (vm_create_check(o, &lim, err) < 0 || vm_cloud_check(o, lim.check_files, err) < 0)
        return -1;
    struct create_job *j = vmconn_job_new(sizeof(*j), create_job_fini);
    create_job_copy(j, o);
    j->local = lim.check_files;
    if (j->local &&
        vm_serial_log_default(vm_provider_uri(vp), o->name, j->serial_log, sizeof(j->serial_log)))
        j->o.serial_log = j->serial_log;
    int rc = vmconn_run(vp->conn, create_run, j, vm_action_timeout_ms(), err);
    vmconn_job_put(j);
    if (rc == 0)
        vm_events_bump();
    return rc;
}
