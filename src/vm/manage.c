/* SPDX-License-Identifier: MIT */
/* Managing one domain beyond the ops table: info, autostart, shutdown with a time-out, removal
 * with storage, snapshots. Every libvirt call runs on the connection's worker. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "common/strbuf.h"

/* A job on one domain: looked up by name or UUID, then op runs on it. */
struct dom_job {
    char *dom;
    char *arg; /* snapshot name, ... */
    bool flag;
    int (*op)(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err);
    /* results */
    int state, reason;
    size_t count;
    struct vm_info info;
    struct vm_snapshot *snaps;
    size_t n_snaps;
};

static void
dom_job_fini(void *arg)
{
    struct dom_job *j = arg;
    free(j->dom);
    free(j->arg);
    vm_info_done(&j->info);
    vm_snapshot_list_free(j->snaps, j->n_snaps);
}

static int
dom_job_run(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err)
{
    struct dom_job *j = arg;
    (void)c;
    virDomainPtr d = vm_dom_lookup(conn, j->dom, err);
    if (!d)
        return -1;
    int rc = j->op(conn, d, j, err);
    virDomainFree(d);
    return rc;
}

static struct dom_job *
dom_job_new(const char *dom, const char *arg,
            int (*op)(virConnectPtr, virDomainPtr, struct dom_job *, struct err **))
{
    struct dom_job *j = vmconn_job_new(sizeof(*j), dom_job_fini);
    j->dom = xstrdup(dom);
    j->arg = arg ? xstrdup(arg) : NULL;
    j->op = op;
    return j;
}

static int
dom_job_call(struct vm_provider *vp, struct dom_job *j, int timeout_ms, struct err **err)
{
    return vmconn_run(vp->conn, dom_job_run, j, timeout_ms, err);
}

static void
dom_job_putp(struct dom_job **j)
{
    vmconn_job_put(*j);
}
#define cleanup_job __attribute__((cleanup(dom_job_putp)))

/* ---- autostart, state ---- */

static int
op_autostart(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    (void)conn;
    if (virDomainSetAutostart(d, j->flag ? 1 : 0) < 0)
        return vm_err_libvirt(err, "autostart");
    return 0;
}

int
vm_set_autostart(struct vm_provider *vp, const char *dom, bool on, struct err **err)
{
    cleanup_job struct dom_job *j = dom_job_new(dom, NULL, op_autostart);
    j->flag = on;
    return dom_job_call(vp, j, vm_timeout_ms(), err);
}

static int
op_state(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    (void)conn;
    if (virDomainGetState(d, &j->state, &j->reason, 0) < 0)
        return vm_err_libvirt(err, "domain state");
    return 0;
}

static int
dom_state(struct vm_provider *vp, const char *dom, int *state, struct err **err)
{
    cleanup_job struct dom_job *j = dom_job_new(dom, NULL, op_state);
    if (dom_job_call(vp, j, vm_timeout_ms(), err) < 0)
        return -1;
    *state = j->state;
    return 0;
}

int
vm_shutdown_wait(struct vm_provider *vp, const char *dom, unsigned timeout_s, bool *forced,
                 struct err **err)
{
    if (forced)
        *forced = false;
    if (vm_act(vp, dom, INST_ACTION_SHUTDOWN, err) < 0)
        return -1;
    if (timeout_s == 0)
        return 0;
    int64_t deadline = mono_now_ns() + (int64_t)timeout_s * 1000000000LL;
    int state = VIR_DOMAIN_RUNNING;
    while (mono_now_ns() < deadline) {
        if (dom_state(vp, dom, &state, err) < 0)
            return -1;
        if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED)
            return 0;
        usleep(200000);
    }
    cleanup_err struct err *e = NULL;
    if (vm_act(vp, dom, INST_ACTION_KILL, &e) < 0) {
        if (dom_state(vp, dom, &state, err) == 0 && state == VIR_DOMAIN_SHUTOFF)
            return 0; /* it went off in the meantime */
        return err_set(err, 0, "no shutdown within %u s, and forcing it off failed: %s", timeout_s,
                       err_msg(e));
    }
    if (forced)
        *forced = true;
    return 0;
}

/* ---- removal ---- */

/* Disk images of a domain that belong to it alone: device='disk', not read-only or shared, and
 * the NAME.cidata.iso seed vm create made. */
