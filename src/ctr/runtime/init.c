/* SPDX-License-Identifier: MIT */
/* The container's init before execve: namespaces finished, root set up, wait for `start`,
 * identity, hardening, exec. Errors go back to the monitor as "E<message>" on the sync socket. */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "common/trace.h"
#include "ctr/security/security.h"

_Noreturn static void
init_fail(int sync_fd, struct err *e)
{
    char msg[1100];
    int n = ctr_fmt(msg, sizeof(msg), "E%s", err_msg(e));
    if (write(sync_fd, msg, (size_t)(n < (int)sizeof(msg) ? n : (int)sizeof(msg) - 1)) < 0) {
        /* nobody to tell */
    }
    _exit(127);
}

static int
sync_expect(int fd, char want, struct err **err)
{
    char c = 0;
    ssize_t n;
    do {
        n = read(fd, &c, 1);
    } while (n < 0 && errno == EINTR);
    if (n != 1 || c != want)
        return err_set(err, 0, "container setup interrupted (monitor gone)");
    return 0;
}

static int
loopback_up(struct err **err)
{
    cleanup_close int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
        return err_set(err, errno, "loopback interface");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
        return err_set(err, errno, "bring loopback up");
    return 0;
}

void
ctr_close_fds_except(int keep)
{
    if (keep < 3) {
        close_range(3, ~0U, 0);
        return;
    }
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0U, 0);
}

int
ctr_chdir_checked(const char *cwd, struct err **err)
{
    char buf[PATH_MAX];
    if (chdir(cwd) < 0)
        return err_set(err, errno, "working directory '%s' in the container", cwd);
    /* A cwd reached through a leaked fd would be outside the root: getcwd says so. */
    if (!getcwd(buf, sizeof(buf)) || buf[0] != '/')
        return err_set(err, 0, "working directory '%s' lies outside the container's root", cwd);
    return 0;
}

void
ctr_signals_default(void)
{
    /* The kernel's struct sigaction: glibc refuses its own two real-time signals (32, 33), and
     * one inherited as ignored must be reset too. */
    struct {
        void (*handler)(int);
        unsigned long flags;
        void (*restorer)(void);
        uint64_t mask;
    } dfl = {SIG_DFL, 0, NULL, 0};
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP && signal(sig, SIG_DFL) == SIG_ERR)
            syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(dfl.mask));
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

int
ctr_set_user(const struct ctr_spec *s, struct err **err)
{
    if (setgroups(s->n_groups, s->groups) < 0 && errno != EPERM)
        return err_set(err, errno, "setgroups");
    if (setresgid(s->gid, s->gid, s->gid) < 0)
        return err_set(err, errno, "set group id %u", s->gid);
    /* Keep the permitted capabilities across setuid: the hardening step decides what stays. */
    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    if (setresuid(s->uid, s->uid, s->uid) < 0)
        return err_set(err, errno, "set user id %u", s->uid);
    return 0;
}

static const char *
env_path(char *const *env)
{
    for (size_t i = 0; env && env[i]; i++) {
        if (strncmp(env[i], "PATH=", 5) == 0)
            return env[i] + 5;
    }
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

int
ctr_find_exec(const char *argv0, char *const *env, char *out, size_t len)
{
    if (strchr(argv0, '/')) {
        ctr_fmt(out, len, "%s", argv0);
        return access(out, X_OK);
    }
    const char *p = env_path(env);
    int e = ENOENT;
    while (*p) {
        size_t n = strcspn(p, ":");
        ctr_fmt(out, len, "%.*s/%s", (int)n, p, argv0);
        struct stat st;
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode)) {
            if (access(out, X_OK) == 0)
                return 0;
            e = EACCES;
        }
        p += n + (p[n] == ':');
    }
    errno = e;
    return -1;
}

/* The console: a pty of the container's own devpts, its slave on stdio and /dev/console; the
 * master goes to the monitor ('T' + fd on the sync socket). */
static int
console_setup(int sync_fd, struct err **err)
{
    char name[64];
    int slave = -1;
    cleanup_close int master = ctr_pty_inside(&slave, name, sizeof(name), err);
    if (master < 0)
        return -1;
    cleanup_close int cons =
        open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (cons < 0 || mount(name, "/dev/console", NULL, MS_BIND, NULL) < 0) {
        close(slave);
        return err_set(err, errno, "bind the console");
    }
    for (int i = 0; i < 3; i++)
        dup2(slave, i);
    close(slave);
    if (ioctl(0, TIOCSCTTY, 0) < 0)
        return err_set(err, errno, "set the controlling terminal");
    if (ctr_fd_send(sync_fd, 'T', master) < 0)
        return err_set(err, errno, "hand the console to the monitor");
    return 0;
}

