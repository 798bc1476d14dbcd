/* SPDX-License-Identifier: MIT */
/*
 * exec and attach. exec forks a child that stays non-dumpable, joins the container's cgroup and
 * every namespace through the init's pidfd, forks again (to enter the pid namespace), takes the
 * container's identity and hardening, and execs; attach connects to the monitor's socket.
 */
#include "ctr/internal.h"

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
#include "ctr/security.h"

struct exec_ctx {
    const char *name;
    struct ctr_spec spec;
    struct ctr_state st;
    struct ctr_security *sec;
    const struct cgroup_ops *cg;
    char *const *argv;
    int pidfd;
    int ptysock; /* socket to send the pty master over (exec -t), or -1 */
    int errfd;   /* CLOEXEC pipe: an error message, or EOF at execve */
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

static int
join_namespaces(struct exec_ctx *x, struct err **err)
{
    int flags = 0;
    for (size_t i = 0; i < ARRAY_SIZE(ns_join); i++) {
        if (x->spec.ns & ns_join[i].ns)
            flags |= ns_join[i].flag;
    }
    if (setns(x->pidfd, flags) == 0)
        return 0;
    /* Before Linux 5.8: one /proc/PID/ns/ file at a time. */
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

/* The joining child: non-dumpable from the start, so /proc/PID/exe of berth is not reachable. */
_Noreturn static void
exec_child(struct exec_ctx *x)
{
    cleanup_err struct err *e = NULL;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (x->cg && x->cg->attach(x->st.cgroup, getpid(), &e) < 0)
        exec_fail(x, e);
    if (join_namespaces(x, &e) < 0)
        exec_fail(x, e);
    pid_t pid = fork();
    if (pid < 0) {
        err_set(&e, errno, "fork");
        exec_fail(x, e);
    }
    if (pid == 0)
        exec_process(x);
    close(x->errfd);
    if (x->ptysock >= 0)
        close(x->ptysock);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
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

/* Receive the pty master the process opened inside, and relay the terminal to it. */
static void
exec_relay(int sock)
{
    char tag;
    int master = -1;
    struct pollfd p = {sock, POLLIN, 0};
    if (poll(&p, 1, 10000) == 1 && ctr_fd_recv(sock, &tag, 1, &master) == 1 && master >= 0) {
        ctr_term_relay(master, false, false, NULL);
        close(master);
    }
}

int
ctr_exec(const char *name, char *const *argv, bool tty, int *status, struct err **err)
{
    struct exec_ctx x = {.name = name, .argv = argv, .pidfd = -1, .ptysock = -1};
    int ep[2], sp[2] = {-1, -1}, rc = -1;
    if (exec_prepare(&x, err) < 0)
        goto out;
    if (tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
        err_set(err, errno, "socketpair");
        goto out;
    }
    x.ptysock = sp[1];
    if (pipe2(ep, O_CLOEXEC) < 0) {
        err_set(err, errno, "pipe");
        goto out;
    }
    x.errfd = ep[1];
    pid_t pid = fork();
    if (pid == 0)
        exec_child(&x);
    close(ep[1]);
    if (sp[1] >= 0)
        close(steal_fd(&sp[1]));
    x.ptysock = -1;
    if (pid > 0 && sp[0] >= 0)
        exec_relay(sp[0]);
    int ws = 0;
    while (pid > 0 && waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    rc = pid < 0 ? err_set(err, errno, "fork") : exec_result(ep[0], err);
    close(ep[0]);
    *status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
out:
    for (int i = 0; i < 2; i++) {
        if (sp[i] >= 0)
            close(sp[i]);
    }
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
    int rc = ctr_term_relay(s, true, true, err);
    if (rc < 0)
        return -1;
    *detached = rc == 1;
    return 0;
}
