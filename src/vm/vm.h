/* SPDX-License-Identifier: MIT */
/* The libvirt provider: VMs on libvirt connections, plus what the front ends need beyond it. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/provider.h"
#include "common/strbuf.h"

/*
 * Threads and time-outs. Every provider owns one libvirt connection and one worker thread that
 * makes every libvirt call on it; the calls below hand a job to that worker and wait at most a
 * bounded time (vm_set_timeout for samples and look-ups, a longer one for actions). A job that
 * times out is left to finish (or fail) on the worker; its result is dropped. One process-wide
 * thread runs libvirt's event loop (keepalive, close callback, lifecycle events, console streams).
 * Nothing here prints: libvirt's error printer is replaced, errors come back as struct err.
 */

/* Open a provider for one connection URI. Never blocks on the network: the connection is made
 * in the background, and its state is reported through the provider's conns(). */
int vm_provider_new(const char *uri, struct provider *out, struct err **err);

/* Try to reach uri within timeout_ms; 0 if it answers, -1 with the reason otherwise. */
int vm_uri_probe(const char *uri, int timeout_ms, struct err **err);

/* Time-out for one sample or look-up, in ms (default 3000; $BERTH_VM_TIMEOUT_MS overrides the
 * default). Actions wait 10 times as long (at least 30 s): starting a VM takes a while. */
void vm_set_timeout(int ms);
int vm_timeout_ms(void);

/* An eventfd (EFD_NONBLOCK | EFD_CLOEXEC) that becomes readable whenever a domain lifecycle
 * event (started, stopped, paused, defined, ...) arrived on any connection: poll it and refresh
 * at once. Read 8 bytes to reset it. -1 if it could not be made. Owned by this module. */
int vm_events_fd(void);

/* The libvirt provider behind p, or NULL when p is another kind. Owned by p. */
struct vm_provider *vm_provider_get(const struct provider *p);
const char *vm_provider_uri(const struct vm_provider *vp);
/* Wait (at most timeout_ms) for the first connection attempt; 0 when connected, -1 with the
 * reason ("cannot connect to 'URI': ...") otherwise. For commands that need the connection. */
int vm_wait_connected(struct vm_provider *vp, int timeout_ms, struct err **err);

/* Domains are named by name or UUID string wherever `dom` appears below. */

/* start, shutdown, kill, pause, resume, reboot, remove (the provider's act()). */
int vm_act(struct vm_provider *vp, const char *dom, enum inst_action a, struct err **err);
/* ACPI shutdown, then wait up to timeout_s for it to be off; force it off after that (*forced
 * set). timeout_s 0: ask and return at once. */
int vm_shutdown_wait(struct vm_provider *vp, const char *dom, unsigned timeout_s, bool *forced,
                     struct err **err);
/* Undefine (with managed save, snapshot metadata and NVRAM). A running domain is refused. With
 * remove_storage, the domain's disk images (not CD-ROMs, not read-only or shared disks) are
 * deleted too: through their storage pool when they are in one, else unlinked on a local URI.
 * *removed (may be NULL) gets the count of images deleted. */
int vm_remove(struct vm_provider *vp, const char *dom, bool remove_storage, size_t *removed,
              struct err **err);
int vm_set_autostart(struct vm_provider *vp, const char *dom, bool on, struct err **err);

struct vm_disk {
    char *target; /* "vda" */
    char *device; /* "disk", "cdrom" */
    char *source; /* file path, volume "pool/vol", or NULL when empty */
};

struct vm_info {
    char *name, *uuid;
    enum inst_state state;
    char *state_reason; /* "booted", "destroyed", ... or NULL */
    char *virt_type;    /* "kvm", "qemu", "test" */
    char *os_type;      /* "hvm" */
    unsigned vcpus, max_vcpus;
    uint64_t mem_bytes, max_mem_bytes;
    uint64_t cpu_ns; /* INST_UNKNOWN when not running */
    bool persistent, autostart;
    int has_managed_save; /* -1 unknown */
    size_t n_snapshots;
    struct vm_disk *disks;
    size_t n_disks;
    char **networks; /* source network / bridge per interface */
    size_t n_networks;
    char *console_pty; /* /dev/pts/N of the serial console while running, or NULL */
    char *addresses;   /* running: "ADDR/PREFIX ..." (leases, agent, ARP), or NULL */
};
int vm_info_get(struct vm_provider *vp, const char *dom, struct vm_info *out, struct err **err);
void vm_info_done(struct vm_info *in);