static size_t
dom_own_images(const char *xml, char ***out)
{
    const char *end = xml + strlen(xml), *p = xml;
    char **v = NULL;
    size_t n = 0;
    while ((p = vm_xml_find(p, end, "disk"))) {
        const char *e = vm_xml_elem_end(p, end, "disk");
        if (!e)
            break;
        cleanup_free char *device = vm_xml_attr(p, "device");
        const char *src = vm_xml_find(p, e, "source");
        bool mine = (!device || strcmp(device, "disk") == 0) && !vm_xml_find(p, e, "readonly") &&
                    !vm_xml_find(p, e, "shareable") && src;
        char *file = src ? vm_xml_attr(src, "file") : NULL;
        size_t fl = file ? strlen(file) : 0;
        /* berth's own cloud-init seed (vm create --cloud-init) is the domain's too */
        if (!mine && !(fl > 11 && strcmp(file + fl - 11, ".cidata.iso") == 0)) {
            free(file);
            file = NULL;
        }
        if (file) {
            v = xreallocarray(v, n + 1, sizeof(*v));
            v[n++] = file;
        }
        p = e;
    }
    *out = v;
    return n;
}

static int
remove_image(virConnectPtr conn, const char *path, bool local, struct err **err)
{
    virStorageVolPtr vol = virStorageVolLookupByPath(conn, path);
    if (vol) {
        int rc = virStorageVolDelete(vol, 0);
        virStorageVolFree(vol);
        return rc < 0 ? vm_err_libvirt(err, "delete volume '%s'", path) : 0;
    }
    virResetLastError();
    if (!local)
        return err_set(err, 0, "'%s' is in no storage pool of the remote host; left in place",
                       path);
    if (unlink(path) < 0 && errno != ENOENT)
        return err_set(err, errno, "remove '%s'", path);
    return 0;
}

static int
op_remove(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    if (virDomainGetState(d, &j->state, &j->reason, 0) < 0)
        return vm_err_libvirt(err, "domain state");
    if (j->state != VIR_DOMAIN_SHUTOFF && j->state != VIR_DOMAIN_CRASHED)
        return err_set(err, 0, "domain is running (destroy it first)");
    cleanup_free char *xml = j->flag ? virDomainGetXMLDesc(d, 0) : NULL;
    if (j->flag && !xml)
        return vm_err_libvirt(err, "domain XML");
    if (vm_dom_undefine(d) < 0)
        return vm_err_libvirt(err, "undefine");
    char **imgs = NULL;
    size_t n = xml ? dom_own_images(xml, &imgs) : 0;
    int rc = 0;
    bool local = vm_uri_is_local(j->arg);
    for (size_t i = 0; i < n; i++) {
        cleanup_err struct err *e = NULL;
        if (remove_image(conn, imgs[i], local, &e) == 0)
            j->count++;
        else if (rc == 0)
            rc = err_set(err, e ? e->code : 0, "domain removed, but %s", err_msg(e));
        free(imgs[i]);
    }
    free(imgs);
    return rc;
}

int
vm_remove(struct vm_provider *vp, const char *dom, bool remove_storage, size_t *removed,
          struct err **err)
{
    cleanup_job struct dom_job *j = dom_job_new(dom, vm_provider_uri(vp), op_remove);
    j->flag = remove_storage;
    int rc = dom_job_call(vp, j, vm_action_timeout_ms(), err);
    if (removed)
        *removed = j->count;
    vm_events_bump();
    return rc;
}

/* ---- define from XML ---- */

struct define_job {
    char *xml;
    char *name;
};

static void
define_job_fini(void *arg)
{
    struct define_job *j = arg;
    free(j->xml);
    free(j->name);
}

static int
define_run(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err)
{
    struct define_job *j = arg;
    (void)c;
    virDomainPtr d = virDomainDefineXML(conn, j->xml);
    if (!d)
        return vm_err_libvirt(err, "define");
    j->name = xstrdup(virDomainGetName(d));
    virDomainFree(d);
    return 0;
}

int
vm_define_xml(struct vm_provider *vp, const char *xml, char **name, struct err **err)
{
    struct define_job *j = vmconn_job_new(sizeof(*j), define_job_fini);
    j->xml = xstrdup(xml);
    int rc = vmconn_run(vp->conn, define_run, j, vm_action_timeout_ms(), err);
    if (rc == 0 && name)
        *name = steal_pointer(&j->name);
    vmconn_job_put(j);
    if (rc == 0)
        vm_events_bump();
    return rc;
}

/* ---- snapshots ---- */

static int
snap_fill(virDomainSnapshotPtr s, struct vm_snapshot *out)
{
    out->name = xstrdup(virDomainSnapshotGetName(s));
    out->created = -1;
    out->current = virDomainSnapshotIsCurrent(s, 0) == 1;
    cleanup_free char *xml = virDomainSnapshotGetXMLDesc(s, 0);
    if (!xml)
        return 0;
    const char *end = xml + strlen(xml);
    cleanup_free char *ct = vm_xml_text(xml, end, "creationTime");
    if (ct)
        out->created = strtoll(ct, NULL, 10);
    out->state = vm_xml_text(xml, end, "state");
    return 0;
}

