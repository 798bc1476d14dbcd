/* SPDX-License-Identifier: MIT */
/* One libvirt connection: its worker thread, reconnection with back-off, and the job queue. */
#include "vm/vm_impl.h"

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

#define BACKOFF_MAX_S 30
#define KEEPALIVE_INTERVAL_S 5
#define KEEPALIVE_COUNT 3

struct job {
    int refs; /* atomic */
    vmconn_fn fn;
    void (*fini)(void *arg);
    struct job *next;
    bool done;
    int rc;
    struct err *err;
    max_align_t arg[];
};

struct vmconn {
    char *uri;
    int refs; /* atomic: owner, worker, each registered libvirt callback */
    pthread_mutex_t mu;
    pthread_cond_t wake;    /* the worker waits on it */
    pthread_cond_t changed; /* jobs done, state changed, worker exited */
    bool stop, exited;
    enum conn_state state;
    char reason[256];
    char answer[256];     /* "" or why the connection is not answering */
    char last_error[256]; /* libvirt's message from the last failed attempt */
    bool attempted;       /* the first connection attempt has finished */
    bool ever_connected;
    bool lost;
    unsigned backoff_s;
    virConnectPtr conn; /* written by the worker only, under mu */
    int lifecycle_id;
    bool close_cb;
    bool in_call; /* the worker is inside libvirt (connecting or running a job) */
    struct job *head, *tail, *running;
    struct inst_list cache; /* the last sample, patched by lifecycle events */
};

/* ---- jobs ---- */

static struct job *
job_of(void *arg)
{
    return (struct job *)((char *)arg - offsetof(struct job, arg));
}

void *
vmconn_job_new(size_t size, void (*fini)(void *arg))
{
    struct job *j = xcalloc(1, sizeof(*j) + size);
    j->refs = 1;
    j->fini = fini;
    return j->arg;
}

