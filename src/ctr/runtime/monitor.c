/* SPDX-License-Identifier: MIT */
/*
 * The monitor: one per running container, a child of nobody (double-forked), session leader and
 * child subreaper. It makes the cgroup, clones the init into new namespaces, keeps the output in
 * the capped log, serves the pty to `attach` clients, waits for the exit and records it.
 */
#include "ctr/runtime/runtime.h"
#include "ctr/runtime/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/sched.h>
#include <poll.h>
#include <pty.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/trace.h"
#include "common/fileio.h"
#include "common/model.h"
#include "common/xalloc.h"
#include "ctr/security/security.h"
#include "ctr/cgroup/cgroup.h"

static void report(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
report(int fd, const char *fmt, ...)
{
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (fd >= 0 && write(fd, buf, (size_t)(n < (int)sizeof(buf) ? n : (int)sizeof(buf) - 1)) < 0) {
        /* the starter is gone; the state file tells */
    }
}

static int
write_file(int dfd, const char *name, const char *text, struct err **err)
{
    return ctr_write_runtime_at(dfd, name, text, strlen(text), 0644, err);
}

/* $run/<name>/{rootfs/, hostname, hosts, resolv.conf}; $lib/.../{upper,work}. */
static int
prepare_dirs(struct mon *m, struct err **err)
{
    char p[PATH_MAX], hosts[512];
    ctr_path_run(m->run_dir, m->name, NULL);
    ctr_path_def(m->def_dir, m->name, NULL);
    /* Relative to the checked run directory, never through a symlink (store/paths.c). */
    cleanup_close int dfd = ctr_run_open(m->name, true, err);
    if (dfd < 0)
        return -1;
    if (mkdirat(dfd, "rootfs", 0755) < 0 && errno != EEXIST)
        return err_set(err, errno, "mkdir '%s/rootfs'", m->run_dir);
    const char *h = m->spec->hostname ? m->spec->hostname : m->name;
    ctr_fmt(hosts, sizeof(hosts),
            "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t%s\n", h);
    cleanup_free char *resolv = NULL;
    if (fileio_read_all("/etc/resolv.conf", 65536, &resolv, NULL, NULL) < 0)
        resolv = xstrdup("");
    char hn[80];
    ctr_fmt(hn, sizeof(hn), "%s\n", h);
    if (write_file(dfd, "hostname", hn, err) < 0 || write_file(dfd, "hosts", hosts, err) < 0 ||
        write_file(dfd, "resolv.conf", resolv ? resolv : "", err) < 0)
        return -1;
    if (m->spec->inplace)
        return 0;
    ctr_fmt(p, sizeof(p), "%s/upper", m->def_dir);
    if (fileio_mkdir_p(p, 0755, err) < 0)
        return -1;
    ctr_fmt(p, sizeof(p), "%s/work", m->def_dir);
    return fileio_mkdir_p(p, 0700, err);
}

static int
make_cgroup(struct mon *m, struct err **err)
{
    const struct ctr_spec *s = m->spec;
    m->cg = ctr_cgroup_detect(err);
    if (!m->cg)
        return -1;
    ctr_fmt(m->cgpath, sizeof(m->cgpath), "%s/%s", ctr_cgroup_parent(), m->name);
    m->cg->destroy(m->cgpath, NULL); /* leftovers of a stale run */
    struct ctr_limits lim = {s->mem_limit, s->cpu_quota, s->cpu_period, s->pids_limit};
    cleanup_err struct err *e = NULL;
    if (m->cg->create(m->cgpath, &lim, &e) == 0)
        return 0;
    /* Rootless, and the machine delegates no cgroup to this user: run without one. */
    if (geteuid() != 0 && (e->code == EACCES || e->code == EPERM || e->code == EROFS)) {
        m->cg = &ctr_cgroup_none_ops;
        if (ctr_spec_pids_defaulted(s))
            lim.pids = -1; /* the default limit needs a cgroup; one asked for is refused */
        return m->cg->create(m->cgpath, &lim, err);
    }
    *err = steal_pointer(&e);
    return err_wrap(err, "cgroup");
}

/* stdio of the init: a pty, or pipes whose read ends the monitor keeps. In the foreground, stdin
 * is a pipe too, fed from the caller's (the monitor's fd 0): no fd of the caller is ever open in
 * the container, where /proc/self/fd/0 would reopen it with another mode. */
static int
make_stdio(struct mon *m, int child[3], struct err **err)
{
    if (m->spec->terminal) {
        /* The init opens the console in its own devpts and sends the master back. */
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null < 0)
            return err_set(err, errno, "open /dev/null");
        child[0] = child[1] = child[2] = null;
        return 0;
    }
    int o[2], e[2], i[2];
    if (pipe2(o, O_CLOEXEC) < 0 || pipe2(e, O_CLOEXEC) < 0)
        return err_set(err, errno, "pipe");
    m->out = o[0];
    m->err = e[0];
    if (m->foreground) {
        if (pipe2(i, O_CLOEXEC | O_NONBLOCK) < 0)
            return err_set(err, errno, "pipe");
        /* The init's end blocks, as a stdin does. */
        fcntl(i[0], F_SETFL, 0);
        m->in = i[1];
        child[0] = i[0];
    } else {
        child[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    child[1] = o[1];
    child[2] = e[1];
    return 0;
}

static int
clone_init(struct mon *m, int *pidfd)
{
    unsigned ns = m->spec->ns;
    uint64_t flags = CLONE_PIDFD;
    flags |= (ns & CTR_NS_PID ? CLONE_NEWPID : 0) | (ns & CTR_NS_MOUNT ? CLONE_NEWNS : 0) |
             (ns & CTR_NS_UTS ? CLONE_NEWUTS : 0) | (ns & CTR_NS_IPC ? CLONE_NEWIPC : 0) |
             (ns & CTR_NS_NET ? CLONE_NEWNET : 0) | (ns & CTR_NS_USER ? CLONE_NEWUSER : 0);
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = flags;
    ca.pidfd = (uint64_t)(uintptr_t)pidfd;
    ca.exit_signal = SIGCHLD;
    return (int)syscall(SYS_clone3, &ca, sizeof(ca));
}

static int
write_idmap(pid_t pid, const char *file, const struct ctr_idmap *v, size_t n, struct err **err)
{
    char p[64], buf[512];
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += (size_t)ctr_fmt(buf + len, sizeof(buf) - len, "%u %u %u\n", v[i].inside,
                               v[i].outside, v[i].size);
    ctr_fmt(p, sizeof(p), "/proc/%d/%s", (int)pid, file);
    cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, buf, len) != (ssize_t)len)
        return err_set(err, errno, "write %s", file);
    return 0;
}