static int
op_snap_list(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    (void)conn;
    virDomainSnapshotPtr *snaps = NULL;
    int n = virDomainListAllSnapshots(d, &snaps, 0);
    if (n < 0)
        return vm_err_libvirt(err, "list snapshots");
    j->snaps = xcalloc((size_t)n + 1, sizeof(*j->snaps));
    for (int i = 0; i < n; i++) {
        snap_fill(snaps[i], &j->snaps[j->n_snaps++]);
        virDomainSnapshotFree(snaps[i]);
    }
    free(snaps);
    return 0;
}

static int
snap_cmp(const void *a, const void *b)
{
    const struct vm_snapshot *x = a, *y = b;
    if (x->created != y->created)
        return x->created < y->created ? -1 : 1;
    return strcmp(x->name, y->name);
}

int
vm_snapshot_list(struct vm_provider *vp, const char *dom, struct vm_snapshot **out, size_t *n,
                 struct err **err)
{
    cleanup_job struct dom_job *j = dom_job_new(dom, NULL, op_snap_list);
    if (dom_job_call(vp, j, vm_timeout_ms(), err) < 0)
        return -1;
    if (j->n_snaps > 1)
        qsort(j->snaps, j->n_snaps, sizeof(*j->snaps), snap_cmp);
    *out = steal_pointer(&j->snaps);
    *n = j->n_snaps;
    j->n_snaps = 0;
    return 0;
}

void
vm_snapshot_list_free(struct vm_snapshot *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].name);
        free(v[i].state);
    }
    free(v);
}

static int
op_snap_create(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    (void)conn;
    struct strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "<domainsnapshot><name>");
    vm_xml_escape(&sb, j->arg);
    strbuf_puts(&sb, "</name></domainsnapshot>");
    virDomainSnapshotPtr s = virDomainSnapshotCreateXML(d, strbuf_str(&sb), 0);
    strbuf_done(&sb);
    if (!s) {
        char msg[512];
        vm_libvirt_message(msg, sizeof(msg));
        /* libvirt's words when no disk can hold an internal snapshot (none, or not qcow2) */
        if (strstr(msg, "nothing selected for snapshot") ||
            strstr(msg, "internal snapshot for disk"))
            return err_set(err, 0,
                           "snapshot '%s': internal snapshots need a qcow2 disk, and this "
                           "domain has none (libvirt: %s)",
                           j->arg, msg);
        return err_set(err, 0, "snapshot '%s': %s", j->arg, msg);
    }
    virDomainSnapshotFree(s);
    return 0;
}

static int
op_snap_revert_or_delete(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    (void)conn;
    virDomainSnapshotPtr s = virDomainSnapshotLookupByName(d, j->arg, 0);
    if (!s) {
        virErrorPtr e = virGetLastError();
        if (!e || e->code == VIR_ERR_NO_DOMAIN_SNAPSHOT) {
            virResetLastError();
            return err_set(err, 0, "snapshot '%s' not found", j->arg);
        }
        return vm_err_libvirt(err, "snapshot '%s'", j->arg);
    }
    int rc = j->flag ? virDomainRevertToSnapshot(s, 0) : virDomainSnapshotDelete(s, 0);
    if (rc < 0)
        rc = vm_err_libvirt(err, "%s snapshot '%s'", j->flag ? "revert to" : "delete", j->arg);
    virDomainSnapshotFree(s);
    return rc;
}

static int
snap_op(struct vm_provider *vp, const char *dom, const char *snap, bool revert,
        int (*op)(virConnectPtr, virDomainPtr, struct dom_job *, struct err **), struct err **err)
{
    if (vm_name_check(snap, err) < 0)
        return err_wrap(err, "snapshot");
    cleanup_job struct dom_job *j = dom_job_new(dom, snap, op);
    j->flag = revert;
    int rc = dom_job_call(vp, j, vm_action_timeout_ms(), err);
    vm_events_bump();
    return rc;
}

int
vm_snapshot_create(struct vm_provider *vp, const char *dom, const char *snap, struct err **err)
{
    return snap_op(vp, dom, snap, false, op_snap_create, err);
}

int
vm_snapshot_revert(struct vm_provider *vp, const char *dom, const char *snap, struct err **err)
{
    return snap_op(vp, dom, snap, true, op_snap_revert_or_delete, err);
}

int
vm_snapshot_delete(struct vm_provider *vp, const char *dom, const char *snap, struct err **err)
{
    return snap_op(vp, dom, snap, false, op_snap_revert_or_delete, err);
}

/* ---- info ---- */

