/* SPDX-License-Identifier: MIT */
/* The libvirt provider: the ops table over one connection (sample, act, attach, conns), the
 * provider object, and the connection probe. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

#define STATS_WANTED                                                                               \
    (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |              \
     VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

/* ---- sample ---- */

struct sample_job {
    char *uri;
    struct inst_list rows;
};

static void
sample_job_fini(void *arg)
{
    struct sample_job *j = arg;
    free(j->uri);
    inst_list_done(&j->rows);
}

/* In-process drivers without bulk stats (the test driver): counters from virDomainGetInfo,
 * which costs no RPC there. */
static void
sample_fill_info(struct inst *in, virDomainPtr dom)
{
    virDomainInfo info;
    if (in->cpu_ns != INST_UNKNOWN || virDomainGetInfo(dom, &info) < 0)
        return;
    if (in->state == INST_STATE_RUNNING || in->state == INST_STATE_PAUSED) {
        in->cpu_ns = info.cpuTime;
        in->mem_bytes = (uint64_t)info.memory * 1024;
        in->vcpus = info.nrVirtCpu;
    }
    in->mem_limit_bytes = (uint64_t)info.maxMem * 1024;
}

/* The stats record counts network interfaces (net.count): only those domains are asked for
 * addresses (one more call each; none for guests without a NIC). A driver that does not count
 * them (the test driver) is asked. */
static bool
sample_has_nic(virDomainStatsRecordPtr rec)
{
    for (int i = 0; i < rec->nparams; i++)
        if (strcmp(rec->params[i].field, "net.count") == 0)
            return rec->params[i].value.ui > 0;
    return true;
}

static int
sample_run(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err)
{
    struct sample_job *j = arg;
    virDomainStatsRecordPtr *recs = NULL;
    int n = virConnectGetAllDomainStats(conn, STATS_WANTED, &recs, 0);
    int64_t mono = mono_now_ns();
    if (n < 0)
        return vm_err_libvirt(err, "domain stats");
    bool in_process = strncmp(j->uri, "test:", 5) == 0;
    for (int i = 0; i < n; i++) {
        char uuid[VIR_UUID_STRING_BUFLEN] = "";
        virDomainGetUUIDString(recs[i]->dom, uuid);
        struct inst *in =
            inst_list_add(&j->rows, INST_KIND_VM, j->uri, uuid, virDomainGetName(recs[i]->dom));
        vm_stats_fill(in, recs[i], j->uri, mono);
        vm_figs_devices(in, recs[i]->dom, j->uri);
        if (in_process)
            sample_fill_info(in, recs[i]->dom);
        if (in->state == INST_STATE_RUNNING && sample_has_nic(recs[i]))
            in->addrs = vm_dom_addresses(recs[i]->dom, false);
    }
    virDomainStatsRecordListFree(recs);
    vmconn_cache_store(c, &j->rows);
    return 0;
}

/* Not answering: the connection shows the time-out as its reason until libvirt answers again. */
static void
sample_mark_unanswered(struct vm_provider *vp)
{
    char t[64];
    vm_timeout_text(vm_timeout_ms(), t, sizeof(t));
    vmconn_set_answer(vp->conn, t);
}

/* Queue a sample job on a connection that is up or making its first attempt (the job then runs
 * as soon as it is up), unless the previous sample is still out. NULL when nothing was queued. */
static struct sample_job *
sample_queue(struct vm_provider *vp)
{
    enum conn_state st = vmconn_state(vp->conn);
    if (st != CONN_STATE_CONNECTED && st != CONN_STATE_CONNECTING)
        return NULL; /* shown through conns(); no rows rather than stale ones */
    if (vmconn_busy_with(vp->conn, sample_run)) {
        sample_mark_unanswered(vp); /* the previous sample is still out */
        return NULL;
    }
    struct sample_job *j = vmconn_job_new(sizeof(*j), sample_job_fini);
    j->uri = xstrdup(vmconn_uri(vp->conn));
    inst_list_init(&j->rows);
    cleanup_err struct err *e = NULL;
    if (vmconn_submit(vp->conn, sample_run, j, &e) < 0) {
        vmconn_job_put(j);
        return NULL;
    }
    return j;
}

