/* SPDX-License-Identifier: MIT */
/* A domain's serial console: a libvirt stream pumped to and from a pair of fds. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/xalloc.h"

#define SEND_RETRY_MS 2000
#define SYNC_WAIT_MS 2000
#define STREAM_EVENTS (VIR_STREAM_EVENT_READABLE | VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR)

/*
 * Shared by the pump (caller's thread) and the stream callback (event loop thread). libvirt gets
 * no free function for it (libvirt 9.0 does not call the one given with the stream callback, even
 * after a successful removal): the pump holds one reference, and the barrier that proves the
 * event loop thread is out of the callback (console_detach) holds another until it has run.
 */
struct console {
    int refs; /* atomic */
    int out_fd;
    int wake_fd;
    int closed; /* atomic: the stream ended, or the pump is done with it */
    int synced; /* atomic: the barrier ran on the event loop thread */
};

static void
console_put(struct console *cs)
{
    if (__atomic_sub_fetch(&cs->refs, 1, __ATOMIC_ACQ_REL) != 0)
        return;
    if (cs->wake_fd >= 0)
        close(cs->wake_fd);
    free(cs);
}

static void
console_wake(struct console *cs)
{
    uint64_t one = 1;
    if (write(cs->wake_fd, &one, sizeof(one)) < 0) {
        /* the counter is non-zero already: the pump wakes anyway */
    }
}

static void
console_end(virStreamPtr st, struct console *cs)
{
    __atomic_store_n(&cs->closed, 1, __ATOMIC_RELEASE);
    virStreamEventUpdateCallback(st, 0);
    console_wake(cs);
}

/* Console output: copied to out_fd as it arrives (event loop thread). */
static void
on_stream(virStreamPtr st, int events, void *opaque)
{
    struct console *cs = opaque;
    if (__atomic_load_n(&cs->closed, __ATOMIC_ACQUIRE))
        return;
    if (events & VIR_STREAM_EVENT_READABLE) {
        char buf[4096];
        while (!__atomic_load_n(&cs->closed, __ATOMIC_ACQUIRE)) {
            int n = virStreamRecv(st, buf, sizeof(buf));
            if (n == -2)
                break;
            if (n <= 0 || fileio_write_full(cs->out_fd, buf, (size_t)n) < 0) {
                console_end(st, cs);
                return;
            }
        }
    }
    if (events & (VIR_STREAM_EVENT_HANGUP | VIR_STREAM_EVENT_ERROR))
        console_end(st, cs);
}

struct open_job {
    char *dom;
    virStreamPtr st;
    bool finish; /* the second use: abort and free st */
};

static void
open_job_fini(void *arg)
{
    struct open_job *j = arg;
    free(j->dom);
    if (j->st) {
        virStreamAbort(j->st);
        virStreamFree(j->st);
    }
}

static int
open_run(struct vmconn *c, virConnectPtr conn, void *arg, struct err **err)
{
    struct open_job *j = arg;
    (void)c;
    if (j->finish) { /* the end of the session: abort and free the stream here, on the worker */
        virStreamAbort(j->st);
        virStreamFree(j->st);
        j->st = NULL;
        virResetLastError();
        return 0;
    }
    virDomainPtr d = vm_dom_lookup(conn, j->dom, err);
    if (!d)
        return -1;
    int rc = 0;
    if (virDomainIsActive(d) == 0) {
        virDomainFree(d);
        return err_set(err, 0, "domain is not running");
    }
    j->st = virStreamNew(conn, VIR_STREAM_NONBLOCK);
    if (!j->st || virDomainOpenConsole(d, NULL, j->st, 0) < 0) {
        rc = vm_err_libvirt(err, "console");
        if (j->st)
            virStreamFree(j->st);
        j->st = NULL;
    }
    virDomainFree(d);
    return rc;
}