static int
deny_setgroups(pid_t pid, struct err **err)
{
    char p[64];
    ctr_fmt(p, sizeof(p), "/proc/%d/setgroups", (int)pid);
    cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, "deny", 4) != 4)
        return err_set(err, errno, "write setgroups");
    return 0;
}

/* Read one message from the init: 'R', "E<msg>", or EOF (exec done / died). */
static int
read_sync(struct mon *m, int fd, char *buf, size_t len, int timeout_ms)
{
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0)
            return -2;
        int got = -1;
        ssize_t n = ctr_fd_recv(fd, buf, len - 1, &got);
        if (n < 0)
            n = 0;
        buf[n] = 0;
        if (n == 1 && buf[0] == 'T' && got >= 0 && m->pty < 0) {
            m->pty = got; /* the console's master */
            continue;
        }
        if (got >= 0)
            close(got);
        return (int)n;
    }
}

static int
init_message(struct mon *m, int n, const char *buf, struct err **err)
{
    if (n == -2)
        return err_set(err, 0, "container setup timed out");
    if (n > 0 && buf[0] == 'E')
        return err_set(err, 0, "%s", buf + 1);
    if (n <= 0 && m->cg->oom_kills(m->cgpath) > 0)
        return err_set(err, 0,
                       "the container was killed by the OOM killer while starting "
                       "(memory limit too small?)");
    if (n <= 0)
        return err_set(err, 0, "the container's init died while starting");
    return 0;
}

/* 'G': go on. With a user namespace as root, the root built here goes with it (rootfs_idmap.c). */
static int
send_go(struct mon *m, int sync, struct err **err)
{
    if (!ctr_rootfs_mapped_needed(m->spec)) {
        if (write(sync, "G", 1) != 1)
            return err_set(err, errno, "sync with the container");
        return 0;
    }
    cleanup_close int root = ctr_rootfs_mapped(m->spec, m->pid, m->def_dir, err);
    if (root < 0)
        return -1;
    if (ctr_fd_send(sync, 'G', root) < 0)
        return err_set(err, errno, "hand the root to the container");
    return 0;
}

static void
read_comm(const char *path, char *buf, size_t size)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;
    buf[n > 0 ? n : 0] = 0;
}

/* The init's name before execve is the monitor's, which clone passed on. */
static bool
still_init(pid_t pid)
{
    char p[64], self[32], comm[32];
    ctr_fmt(p, sizeof(p), "/proc/%d/comm", (int)pid);
    read_comm("/proc/self/comm", self, sizeof(self));
    read_comm(p, comm, sizeof(comm));
    return comm[0] && strcmp(self, comm) == 0;
}

