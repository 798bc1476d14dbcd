/* SPDX-License-Identifier: MIT */
/* The libvirt provider: the ops table over one connection, the event loop, shared helpers. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <ctype.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/cleanup.h"

#define DEFAULT_TIMEOUT_MS 3000
#define MIN_ACTION_TIMEOUT_MS 30000
#define STATS_WANTED                                                                               \
    (VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON |              \
     VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BLOCK)

struct sample_job;

struct vm_provider {
    struct vmconn *conn;
    /* A sample begun by sample_start and not collected yet (the sampling thread's own) */
    bool started;
    int64_t deadline_ns;       /* CLOCK_MONOTONIC: the collecting sample() waits until then */
    struct sample_job *queued; /* the job out on the worker, or NULL (not connected, or busy) */
};

/* ---- process-wide: libvirt, its event loop, time-outs, the events fd ---- */

static int timeout_ms = -1; /* -1: not set yet */
static int events_fd = -1;
static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static char global_error[256];

static void
error_ignore(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

typedef void (*xml_error_fn)(void *ctx, const char *msg, ...);

static void
xml_error_ignore(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void
vm_quiet_thread(void)
{
    /* libxml2 is loaded with libvirt; looked up at run time so that berth does not link it */
    void (*set)(void *, xml_error_fn) =
        (void (*)(void *, xml_error_fn))dlsym(RTLD_DEFAULT, "xmlSetGenericErrorFunc");
    if (set)
        set(NULL, xml_error_ignore);
}

static void *
event_loop(void *arg)
{
    (void)arg;
    vm_quiet_thread();
    for (;;) {
        if (virEventRunDefaultImpl() < 0)
            usleep(100000);
    }
    return NULL;
}

static void
global_init_once(void)
{
    /* libvirt's own log messages go to stderr unless told otherwise: keep them off the screen
     * (LIBVIRT_LOG_OUTPUTS set by the user wins). */
    setenv("LIBVIRT_LOG_OUTPUTS", "1:file:/dev/null", 0);
    events_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    /* libvirt (and with it libxml2) is loaded here, before libxml2 is looked up below */
    struct err *e = NULL;
    if (virt_load(&e) < 0) {
        snprintf(global_error, sizeof(global_error), "%s", err_msg(e));
        err_free(e);
        return;
    }
    /* libxml2's lazy set-up is not safe when threads race into it: do it here, first */
    void (*xml_init)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "xmlInitParser");
    if (xml_init)
        xml_init();
    if (virInitialize() < 0) {
        snprintf(global_error, sizeof(global_error), "cannot initialise libvirt");
        return;
    }
    virSetErrorFunc(NULL, error_ignore);
    void (*thr_def)(void *, xml_error_fn) =
        (void (*)(void *, xml_error_fn))dlsym(RTLD_DEFAULT, "xmlThrDefSetGenericErrorFunc");
    if (thr_def)
        thr_def(NULL, xml_error_ignore); /* the default for threads made from now on */
    vm_quiet_thread();
    if (virEventRegisterDefaultImpl() < 0) {
        snprintf(global_error, sizeof(global_error), "cannot set up libvirt's event loop");
        return;
    }
    pthread_t t;
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &ta, event_loop, NULL) != 0)
        snprintf(global_error, sizeof(global_error), "cannot start libvirt's event thread");
    pthread_attr_destroy(&ta);
}

int
vm_global_init(struct err **err)
{
    pthread_once(&global_once, global_init_once);
    if (global_error[0])
        return err_set(err, 0, "%s", global_error);
    return 0;
}

int
vm_events_fd(void)
{
    pthread_once(&global_once, global_init_once);
    return events_fd;
}

void
vm_events_bump(void)
{
    uint64_t one = 1;
    if (events_fd >= 0 && write(events_fd, &one, sizeof(one)) < 0) {
        /* counter full: readers are already due to wake */
    }
}

