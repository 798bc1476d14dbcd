/* SPDX-License-Identifier: MIT */
/*
 * exec and attach. exec forks a child that stays non-dumpable, joins the container's cgroup and
 * every namespace through the init's pidfd, forks again (to enter the pid namespace), takes the
 * container's identity and hardening, and execs; attach connects to the monitor's socket.
 *
 * No fd of the caller reaches the container: the process's stdio are pipes (or a pty of the
 * container's devpts with -t) whose other ends berth holds, and berth relays the caller's stdio
 * to them. When the client dies, the joining child kills the process (see exec_supervise).
 */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "ctr/security/security.h"
#include "ctr/cgroup/cgroup.h"

struct exec_ctx {
    const char *name;
    struct ctr_spec spec;
    struct ctr_state st;
    struct ctr_security *sec;
    const struct cgroup_ops *cg;
    char *const *argv;
    int pidfd;
    int ptysock;   /* socket to send the pty master over (exec -t), or -1 */
    int errfd;     /* CLOEXEC pipe: an error message, or EOF at execve */
    int stdio[3];  /* the process's ends of the relay pipes; /dev/null with -t */
    int lifeline;  /* read end of a pipe whose write end only the client holds */
    int client[4]; /* the client's ends (stdin, stdout, stderr, lifeline), closed in the child */
    pid_t parent;  /* the joining child, as the process sees its parent while it lives */
    int pidpipe;   /* OCI exec: the process's pid goes here and the joining child leaves (the
                    * process is the caller's subreaper's); stdio is the caller's; else -1 */
};

static const struct {
    unsigned ns;
    int flag;
    const char *file;
} ns_join[] = {
    {CTR_NS_USER, CLONE_NEWUSER, "user"}, {CTR_NS_CGROUP, CLONE_NEWCGROUP, "cgroup"},
    {CTR_NS_IPC, CLONE_NEWIPC, "ipc"},    {CTR_NS_UTS, CLONE_NEWUTS, "uts"},
    {CTR_NS_NET, CLONE_NEWNET, "net"},    {CTR_NS_PID, CLONE_NEWPID, "pid"},
    {CTR_NS_MOUNT, CLONE_NEWNS, "mnt"},
};

/* Before Linux 5.8: one /proc/PID/ns/ file at a time. */
static int
join_each(struct exec_ctx *x, struct err **err)
{
    for (size_t i = 0; i < ARRAY_SIZE(ns_join); i++) {
        char p[64];
        if (!(x->spec.ns & ns_join[i].ns))
            continue;
        ctr_fmt(p, sizeof(p), "/proc/%d/ns/%s", (int)x->st.pid, ns_join[i].file);
        cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, ns_join[i].flag) < 0)
            return err_set(err, errno, "join the container's %s namespace", ns_join[i].file);
    }
    return 0;
}

static int
join_namespaces(struct exec_ctx *x, struct err **err)
{
    int flags = 0;
    for (size_t i = 0; i < ARRAY_SIZE(ns_join); i++) {
        if (x->spec.ns & ns_join[i].ns)
            flags |= ns_join[i].flag;
    }
    if (setns(x->pidfd, flags) < 0 && join_each(x, err) < 0)
        return -1;
    if (!(x->spec.ns & CTR_NS_MOUNT)) {
        /* No mount namespace of its own (an OCI bundle's): the init is chrooted in the host's
         * (rootfs.c), and so is this process. */
        char p[64];
        ctr_fmt(p, sizeof(p), "/proc/%d/root", (int)x->st.pid);
        if (chroot(p) < 0 || chdir("/") < 0)
            return err_set(err, errno, "enter the container's root");
    }
    return 0;
}

static char **
exec_env(struct exec_ctx *x)
{
    return x->spec.env;
}

_Noreturn static void
exec_fail(struct exec_ctx *x, struct err *e)
{
    char msg[1100];
    int n = ctr_fmt(msg, sizeof(msg), "%d %s", e ? e->code : 0, err_msg(e));
    if (write(x->errfd, msg, (size_t)(n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1)) < 0) {
        /* nobody to tell */
    }
    _exit(127);
}