/* The sync socket closed: by execve, or by the init dying before it (a seccomp filter that kills
 * execve, a crash), which it could not report. A dead init that still bears the monitor's name
 * never ran the command; a living one has exec'd once its name changes (execve sets it just after
 * closing the socket). */
static int
check_exec(struct mon *m, struct err **err)
{
    for (int i = 0; i < 1000; i++) {
        siginfo_t si;
        memset(&si, 0, sizeof(si));
        bool dead = waitid((idtype_t)3 /* P_PIDFD */, (id_t)m->pidfd, &si,
                           WEXITED | WNOHANG | WNOWAIT) == 0 &&
                    si.si_pid != 0;
        bool init = still_init(m->pid);
        if (!init)
            return 0;
        if (dead && si.si_code == CLD_EXITED)
            return err_set(err, 0, "the container's init died before exec (exit status %d)",
                           si.si_status);
        if (dead)
            return err_set(err, 0, "the container's init died before exec (killed by signal %d%s)",
                           si.si_status, si.si_status == SIGSYS ? ", by its seccomp filter" : "");
        usleep(1000);
    }
    return 0; /* still starting after 1 s: the monitor loop records what follows */
}

/* Parent side of the start protocol; returns 0 once the user's process runs. */
static int
start_init(struct mon *m, int sync, struct err **err)
{
    const struct ctr_spec *s = m->spec;
    char buf[1200];
    /* Unprivileged, gid_map can only be written once setgroups is denied. */
    if ((s->ns & CTR_NS_USER) && geteuid() != 0 && deny_setgroups(m->pid, err) < 0)
        return -1;
    if ((s->ns & CTR_NS_USER) && (write_idmap(m->pid, "uid_map", s->uidmap, s->n_uidmap, err) < 0 ||
                                  write_idmap(m->pid, "gid_map", s->gidmap, s->n_gidmap, err) < 0))
        return -1;
    trace_mark("mon: cloned");
    if (m->cg->attach(m->cgpath, m->pid, err) < 0)
        return err_wrap(err, "join cgroup");
    trace_mark("mon: attached");
    if (m->net.mode == NET_MODE_BRIDGE) {
        cleanup_close int dfd = ctr_run_open(m->name, false, err);
        const char *h = m->spec->hostname ? m->spec->hostname : m->name;
        if (dfd < 0 || net_ctr_attach(m->name, h, &m->net, m->pid, dfd, err) < 0)
            return -1;
        trace_mark("mon: network");
    }
    if (send_go(m, sync, err) < 0)
        return -1;
    int n = read_sync(m, sync, buf, sizeof(buf), 30000);
    if (n != 1 || buf[0] != 'R')
        return init_message(m, n, buf, err);
    trace_mark("mon: R");
    if (write(sync, "S", 1) != 1)
        return err_set(err, errno, "sync with the container");
    n = read_sync(m, sync, buf, sizeof(buf), 30000);
    if (n != 0)
        return init_message(m, n, buf, err);
    /* EOF: the sync socket was closed by execve (CLOEXEC). An init killed before that (it
     * reports every error it sees) was killed from outside: the OOM killer is the usual one. */
    if (m->cg->oom_kills(m->cgpath) > 0)
        return init_message(m, 0, buf, err);
    return check_exec(m, err);
}

static int
spawn(struct mon *m, struct err **err)
{
    int child[3] = {-1, -1, -1}, sp[2];
    if (make_stdio(m, child, err) < 0)
        return -1;
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0)
        return err_set(err, errno, "socketpair");
    /* The init starts in the run directory (its new mount namespace translates the working
     * directory) and names it ".": in a user namespace it may not walk the 0700 parents. */
    struct ctr_init_args ia = {m->spec,    m->sec, ".",
                               m->def_dir, sp[1],  {child[0], child[1], child[2]}};
    cleanup_close int dfd = ctr_run_open(m->name, false, err);
    if (dfd < 0)
        return -1;
    if (fchdir(dfd) < 0)
        return err_set(err, errno, "chdir '%s'", m->run_dir);
    if (m->net.mode == NET_MODE_CONTAINER && net_ctr_join(&m->net, err) < 0)
        return -1;
    trace_mark("mon: clone");
    m->pid = clone_init(m, &m->pidfd);
    int e = errno;
    if (m->pid != 0 && chdir("/") < 0) {
        /* harmless: absolute paths from here on */
    }
    if (m->pid < 0)
        return err_set(err, e, "create the container's namespaces");
    if (m->pid == 0)
        ctr_init_main(&ia);
    close(sp[1]);
    for (int i = 0; i < 3; i++) {
        if (child[i] > 2 && (i == 0 || child[i] != child[i - 1]))
            close(child[i]);
    }
    int rc = start_init(m, sp[0], err);
    close(sp[0]);
    return rc;
}

