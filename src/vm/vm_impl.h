/* SPDX-License-Identifier: MIT */
/* Inside the libvirt provider: the connection worker, jobs, the provider object, and shared
 * helpers. Not for ui/. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "common/err.h"
#include "common/model.h"
#include "common/provider.h"
#include "vm/global.h"
#include "vm/virt.h"

/*
 * One libvirt connection and the worker thread that owns it. The worker (re)connects with
 * back-off (1, 2, 4 .. 30 s), runs queued jobs one at a time, and tears the connection down when
 * the close callback reports it lost. Reference-counted: the owner, the worker and each
 * registered libvirt callback hold one, so that a worker stuck in a hung RPC can outlive
 * vmconn_free and clean up when it returns.
 */
struct vmconn;

/* A job: fn runs on the worker with the live connection; arg is the job's own data. */
typedef int (*vmconn_fn)(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err);

struct vmconn *vmconn_new(const char *uri);
/* Stop the worker, waiting at most wait_ms for it (a worker stuck in an RPC finishes later). */
void vmconn_free(struct vmconn *c, int wait_ms);
const char *vmconn_uri(const struct vmconn *c);
void vmconn_info(struct vmconn *c, struct conn_info *out);
int vmconn_wait_connected(struct vmconn *c, int timeout_ms, struct err **err);
/* The connection's own state (vmconn_info reports a connected one that does not answer as
 * failed). */
enum conn_state vmconn_state(struct vmconn *c);
/* Mark the connection as answering or not (reason "" clears). */
void vmconn_set_answer(struct vmconn *c, const char *reason);

/* The last sample: store swaps fresh in (fresh comes back empty); append copies it to out.
 * Lifecycle events patch the states in between. */
void vmconn_cache_store(struct vmconn *c, struct inst_list *fresh);
void vmconn_cache_append(struct vmconn *c, struct inst_list *out);

/* Jobs. vmconn_job_new returns a zeroed arg area of size bytes; fini (may be NULL) releases what
 * the arg holds when the last reference goes. vmconn_run queues the job and waits at most
 * timeout_ms: 0 when fn returned >= 0 (read results from arg), -1 with err set otherwise (fn's
 * error, or "no answer from libvirt within N s"). Either way the caller then calls
 * vmconn_job_put(arg) once; on a time-out the worker still holds its own reference. */
void *vmconn_job_new(size_t size, void (*fini)(void *arg));
void vmconn_job_put(void *arg);
int vmconn_run(struct vmconn *c, vmconn_fn fn, void *arg, int timeout_ms, struct err **err);
/* vmconn_run in two halves, so that a caller can have jobs out on several connections at once:
 * vmconn_submit queues the job and returns at once (0, or -1 when not connected: nothing is
 * queued); unlike vmconn_run it also queues while the first connection attempt is under way
 * (the job runs once connected, and fails with the reason if the attempt fails). vmconn_wait
 * waits at most wait_ms (0: just look) for it, as vmconn_run does, a time-out reported as "no
 * answer from libvirt within <timeout_ms>". The caller puts the job once after both. */
int vmconn_submit(struct vmconn *c, vmconn_fn fn, void *arg, struct err **err);
int vmconn_wait(struct vmconn *c, void *arg, int wait_ms, int timeout_ms, struct err **err);
/* True while a previous job of fn is still out (timed out and not finished). */
bool vmconn_busy_with(struct vmconn *c, vmconn_fn fn);

/* The provider object (made in provider.c). The operations (console.c, create.c, manage.c) run
 * their jobs on vp->conn; the sampling state is provider.c's own. */
struct sample_job;
struct vm_provider {
    struct vmconn *conn;
    /* A sample begun by sample_start and not collected yet (the sampling thread's own) */
    bool started;
    int64_t deadline_ns;       /* CLOCK_MONOTONIC: the collecting sample() waits until then */
    struct sample_job *queued; /* the job out on the worker, or NULL (not connected, or busy) */
};

/* The provider's attach() (console.c): the console on fds 0 and 1 until Ctrl-] or its end.
 * Does not touch terminal modes: the caller in ui/ sets raw mode. */
int vm_console_attach(void *self, const char *id, struct err **err);

/* Domain helpers (domain.c). */
/* Look a domain up by UUID string or name; NULL with "domain not found" style errors. */
virDomainPtr vm_dom_lookup(virConnectPtr conn, const char *dom, struct err **err);
/* Undefine with managed save, snapshot metadata and NVRAM (NVRAM left out where unsupported). */
int vm_dom_undefine(virDomainPtr d);
/* True when uri names a hypervisor on this machine (no host part). */
bool vm_uri_is_local(const char *uri);

/* Minimal XML reading for libvirt's own domain XML (xml.c): the next element <tag ...> in
 * [p, end), and the end of that element (past "/>" or "</tag>"); NULL when absent. */