static void
job_put(struct job *j)
{
    if (__atomic_sub_fetch(&j->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (j->fini)
        j->fini(j->arg);
    err_free(j->err);
    free(j);
}

void
vmconn_job_put(void *arg)
{
    if (arg)
        job_put(job_of(arg));
}

/* ---- the connection object ---- */

static void
vmconn_get(struct vmconn *c)
{
    __atomic_add_fetch(&c->refs, 1, __ATOMIC_ACQ_REL);
}

static void
vmconn_put(struct vmconn *c)
{
    if (__atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->changed);
    inst_list_done(&c->cache);
    free(c->uri);
    free(c);
}

static void
vmconn_put_cb(void *opaque)
{
    vmconn_put(opaque);
}

const char *
vmconn_uri(const struct vmconn *c)
{
    return c->uri;
}

static void
set_state(struct vmconn *c, enum conn_state st, const char *reason)
{
    c->state = st;
    snprintf(c->reason, sizeof(c->reason), "%s", reason);
    pthread_cond_broadcast(&c->changed);
}

void
vmconn_info(struct vmconn *c, struct conn_info *out)
{
    pthread_mutex_lock(&c->mu);
    snprintf(out->uri, sizeof(out->uri), "%s", c->uri);
    out->state = c->state;
    const char *r = c->reason;
    /* Not answering: a connection that cannot be used now is not shown as connected. */
    if (c->answer[0] && (c->state == CONN_STATE_CONNECTED || c->state == CONN_STATE_CONNECTING)) {
        if (c->state == CONN_STATE_CONNECTED)
            out->state = CONN_STATE_FAILED;
        r = c->answer;
    }
    snprintf(out->reason, sizeof(out->reason), "%s", r);
    pthread_mutex_unlock(&c->mu);
}

enum conn_state
vmconn_state(struct vmconn *c)
{
    pthread_mutex_lock(&c->mu);
    enum conn_state st = c->state;
    pthread_mutex_unlock(&c->mu);
    return st;
}

void
vmconn_set_answer(struct vmconn *c, const char *reason)
{
    pthread_mutex_lock(&c->mu);
    snprintf(c->answer, sizeof(c->answer), "%s", reason);
    pthread_mutex_unlock(&c->mu);
}

static void
deadline_after(struct timespec *ts, int ms)
{
    clock_gettime(CLOCK_MONOTONIC, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

int
vmconn_wait_connected(struct vmconn *c, int timeout_ms, struct err **err)
{
    struct timespec dl;
    deadline_after(&dl, timeout_ms);
    pthread_mutex_lock(&c->mu);
    while (!c->attempted && c->state != CONN_STATE_CONNECTED) {
        if (pthread_cond_timedwait(&c->changed, &c->mu, &dl) == ETIMEDOUT)
            break;
    }
    int rc = 0;
    if (c->state != CONN_STATE_CONNECTED) {
        char t[64];
        vm_timeout_text(timeout_ms, t, sizeof(t));
        const char *why = !c->attempted ? t : c->last_error[0] ? c->last_error : c->reason;
        rc = err_set(err, 0, "cannot connect to '%s': %s", c->uri, why);
    }
    pthread_mutex_unlock(&c->mu);
    return rc;
}

/* ---- libvirt callbacks (run on the event loop thread) ---- */

static void
on_close(virConnectPtr conn, int reason, void *opaque)
{
    static const char *const why[] = {"error", "end of file", "keepalive timeout",
                                      "closed by the client"};
    struct vmconn *c = opaque;
    (void)conn;
    pthread_mutex_lock(&c->mu);
    c->lost = true;
    char r[128];
    snprintf(r, sizeof(r), "connection lost (%s)",
             reason >= 0 && (size_t)reason < ARRAY_SIZE(why) ? why[reason] : "unknown");
    set_state(c, CONN_STATE_RECONNECTING, r);
    inst_list_clear(&c->cache);
    pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->mu);
    vm_events_bump();
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail, void *opaque)
{
    struct vmconn *c = opaque;
    char uuid[VIR_UUID_STRING_BUFLEN];
    (void)conn;
    if (virDomainGetUUIDString(dom, uuid) == 0) {
        pthread_mutex_lock(&c->mu);
        for (size_t i = 0; i < c->cache.n; i++) {
            if (strcmp(c->cache.v[i].id, uuid) == 0)
                vm_event_apply(&c->cache.v[i], event, detail);
        }
        pthread_mutex_unlock(&c->mu);
    }
    vm_events_bump();
    return 0;
}

void
vmconn_cache_store(struct vmconn *c, struct inst_list *fresh)
{
    pthread_mutex_lock(&c->mu);
    struct inst_list old = c->cache;
    c->cache = *fresh;
    *fresh = old;
    pthread_mutex_unlock(&c->mu);
    inst_list_clear(fresh);
}

void
vmconn_cache_append(struct vmconn *c, struct inst_list *out)
{
    pthread_mutex_lock(&c->mu);
    for (size_t i = 0; i < c->cache.n; i++) {
        const struct inst *s = &c->cache.v[i];
        struct inst *d = inst_list_add(out, s->kind, s->source, s->id, s->name);
        char *src = d->source, *id = d->id, *name = d->name;
        *d = *s;
        d->source = src;
        d->id = id;
        d->name = name;
        d->state_reason = NULL;
        inst_set_reason(d, s->state_reason);
        d->addrs = s->addrs ? xstrdup(s->addrs) : NULL;
    }
    pthread_mutex_unlock(&c->mu);
}

static void
conn_error_ignore(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

/* Keepalive, the close callback and lifecycle events on a fresh connection (worker, unlocked).
 * Drivers without them (the test driver) just go without. */
static void
vmconn_setup(struct vmconn *c, virConnectPtr conn)
{
    virConnSetErrorFunc(conn, NULL, conn_error_ignore);
    virConnectSetKeepAlive(conn, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT);
    /* No free callback here: drivers without close callbacks (the test driver) report success
     * and would never call it. The reference is dropped after unregistering instead. */
    vmconn_get(c);
    if (virConnectRegisterCloseCallback(conn, on_close, c, NULL) == 0)
        c->close_cb = true;
    else
        vmconn_put(c);
    vmconn_get(c);
    c->lifecycle_id =
        virConnectDomainEventRegisterAny(conn, NULL, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                         VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), c, vmconn_put_cb);
    if (c->lifecycle_id < 0)
        vmconn_put(c);
    virResetLastError();
}

static void
vmconn_teardown(struct vmconn *c, virConnectPtr conn)
{
    if (c->lifecycle_id >= 0)
        virConnectDomainEventDeregisterAny(conn, c->lifecycle_id);
    c->lifecycle_id = -1;
    if (c->close_cb) {
        virConnectUnregisterCloseCallback(conn, on_close);
        vmconn_put(c); /* the worker still holds its own reference */
    }
    c->close_cb = false;
    virConnectClose(conn);
    virResetLastError();
}

static int
auth_none(virConnectCredentialPtr cred, unsigned int ncred, void *cbdata)
{
    /* berth never prompts (it may own the screen): credentials come from SSH keys or agents,
     * polkit or SASL configuration. */
    (void)cred;
    (void)ncred;
    (void)cbdata;
    return -1;
}

/* NULL with libvirt's message in buf on failure. */
static virConnectPtr
vmconn_open(const char *uri, char *buf, size_t len)
{
    static int credtype[] = {VIR_CRED_AUTHNAME, VIR_CRED_PASSPHRASE, VIR_CRED_ECHOPROMPT,
                             VIR_CRED_NOECHOPROMPT};
    virConnectAuth auth = {credtype, ARRAY_SIZE(credtype), auth_none, NULL};
    virConnectPtr conn = virConnectOpenAuth(uri, &auth, 0);
    if (!conn)
        vm_libvirt_message(buf, len);
    return conn;
}

static void
fail_queue_locked(struct vmconn *c, const char *why)
{
    struct job *j;
    while ((j = c->head)) {
        c->head = j->next;
        j->rc = err_set(&j->err, 0, "%s", why);
        j->done = true;
        job_put(j);
    }
    c->tail = NULL;
    pthread_cond_broadcast(&c->changed);
}

/* One connection attempt (called and returns with mu held); waits out the back-off on failure. */
static void
vmconn_connect_locked(struct vmconn *c)
{
    c->in_call = true;
    pthread_mutex_unlock(&c->mu);
    char msg[256] = "";
    virConnectPtr conn = vmconn_open(c->uri, msg, sizeof(msg));
    if (conn)
        vmconn_setup(c, conn);
    pthread_mutex_lock(&c->mu);
    c->in_call = false;
    c->attempted = true;
    if (conn) {
        c->conn = conn;
        c->lost = false;
        c->backoff_s = 0;
        c->ever_connected = true;
        c->answer[0] = '\0';
        c->last_error[0] = '\0';
        set_state(c, CONN_STATE_CONNECTED, "");
        vm_events_bump();
        return;
    }
    c->backoff_s = c->backoff_s ? c->backoff_s * 2 : 1;
    if (c->backoff_s > BACKOFF_MAX_S)
        c->backoff_s = BACKOFF_MAX_S;
    snprintf(c->last_error, sizeof(c->last_error), "%s", msg);
    char r[256];
    snprintf(r, sizeof(r), "%.200s; retrying in %u s", msg, c->backoff_s);
    set_state(c, c->ever_connected ? CONN_STATE_RECONNECTING : CONN_STATE_FAILED, r);
    fail_queue_locked(c, r);
    struct timespec dl;
    deadline_after(&dl, (int)c->backoff_s * 1000);
    while (!c->stop && pthread_cond_timedwait(&c->wake, &c->mu, &dl) != ETIMEDOUT)
        ;
}

/* The connection was reported lost: drop it (mu held). The next loop reconnects after 1 s. */
static void
vmconn_drop_locked(struct vmconn *c)
{
    virConnectPtr conn = c->conn;
    c->conn = NULL;
    c->lost = false;
    fail_queue_locked(c, c->reason);
    pthread_mutex_unlock(&c->mu);
    vmconn_teardown(c, conn);
    pthread_mutex_lock(&c->mu);
    c->backoff_s = 0;
    struct timespec dl;
    deadline_after(&dl, 1000);
    while (!c->stop && pthread_cond_timedwait(&c->wake, &c->mu, &dl) != ETIMEDOUT)
        ;
}

static void
vmconn_run_one_locked(struct vmconn *c, struct job *j)
{
    c->head = j->next;
    if (!c->head)
        c->tail = NULL;
    c->running = j;
    c->in_call = true;
    virConnectPtr conn = c->conn;
    pthread_mutex_unlock(&c->mu);
    j->rc = j->fn(c, conn, j->arg, &j->err);
    /* a failure may be the connection dying before (or without) the close callback */
    bool dead = j->rc < 0 && virConnectIsAlive(conn) == 0;
    virResetLastError();
    pthread_mutex_lock(&c->mu);
    if (dead && !c->lost) {
        c->lost = true;
        set_state(c, CONN_STATE_RECONNECTING, "connection lost");
        inst_list_clear(&c->cache);
    }
    c->in_call = false;
    c->running = NULL;
    c->answer[0] = '\0'; /* libvirt answered (a job that timed out finished after all) */
    j->done = true;
    pthread_cond_broadcast(&c->changed);
    job_put(j);
}

static void *
vmconn_worker(void *arg)
{
    struct vmconn *c = arg;
    vm_quiet_thread();
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        if (c->conn && c->lost) {
            vmconn_drop_locked(c);
            continue;
        }
        if (!c->conn) {
            vmconn_connect_locked(c);
            continue;
        }
        if (c->head)
            vmconn_run_one_locked(c, c->head);
        else
            pthread_cond_wait(&c->wake, &c->mu);
    }
    fail_queue_locked(c, "connection closed");
    virConnectPtr conn = c->conn;
    c->conn = NULL;
    pthread_mutex_unlock(&c->mu);
    if (conn)
        vmconn_teardown(c, conn);
    pthread_mutex_lock(&c->mu);
    c->exited = true;
    pthread_cond_broadcast(&c->changed);
    pthread_mutex_unlock(&c->mu);
    vmconn_put(c);
    return NULL;
}

struct vmconn *
vmconn_new(const char *uri)
{
    struct vmconn *c = xcalloc(1, sizeof(*c));
    c->uri = xstrdup(uri);
    c->refs = 2; /* owner + worker */
    c->lifecycle_id = -1;
    c->state = CONN_STATE_CONNECTING;
    inst_list_init(&c->cache);
    pthread_mutex_init(&c->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&c->wake, &ca);
    pthread_cond_init(&c->changed, &ca);
    pthread_condattr_destroy(&ca);
    pthread_t t;
    pthread_attr_t ta;
    pthread_attr_init(&ta);
    pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &ta, vmconn_worker, c);
    pthread_attr_destroy(&ta);
    if (rc != 0) {
        c->refs = 1;
        vmconn_put(c);
        return NULL;
    }
    return c;
}

void
vmconn_free(struct vmconn *c, int wait_ms)
{
    if (!c)
        return;
    struct timespec dl;
    pthread_mutex_lock(&c->mu);
    /* a worker inside a call that hangs will not be back soon: do not wait the full time */
    deadline_after(&dl, c->in_call && wait_ms > 200 ? 200 : wait_ms);
    c->stop = true;
    pthread_cond_signal(&c->wake);
    while (!c->exited && pthread_cond_timedwait(&c->changed, &c->mu, &dl) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&c->mu);
    vmconn_put(c);
}

/* ---- running jobs ---- */

bool
vmconn_busy_with(struct vmconn *c, vmconn_fn fn)
{
    pthread_mutex_lock(&c->mu);
    bool busy = c->running && c->running->fn == fn;
    for (struct job *j = c->head; j && !busy; j = j->next)
        busy = j->fn == fn;
    pthread_mutex_unlock(&c->mu);
    return busy;
}

/* Wait for j until the absolute deadline dl; a time-out is reported as "no answer from libvirt
 * within timeout_ms". */
static int
vmconn_wait_job_locked(struct vmconn *c, struct job *j, const struct timespec *dl, int timeout_ms,
                       struct err **err)
{
    while (!j->done) {
        if (pthread_cond_timedwait(&c->changed, &c->mu, dl) == ETIMEDOUT && !j->done) {
            char t[64];
            vm_timeout_text(timeout_ms, t, sizeof(t));
            snprintf(c->answer, sizeof(c->answer), "%s", t);
            return err_set(err, 0, "%s", t);
        }
    }
    c->answer[0] = '\0';
    if (j->rc < 0)
        return err_set(err, j->err ? j->err->code : 0, "%s", err_msg(j->err));
    return 0;
}

/* Queue j. While the first connection attempt is under way a job may wait for it
 * (while_connecting): it runs once connected, and fails with the reason if the attempt fails. */
static int
vmconn_submit_locked(struct vmconn *c, struct job *j, vmconn_fn fn, bool while_connecting,
                     struct err **err)
{
    j->fn = fn;
    j->next = NULL;
    j->done = false;
    err_free(j->err);
    j->err = NULL;
    bool first_attempt = while_connecting && c->state == CONN_STATE_CONNECTING && !c->stop;
    if (!first_attempt && (c->state != CONN_STATE_CONNECTED || !c->conn))
        return err_set(err, 0, "not connected to '%s'%s%s", c->uri, c->reason[0] ? ": " : "",
                       c->reason);
    __atomic_add_fetch(&j->refs, 1, __ATOMIC_ACQ_REL); /* the queue's reference */
    if (c->tail)
        c->tail->next = j;
    else
        c->head = j;
    c->tail = j;
    pthread_cond_signal(&c->wake);
    return 0;
}

int
vmconn_submit(struct vmconn *c, vmconn_fn fn, void *arg, struct err **err)
{
    pthread_mutex_lock(&c->mu);
    int rc = vmconn_submit_locked(c, job_of(arg), fn, true, err);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int
vmconn_wait(struct vmconn *c, void *arg, int wait_ms, int timeout_ms, struct err **err)
{
    struct timespec dl;
    deadline_after(&dl, wait_ms > 0 ? wait_ms : 0);
    pthread_mutex_lock(&c->mu);
    int rc = vmconn_wait_job_locked(c, job_of(arg), &dl, timeout_ms, err);
    pthread_mutex_unlock(&c->mu);
    return rc;
}

int
vmconn_run(struct vmconn *c, vmconn_fn fn, void *arg, int timeout_ms, struct err **err)
{
    struct timespec dl;
    deadline_after(&dl, timeout_ms);
    pthread_mutex_lock(&c->mu);
    struct job *j = job_of(arg);
    int rc = vmconn_submit_locked(c, j, fn, false, err);
    if (rc == 0)
        rc = vmconn_wait_job_locked(c, j, &dl, timeout_ms, err);
    pthread_mutex_unlock(&c->mu);
    return rc;
}
