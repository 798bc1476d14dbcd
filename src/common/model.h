/* SPDX-License-Identifier: MIT */
/* The instance model: one record shape for a VM or a container, and a growable list of them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A counter or figure that is unknown or does not apply (printed as null, never as 0). */
#define INST_UNKNOWN UINT64_MAX

enum inst_kind {
    INST_KIND_VM,
    INST_KIND_CONTAINER,
    INST_KIND_COUNT,
};

enum inst_state {
    INST_STATE_UNKNOWN,
    INST_STATE_RUNNING,
    INST_STATE_PAUSED,
    INST_STATE_STOPPED,  /* defined, not running (shut off / created / exited) */
    INST_STATE_CRASHED,  /* ended abnormally (VM crashed; container's monitor lost: stale) */
    INST_STATE_STARTING, /* being started */
    INST_STATE_STOPPING, /* being shut down */
    INST_STATE_COUNT,
};

/* VM vs container figures (docs/VM-VS-CONTAINER.md): the same fields for both kinds; a field is
 * INST_UNKNOWN (times: -1) when it is unknown or does not apply to the kind. Plain data (no
 * pointers): copying a struct inst copies it. Filled by common/figs.c, ctr/ and vm/figures.c. */
struct inst_figs {
    int64_t start_req_ns;   /* CLOCK_REALTIME ns of the last start request, -1 unknown */
    int64_t start_exec_ns;  /* request -> container's exec / VM running, ns; -1 unknown */
    int64_t start_first_ns; /* request -> first output line (container log, VM serial); -1 */
    uint64_t mem_anon;      /* container: anonymous (process) memory of the cgroup, bytes */
    uint64_t mem_file;      /* container: page cache of the cgroup, bytes */
    uint64_t mem_kernel;    /* container: kernel memory charged to the cgroup, bytes */
    uint64_t mem_total;     /* container: memory.current / memory.usage_in_bytes, bytes */
    uint64_t guest_mem;     /* VM: guest RAM (balloon size), bytes */
    uint64_t host_rss;      /* VM: the QEMU process's resident memory (/proc VmRSS), bytes */
    int64_t mem_overhead;   /* VM: host_rss - guest_mem, bytes (negative while the guest has not
                             * touched all its RAM); INT64_MIN unknown */
    uint64_t vcpu_ns;       /* VM: cumulative vCPU time, all vCPUs, ns */
    uint64_t emu_ns;        /* VM: cumulative CPU of QEMU besides the vCPUs (cpu - vcpu), ns */
    /* Storage: container: own = its upper layer, shared = the lower layers (image layers or the
     * rootfs), both walked like du -s off the sampling path (common/du.h); VM: own = allocation
     * of its disks, capacity = their virtual size, shared = their backing files' allocation. */
    uint64_t disk_own;      /* bytes */
    uint64_t disk_shared;   /* bytes */
    uint64_t disk_capacity; /* VM: bytes */
    char disk_base[256];    /* container: "image" or "rootfs"; VM: first backing file's path */
    char kernel[64];        /* "own (guest)" for VMs, "shared <host release>" for containers */
    char accel[8];          /* VM: "kvm", "tcg" or ""; container: "" */
    char isolation[256];    /* "ns pid,mnt,...; userns 0:100000:65536; seccomp filter; ..." */
};

struct inst {
    enum inst_kind kind;
    char *source; /* libvirt URI, or "local" for containers; owned */
    char *id;     /* stable id: domain UUID, container name; owned */
    char *name;   /* owned */
    enum inst_state state;
    char *state_reason; /* short detail ("user", "oom-killed", "stale"), or NULL; owned */

    /* Raw counters from one sample; INST_UNKNOWN when not available. */
    uint64_t cpu_ns;          /* cumulative CPU time, all vCPUs / all tasks */
    uint64_t mem_bytes;       /* memory in use (meaning documented per kind in docs/BATCH.md) */
    uint64_t mem_limit_bytes; /* limit / maximum */
    uint64_t vcpus;           /* VMs */
    uint64_t pids;            /* containers: tasks in the cgroup */
    uint64_t blk_read_bytes, blk_write_bytes;
    uint64_t net_rx_bytes, net_tx_bytes;
    uint64_t restarts;  /* containers: restarts by their restart policy since the last start */
    int64_t start_time; /* CLOCK_REALTIME seconds when it started; -1 unknown / not running */
    int64_t mono_ns;    /* CLOCK_MONOTONIC ns when the counters were read */

    /* Filled by the sampler from two samples; NaN when unknown. 100 = one host CPU. */
    double cpu_pct;

    struct inst_figs figs; /* VM vs container figures (issue 17) */
    /* VMs with a network interface, running: the guest's IP addresses "ADDR/PREFIX" separated
     * by spaces (DHCP leases, else ARP), or NULL; owned */
    char *addrs;
    /* Containers on a network: its address and published ports ("8080->80/tcp,..."); "" none. */
    char ip[16];
    char ports[96];
};

struct inst_list {
    struct inst *v;
    size_t n;
    size_t cap;
};

const char *inst_kind_name(enum inst_kind k);   /* "vm", "container" */
const char *inst_state_name(enum inst_state s); /* "running", "paused", ... */

void inst_list_init(struct inst_list *l);
void inst_list_clear(struct inst_list *l); /* frees the entries' strings, keeps capacity */
void inst_list_done(struct inst_list *l);
/* Append a zeroed entry with every counter INST_UNKNOWN, start_time -1, cpu_pct NaN and the
 * three strings copied; returns it (valid until the next append). */
struct inst *inst_list_add(struct inst_list *l, enum inst_kind kind, const char *source,
                           const char *id, const char *name);
void inst_set_reason(struct inst *in, const char *reason);
/* Deep copy of src into dst (dst is cleared first). */
void inst_list_copy(struct inst_list *dst, const struct inst_list *src);

/* CLOCK_MONOTONIC / CLOCK_REALTIME in nanoseconds. */
int64_t mono_now_ns(void);
int64_t real_now_ns(void);