/* The provider's sample_start(): the job goes out now, and the time-out runs from now. */
static void
vm_sample_start(void *self)
{
    struct vm_provider *vp = self;
    if (vp->started)
        return;
    vp->started = true;
    vp->deadline_ns = mono_now_ns() + (int64_t)vm_timeout_ms() * 1000000;
    vp->queued = sample_queue(vp);
}

/* Collect the sample begun by sample_start (begun here when it was not), waiting at most until
 * its deadline: samples started together on several connections wait out one time-out. */
static int
vm_sample(void *self, struct inst_list *out, struct err **err)
{
    struct vm_provider *vp = self;
    (void)err;
    vm_sample_start(vp);
    vp->started = false;
    struct sample_job *j = steal_pointer(&vp->queued);
    if (!j)
        return 0;
    int64_t left_ms = (vp->deadline_ns - mono_now_ns()) / 1000000;
    cleanup_err struct err *e = NULL;
    int rc = vmconn_wait(vp->conn, j, left_ms > 0 ? (int)left_ms : 0, vm_timeout_ms(), &e);
    vmconn_job_put(j);
    if (rc < 0)
        return 0; /* a time-out, a failed first attempt, a lost connection: shown by conns() */
    vmconn_cache_append(vp->conn, out);
    return 0;
}

/* ---- actions ---- */

struct act_job {
    char *dom;
    enum inst_action action;
};

static void
act_job_fini(void *arg)
{
    struct act_job *j = arg;
    free(j->dom);
}

static int
act_call(virDomainPtr d, enum inst_action a)
{
    switch (a) {
    case INST_ACTION_START:
        return virDomainCreate(d);
    case INST_ACTION_SHUTDOWN:
        return virDomainShutdown(d);
    case INST_ACTION_KILL:
        return virDomainDestroy(d);
    case INST_ACTION_PAUSE:
        return virDomainSuspend(d);
    case INST_ACTION_RESUME:
        return virDomainResume(d);
    case INST_ACTION_REBOOT:
        return virDomainReboot(d, 0);
    case INST_ACTION_REMOVE:
        return vm_dom_undefine(d);
    default:
        return -1;
    }
}

/* What makes an action pointless in a state, said before libvirt says it less clearly. */
static const char *
act_refusal(enum inst_action a, int state)
{
    bool active =
        state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED && state != VIR_DOMAIN_NOSTATE;
    if (a == INST_ACTION_START && active)
        return "domain is already running";
    if ((a == INST_ACTION_SHUTDOWN || a == INST_ACTION_KILL || a == INST_ACTION_PAUSE ||
         a == INST_ACTION_REBOOT) &&
        !active)
        return "domain is not running";
    if (a == INST_ACTION_RESUME && state != VIR_DOMAIN_PAUSED)
        return "domain is not paused";
    if (a == INST_ACTION_PAUSE && state == VIR_DOMAIN_PAUSED)
        return "domain is already paused"; /* libvirt says nothing: answer as resume does */
    if (a == INST_ACTION_REMOVE && active)
        return "domain is running (destroy it first)";
    return NULL;
}

/* A start by berth: request -> virDomainCreate returned (the domain runs), kept for figures. */
static void
start_recorded(virDomainPtr d, int64_t req_ns, const char *uri)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    if (virDomainGetUUIDString(d, uuid) != 0)
        return;
    vm_figs_start_record(uuid, req_ns, real_now_ns());
    /* The guest's first serial line, when its serial port writes to a file here. */
    cleanup_free char *xml = virDomainGetXMLDesc(d, 0);
    bool append = false;
    cleanup_free char *log = xml ? vm_serial_log_path(xml, &append) : NULL;
    if (log && vm_uri_is_local(uri))
        vm_figs_ready_watch(uuid, log, append);
}