/* The process that becomes the command (inside the pid namespace). */
_Noreturn static void
exec_process(struct exec_ctx *x)
{
    cleanup_err struct err *e = NULL;
    char path[PATH_MAX];
    ctr_signals_default();
    setsid();
    if (x->ptysock >= 0) {
        char name[64];
        int slave = -1, master = ctr_pty_inside(&slave, name, sizeof(name), &e);
        if (master < 0)
            exec_fail(x, e);
        dup2(slave, 0);
        dup2(slave, 1);
        dup2(slave, 2);
        ioctl(0, TIOCSCTTY, 0);
        if (ctr_fd_send(x->ptysock, 'T', master) < 0) {
            err_set(&e, errno, "hand the terminal over");
            exec_fail(x, e);
        }
        close(master);
        close(slave);
    }
    if (ctr_set_user(&x->spec, &e) < 0)
        exec_fail(x, e);
    /* Set after the change of user (which clears it); a parent already gone shows as another
     * parent (the container's init). */
    if (x->pidpipe < 0) {
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (getppid() != x->parent)
            _exit(137);
    }
    ctr_close_fds_except(x->errfd);
    if (ctr_chdir_checked(x->spec.cwd, &e) < 0)
        exec_fail(x, e);
    if (ctr_find_exec(x->argv[0], exec_env(x), path, sizeof(path)) < 0) {
        err_set(&e, 0, "command '%s' %s in the container", x->argv[0],
                errno == EACCES ? "is not executable" : "not found");
        exec_fail(x, e);
    }
    if (ctr_security_apply_process(x->sec, &e) < 0)
        exec_fail(x, e);
    execve(path, x->argv, exec_env(x));
    err_set(&e, errno, "exec '%s' in the container", x->argv[0]);
    exec_fail(x, e);
}

/* The joining child, once the process runs: wait for it, and kill it (and its process group)
 * when the client dies, whatever the process did to its own parent-death signal. */