const char *vm_xml_find(const char *p, const char *end, const char *tag);
const char *vm_xml_elem_end(const char *elem, const char *end, const char *tag);
/* The unescaped value of attribute name in the open tag at elem, malloc'd; NULL when absent. */
char *vm_xml_attr(const char *elem, const char *name);
/* The unescaped text content of the first <tag> in [p, end), malloc'd; NULL when absent. */
char *vm_xml_text(const char *p, const char *end, const char *tag);

/* Stats records -> model rows (stats.c). */
enum inst_state vm_state_map(int state);
const char *vm_state_reason(int state, int reason);
/* A lifecycle event (VIR_DOMAIN_EVENT_*, detail) applied to a row's state. */
void vm_event_apply(struct inst *in, int event, int detail);
void vm_stats_fill(struct inst *in, virDomainStatsRecordPtr rec, const char *uri, int64_t mono);

/* VM-vs-container figures (figures.c). The QEMU pid file of a domain of a local qemu URI into
 * buf; false for other URIs. */
bool vm_pidfile_path(const char *uri, const char *name, char *buf, size_t size);
/* Where `berth vm create` has libvirt log the serial port of domain name (the ready figure):
 * qemu:///system, /var/log/libvirt/qemu/NAME-serial0.log; qemu:///session, libvirt's session
 * log directory ($XDG_CACHE_HOME or ~/.cache, /libvirt/qemu/log); false for other URIs or when
 * that directory is not there (no log then). */
bool vm_serial_log_default(const char *uri, const char *name, char *buf, size_t size);
/* in->figs of a domain row (cpu_ns already filled): guest RAM, QEMU RSS and overhead, vCPU and
 * emulator CPU, accelerator, isolation, and the start berth recorded. */
void vm_figs_fill(struct inst *in, const char *uri, uint64_t balloon_kib, uint64_t vcpu_ns,
                  bool active);
/* Storage figures of a stats record's disks (block.N.path, .allocation, .capacity): own, the
 * allocation (for local URIs the host's blocks of each local image file, as du counts them;
 * else libvirt's allocation); capacity, the virtual sizes; shared and base, the first qcow2
 * backing file found and its blocks. */
void vm_figs_disks(struct inst *in, virDomainStatsRecordPtr rec, const char *uri);
/* The file the first serial port of a domain XML writes to: <serial type='file'>'s source path,
 * else the serial's <log file>; malloc'd, NULL when none or not absolute. *append: whether
 * libvirt appends to it (append='on') rather than truncating it at the start. */
char *vm_serial_log_path(const char *xml, bool *append);
/* After a start by berth (vm_figs_start_record done): watch log for the guest's first line in a
 * detached process that adds its time to the record (vm_figs_fill's start_first_ns). */
void vm_figs_ready_watch(const char *uuid, const char *log, bool append);
/* The devices a domain XML passes through from the host, as a list into out ("" for none):
 * each <hostdev> (pci 0000:01:00.0, usb bus 1 dev 5 / usb 1234:beef, scsi ADAPTER:B:T:U,
 * scsi_host WWPN, mdev UUID; capabilities: storage/misc/net and the host's path or name), an
 * <interface type='hostdev'> (net pci ADDR), a <disk device='lun'>, a passthrough or evdev
 * <input>, a passthrough <tpm>. Pure. */
void vm_xml_devices(const char *xml, char *out, size_t size);
/* Append "devices LIST" to in->figs.isolation (in->state filled): the domain's XML read again
 * only when its state changed or a minute passed; nothing when the XML cannot be read. */
void vm_figs_devices(struct inst *in, virDomainPtr d, const char *uri);
/* Keep the start of domain uuid (request, running; CLOCK_REALTIME ns) for vm_figs_fill. */
void vm_figs_start_record(const char *uuid, int64_t req_ns, int64_t running_ns);

struct vm_create_opts;
/* Cloud images on the worker (cloud.c). What vm_cloud_prepare made for one VM: the base volume
 * (base_new when this call imported it), the overlay and the seed ISO (NULL without
 * --cloud-init). */
struct vm_cloud_made {
    char *base_path;
    bool base_new;
    virStorageVolPtr overlay;
    char *overlay_path;
    char *seed_path;
};
/* Import o->image into pool (a directory pool) unless a base of the same SHA-256 is there, make
 * the overlay and the seed. On failure nothing of it is left (and m is empty). */
int vm_cloud_prepare(virStoragePoolPtr pool, const struct vm_create_opts *o,
                     struct vm_cloud_made *m, struct err **err);
/* Undo what m holds (delete the overlay and seed, the base when new) and empty m. */
void vm_cloud_rollback(virStoragePoolPtr pool, struct vm_cloud_made *m);
void vm_cloud_made_done(struct vm_cloud_made *m);

/* A running domain's IP addresses as "ADDR/PREFIX" separated by spaces, malloc'd; NULL when
 * libvirt knows none. Sources in turn: DHCP leases, the guest agent (when agent), ARP (addrs.c). */
char *vm_dom_addresses(virDomainPtr d, bool agent);
