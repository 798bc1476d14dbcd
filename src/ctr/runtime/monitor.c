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
#include "common/json.h"
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
    const char *oci_path = NULL;
    jsonx_get_str(jsonx_get_obj(s->json, "linux"), "cgroupsPath", &oci_path);
    /* Rootless on cgroup v2: under the subtree the machine delegates to the user, if any. */
    const char *deleg = m->cg == &ctr_cgroup_v2_ops ? ctr_cgroup_delegated() : "";
    if (m->oci && oci_path && oci_path[strspn(oci_path, "/")]) /* podman passes its own */
        ctr_fmt(m->cgpath, sizeof(m->cgpath), "%s", oci_path + strspn(oci_path, "/"));
    else
        ctr_fmt(m->cgpath, sizeof(m->cgpath), "%s%s%s/%s", deleg, *deleg ? "/" : "",
                ctr_cgroup_parent(), m->name);
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
    if (m->oci) {
        /* OCI: the caller's stdio (conmon's pipes) is the container's, as with runc. */
        child[0] = 0, child[1] = 1, child[2] = 2;
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

/* An OCI bundle's pid namespace given by path: the monitor enters it for its children (setns on a
 * pid namespace moves the children made after it), and the init is cloned into it. 1 joined,
 * 0 none asked, -1 error. */
static int
join_pid_ns(struct mon *m, struct err **err)
{
    json_object *a = jsonx_get_array(jsonx_get_obj(m->spec->json, "linux"), "namespaces");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *ns = json_object_array_get_idx(a, i);
        const char *type, *path;
        if (!jsonx_get_str(ns, "type", &type) || strcmp(type, "pid") != 0 ||
            !jsonx_get_str(ns, "path", &path))
            continue;
        cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
            return err_set(err, errno, "join pid namespace '%s'", path);
        return 1;
    }
    return 0;
}

/* The init, cloned into its namespaces, and into its cgroup as it is made where the backend
 * allows (m->cloned_into_cg): one write of cgroup.procs less, and no moment outside it. */
static int
clone_init(struct mon *m, int *pidfd)
{
    unsigned ns = m->spec->ns;
    uint64_t flags = CLONE_PIDFD;
    /* A mount namespace by path: the init enters it (ctr_init_oci_join_mount), none is made. */
    if (ctr_oci_ns_path(m->spec, "mount"))
        ns &= ~(unsigned)CTR_NS_MOUNT;
    flags |= (ns & CTR_NS_PID ? CLONE_NEWPID : 0) | (ns & CTR_NS_MOUNT ? CLONE_NEWNS : 0) |
             (ns & CTR_NS_UTS ? CLONE_NEWUTS : 0) | (ns & CTR_NS_IPC ? CLONE_NEWIPC : 0) |
             (ns & CTR_NS_NET ? CLONE_NEWNET : 0) | (ns & CTR_NS_USER ? CLONE_NEWUSER : 0);
    struct clone_args ca;
    memset(&ca, 0, sizeof(ca));
    ca.flags = flags;
    ca.pidfd = (uint64_t)(uintptr_t)pidfd;
    ca.exit_signal = SIGCHLD;
    cleanup_close int cg = m->cg->clone_dir ? m->cg->clone_dir(m->cgpath) : -1;
    m->cloned_into_cg = false;
    if (cg >= 0) {
        struct clone_args in = ca;
        in.flags |= CLONE_INTO_CGROUP;
        in.cgroup = (uint64_t)cg;
        int pid = (int)syscall(SYS_clone3, &in, sizeof(in));
        if (pid >= 0) {
            m->cloned_into_cg = pid > 0;
            return pid;
        }
        /* Linux before 5.7, or a group that takes no process this way: clone, then attach. */
    }
    return (int)syscall(SYS_clone3, &ca, sizeof(ca));
}

/* Hold the namespaces the init was cloned into (struct mon nsfd): its exit then only drops a
 * reference, and the caller hears of the exit before the mount namespace's teardown. An OCI
 * container's monitor leaves at `start`: nothing to gain there. */