/* 'G' from the monitor, with the root's mount fd when the monitor built the root; before it, one
 * 'B' with the detached mount to attach per "idmap" bind, in order. */
static int
sync_go(int fd, const struct ctr_spec *s, int *root_mnt, int *bind_fds, struct err **err)
{
    size_t next = 0;
    for (;;) {
        char c = 0;
        int got = -1;
        ssize_t n = ctr_fd_recv(fd, &c, 1, &got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 1 && c == 'G') {
            *root_mnt = got;
            return 0;
        }
        while (next < s->n_mounts && !(s->mounts[next].bind && s->mounts[next].idmap))
            next++;
        if (n != 1 || c != 'B' || got < 0 || next == s->n_mounts) {
            if (got >= 0)
                close(got);
            return err_set(err, 0, "container setup interrupted (monitor gone)");
        }
        bind_fds[next++] = got;
    }
}

/* Everything before waiting for `start`. */
static int
init_setup(const struct ctr_init_args *a, struct err **err)
{
    const struct ctr_spec *s = a->spec;
    cleanup_close int root_mnt = -1;
    cleanup_free int *bind_fds = xcalloc(s->n_mounts + 1, sizeof(int));
    for (size_t i = 0; i < s->n_mounts; i++)
        bind_fds[i] = -1;
    if (sync_go(a->sync_fd, s, &root_mnt, bind_fds, err) < 0)
        return -1;
    /* Non-dumpable from here to execve. Not before 'G': a rootless monitor must still be able
     * to write this process's setgroups, uid_map and gid_map (root-owned once non-dumpable). */
    trace_mark("init: go");
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (ctr_init_oci_join_mount(s, err) < 0)
        return -1;
    if ((s->ns & CTR_NS_USER) && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0))
        return err_set(err, errno, "become root in the user namespace");
    if ((s->ns & CTR_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        return err_set(err, errno, "new cgroup namespace");
    if (ctr_init_oci_join(s, err) < 0)
        return -1;
    if ((s->ns & CTR_NS_UTS) && s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
        return err_set(err, errno, "set hostname '%s'", s->hostname);
    trace_mark("init: ns");
    int rc = ctr_rootfs_setup(s, a->run_dir, a->def_dir, root_mnt, bind_fds, err);
    for (size_t i = 0; i < s->n_mounts; i++) {
        if (bind_fds[i] >= 0)
            close(bind_fds[i]);
    }
    if (rc < 0)
        return -1;
    trace_mark("init: rootfs");
    if (ctr_init_oci_rootfs(s, err) < 0)
        return -1;
    if ((s->ns & CTR_NS_NET) && loopback_up(err) < 0)
        return -1;
    setsid();
    if (s->terminal && console_setup(a->sync_fd, err) < 0)
        return -1;
    if (ctr_security_apply_paths(a->sec, err) < 0)
        return -1;
    trace_mark("init: paths");
    return 0;
}

static int
init_exec(const struct ctr_init_args *a, struct err **err)
{
    const struct ctr_spec *s = a->spec;
    char path[PATH_MAX];
    trace_mark("init: S");
    if (!s->args[0])
        return err_set(err, 0, "config.json has no 'process': nothing to start");
    if (ctr_init_oci_process(s, err) < 0 || ctr_set_user(s, err) < 0)
        return -1;
    ctr_close_fds_except(a->sync_fd);
    trace_reset(false);
    if (ctr_chdir_checked(s->cwd, err) < 0)
        return -1;
    if (ctr_find_exec(s->args[0], s->env, path, sizeof(path)) < 0)
        return err_set(err, 0, "command '%s' %s in the container", s->args[0],
                       errno == EACCES ? "is not executable" : "not found");
    if (ctr_security_apply_process(a->sec, err) < 0)
        return -1;
    execve(path, s->args, s->env);
    return err_set(err, errno, "exec '%s' in the container", s->args[0]);
}

_Noreturn void
ctr_init_main(const struct ctr_init_args *a)
{
    cleanup_err struct err *e = NULL;
    trace_mark("init: start");
    ctr_signals_default();
    for (int i = 0; i < 3; i++) {
        if (a->stdio[i] != i && dup2(a->stdio[i], i) < 0) {
            err_set(&e, errno, "set up stdio");
            init_fail(a->sync_fd, e);
        }
    }
    if (init_setup(a, &e) < 0)
        init_fail(a->sync_fd, e);
    /* Set up: an OCI `create` stops here until `start` sends 'S'; any other start goes on at
     * once (no round trip through the monitor). */
    if (write(a->sync_fd, "R", 1) != 1 || (a->oci && sync_expect(a->sync_fd, 'S', &e) < 0))
        _exit(127);
    init_exec(a, &e);
    init_fail(a->sync_fd, e);
}