struct vm_snapshot {
    char *name;
    int64_t created; /* seconds since the epoch; -1 unknown */
    char *state;     /* the domain state it saved: "running", "shutoff", ... */
    bool current;
};
int vm_snapshot_list(struct vm_provider *vp, const char *dom, struct vm_snapshot **out, size_t *n,
                     struct err **err);
void vm_snapshot_list_free(struct vm_snapshot *v, size_t n);
int vm_snapshot_create(struct vm_provider *vp, const char *dom, const char *snap, struct err **err);
int vm_snapshot_revert(struct vm_provider *vp, const char *dom, const char *snap, struct err **err);
int vm_snapshot_delete(struct vm_provider *vp, const char *dom, const char *snap, struct err **err);

/* ---- Creating domains ---- */

enum vm_graphics {
    VM_GRAPHICS_NONE,
    VM_GRAPHICS_VNC,
    VM_GRAPHICS_COUNT,
};

enum vm_machine {
    VM_MACHINE_Q35,
    VM_MACHINE_PC,
    VM_MACHINE_COUNT,
};

/* What `berth vm create` asks for. Strings are borrowed. */
struct vm_create_opts {
    const char *name;
    uint64_t mem_bytes;       /* --memory */
    unsigned vcpus;           /* --vcpus */
    const char *disk;         /* --disk PATH: an existing image (qcow2 detected, else raw) */
    uint64_t disk_size_bytes; /* --disk-size: a new qcow2 volume NAME.qcow2 in pool; 0 = none */
    const char *pool;         /* --pool (default "default") */
    const char *iso;          /* --iso PATH: a CD-ROM, booted first */
    const char *kernel, *initrd, *cmdline; /* direct kernel boot */
    const char *network; /* libvirt network name; NULL or "none" = no network interface */
    enum vm_graphics graphics;
    enum vm_machine machine;
    const char *virt_type; /* --virt-type kvm|qemu; NULL = kvm when the host offers it, else qemu */
    /* --cpu host-passthrough|host-model|MODEL; NULL = the default (host-model on kvm when the
     * domain capabilities support it, else no <cpu>: QEMU's own model) */
    const char *cpu;
    /* Cloud images (docs/VMS.md "Cloud images"). --image PATH: a qcow2 or raw disk image,
     * imported once into the pool as a read-only base volume named by its SHA-256 and shared;
     * the VM's disk is a qcow2 overlay NAME.qcow2 over it (--disk-size: its size, at least the
     * image's). --cloud-init (implied by the three after it): a NoCloud seed NAME.cidata.iso
     * (volume label cidata: meta-data, user-data, network-config) as a CD-ROM. Local URIs only. */
    const char *image;
    bool cloud_init;
    const char *ssh_key;   /* --ssh-key FILE: authorized_keys lines for the guest */
    const char *user_data; /* --user-data FILE: '#cloud-config' (or '#!') text used as is */
    const char *hostname;  /* --hostname H; default: NAME made a valid host name */
    const char *seed_iso;  /* set by vm_create itself: the seed to attach (not a user option) */
    /* set by vm_create itself: the file the serial port is also logged to (libvirt's <log
     * file>, truncated at each start), NULL for none (not a user option) */
    const char *serial_log;
};
void vm_create_opts_init(struct vm_create_opts *o); /* 1 vCPU, no memory, q35, no graphics */

/* Host figures the options are checked against. */
struct vm_host_limits {
    uint64_t mem_total_bytes; /* 0 = unknown (not checked) */
    unsigned max_vcpus;       /* 0 = use VM_MAX_VCPUS */
    bool check_files;         /* the URI is local: files must exist here */
};
#define VM_MAX_VCPUS 255
#define VM_MIN_MEM_BYTES (16ull << 20)

/* Check a domain name: 1..64 characters of letters, digits, '.', '_', '-', '+', not starting
 * with '.' or '-'. The message quotes the name. */
int vm_name_check(const char *name, struct err **err);
/* Check the options (pure; no libvirt). One-line message naming the option and quoting the
 * value: "--vcpus 0: must be between 1 and 255". */
