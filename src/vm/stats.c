/* SPDX-License-Identifier: MIT */
/* libvirt domain stats records and lifecycle events turned into rows of the model. */
#include "vm/vm_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"

enum inst_state
vm_state_map(int state)
{
    switch (state) {
    case VIR_DOMAIN_RUNNING:
    case VIR_DOMAIN_BLOCKED:
        return INST_STATE_RUNNING;
    case VIR_DOMAIN_PAUSED:
    case VIR_DOMAIN_PMSUSPENDED:
        return INST_STATE_PAUSED;
    case VIR_DOMAIN_SHUTDOWN:
        return INST_STATE_STOPPING;
    case VIR_DOMAIN_SHUTOFF:
        return INST_STATE_STOPPED;
    case VIR_DOMAIN_CRASHED:
        return INST_STATE_CRASHED;
    default:
        return INST_STATE_UNKNOWN;
    }
}

static const char *
pick(const char *const *v, size_t n, int i)
{
    return i >= 0 && (size_t)i < n ? v[i] : NULL;
}

/* Short text for a state's reason code, as virsh domstate --reason words it; NULL when there is
 * nothing to say. */
const char *
vm_state_reason(int state, int reason)
{
    static const char *const running[] = {NULL,
                                          "booted",
                                          "migrated",
                                          "restored",
                                          "from snapshot",
                                          "unpaused",
                                          "migration canceled",
                                          "save canceled",
                                          "woken up",
                                          "crashed",
                                          "post-copy",
                                          "post-copy failed"};
    static const char *const paused[] = {
        NULL,        "user",        "migration",     "saving",          "dumping",
        "I/O error", "watchdog",    "from snapshot", "shutting down",   "snapshot",
        "crashed",   "starting up", "post-copy",     "post-copy failed"};
    static const char *const shutoff[] = {NULL,      "shutdown",      "destroyed",
                                          "crashed", "migrated",      "saved",
                                          "failed",  "from snapshot", "killed by daemon"};
    switch (state) {
    case VIR_DOMAIN_RUNNING:
        return pick(running, ARRAY_SIZE(running), reason);
    case VIR_DOMAIN_BLOCKED:
        return "blocked";
    case VIR_DOMAIN_PAUSED:
        return pick(paused, ARRAY_SIZE(paused), reason);
    case VIR_DOMAIN_SHUTDOWN:
        return reason == VIR_DOMAIN_SHUTDOWN_USER ? "user" : NULL;
    case VIR_DOMAIN_SHUTOFF:
        return pick(shutoff, ARRAY_SIZE(shutoff), reason);
    case VIR_DOMAIN_CRASHED:
        return reason == VIR_DOMAIN_CRASHED_PANICKED ? "panicked" : NULL;
    case VIR_DOMAIN_PMSUSPENDED:
        return "guest suspended";
    default:
        return NULL;
    }
}

void
vm_event_apply(struct inst *in, int event, int detail)
{
    static const char *const stopped[] = {"shutdown", "destroyed", "crashed",      "migrated",
                                          "saved",    "failed",    "from snapshot"};
    switch (event) {
    case VIR_DOMAIN_EVENT_STARTED:
    case VIR_DOMAIN_EVENT_RESUMED:
        in->state = INST_STATE_RUNNING;
        inst_set_reason(in, event == VIR_DOMAIN_EVENT_STARTED ? "booted" : "unpaused");
        break;
    case VIR_DOMAIN_EVENT_SUSPENDED:
    case VIR_DOMAIN_EVENT_PMSUSPENDED:
        in->state = INST_STATE_PAUSED;
        inst_set_reason(in, event == VIR_DOMAIN_EVENT_SUSPENDED ? NULL : "guest suspended");
        break;
    case VIR_DOMAIN_EVENT_SHUTDOWN:
        in->state = INST_STATE_STOPPING;
        inst_set_reason(in, NULL);
        break;
    case VIR_DOMAIN_EVENT_STOPPED:
        in->state = INST_STATE_STOPPED;
        inst_set_reason(in, pick(stopped, ARRAY_SIZE(stopped), detail));
        in->cpu_ns = in->mem_bytes = INST_UNKNOWN;
        in->blk_read_bytes = in->blk_write_bytes = INST_UNKNOWN;
        in->net_rx_bytes = in->net_tx_bytes = INST_UNKNOWN;
        in->start_time = -1;
        break;
    case VIR_DOMAIN_EVENT_CRASHED:
        in->state = INST_STATE_CRASHED;
        inst_set_reason(in, NULL);
        break;
    default:
        break;
    }
}

/* A counter of any integer type (state.* are int, vcpu.* uint, the rest ullong); looked up by
 * name without libvirt's typed getters, which raise an error on a type mismatch. */