static void
info_devices(struct vm_info *in, const char *xml)
{
    const char *end = xml + strlen(xml), *p = xml, *e;
    while ((p = vm_xml_find(p, end, "disk")) && (e = vm_xml_elem_end(p, end, "disk"))) {
        in->disks = xreallocarray(in->disks, in->n_disks + 1, sizeof(*in->disks));
        struct vm_disk *d = &in->disks[in->n_disks++];
        d->device = vm_xml_attr(p, "device");
        const char *t = vm_xml_find(p, e, "target"), *s = vm_xml_find(p, e, "source");
        d->target = t ? vm_xml_attr(t, "dev") : NULL;
        d->source = s ? vm_xml_attr(s, "file") : NULL;
        if (s && !d->source)
            d->source = vm_xml_attr(s, "dev");
        p = e;
    }
    p = xml;
    while ((p = vm_xml_find(p, end, "interface")) && (e = vm_xml_elem_end(p, end, "interface"))) {
        const char *s = vm_xml_find(p, e, "source");
        char *net = s ? vm_xml_attr(s, "network") : NULL;
        if (s && !net)
            net = vm_xml_attr(s, "bridge");
        in->networks = xreallocarray(in->networks, in->n_networks + 1, sizeof(char *));
        in->networks[in->n_networks++] = net ? net : xstrdup("?");
        p = e;
    }
    const char *con = vm_xml_find(xml, end, "console");
    in->console_pty = con ? vm_xml_attr(con, "tty") : NULL;
}

static void
info_from_xml(struct vm_info *in, const char *xml)
{
    const char *end = xml + strlen(xml);
    const char *dom = vm_xml_find(xml, end, "domain");
    in->virt_type = dom ? vm_xml_attr(dom, "type") : NULL;
    in->os_type = vm_xml_text(xml, end, "type");
    cleanup_free char *maxv = vm_xml_text(xml, end, "vcpu");
    in->max_vcpus = maxv ? (unsigned)strtoul(maxv, NULL, 10) : in->vcpus;
    info_devices(in, xml);
}

static int
op_info(virConnectPtr conn, virDomainPtr d, struct dom_job *j, struct err **err)
{
    (void)conn;
    struct vm_info *in = &j->info;
    virDomainInfo di;
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetInfo(d, &di) < 0 || virDomainGetUUIDString(d, uuid) < 0 ||
        virDomainGetState(d, &j->state, &j->reason, 0) < 0)
        return vm_err_libvirt(err, "domain info");
    in->name = xstrdup(virDomainGetName(d));
    in->uuid = xstrdup(uuid);
    in->state = vm_state_map(j->state);
    const char *r = vm_state_reason(j->state, j->reason);
    in->state_reason = r ? xstrdup(r) : NULL;
    in->vcpus = di.nrVirtCpu;
    in->mem_bytes = (uint64_t)di.memory * 1024;
    in->max_mem_bytes = (uint64_t)di.maxMem * 1024;
    bool active = virDomainIsActive(d) == 1;
    in->cpu_ns = active ? di.cpuTime : INST_UNKNOWN;
    in->persistent = virDomainIsPersistent(d) == 1;
    int autostart = 0;
    in->autostart = virDomainGetAutostart(d, &autostart) == 0 && autostart;
    in->has_managed_save = virDomainHasManagedSaveImage(d, 0);
    int ns = virDomainSnapshotNum(d, 0);
    in->n_snapshots = ns > 0 ? (size_t)ns : 0;
    virResetLastError();
    cleanup_free char *xml = virDomainGetXMLDesc(d, 0);
    if (xml)
        info_from_xml(in, xml);
    if (!active) {
        free(in->console_pty);
        in->console_pty = NULL;
    }
    in->addresses = active && in->n_networks ? vm_dom_addresses(d, true) : NULL;
    return 0;
}

int
vm_info_get(struct vm_provider *vp, const char *dom, struct vm_info *out, struct err **err)
{
    cleanup_job struct dom_job *j = dom_job_new(dom, NULL, op_info);
    if (dom_job_call(vp, j, vm_timeout_ms(), err) < 0)
        return -1;
    *out = j->info;
    memset(&j->info, 0, sizeof(j->info));
    return 0;
}

void
vm_info_done(struct vm_info *in)
{
    free(in->name);
    free(in->uuid);
    free(in->state_reason);
    free(in->virt_type);
    free(in->os_type);
    free(in->addresses);
    for (size_t i = 0; i < in->n_disks; i++) {
        free(in->disks[i].target);
        free(in->disks[i].device);
        free(in->disks[i].source);
    }
    free(in->disks);
    for (size_t i = 0; i < in->n_networks; i++)
        free(in->networks[i]);
    free(in->networks);
    free(in->console_pty);
    memset(in, 0, sizeof(*in));
}