static void
undo_start(struct mon *m)
{
    if (m->pid > 0) {
        kill(m->pid, SIGKILL);
        waitpid(m->pid, NULL, 0);
    }
    if (m->cg)
        m->cg->destroy(m->cgpath, NULL);
    net_ctr_detach(m->name, &m->net);
}

static int
record_running(struct mon *m, struct err **err)
{
    struct ctr_state st;
    ctr_state_init(&st);
    st.status = CTR_STATUS_RUNNING;
    st.monitor_pid = getpid();
    st.monitor_start = ctr_proc_starttime(getpid());
    st.pid = m->pid;
    st.pid_start = ctr_proc_starttime(m->pid);
    ctr_fmt(st.boot_id, sizeof(st.boot_id), "%s", ctr_boot_id());
    st.started_ns = real_now_ns();
    st.autoremove = m->autoremove;
    ctr_fmt(st.cgroup, sizeof(st.cgroup), "%s", m->cgpath);
    ctr_fmt(st.cgroup_mgr, sizeof(st.cgroup_mgr), "%s", m->cg->name);
    if (m->net.ip)
        net_ip_format(m->net.ip, st.ip, sizeof(st.ip));
    ctr_fmt(st.ports, sizeof(st.ports), "%s", m->net.ports_text);
    return ctr_state_save(m->name, &st, err);
}

static void
monitor_detach_stdio(bool foreground)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
        return;
    if (!foreground) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    close(null);
}

static void
monitor_init_process(struct ctr_monitor_args *a)
{
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    setsid();
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    prctl(PR_SET_NAME, "berth-monitor", 0, 0, 0);
    if (chdir("/") < 0) {
        /* harmless */
    }
    /* Keep only stdio, the lock and the report pipe. */
    int keep_lo = a->lock_fd < a->report_fd ? a->lock_fd : a->report_fd;
    int keep_hi = a->lock_fd < a->report_fd ? a->report_fd : a->lock_fd;
    if (keep_lo > 3)
        close_range(3, (unsigned)keep_lo - 1, 0);
    if (keep_hi > keep_lo + 1)
        close_range((unsigned)keep_lo + 1, (unsigned)keep_hi - 1, 0);
    close_range((unsigned)keep_hi + 1, ~0U, 0);
    monitor_detach_stdio(a->foreground);
    trace_reset(true);
}

_Noreturn void
ctr_monitor_main(struct ctr_monitor_args *a)
{
    cleanup_err struct err *e = NULL;
    monitor_init_process(a);
    struct mon m;
    memset(&m, 0, sizeof(m));
    m.name = a->name;
    m.spec = a->spec;
    m.foreground = a->foreground;
    m.autoremove = a->autoremove;
    m.pty = m.out = m.err = m.in = m.listen = m.pidfd = -1;
    trace_mark("mon: start");
    if (prepare_dirs(&m, &e) < 0 || net_ctr_from_config(a->spec->json, &m.net, &e) < 0 ||
        (trace_mark("mon: dirs"), make_cgroup(&m, &e) < 0) ||
        (trace_mark("mon: cgroup"), ctr_security_from_config(a->spec->json, &m.sec, &e) < 0) ||
        (trace_mark("mon: security"), ctr_logfile_open(&m.log, m.def_dir, &e) < 0) ||
        spawn(&m, &e) < 0 || (trace_mark("mon: exec'd"), record_running(&m, &e) < 0)) {
        undo_start(&m);
        report(a->report_fd, "ERR %s\n", err_msg(e));
        _exit(1);
    }
    if (m.spec->terminal)
        ctr_monitor_listen(&m);
    trace_mark("mon: recorded");
    report(a->report_fd, "OK %d\n", (int)m.pid);
    if (!a->attached)
        close(a->report_fd);
    close(a->lock_fd);
    ctr_monitor_loop(&m);
    net_ctr_detach(m.name, &m.net);
    struct ctr_removed removed;
    int code = ctr_monitor_finish(&m, &removed);
    trace_mark("mon: done");
    /* The exit is recorded, or the container gone under its name: the caller may go on (and
     * reuse the name) while the renamed files are deleted. */
    if (a->attached)
        report(a->report_fd, "EXIT %d\n", code);
    /* Let go of the caller's output too: `$(berth ctr run --rm ...)` and pipes end now, not
     * when the files are deleted. */
    monitor_detach_stdio(false);
    ctr_remove_purge(&removed, NULL);
    _exit(0);
}