static void
hold_ns(struct mon *m)
{
    static const struct {
        unsigned flag;
        const char *name;
    } ns[] = {{CTR_NS_MOUNT, "mnt"}, {CTR_NS_NET, "net"}, {CTR_NS_IPC, "ipc"}, {CTR_NS_UTS, "uts"}};
    for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
        char p[64];
        if (!(m->spec->ns & ns[i].flag))
            continue;
        ctr_fmt(p, sizeof(p), "/proc/%d/ns/%s", (int)m->pid, ns[i].name);
        m->nsfd[i] = open(p, O_RDONLY | O_CLOEXEC);
    }
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
/* Before 'G', as root with a user namespace: an id-mapped clone of each "idmap" bind (volumes of
 * --userns); a clone without an id map and a line in the log when its file system has none. */
static int
send_binds(struct mon *m, int sync, struct err **err)
{
    for (size_t i = 0; i < m->spec->n_mounts; i++) {
        const struct ctr_mount *mt = &m->spec->mounts[i];
        char why[200], msg[PATH_MAX + 300];
        if (!mt->bind || !mt->idmap)
            continue;
        cleanup_close int fd = ctr_bind_mapped(mt, m->pid, why, sizeof(why), err);
        if (fd < 0)
            return -1;
        if (ctr_fd_send(sync, 'B', fd) < 0)
            return err_set(err, errno, "hand the volumes to the container");
        if (!why[0])
            continue;
        int n = ctr_fmt(msg, sizeof(msg),
                        "berth: volume '%s' on %s is bound without an id map (%s): its files "
                        "show with their host owners, unmapped ones as nobody\n",
                        mt->source, mt->dest, why);
        ctr_logfile_write(&m->log, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
    }
    return 0;
}

static int
send_go(struct mon *m, int sync, struct err **err)
{
    if (!ctr_rootfs_mapped_needed(m->spec)) {
        if (write(sync, "G", 1) != 1)
            return err_set(err, errno, "sync with the container");
        return 0;
    }
    if (send_binds(m, sync, err) < 0)
        return -1;
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
    for (int i = 0; i < 1100; i++) {
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
        /* The name changes microseconds after the socket closes: look again soon at first. */
        usleep(i < 100 ? 50 : 1000);
    }
    return 0; /* still starting after 1 s: the monitor loop records what follows */
}

static int finish_exec(struct mon *m, int sync, bool send_start, struct err **err);

/* Parent side of the start protocol; returns 0 once the user's process runs (OCI: once the init
 * waits at the sync point). */
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
    if (!m->cloned_into_cg && m->cg->attach(m->cgpath, m->pid, err) < 0)
        return err_wrap(err, "join cgroup");
    if (m->oci && ctr_cgroup_oci_apply(m->cgpath, jsonx_get_obj(s->json, "linux"), m->pid, err) < 0)
        return -1;
    trace_mark(m->cloned_into_cg ? "mon: attached (clone3 into cgroup)" : "mon: attached");
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
    if (m->oci)
        return 0; /* `start` says when */
    return finish_exec(m, sync, false, err);
}

/* The init execs the user's process (told so with 'S' after an OCI create, send_start); 0 once
 * it did. */
static int
finish_exec(struct mon *m, int sync, bool send_start, struct err **err)
{
    char buf[1200];
    if (send_start && write(sync, "S", 1) != 1)
        return err_set(err, errno, "sync with the container");
    int n = read_sync(m, sync, buf, sizeof(buf), 30000);
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
    struct ctr_init_args ia = {
        m->spec, m->sec, ".", m->def_dir, sp[1], {child[0], child[1], child[2]}, m->oci};
    if (ctr_oci_ns_path(m->spec, "mount"))
        ia.run_dir = m->run_dir; /* setns resets the working directory to that namespace's root */
    cleanup_close int dfd = ctr_run_open(m->name, false, err);
    if (dfd < 0)
        return -1;
    if (fchdir(dfd) < 0)
        return err_set(err, errno, "chdir '%s'", m->run_dir);
    if (m->net.mode == NET_MODE_CONTAINER && net_ctr_join(&m->net, err) < 0)
        return -1;
    trace_mark("mon: clone");
    int joined = join_pid_ns(m, err);
    if (joined < 0)
        return -1;
    if (joined)
        m->spec->ns &= ~(unsigned)CTR_NS_PID;
    m->pid = clone_init(m, &m->pidfd);
    int e = errno;
    if (m->pid != 0 && chdir("/") < 0) {
        /* harmless: absolute paths from here on */
    }
    if (m->pid < 0)
        return err_set(err, e, "create the container's namespaces");
    if (m->pid > 0 && !m->oci)
        hold_ns(m);
    if (m->pid == 0) {
        /* Only the monitor holds its end: a monitor that dies before the go-ahead is then an
         * EOF to the waiting init (which ends), not a wait for ever that keeps `run` waiting. */
        close(sp[0]);
        ctr_init_main(&ia);
    }
    close(sp[1]);
    for (int i = 0; i < 3; i++) {
        if (child[i] > 2 && (i == 0 || child[i] != child[i - 1]))
            close(child[i]);
    }
    int rc = start_init(m, sp[0], err);
    if (m->oci && rc == 0)
        m->sync = sp[0];
    else
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
    if (m->oci)
        ctr_cgroup_oci_destroy(m->cgpath);
    net_ctr_detach(m->name, &m->net);
    ctr_monitor_release_ns(m);
}