static uint64_t
param_u64(virDomainStatsRecordPtr rec, const char *name)
{
    virTypedParameterPtr p = virTypedParamsGet(rec->params, rec->nparams, name);
    if (!p)
        return INST_UNKNOWN;
    switch (p->type) {
    case VIR_TYPED_PARAM_ULLONG:
        return p->value.ul;
    case VIR_TYPED_PARAM_UINT:
        return p->value.ui;
    case VIR_TYPED_PARAM_INT:
        return p->value.i >= 0 ? (uint64_t)p->value.i : INST_UNKNOWN;
    case VIR_TYPED_PARAM_LLONG:
        return p->value.l >= 0 ? (uint64_t)p->value.l : INST_UNKNOWN;
    default:
        return INST_UNKNOWN;
    }
}

static bool
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Sum "<prefix>.<i>.<suffix>" over every device; INST_UNKNOWN when there is none. */
static uint64_t
param_sum(virDomainStatsRecordPtr rec, const char *prefix, const char *suffix)
{
    uint64_t sum = INST_UNKNOWN;
    size_t plen = strlen(prefix);
    for (int i = 0; i < rec->nparams; i++) {
        virTypedParameterPtr p = &rec->params[i];
        if (p->type != VIR_TYPED_PARAM_ULLONG || strncmp(p->field, prefix, plen) != 0 ||
            !ends_with(p->field, suffix))
            continue;
        sum = (sum == INST_UNKNOWN ? 0 : sum) + p->value.ul;
    }
    return sum;
}

static uint64_t
kib(uint64_t v)
{
    return v == INST_UNKNOWN ? INST_UNKNOWN : v * 1024;
}

/* qemu's pid file is written when the domain starts: its mtime is the start time. Only for
 * local qemu URIs; -1 otherwise. */
static int64_t
start_time_of(const char *uri, const char *name)
{
    char path[512];
    if (!vm_pidfile_path(uri, name, path, sizeof(path)))
        return -1;
    struct stat st;
    return stat(path, &st) == 0 ? (int64_t)st.st_mtime : -1;
}

/* Memory in use: what the guest reports through the balloon driver (available - unused) when
 * it does, else the balloon's current size. */
static void
fill_memory(struct inst *in, virDomainStatsRecordPtr rec)
{
    uint64_t avail = param_u64(rec, "balloon.available");
    uint64_t unused = param_u64(rec, "balloon.unused");
    if (avail != INST_UNKNOWN && unused != INST_UNKNOWN && unused <= avail)
        in->mem_bytes = (avail - unused) * 1024;
    else
        in->mem_bytes = kib(param_u64(rec, "balloon.current"));
    in->mem_limit_bytes = kib(param_u64(rec, "balloon.maximum"));
}

void
vm_stats_fill(struct inst *in, virDomainStatsRecordPtr rec, const char *uri, int64_t mono)
{
    uint64_t st = param_u64(rec, "state.state"), reason = param_u64(rec, "state.reason");
    int state = st == INST_UNKNOWN ? VIR_DOMAIN_NOSTATE : (int)st;
    in->state = vm_state_map(state);
    inst_set_reason(in, vm_state_reason(state, reason == INST_UNKNOWN ? 0 : (int)reason));
    in->mono_ns = mono;
    in->cpu_ns = param_u64(rec, "cpu.time");
    in->vcpus = param_u64(rec, "vcpu.current");
    fill_memory(in, rec);
    in->blk_read_bytes = param_sum(rec, "block.", ".rd.bytes");
    in->blk_write_bytes = param_sum(rec, "block.", ".wr.bytes");
    in->net_rx_bytes = param_sum(rec, "net.", ".rx.bytes");
    in->net_tx_bytes = param_sum(rec, "net.", ".tx.bytes");
    bool active = in->state == INST_STATE_RUNNING || in->state == INST_STATE_PAUSED ||
                  in->state == INST_STATE_STOPPING;
    in->start_time = active ? start_time_of(uri, in->name) : -1;
    vm_figs_fill(in, uri, param_u64(rec, "balloon.current"), param_sum(rec, "vcpu.", ".time"),
                 active);
    vm_figs_disks(in, rec, uri);
    if (!active) {
        /* libvirt 9's qemu driver reports cpu.time (not the domain's: no process runs) and the
         * configured balloon for shut-off domains: no figure is better than a false one */
        in->cpu_ns = in->mem_bytes = INST_UNKNOWN;
        in->blk_read_bytes = in->blk_write_bytes = INST_UNKNOWN;
        in->net_rx_bytes = in->net_tx_bytes = INST_UNKNOWN;
    }
}
