/* SPDX-License-Identifier: MIT */
/* The monitor's life after start: output to the log (and the attached clients), attach requests,
 * and at the init's exit the record of status, time and OOM, then the cgroup's removal. */
#include "ctr/runtime/monitor.h"
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/trace.h"
#include "common/model.h"

void
ctr_monitor_listen(struct mon *m)
{
    cleanup_close int dfd = ctr_run_open(m->name, false, NULL);
    if (dfd < 0)
        return; /* attach unavailable; the log still works */
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ctr_fmt(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/attach.sock", dfd);
    unlinkat(dfd, "attach.sock", 0);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4) < 0) {
        if (s >= 0)
            close(s);
        return; /* attach unavailable; the log still works */
    }
    m->listen = s;
}

static void
replay_keep(struct mon *m, const char *buf, size_t n)
{
    if (n >= MON_REPLAY) {
        memcpy(m->replay, buf + n - MON_REPLAY, MON_REPLAY);
        m->replay_len = MON_REPLAY;
        return;
    }
    if (m->replay_len + n > MON_REPLAY) {
        size_t drop = m->replay_len + n - MON_REPLAY;
        memmove(m->replay, m->replay + drop, m->replay_len - drop);
        m->replay_len -= drop;
    }
    memcpy(m->replay + m->replay_len, buf, n);
    m->replay_len += n;
}

static void
client_drop(struct mon *m, size_t i)
{
    close(m->clients[i]);
    m->clients[i] = m->clients[--m->n_clients];
}

/* Returns false when the caller's reader of this stream went away (EPIPE): the stream is then
 * closed, and the container sees EPIPE / SIGPIPE, as it would writing to that pipe itself. */