int vm_create_check(const struct vm_create_opts *o, const struct vm_host_limits *lim,
                    struct err **err);
/* Append s with &, <, >, ' and " escaped (for XML text and attribute values). Control characters
 * other than tab and newline, which XML 1.0 cannot carry, are dropped. */
void vm_xml_escape(struct strbuf *sb, const char *s);
/*
 * Domain XML for o (pure). virt_type: "kvm", "qemu" or "test"; disk_path / disk_format: the
 * image to attach (o->disk, or the volume made for --disk-size), NULL for none. A serial console
 * on a pty is always there.
 */
void vm_xml_domain(const struct vm_create_opts *o, const char *virt_type, const char *disk_path,
                   const char *disk_format, struct strbuf *out);
/*
 * When a start failed with libvirt message msg because QEMU refused the CPU model or the
 * accelerator (KVM), the one-line hint naming the create option to try ("QEMU refused the CPU
 * model: recreate the VM with --cpu host-model or --virt-type qemu"); NULL otherwise. Pure.
 */
const char *vm_start_error_hint(const char *msg);

/* ---- Cloud images (cloud.c) ---- */

#define VM_MAX_DISK_BYTES (64ull << 40) /* 64T: a larger --disk-size or image is refused */
#define VM_USER_DATA_MAX (64u << 10)
#define VM_SSH_KEY_MAX (16u << 10)

/* What is in a disk image file: "qcow2" (by its header) or "raw" (a partition table's boot
 * signature at byte 510), and its virtual size. -1 "not a disk image" for anything else. */
int vm_image_probe(const char *path, const char **fmt, uint64_t *vsize, struct err **err);
/* Check the cloud options of o (reads --image's header, --ssh-key and --user-data when files is
 * true). One-line message naming the option and quoting the value. */
int vm_cloud_check(const struct vm_create_opts *o, bool files, struct err **err);

/* The NoCloud seed's three files. */
struct vm_cloud_seed {
    char *meta_data, *user_data, *network_config;
};
/* Build the seed for o (reads --ssh-key and --user-data): meta-data with instance_id,
 * local-hostname and public-keys; user-data as given, else a #cloud-config with the host name
 * and the keys; network-config: DHCP on every Ethernet interface. */
int vm_cloud_seed_build(const struct vm_create_opts *o, const char *instance_id,
                        struct vm_cloud_seed *out, struct err **err);
void vm_cloud_seed_done(struct vm_cloud_seed *s);
/* The host name for o: --hostname, else NAME with characters a host name cannot hold made '-'
 * (at most 63). Written into buf (at least 64 bytes). */
const char *vm_cloud_hostname(const struct vm_create_opts *o, char *buf, size_t size);

/* Check o against the connection's host, make the volume if asked, define the domain. On any
 * failure nothing is left behind (the volume is deleted, the domain undefined). */
int vm_create(struct vm_provider *vp, const struct vm_create_opts *o, struct err **err);
/* Define a domain from XML (berth vm create --xml FILE). *name (may be NULL) gets its name. */
int vm_define_xml(struct vm_provider *vp, const char *xml, char **name, struct err **err);

/* ---- Serial console ---- */

enum vm_console_end {
    VM_CONSOLE_DETACHED,  /* the user typed Ctrl-] */
    VM_CONSOLE_CLOSED,    /* the domain stopped or the stream ended */
    VM_CONSOLE_INPUT_EOF, /* in_fd reached end of file */
    VM_CONSOLE_END_COUNT,
};
#define VM_CONSOLE_ESCAPE 0x1d /* Ctrl-] */

/* An open console session. */
struct vm_console;
/* Connect to the domain's serial console (bounded by the time-out). */
int vm_console_open(struct vm_provider *vp, const char *dom, struct vm_console **out,
                    struct err **err);
/*
 * Copy in_fd -> console and console -> out_fd until Ctrl-] arrives on in_fd, the console closes,
 * or in_fd ends (output is then still copied for linger_ms). Does not touch terminal modes: the
 * caller sets raw mode. *how (may be NULL) says why it returned. Once per session.
 */
int vm_console_pump(struct vm_console *con, int in_fd, int out_fd, int linger_ms,
                    enum vm_console_end *how, struct err **err);
/* End the session (the stream is closed on the connection's worker) and free con. */
void vm_console_close(struct vm_console *con);