/* Send everything before Ctrl-]; true when Ctrl-] was seen. */
static int
console_send(virStreamPtr st, const char *buf, size_t n, bool *escape, struct err **err)
{
    const char *esc = memchr(buf, VM_CONSOLE_ESCAPE, n);
    *escape = esc != NULL;
    if (esc)
        n = (size_t)(esc - buf);
    int waited = 0;
    while (n > 0) {
        int w = virStreamSend(st, buf, n);
        if (w == -2 && waited < SEND_RETRY_MS) {
            poll(NULL, 0, 10);
            waited += 10;
            continue;
        }
        if (w < 0)
            return vm_err_libvirt(err, "console write");
        buf += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Copy in_fd to the stream until Ctrl-], the stream's end, or in_fd's end (+ linger). */
static int
console_pump(virStreamPtr st, struct console *cs, int in_fd, int linger_ms,
             enum vm_console_end *how, struct err **err)
{
    struct pollfd p[2] = {{cs->wake_fd, POLLIN, 0}, {in_fd, POLLIN, 0}};
    int nfds = 2, timeout = -1;
    for (;;) {
        if (__atomic_load_n(&cs->closed, __ATOMIC_ACQUIRE)) {
            *how = VM_CONSOLE_CLOSED;
            return 0;
        }
        int r = poll(p, (nfds_t)nfds, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return err_set(err, errno, "console poll");
        if (r == 0) { /* lingering after input ended */
            *how = VM_CONSOLE_INPUT_EOF;
            return 0;
        }
        if (nfds < 2 || !(p[1].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        char buf[1024];
        ssize_t n = read(in_fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            nfds = 1; /* input over: keep copying output for linger_ms */
            timeout = linger_ms;
            continue;
        }
        bool escape = false;
        if (console_send(st, buf, (size_t)n, &escape, err) < 0)
            return -1;
        if (escape) {
            *how = VM_CONSOLE_DETACHED;
            return 0;
        }
    }
}

struct vm_console {
    struct vmconn *c;
    struct open_job *j; /* holds the stream */
};

int
vm_console_open(struct vm_provider *vp, const char *dom, struct vm_console **out, struct err **err)
{
    struct vmconn *c = vp->conn;
    struct open_job *j = vmconn_job_new(sizeof(*j), open_job_fini);
    j->dom = xstrdup(dom);
    if (vmconn_run(c, open_run, j, vm_timeout_ms(), err) < 0) {
        vmconn_job_put(j);
        return -1;
    }
    struct vm_console *con = xcalloc(1, sizeof(*con));
    con->c = c;
    con->j = j;
    *out = con;
    return 0;
}

/* The barrier's time-out, on the event loop thread: any stream callback has returned. */
static void
console_synced(int timer, void *opaque)
{
    struct console *cs = opaque;
    virEventRemoveTimeout(timer);
    __atomic_store_n(&cs->synced, 1, __ATOMIC_RELEASE);
    console_wake(cs);
    console_put(cs);
}

/*
 * Stop the stream callback, and wait (at most SYNC_WAIT_MS) until the event loop thread is
 * provably out of it: after the removal libvirt starts no new dispatch (a removal that fails
 * means none is registered), and a zero time-out added now runs on that same thread only after
 * a dispatch under way has returned. The time-out holds its own reference, so cs outlives a loop
 * that is slow to get there; if none can be added, cs is kept for good rather than freed early.
 */
static void
console_detach(virStreamPtr st, struct console *cs)
{
    __atomic_store_n(&cs->closed, 1, __ATOMIC_RELEASE);
    virStreamEventRemoveCallback(st);
    virResetLastError();
    __atomic_add_fetch(&cs->refs, 1, __ATOMIC_ACQ_REL);
    if (virEventAddTimeout(0, console_synced, cs, NULL) < 0) {
        virResetLastError();
        return;
    }
    struct pollfd p = {cs->wake_fd, POLLIN, 0};
    int64_t end = mono_now_ns() + (int64_t)SYNC_WAIT_MS * 1000000;
    while (!__atomic_load_n(&cs->synced, __ATOMIC_ACQUIRE)) {
        int64_t left_ms = (end - mono_now_ns()) / 1000000;
        if (left_ms <= 0)
            break;
        uint64_t v;
        if (poll(&p, 1, (int)left_ms) > 0 && read(cs->wake_fd, &v, sizeof(v)) < 0) {
            /* EAGAIN: another waker got there first */
        }
    }
}

int
vm_console_pump(struct vm_console *con, int in_fd, int out_fd, int linger_ms,
                enum vm_console_end *how, struct err **err)
{
    enum vm_console_end dummy;
    how = how ? how : &dummy;
    struct console *cs = xcalloc(1, sizeof(*cs));
    cs->refs = 1; /* the pump */
    cs->out_fd = out_fd;
    cs->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    virStreamPtr st = con->j->st;
    int rc = -1;
    if (cs->wake_fd < 0) {
        err_set(err, errno, "eventfd");
    } else if (virStreamEventAddCallback(st, STREAM_EVENTS, on_stream, cs, NULL) < 0) {
        vm_err_libvirt(err, "console events");
    } else {
        rc = console_pump(st, cs, in_fd, linger_ms, how, err);
        console_detach(st, cs);
    }
    console_put(cs);
    return rc;
}

void
vm_console_close(struct vm_console *con)
{
    if (!con)
        return;
    /* Abort and free the stream on the worker: it may talk to the daemon. */
    con->j->finish = true;
    cleanup_err struct err *e = NULL;
    vmconn_run(con->c, open_run, con->j, vm_timeout_ms(), &e);
    vmconn_job_put(con->j);
    free(con);
}

/* The provider's attach(): the calling process's fds 0 and 1. Terminal modes are the caller's. */
int
vm_console_attach(void *self, const char *id, struct err **err)
{
    struct vm_console *con = NULL;
    if (vm_console_open(self, id, &con, err) < 0)
        return -1;
    int rc = vm_console_pump(con, STDIN_FILENO, STDOUT_FILENO, 0, NULL, err);
    vm_console_close(con);
    return rc;
}
