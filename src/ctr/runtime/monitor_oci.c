/* SPDX-License-Identifier: MIT */
/*
 * The monitor of an OCI container between `create` and `start`: the init is set up and waits at
 * the sync point; the monitor hands the console to the caller's socket, runs the create hooks,
 * records "created", and waits on start.sock. After the exec it records "running" and leaves: the
 * init goes to the caller's subreaper (conmon), which reaps it, as with runc.
 */
#include "ctr/runtime/runtime.h"
#include "ctr/runtime/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/model.h"

/* Connect to the caller's console socket and send it the pty master (runc's protocol: one
 * message with the fd; conmon reads it). */
static int
console_send(struct mon *m, const char *path, struct err **err)
{
    if (m->pty < 0)
        return err_set(err, 0, "--console-socket given but process.terminal is false");
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return err_set(err, 0, "console socket path '%s' is too long", path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    cleanup_close int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return err_set(err, errno, "connect to console socket '%s'", path);
    if (ctr_fd_send(s, 'T', m->pty) < 0)
        return err_set(err, errno, "send the console to '%s'", path);
    close(m->pty);
    m->pty = -1;
    return 0;
}

static int
record(struct mon *m, enum ctr_status status, bool monitor, struct err **err)
{
    struct ctr_state st;
    ctr_state_init(&st);
    st.status = status;
    if (monitor) {
        st.monitor_pid = getpid();
        st.monitor_start = ctr_proc_starttime(getpid());
    }
    st.pid = m->pid;
    st.pid_start = ctr_proc_starttime(m->pid);
    ctr_fmt(st.boot_id, sizeof(st.boot_id), "%s", ctr_boot_id());
    st.started_ns = real_now_ns();
    ctr_fmt(st.cgroup, sizeof(st.cgroup), "%s", m->cgpath);
    ctr_fmt(st.cgroup_mgr, sizeof(st.cgroup_mgr), "%s", m->cg->name);
    return ctr_state_save(m->name, &st, err);
}

static int
hooks(struct mon *m, const char *kind, const char *status, struct err **err)
{
    cleanup_json json_object *doc = ctr_oci_state_doc(m->name, status, m->pid, m->spec->json);
    return ctr_oci_hooks_run(m->spec->json, kind, doc, err);
}

static int
listen_start(struct mon *m, struct err **err)
{
    cleanup_close int dfd = ctr_run_open(m->name, false, err);
    if (dfd < 0)
        return -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ctr_fmt(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", dfd);
    unlinkat(dfd, "start.sock", 0);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0) {
        int e = errno;
        if (s >= 0)
            close(s);
        return err_set(err, e, "listen on '%s/start.sock'", m->run_dir);
    }
    m->listen = s;
    return 0;
}

int
ctr_monitor_oci_created(struct mon *m, const char *console, struct err **err)
{
    if (console && console_send(m, console, err) < 0)
        return -1;
    if (hooks(m, "createRuntime", "created", err) < 0 ||
        hooks(m, "createContainer", "created", err) < 0)
        return -1;
    if (listen_start(m, err) < 0)
        return -1;
    return record(m, CTR_STATUS_CREATED, true, err);
}

/* The init died while created (killed): record it like any exit. */
static void
died(struct mon *m)
{
    struct ctr_removed removed;
    ctr_monitor_loop(m); /* returns at once: it only reaps */
    ctr_monitor_finish(m, &removed);
    ctr_cgroup_oci_destroy(m->cgpath);
}

int
ctr_monitor_oci_wait(struct mon *m)
{
    for (;;) {
        struct pollfd p[2] = {{m->listen, POLLIN, 0}, {m->pidfd, POLLIN, 0}};
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (p[1].revents) {
            close(m->listen);
            m->listen = -1;
            died(m);
            return -1;
        }
        int c = accept4(m->listen, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        cleanup_err struct err *e = NULL;
        /* prestart (deprecated) when `start` is called, as runtime-tools checks, and runc did */
        if (hooks(m, "prestart", "created", &e) < 0 ||
            hooks(m, "startContainer", "created", &e) < 0) {
            ctr_monitor_oci_started(m, c, e);
            _exit(1);
        }
        return c;
    }
}

void
ctr_monitor_oci_started(struct mon *m, int client, const struct err *e)
{
    char msg[1200];
    close(m->listen);
    m->listen = -1;
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/start.sock", m->run_dir);
    unlink(p);
    cleanup_err struct err *e2 = NULL;
    if (!e && record(m, CTR_STATUS_RUNNING, false, &e2) < 0)
        e = e2;
    if (e) {
        kill(m->pid, SIGKILL);
        died(m);
        ctr_fmt(msg, sizeof(msg), "ERR %s", err_msg(e));
    } else {
        ctr_fmt(msg, sizeof(msg), "OK");
    }
    if (send(client, msg, strlen(msg), MSG_NOSIGNAL) < 0) {
        /* the starter is gone; the state file tells */
    }
    close(client);
}