static int
record_running(struct mon *m, struct err **err)
{
    /* The start figures so far (the first output is added by the monitor loop). A failure to
     * write them costs the figures, not the start. */
    m->figs.exec_ns = real_now_ns();
    ctr_figs_save(m->name, &m->figs, NULL);
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
    st.restarts = m->restarts;
    m->run_start = mono_now_ns();
    ctr_fmt(st.cgroup, sizeof(st.cgroup), "%s", m->cgpath);
    ctr_fmt(st.cgroup_mgr, sizeof(st.cgroup_mgr), "%s", m->cg->name);
    if (m->net.ip)
        net_ip_format(m->net.ip, st.ip, sizeof(st.ip));
    ctr_fmt(st.ports, sizeof(st.ports), "%s", m->net.ports_text);
    return ctr_state_save(m->name, &st, err);
}

/* Between two runs: the state says so (pid 0), unless a `ctr stop` or `rm -f` came first.
 * Returns false when the container is to stay stopped. */
static bool
restart_wanted(struct mon *m)
{
    int code = ctr_monitor_exit_code(m->status);
    struct ctr_state st;
    cleanup_close int lock = ctr_lock(m->name, NULL);
    if (lock < 0 || ctr_state_load(m->name, &st, NULL) < 0 || st.stopping || st.autoremove ||
        m->autoremove || st.monitor_pid != getpid() ||
        !ctr_restart_wanted(&m->spec->restart, code, m->restarts))
        return false;
    st.restarting = true;
    st.pid = 0;
    st.pid_start = 0;
    st.exit_code = code;
    st.finished_ns = real_now_ns();
    return ctr_state_save(m->name, &st, NULL) == 0;
}

/* The back-off, in steps of 50 ms that look for a `ctr stop`. false: stopped meanwhile. */
static bool
restart_wait(struct mon *m)
{
    if (mono_now_ns() - m->run_start >= 10 * 1000000000LL)
        m->backoff_n = 0; /* it was up 10 s: a new series of failures starts short again */
    int64_t end = mono_now_ns() + (int64_t)ctr_restart_backoff_ms(m->backoff_n++) * 1000000;
    for (;;) {
        struct ctr_state st;
        if (ctr_state_load(m->name, &st, NULL) < 0 || st.stopping || st.autoremove)
            return false;
        int64_t left = end - mono_now_ns();
        if (left <= 0)
            return true;
        int64_t step = left < 50000000 ? left : 50000000;
        nanosleep(&(struct timespec){0, (long)step}, NULL);
    }
}

/* The previous run's fds and cgroup let go of, before the next run makes its own. */
static void
restart_release(struct mon *m)
{
    int *fds[] = {&m->pidfd, &m->out, &m->err, &m->pty};
    for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    m->pid = 0;
    ctr_monitor_release_ns(m);
    if (m->cg)
        m->cg->destroy(m->cgpath, NULL);
    net_ctr_detach(m->name, &m->net); /* the next run leases and attaches again */
}

/* The restart policy (--restart): after the exit just seen, start the command again. A run that
 * cannot start counts as an exit with status 125 (logged) and is retried by the same rules.
 * Returns true once a new run is up. */