static bool
output(struct mon *m, int which, const char *buf, size_t n)
{
    if (m->figs.first_output_ns < 0 && m->figs.exec_ns > 0) {
        m->figs.first_output_ns = real_now_ns();
        if (ctr_figs_save(m->name, &m->figs, NULL) == 0)
            ctr_state_bump();
    }
    ctr_logfile_write(&m->log, buf, n);
    if (m->foreground && which > 0 && fileio_write_full(which, buf, n) < 0) {
        if (errno == EPIPE)
            return false;
        m->foreground = false; /* the terminal is gone */
    }
    if (m->pty < 0)
        return true;
    replay_keep(m, buf, n);
    for (size_t i = 0; i < m->n_clients;) {
        if (send(m->clients[i], buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 && errno != EAGAIN) {
            client_drop(m, i);
            continue;
        }
        i++;
    }
    return true;
}

/* Read what one output fd holds; returns false at EOF (the fd is closed and set to -1). */
static bool
pump(struct mon *m, int *fd, int which)
{
    char buf[65536];
    ssize_t n = read(*fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0 || !output(m, which, buf, (size_t)n)) {
        close(*fd);
        *fd = -1;
        return false;
    }
    return true;
}

static void
client_accept(struct mon *m)
{
    int c = accept4(m->listen, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return;
    if (m->n_clients == MON_MAX_CLIENTS) {
        close(c);
        return;
    }
    m->clients[m->n_clients++] = c;
    if (m->replay_len)
        send(c, m->replay, m->replay_len, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* One message from a client: 'd' + bytes for the terminal, 'w' + rows, cols (uint16). */
static bool
client_read(struct mon *m, int c)
{
    char buf[4096];
    ssize_t n = recv(c, buf, sizeof(buf), 0);
    if (n <= 0)
        return false;
    if (buf[0] == CTR_FRAME_DATA && n > 1) {
        if (write(m->pty, buf + 1, (size_t)n - 1) < 0)
            return true;
    } else if (buf[0] == CTR_FRAME_WINSZ && n == 5) {
        struct winsize ws = {0};
        memcpy(&ws.ws_row, buf + 1, 2);
        memcpy(&ws.ws_col, buf + 3, 2);
        ioctl(m->pty, TIOCSWINSZ, &ws);
    }
    return true;
}

static void
stdin_close(struct mon *m)
{
    if (m->in >= 0)
        close(m->in);
    m->in = -1;
    m->in_len = 0;
}

/* Foreground: the caller's stdin (our fd 0) to the init's stdin pipe, which does not block: a
 * container that does not read its input never stalls its output. EOF on the caller's side
 * closes the pipe (the container reads EOF); a container that closed its stdin stops the relay. */
static void
stdin_relay(struct mon *m, bool readable)
{
    if (readable && m->in_len == 0) {
        ssize_t n = read(STDIN_FILENO, m->inbuf, sizeof(m->inbuf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            return;
        if (n <= 0) {
            stdin_close(m);
            return;
        }
        m->in_len = (size_t)n;
        m->in_off = 0;
    }
    while (m->in_len > 0) {
        ssize_t n = write(m->in, m->inbuf + m->in_off, m->in_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) {
            stdin_close(m);
            return;
        }
        m->in_off += (size_t)n;
        m->in_len -= (size_t)n;
    }
}

#define POLL_FIXED 7 /* pidfd, out, err, pty, listen, caller's stdin, stdin pipe; then clients */

static size_t
fill_poll(struct mon *m, struct pollfd *p)
{
    size_t n = 0;
    p[n++] = (struct pollfd){m->pidfd, POLLIN, 0};
    p[n++] = (struct pollfd){m->out, POLLIN, 0};
    p[n++] = (struct pollfd){m->err, POLLIN, 0};
    p[n++] = (struct pollfd){m->pty, POLLIN, 0};
    p[n++] = (struct pollfd){m->listen, POLLIN, 0};
    p[n++] = (struct pollfd){m->in >= 0 && m->in_len == 0 ? STDIN_FILENO : -1, POLLIN, 0};
    p[n++] = (struct pollfd){m->in_len > 0 ? m->in : -1, POLLOUT, 0};
    for (size_t i = 0; i < m->n_clients; i++)
        p[n++] = (struct pollfd){m->clients[i], POLLIN, 0};
    return n;
}

/* poll() failed with something other than EINTR. A lowered fd limit (EINVAL: nfds over
 * RLIMIT_NOFILE, e.g. prlimit on the monitor) is raised back to the hard limit, a shortage of
 * memory waited out; otherwise relaying stops (the output ends are closed, so the container's
 * writers get EPIPE instead of blocking) and the monitor only waits for the exit to record it.
 * Returns true to poll again. */
static bool
poll_failed(struct mon *m, int e)
{
    struct rlimit rl;
    if (e == EINVAL && getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max &&
        rl.rlim_cur < 5 + MON_MAX_CLIENTS + 64) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
            return true;
    }
    if (e == ENOMEM || e == EAGAIN) {
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
        return true;
    }
    char msg[160];
    int len =
        ctr_fmt(msg, sizeof(msg), "berth: monitor: poll: %s; output no longer kept\n", strerror(e));
    ctr_logfile_write(&m->log, msg, (size_t)len < sizeof(msg) ? (size_t)len : sizeof(msg) - 1);
    int *fds[] = {&m->out, &m->err, &m->pty, &m->listen};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    while (m->n_clients)
        client_drop(m, 0);
    return false;
}

/* The container's output streams that poll found ready (slots 1-3 of fill_poll's array). */
static void
pump_outputs(struct mon *m, const struct pollfd *p)
{
    if (p[1].revents)
        pump(m, &m->out, 1);
    if (p[2].revents)
        pump(m, &m->err, 2);
    if (p[3].revents)
        pump(m, &m->pty, 1);
}

void
ctr_monitor_loop(struct mon *m)
{
    struct pollfd p[POLL_FIXED + MON_MAX_CLIENTS];
    for (;;) {
        size_t n = fill_poll(m, p);
        if (poll(p, n, -1) < 0) {
            if (errno == EINTR || poll_failed(m, errno))
                continue;
            break;
        }
        pump_outputs(m, p);
        if (p[4].revents)
            client_accept(m);
        if (p[5].revents || p[6].revents)
            stdin_relay(m, p[5].revents != 0);
        for (size_t i = n; i-- > POLL_FIXED;) {
            if (p[i].revents && !client_read(m, p[i].fd))
                client_drop(m, i - POLL_FIXED);
        }
        if (p[0].revents)
            break;
    }
    stdin_close(m);
    trace_mark("mon: exit seen");
    while (waitpid(m->pid, &m->status, 0) < 0 && errno == EINTR)
        ;
    /* The pid namespace is gone with its init: drain what the writers left, briefly. */
    for (int idle = 0; idle < 5 && (m->out >= 0 || m->err >= 0 || m->pty >= 0);) {
        size_t n = fill_poll(m, p);
        if (poll(p + 1, 3, 100) <= 0) {
            idle++;
            continue;
        }
        (void)n;
        pump_outputs(m, p);
    }
}

int
ctr_monitor_exit_code(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

void
ctr_monitor_release_ns(struct mon *m)
{
    for (size_t i = 0; i < sizeof(m->nsfd) / sizeof(m->nsfd[0]); i++) {
        if (m->nsfd[i] >= 0)
            close(m->nsfd[i]);
        m->nsfd[i] = -1;
    }
}

int
ctr_monitor_finish(struct mon *m, struct ctr_removed *removed)
{
    char p[PATH_MAX];
    for (size_t i = 0; i < m->n_clients; i++)
        close(m->clients[i]);
    m->n_clients = 0;
    if (m->listen >= 0) {
        close(m->listen);
        ctr_fmt(p, sizeof(p), "%s/attach.sock", m->run_dir);
        unlink(p);
    }
    ctr_logfile_close(&m->log);
    cleanup_err struct err *e = NULL;
    cleanup_close int lock = ctr_lock(m->name, &e);
    int code = ctr_monitor_exit_code(m->status);
    struct ctr_state st;
    if (ctr_state_load(m->name, &st, NULL) < 0)
        ctr_state_init(&st);
    /* Without the lock (its file unusable), the record is still written, but only over a state
     * that names this monitor: never over another container that took the name since. */
    bool mine = st.monitor_pid == getpid() && st.monitor_start == ctr_proc_starttime(getpid());
    /* A container removed at its exit needs no record of it (nobody can read it under the lock
     * before the files go); without the lock, record it: a later `rm` removes it. `rm -f` asks
     * for the removal in the state (autoremove), so that it completes even if `rm` is killed. */
    bool remove = (m->autoremove || (mine && st.autoremove)) && lock >= 0;
    if (!remove) {
        st.status = CTR_STATUS_STOPPED;
        st.exit_code = code;
        st.finished_ns = real_now_ns();
        st.oom_killed = m->cg->oom_kills(m->cgpath) > 0;
        st.monitor_pid = 0;
        st.pid = 0;
        st.restarting = false;
        if (lock >= 0 || mine)
            ctr_state_save_exit(m->name, &st, NULL);
    }
    trace_mark("mon: state saved");
    m->cg->destroy(m->cgpath, NULL);
    trace_mark("mon: cgroup gone");
    if (!remove) {
        /* The rootfs mount point goes under the lock (a new start may mount on it next): the
         * container's mounts go first. */
        ctr_monitor_release_ns(m);
        ctr_fmt(p, sizeof(p), "%s/rootfs", m->run_dir);
        rmdir(p);
    }
    if (remove && ctr_remove_detach(m->name, removed, NULL) < 0)
        remove = false;
    if (!remove)
        removed->run[0] = removed->def[0] = 0;
    return code;
}