static int
act_run(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err)
{
    struct act_job *j = arg;
    (void)c;
    virDomainPtr d = vm_dom_lookup(conn, j->dom, err);
    if (!d)
        return -1;
    int state = VIR_DOMAIN_NOSTATE, reason = 0;
    int rc = 0;
    if (virDomainGetState(d, &state, &reason, 0) < 0)
        rc = vm_err_libvirt(err, "domain state");
    const char *no = rc == 0 ? act_refusal(j->action, state) : NULL;
    int64_t req_ns = real_now_ns();
    if (no)
        rc = err_set(err, 0, "%s", no);
    else if (rc == 0 && act_call(d, j->action) < 0) {
        char msg[512];
        vm_libvirt_message(msg, sizeof(msg));
        const char *hint = j->action == INST_ACTION_START ? vm_start_error_hint(msg) : NULL;
        if (hint)
            rc = err_set(err, 0, "start: %s (libvirt: %s)", hint, msg);
        else
            rc = err_set(err, 0, "%s: %s", inst_action_name(j->action), msg);
    } else if (rc == 0 && j->action == INST_ACTION_START) {
        start_recorded(d, req_ns, vmconn_uri(c));
    }
    virDomainFree(d);
    return rc;
}

int
vm_act(struct vm_provider *vp, const char *dom, enum inst_action a, struct err **err)
{
    if ((unsigned)a >= INST_ACTION_COUNT)
        return err_set(err, 0, "unknown action %d", (int)a);
    struct act_job *j = vmconn_job_new(sizeof(*j), act_job_fini);
    j->dom = xstrdup(dom);
    j->action = a;
    int rc = vmconn_run(vp->conn, act_run, j, vm_action_timeout_ms(), err);
    vmconn_job_put(j);
    if (rc == 0)
        vm_events_bump();
    return rc;
}

static int
vm_ops_act(void *self, const char *id, enum inst_action a, struct err **err)
{
    return vm_act(self, id, a, err);
}

/* ---- the rest of the ops table ---- */

static size_t
vm_conns(void *self, struct conn_info *out, size_t max)
{
    struct vm_provider *vp = self;
    if (max == 0)
        return 0;
    vmconn_info(vp->conn, out);
    return 1;
}

static void
vm_close(void *self)
{
    struct vm_provider *vp = self;
    vmconn_job_put(vp->queued);
    vmconn_free(vp->conn, 2000);
    free(vp);
}

static const struct provider_ops vm_ops = {
    .name = "libvirt",
    .sample_start = vm_sample_start,
    .sample = vm_sample,
    .act = vm_ops_act,
    .attach = vm_console_attach,
    .conns = vm_conns,
    .close = vm_close,
};

int
vm_provider_new(const char *uri, struct provider *out, struct err **err)
{
    if (!uri || !*uri)
        return err_set(err, 0, "empty libvirt URI");
    if (vm_global_init(err) < 0)
        return -1;
    struct vm_provider *vp = xcalloc(1, sizeof(*vp));
    vp->conn = vmconn_new(uri);
    if (!vp->conn) {
        free(vp);
        return err_set(err, 0, "cannot start a worker thread for '%s'", uri);
    }
    out->ops = &vm_ops;
    out->self = vp;
    return 0;
}

struct vm_provider *
vm_provider_get(const struct provider *p)
{
    return p && p->ops == &vm_ops ? p->self : NULL;
}

const char *
vm_provider_uri(const struct vm_provider *vp)
{
    return vmconn_uri(vp->conn);
}

int
vm_wait_connected(struct vm_provider *vp, int ms, struct err **err)
{
    return vmconn_wait_connected(vp->conn, ms, err);
}

int
vm_uri_probe(const char *uri, int ms, struct err **err)
{
    if (vm_global_init(err) < 0)
        return -1;
    struct vmconn *c = vmconn_new(uri);
    if (!c)
        return err_set(err, 0, "cannot start a worker thread for '%s'", uri);
    cleanup_err struct err *e = NULL;
    int rc = vmconn_wait_connected(c, ms, &e);
    vmconn_free(c, 0);
    if (rc == 0)
        return 0;
    /* callers name the URI themselves: keep the cause only */
    char prefix[300];
    snprintf(prefix, sizeof(prefix), "cannot connect to '%s': ", uri);
    const char *m = err_msg(e);
    size_t n = strlen(prefix);
    return err_set(err, 0, "%s", strncmp(m, prefix, n) == 0 ? m + n : m);
}