void
vm_set_timeout(int ms)
{
    __atomic_store_n(&timeout_ms, ms > 0 ? ms : DEFAULT_TIMEOUT_MS, __ATOMIC_RELAXED);
}

int
vm_timeout_ms(void)
{
    int t = __atomic_load_n(&timeout_ms, __ATOMIC_RELAXED);
    if (t > 0)
        return t;
    const char *env = getenv("BERTH_VM_TIMEOUT_MS");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 && v <= 3600000 ? (int)v : DEFAULT_TIMEOUT_MS;
}

int
vm_action_timeout_ms(void)
{
    int t = vm_timeout_ms() * 10;
    return t < MIN_ACTION_TIMEOUT_MS ? MIN_ACTION_TIMEOUT_MS : t;
}

void
vm_timeout_text(int ms, char *buf, size_t len)
{
    snprintf(buf, len, "no answer from libvirt within %g s", ms / 1000.0);
}

/* ---- helpers shared by the module ---- */

void
vm_libvirt_message(char *buf, size_t len)
{
    virErrorPtr e = virGetLastError();
    snprintf(buf, len, "%s", e && e->message ? e->message : "unknown libvirt error");
    for (char *p = buf; *p; p++) {
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    }
    virResetLastError();
}

int
vm_err_libvirt(struct err **err, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    char msg[512];
    vm_libvirt_message(msg, sizeof(msg));
    return err_set(err, 0, "%s: %s", what, msg);
}

static bool
looks_like_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

virDomainPtr
vm_dom_lookup(virConnectPtr conn, const char *dom, struct err **err)
{
    virDomainPtr d = NULL;
    if (looks_like_uuid(dom))
        d = virDomainLookupByUUIDString(conn, dom);
    if (!d)
        d = virDomainLookupByName(conn, dom);
    if (d)
        return d;
    virErrorPtr e = virGetLastError();
    if (!e || e->code == VIR_ERR_NO_DOMAIN) {
        virResetLastError();
        err_set(err, 0, "domain not found");
    } else {
        vm_err_libvirt(err, "looking up the domain");
    }
    return NULL;
}

int
vm_dom_undefine(virDomainPtr d)
{
    unsigned flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
    if (virDomainUndefineFlags(d, flags | VIR_DOMAIN_UNDEFINE_NVRAM) == 0)
        return 0;
    virErrorPtr e = virGetLastError();
    if (!e || e->code != VIR_ERR_INVALID_ARG)
        return -1;
    virResetLastError(); /* a driver without NVRAM (the test driver) refuses the flag */
    return virDomainUndefineFlags(d, flags);
}

bool
vm_uri_is_local(const char *uri)
{
    const char *p = strstr(uri, "://");
    return p && p[3] == '/';
}

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
        if (in_process)
            sample_fill_info(in, recs[i]->dom);
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
    j->uri = strdup(vmconn_uri(vp->conn));
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
    if (a == INST_ACTION_REMOVE && active)
        return "domain is running (destroy it first)";
    return NULL;
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
    if (no)
        rc = err_set(err, 0, "%s", no);
    else if (rc == 0 && act_call(d, j->action) < 0)
        rc = vm_err_libvirt(err, "%s", inst_action_name(j->action));
    virDomainFree(d);
    return rc;
}

int
vm_act(struct vm_provider *vp, const char *dom, enum inst_action a, struct err **err)
{
    if ((unsigned)a >= INST_ACTION_COUNT)
        return err_set(err, 0, "unknown action %d", (int)a);
    struct act_job *j = vmconn_job_new(sizeof(*j), act_job_fini);
    j->dom = strdup(dom);
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
    .attach = vm_ops_attach,
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
    struct vm_provider *vp = calloc(1, sizeof(*vp));
    if (!vp)
        abort();
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

struct vmconn *
vm_provider_conn(struct vm_provider *vp)
{
    return vp->conn;
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