static bool
restart(struct mon *m)
{
    while (restart_wanted(m) && restart_wait(m)) {
        cleanup_err struct err *e = NULL;
        /* Under the lock from the last look at the state to the new run's record: a `ctr stop`
         * or `rm -f` in between would be overwritten by that record, and the loop go on. */
        cleanup_close int lock = ctr_lock(m->name, NULL);
        struct ctr_state st;
        if (lock < 0 || ctr_state_load(m->name, &st, NULL) < 0 || st.stopping || st.autoremove)
            return false;
        restart_release(m);
        m->restarts++;
        if (make_cgroup(m, &e) == 0 && spawn(m, &e) == 0 && record_running(m, &e) == 0)
            return true;
        char msg[1200];
        int n =
            ctr_fmt(msg, sizeof(msg), "berth: restart %u failed: %s\n", m->restarts, err_msg(e));
        ctr_logfile_write(&m->log, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1);
        undo_start(m);
        m->pid = 0;
        m->status = 125 << 8;
        m->run_start = mono_now_ns();
    }
    return false;
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
    monitor_detach_stdio(a->foreground || a->oci);
    trace_reset(true);
}

/* An OCI container after create: wait for `start`, exec, leave (monitor_oci.c). */
static _Noreturn void
monitor_oci(struct mon *m, struct ctr_monitor_args *a)
{
    cleanup_err struct err *e = NULL;
    if (ctr_monitor_oci_created(m, a->console, &e) < 0) {
        undo_start(m);
        report(a->report_fd, "ERR %s\n", err_msg(e));
        _exit(1);
    }
    report(a->report_fd, "OK %d\n", (int)m->pid);
    close(a->report_fd);
    close(a->lock_fd);
    monitor_detach_stdio(false); /* the caller's pipes end with its `create` */
    int client = ctr_monitor_oci_wait(m);
    if (client < 0)
        _exit(0);
    if (finish_exec(m, m->sync, true, &e) < 0) {
        ctr_monitor_oci_started(m, client, e);
        _exit(1);
    }
    ctr_monitor_oci_started(m, client, NULL);
    _exit(0);
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
    m.pty = m.out = m.err = m.in = m.listen = m.pidfd = m.sync = -1;
    m.nsfd[0] = m.nsfd[1] = m.nsfd[2] = m.nsfd[3] = -1;
    m.figs = (struct ctr_start_figs){a->request_ns, -1, -1};
    m.oci = a->oci;
    trace_mark("mon: start");
    if (prepare_dirs(&m, &e) < 0 || net_ctr_from_config(a->spec->json, &m.net, &e) < 0 ||
        (trace_mark("mon: dirs"), make_cgroup(&m, &e) < 0) ||
        (trace_mark("mon: cgroup"), ctr_security_from_config(a->spec->json, &m.sec, &e) < 0) ||
        (trace_mark("mon: security"), ctr_logfile_open(&m.log, m.def_dir, &e) < 0) ||
        spawn(&m, &e) < 0 || (trace_mark("mon: exec'd"), !m.oci && record_running(&m, &e) < 0)) {
        undo_start(&m);
        report(a->report_fd, "ERR %s\n", err_msg(e));
        _exit(1);
    }
    if (m.oci)
        monitor_oci(&m, a);
    if (m.spec->terminal)
        ctr_monitor_listen(&m);
    trace_mark("mon: recorded");
    report(a->report_fd, "OK %d\n", (int)m.pid);
    if (!a->attached)
        close(a->report_fd);
    close(a->lock_fd);
    ctr_monitor_loop(&m);
    while (restart(&m))
        ctr_monitor_loop(&m);
    net_ctr_detach(m.name, &m.net);
    struct ctr_removed removed;
    int code = ctr_monitor_finish(&m, &removed);
    trace_mark("mon: done");
    /* The exit is recorded, or the container gone under its name: the caller may go on (and
     * reuse the name) while the renamed files are deleted. */
    if (a->attached)
        report(a->report_fd, "EXIT %d\n", code);
    ctr_monitor_release_ns(&m); /* the mount namespace's teardown, off the caller's path */
    /* Let go of the caller's output too: `$(berth ctr run --rm ...)` and pipes end now, not
     * when the files are deleted. */
    monitor_detach_stdio(false);
    ctr_remove_purge(&removed, NULL);
    _exit(0);
}