_Noreturn static void
exec_supervise(struct exec_ctx *x, pid_t pid)
{
    int status = 0;
    cleanup_close int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
    for (;;) {
        struct pollfd p[2] = {{pfd, POLLIN, 0}, {x->lifeline, POLLIN, 0}};
        if (pfd < 0 || poll(p, 2, -1) < 0 || p[0].revents)
            break;
        if (p[1].revents) {
            kill(-pid, SIGKILL);
            kill(pid, SIGKILL);
            break;
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The joining child: non-dumpable from the start, so /proc/PID/exe of berth is not reachable.
 * It drops the caller's stdio for the relay pipes before it joins anything. */
_Noreturn static void
exec_child(struct exec_ctx *x)
{
    cleanup_err struct err *e = NULL;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    for (int i = 0; i < 4; i++) {
        if (x->client[i] >= 0)
            close(x->client[i]);
    }
    for (int i = 0; i < 3 && x->pidpipe < 0; i++) {
        if (dup2(x->stdio[i], i) < 0)
            _exit(127);
    }
    for (int i = 0; i < 3 && x->pidpipe < 0; i++) {
        if (x->stdio[i] > 2 && (i == 0 || x->stdio[i] != x->stdio[i - 1]))
            close(x->stdio[i]);
    }
    if (x->cg && x->cg->attach(x->st.cgroup, getpid(), &e) < 0)
        exec_fail(x, e);
    if (join_namespaces(x, &e) < 0)
        exec_fail(x, e);
    x->parent = (x->spec.ns & CTR_NS_PID) ? 0 : getpid();
    pid_t pid = fork();
    if (pid < 0) {
        err_set(&e, errno, "fork");
        exec_fail(x, e);
    }
    if (pid == 0)
        exec_process(x);
    if (x->pidpipe >= 0) {
        dprintf(x->pidpipe, "%d", (int)pid);
        _exit(0);
    }
    close(x->errfd);
    if (x->ptysock >= 0)
        close(x->ptysock);
    for (int i = 0; i < 3; i++)
        close(i);
    exec_supervise(x, pid);
}

static int
exec_prepare(struct exec_ctx *x, struct err **err)
{
    if (ctr_name_check(x->name, err) < 0 || ctr_state_load(x->name, &x->st, err) < 0)
        return -1;
    if (!ctr_exists(x->name))
        return err_set(err, 0, "no such container '%s'", x->name);
    ctr_state_check_live(&x->st);
    if (x->st.status == CTR_STATUS_PAUSED)
        return err_set(err, 0, "container '%s' is paused", x->name);
    if (x->st.status != CTR_STATUS_RUNNING)
        return err_set(err, 0, "container '%s' is not running", x->name);
    if (ctr_spec_load(x->name, &x->spec, err) < 0)
        return -1;
    x->cg = ctr_cgroup_by_name(x->st.cgroup_mgr);
    x->pidfd = (int)syscall(SYS_pidfd_open, x->st.pid, 0);
    if (x->pidfd < 0 || ctr_proc_starttime(x->st.pid) != x->st.pid_start)
        return err_set(err, 0, "container '%s' is not running", x->name);
    return ctr_security_from_config(x->spec.json, &x->sec, err);
}

static void
exec_cleanup(struct exec_ctx *x)
{
    if (x->pidfd >= 0)
        close(x->pidfd);
    if (x->sec)
        ctr_security_free(x->sec);
    ctr_spec_done(&x->spec);
}

/* What the child reported: "<errno> <message>", or nothing when execve happened. */
static int
exec_result(int fd, struct err **err)
{
    char buf[1200];
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *msg = strchr(buf, ' ');
    return err_set(err, 0, "%s", msg ? msg + 1 : buf);
}

/* Receive the pty master the process opened inside, and relay the terminal to it until the
 * process exits (a background process keeping the pty open does not keep us). */
static void
exec_relay_tty(int sock, int child_pidfd)
{
    char tag;
    int master = -1;
    struct pollfd p = {sock, POLLIN, 0};
    if (poll(&p, 1, 10000) == 1 && ctr_fd_recv(sock, &tag, 1, &master) == 1 && master >= 0) {
        ctr_term_relay(STDIN_FILENO, STDOUT_FILENO, master, false, false, child_pidfd, NULL);
        close(master);
    }
}

/* The caller's side of the non-tty relay: caller stdin -> in, out -> caller stdout, err -> caller
 * stderr. Input is buffered and written without blocking, so a process that does not read its
 * stdin never stalls its output. */
struct pipe_relay {
    int in, out, err; /* our ends; -1 once closed */
    bool stdin_open;
    char buf[16384];
    size_t len, off; /* input read from the caller, not yet written to the process */
};

static void
relay_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Copy what one output pipe holds to the caller; a caller that went away (EPIPE) closes the
 * pipe, so the process sees EPIPE / SIGPIPE on its next write, as it would writing there. */
static bool
relay_output(int *fd, int to)
{
    char buf[65536];
    ssize_t n = read(*fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return false;
    if (n <= 0 || fileio_write_full(to, buf, (size_t)n) < 0) {
        relay_close(fd);
        return false;
    }
    return true;
}

static void
relay_input(struct pipe_relay *r, bool readable)
{
    if (readable && r->len == 0) {
        ssize_t n = read(STDIN_FILENO, r->buf, sizeof(r->buf));
        if (n < 0 && errno == EINTR)
            return;
        if (n <= 0) { /* EOF, or EIO reading a terminal from the background */
            r->stdin_open = false;
            relay_close(&r->in);
            return;
        }
        r->len = (size_t)n;
        r->off = 0;
    }
    while (r->len > 0) {
        ssize_t n = write(r->in, r->buf + r->off, r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        if (n < 0) { /* the process closed its stdin: stop reading the caller's */
            r->stdin_open = false;
            relay_close(&r->in);
            r->len = 0;
            return;
        }
        r->off += (size_t)n;
        r->len -= (size_t)n;
    }
}

/* After the exit: what the process wrote is in the pipes; take it without waiting for
 * background processes that may still hold them (they get EPIPE once we close). */
static void
relay_drain(int *fd, int to)
{
    if (*fd < 0)
        return;
    fcntl(*fd, F_SETFL, O_NONBLOCK);
    for (int i = 0; i < 256 && relay_output(fd, to); i++)
        ;
    relay_close(fd);
}

static void
exec_relay_pipes(struct pipe_relay *r, int child_pidfd)
{
    fcntl(r->in, F_SETFL, O_NONBLOCK);
    for (;;) {
        bool want_in = r->stdin_open && r->in >= 0 && r->len == 0;
        struct pollfd p[5] = {{child_pidfd, POLLIN, 0},
                              {want_in ? STDIN_FILENO : -1, POLLIN, 0},
                              {r->len > 0 ? r->in : -1, POLLOUT, 0},
                              {r->out, POLLIN, 0},
                              {r->err, POLLIN, 0}};
        if (poll(p, 5, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (p[3].revents)
            relay_output(&r->out, STDOUT_FILENO);
        if (p[4].revents)
            relay_output(&r->err, STDERR_FILENO);
        if (p[1].revents || p[2].revents)
            relay_input(r, p[1].revents != 0);
        if (p[0].revents || (child_pidfd < 0 && r->out < 0 && r->err < 0))
            break;
    }
    relay_close(&r->in);
    relay_drain(&r->out, STDOUT_FILENO);
    relay_drain(&r->err, STDERR_FILENO);
}

/* SIGPIPE and SIGTTIN ignored while relaying: a closed caller output or a read of the terminal
 * from the background shows as an error on that one fd. */
static void
relay_signals(bool on, struct sigaction saved[2])
{
    static const int sigs[2] = {SIGPIPE, SIGTTIN};
    struct sigaction ign = {.sa_handler = SIG_IGN};
    sigemptyset(&ign.sa_mask);
    for (int i = 0; i < 2; i++) {
        if (on)
            sigaction(sigs[i], &ign, &saved[i]);
        else
            sigaction(sigs[i], &saved[i], NULL);
    }
}

/* fd moved to 3 or above: with a caller whose stdio was closed, a new fd may be 0-2, which the
 * child's dup2 onto 0-2 (and our reads of fd 0) would mistake for stdio. */
static int
above_stdio(int fd)
{
    if (fd < 0 || fd > 2)
        return fd;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    return moved;
}

/* The fds of one exec: [0..2] the process's stdio, [3] the lifeline's read end (the child's);
 * [4..7] the caller's ends of the same. Without a pty: three pipes; with one: /dev/null (the
 * process replaces it with the pty's slave). */
static int
exec_fds(bool tty, int child[4], int mine[4], struct err **err)
{
    int p[2];
    for (int i = 0; i < 4; i++) {
        bool is_pipe = !tty || i == 3;
        if (!is_pipe) {
            child[i] = above_stdio(open("/dev/null", O_RDWR | O_CLOEXEC));
            if (child[i] < 0)
                return err_set(err, errno, "open /dev/null");
            continue;
        }
        if (pipe2(p, O_CLOEXEC) < 0)
            return err_set(err, errno, "pipe");
        bool child_reads = i == 0 || i == 3;
        child[i] = above_stdio(child_reads ? p[0] : p[1]);
        mine[i] = above_stdio(child_reads ? p[1] : p[0]);
        if (child[i] < 0 || mine[i] < 0)
            return err_set(err, errno, "pipe");
    }
    return 0;
}

static void
close_fds(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        relay_close(&fds[i]);
}

/* The container's config.json with process replaced by proc (a process.json), parsed. */
static int
oci_exec_spec(struct exec_ctx *x, json_object *proc, struct err **err)
{
    char p[PATH_MAX];
    ctr_path_def(p, x->name, "config.json");
    json_object *cfg = jsonx_load_file(p, 1 << 20, err);
    if (!cfg)
        return -1;
    json_object_object_add(cfg, "process", json_object_get(proc));
    if (ctr_spec_parse(cfg, NULL, &x->spec, err) < 0)
        return err_wrap(err, "exec process");
    x->argv = x->spec.args;
    return 0;
}

/* The console socket given to exec: connected, for the pty master ('T'). */
static int
console_connect(const char *path, struct err **err)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path))
        return err_set(err, 0, "console socket path '%s' is too long", path);
    memcpy(sa.sun_path, path, strlen(path) + 1);
    int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        if (s >= 0)
            close(s);
        return err_set(err, e, "connect to console socket '%s'", path);
    }
    return s;
}

int
ctr_oci_exec(const char *id, json_object *proc, const char *console, pid_t *pid, struct err **err)
{
    struct exec_ctx x = {.name = id, .pidfd = -1, .ptysock = -1, .pidpipe = -1};
    int ep[2] = {-1, -1}, pp[2] = {-1, -1}, rc = -1;
    char buf[32];
    x.client[0] = x.client[1] = x.client[2] = x.client[3] = -1;
    if (exec_prepare(&x, err) < 0)
        goto out;
    ctr_spec_done(&x.spec);
    if (oci_exec_spec(&x, proc, err) < 0)
        goto out;
    if (x.spec.terminal && !console) {
        err_set(err, 0, "exec: a terminal process needs --console-socket");
        goto out;
    }
    if (x.spec.terminal && (x.ptysock = console_connect(console, err)) < 0)
        goto out;
    if (pipe2(ep, O_CLOEXEC) < 0 || pipe2(pp, O_CLOEXEC) < 0) {
        err_set(err, errno, "pipe");
        goto out;
    }
    x.errfd = ep[1];
    x.pidpipe = pp[1];
    pid_t mid = fork();
    if (mid == 0)
        exec_child(&x);
    close_fds(ep + 1, 1);
    close_fds(pp + 1, 1);
    if (mid < 0) {
        err_set(err, errno, "fork");
        goto out;
    }
    while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
        ;
    ssize_t n = read(pp[0], buf, sizeof(buf) - 1);
    buf[n > 0 ? n : 0] = 0;
    rc = exec_result(ep[0], err);
    if (rc == 0 && n <= 0)
        rc = err_set(err, 0, "exec in container '%s' failed", id);
    *pid = (pid_t)atoi(buf);
out:
    close_fds(ep, 2);
    close_fds(pp, 2);
    close_fds(&x.ptysock, 1);
    exec_cleanup(&x);
    return rc;
}

int
ctr_exec(const char *name, char *const *argv, bool tty, int *status, struct err **err)
{
    struct exec_ctx x = {.name = name, .argv = argv, .pidfd = -1, .ptysock = -1, .pidpipe = -1};
    int ep[2] = {-1, -1}, sp[2] = {-1, -1}, child[4] = {-1, -1, -1, -1}, mine[4] = {-1, -1, -1, -1},
        cfd = -1, rc = -1;
    struct sigaction saved[2];
    if (exec_prepare(&x, err) < 0 || exec_fds(tty, child, mine, err) < 0)
        goto out;
    if (tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
        err_set(err, errno, "socketpair");
        goto out;
    }
    if (pipe2(ep, O_CLOEXEC) < 0) {
        err_set(err, errno, "pipe");
        goto out;
    }
    x.ptysock = sp[1];
    x.errfd = ep[1];
    memcpy(x.stdio, child, sizeof(x.stdio));
    x.lifeline = child[3];
    memcpy(x.client, mine, sizeof(x.client));
    pid_t pid = fork();
    if (pid == 0)
        exec_child(&x);
    close_fds(ep + 1, 1);
    close_fds(sp + 1, 1);
    close_fds(child, 4);
    if (pid < 0) {
        err_set(err, errno, "fork");
        goto out;
    }
    cfd = (int)syscall(SYS_pidfd_open, pid, 0);
    relay_signals(true, saved);
    if (tty) {
        exec_relay_tty(sp[0], cfd);
    } else {
        struct pipe_relay r = {.in = steal_fd(&mine[0]),
                               .out = steal_fd(&mine[1]),
                               .err = steal_fd(&mine[2]),
                               .stdin_open = true};
        exec_relay_pipes(&r, cfd);
    }
    relay_signals(false, saved);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    rc = exec_result(ep[0], err);
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
out:
    close_fds(&cfd, 1);
    close_fds(ep, 2);
    close_fds(sp, 2);
    close_fds(child, 4);
    close_fds(mine, 4); /* the lifeline last: the process is gone by now */
    exec_cleanup(&x);
    return rc;
}

int
ctr_attach(const char *name, bool *detached, struct err **err)
{
    struct ctr_state st;
    struct ctr_spec spec;
    *detached = false;
    if (ctr_name_check(name, err) < 0)
        return -1;
    if (!ctr_exists(name))
        return err_set(err, 0, "no such container '%s'", name);
    if (ctr_state_load(name, &st, err) < 0 || ctr_spec_load(name, &spec, err) < 0)
        return -1;
    bool terminal = spec.terminal;
    ctr_spec_done(&spec);
    ctr_state_check_live(&st);
    if (st.status != CTR_STATUS_RUNNING && st.status != CTR_STATUS_PAUSED)
        return err_set(err, 0, "container '%s' is not running", name);
    if (!terminal)
        return err_set(err, 0,
                       "container '%s' has no terminal (create it with --tty); use "
                       "'berth ctr logs -f %s'",
                       name, name);
    /* The socket in the checked run directory, made by us (not a link to anyone else's). */
    cleanup_close int dfd = ctr_run_open(name, false, err);
    struct stat sb;
    if (dfd < 0)
        return -1;
    if (fstatat(dfd, "attach.sock", &sb, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(sb.st_mode) ||
        sb.st_uid != geteuid())
        return err_set(err, 0, "attach to container '%s': its attach socket is missing or not ours",
                       name);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ctr_fmt(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/attach.sock", dfd);
    cleanup_close int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return err_set(err, errno, "attach to container '%s'", name);
    int rc = ctr_term_relay(STDIN_FILENO, STDOUT_FILENO, s, true, true, -1, err);
    if (rc < 0)
        return -1;
    *detached = rc == 1;
    return 0;
}
