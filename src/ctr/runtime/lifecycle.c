/* SPDX-License-Identifier: MIT */
/* Lifecycle: create, start (forking the monitor), wait, stop, kill, pause, resume, restart, and rm
 * (which kills a running container, then removes its files with store/remove.c, or removes the
 * remains of an orphan with cgroup/orphans.c). */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/trace.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/cgroup/cgroup.h"
#include "ctr/volume/volume.h"
#include "ctr/volume/volume_spec.h"

/* "creator" of a `run --rm` container: "PID STARTTIME BOOT_ID" of the process that will start it.
 * A listing removes such a container still "created" once that process is gone (killed between
 * create and start). The ".new-NAME-PID" directory itself goes the same way (ctr_list). */
static int
write_creator(const char *dir, struct err **err)
{
    char p[PATH_MAX], txt[128];
    ctr_fmt(p, sizeof(p), "%s/creator", dir);
    int n = ctr_fmt(txt, sizeof(txt), "%d %llu %s\n", (int)getpid(),
                    (unsigned long long)ctr_proc_starttime(getpid()), ctr_boot_id());
    return ctr_write_runtime(p, txt, (size_t)n, 0600, err);
}

/* The definition this process created last, parsed, for the start that follows it in the same
 * process (`run`): its config.json is not read and parsed again. Used only while config.json is
 * still the file written (same device and inode), under the container's lock. */
static struct {
    char name[CTR_NAME_MAX + 1];
    dev_t dev;
    ino_t ino;
    struct ctr_spec spec;
    bool have;
} created;

static void
created_forget(void)
{
    if (created.have)
        ctr_spec_done(&created.spec);
    created.have = false;
}

static void
created_keep(const char *name, const struct ctr_spec *s)
{
    char p[PATH_MAX];
    struct stat st;
    created_forget();
    ctr_path_def(p, name, "config.json");
    if (strlen(name) >= sizeof(created.name) || stat(p, &st) < 0)
        return;
    ctr_fmt(created.name, sizeof(created.name), "%s", name);
    created.dev = st.st_dev;
    created.ino = st.st_ino;
    created.spec = *s;
    created.have = true;
}

/* The definition of name: the one just created by this process, or config.json parsed. */
static int
spec_load(const char *name, struct ctr_spec *s, struct err **err)
{
    char p[PATH_MAX];
    struct stat st;
    ctr_path_def(p, name, "config.json");
    if (created.have && strcmp(created.name, name) == 0 && stat(p, &st) == 0 &&
        st.st_dev == created.dev && st.st_ino == created.ino) {
        *s = created.spec; /* handed over: the caller's ctr_spec_done releases it */
        created.have = false;
        return 0;
    }
    created_forget();
    return ctr_spec_load(name, s, err);
}

int
ctr_create(const char *name, const struct ctr_create_opts *o, struct err **err)
{
    char tmp[PATH_MAX], dst[PATH_MAX], p[PATH_MAX];
    if (ctr_name_check(name, err) < 0)
        return -1;
    if (ctr_exists(name))
        return err_set(err, 0, "container '%s' already exists", name);
    /* Named volumes are made and named in the definition under the volume lock: a `volume rm`
     * or `prune` sees the container that uses them, or no volume yet. */
    cleanup_close int vlock = vol_spec_named(o) ? vol_lock(err) : -1;
    if (vol_spec_named(o) && vlock < 0)
        return -1;
    cleanup_json json_object *cfg = ctr_spec_build(name, o, err);
    if (!cfg)
        return -1;
    struct ctr_spec s;
    /* A check that it parses: the parse takes a reference of its own, released also on failure. */
    if (ctr_spec_parse(json_object_get(cfg), NULL, &s, err) < 0)
        return -1;
    if (ctr_dirs_ensure(err) < 0) {
        ctr_spec_done(&s);
        return -1;
    }
    /* Build in a private directory, then rename: a definition appears whole or not at all. */
    ctr_fmt(tmp, sizeof(tmp), "%s/containers/.new-%s-%d", ctr_lib_dir(), name, (int)getpid());
    ctr_path_def(dst, name, NULL);
    /* One of our pid can only be a stale one (a killed create whose pid we now have). */
    if (mkdir(tmp, 0700) < 0 && (errno != EEXIST || ctr_rm_rf(tmp) < 0 || mkdir(tmp, 0700) < 0)) {
        int e = errno;
        ctr_spec_done(&s);
        return err_set(err, e, "mkdir '%s'", tmp);
    }
    ctr_fmt(p, sizeof(p), "%s/config.json", tmp);
    /* 0600: the environment in it (--env) may hold secrets. */
    if (o->ephemeral) {
        const char *txt = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PRETTY);
        if (ctr_write_runtime(p, txt, strlen(txt), 0600, err) < 0)
            goto fail;
    } else {
        int flags =
            JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
        cleanup_free char *txt = xasprintf("%s\n", json_object_to_json_string_ext(cfg, flags));
        if (fileio_write_atomic(p, txt, strlen(txt), 0600, err) < 0)
            goto fail;
    }
    if (o->ephemeral && write_creator(tmp, err) < 0)
        goto fail;
    int rc = rename(tmp, dst), e = errno;
    if (rc < 0 && e == ENOTEMPTY && ctr_sweep_leftover(name) == 0) {
        rc = rename(tmp, dst); /* it was the remains of an interrupted removal */
        e = errno;
    }
    if (rc < 0) {
        err_set(err, e == EEXIST || e == ENOTEMPTY ? 0 : e, "container '%s' %s", name,
                e == EEXIST || e == ENOTEMPTY ? "already exists" : "could not be stored");
        goto fail;
    }
    created_keep(name, &s);
    return 0;
fail:
    ctr_spec_done(&s);
    unlink(p);
    ctr_fmt(p, sizeof(p), "%s/creator", tmp);
    unlink(p);
    rmdir(tmp);
    return -1;
}

/* The live state of a container (stale detected), under its lock or not. */
static int
state_live(const char *name, struct ctr_state *st, struct err **err)
{
    if (ctr_state_load(name, st, err) < 0)
        return -1;
    ctr_state_check_live(st);
    return 0;
}

static bool
is_up(const struct ctr_state *st)
{
    return st->status == CTR_STATUS_RUNNING || st->status == CTR_STATUS_PAUSED;
}

/* A stale container's leftovers (cgroup, state) cleared so it can start or be removed. */
static void
clear_stale(const char *name, struct ctr_state *st)
{
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st->cgroup_mgr);
    if (cg && st->cgroup[0])
        cg->destroy(st->cgroup, NULL);
    st->status = CTR_STATUS_STOPPED;
    st->monitor_pid = st->pid = 0;
    ctr_state_save(name, st, NULL);
}

/* One line of the monitor's report: "OK <pid>", "ERR <msg>" or "EXIT <code>". The pipe stays
 * open after "OK" for an attached start, so read up to the newline only, and keep what follows
 * (a container that exits at once may have its "EXIT" in the same read). */
static int
report_line(struct ctr_run *r, char *line, size_t len)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        if (nl) {
            size_t n = (size_t)(nl - r->buf);
            ctr_fmt(line, len, "%.*s", (int)n, r->buf);
            r->len -= n + 1;
            memmove(r->buf, nl + 1, r->len);
            return 0;
        }
        if (r->len >= sizeof(r->buf) - 1)
            r->len = 0; /* no monitor writes such a line: drop it */
        ssize_t n = read(r->report_fd, r->buf + r->len, sizeof(r->buf) - 1 - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        r->len += (size_t)n;
    }
}

static int
read_report(struct ctr_run *r, struct err **err)
{
    char line[sizeof(r->buf)];
    if (report_line(r, line, sizeof(line)) < 0)
        return err_set(err, 0, "the container's monitor died while starting");
    if (strncmp(line, "OK ", 3) == 0) {
        r->pid = (pid_t)atoi(line + 3);
        return 0;
    }
    if (strncmp(line, "ERR ", 4) == 0)
        return err_set(err, 0, "%s", line + 4);
    return err_set(err, 0, "the container's monitor died while starting");
}

/*
 * The monitor is forked from the caller, so its /proc/PID/cmdline, readable by every local user,
 * would be the caller's command line, --env values included. Overwrite that memory (between
 * arg_start and arg_end of /proc/self/stat, as setproctitle does) with "berth-monitor NAME".
 * name may point into it: the copy is returned.
 */
static const char *
monitor_title(const char *name)
{
    char buf[1024];
    char *copy = xstrdup(name);
    cleanup_close int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
    if (n <= 0)
        return copy;
    buf[n] = 0;
    char *s = strrchr(buf, ')'); /* fields from 3 on; arg_start and arg_end are 48 and 49 */
    for (int field = 2; field < 48 && s; field++) {
        s = strchr(s + 1, ' ');
    }
    unsigned long start = 0, end = 0;
    if (!s || sscanf(s, " %lu %lu", &start, &end) != 2 || end <= start)
        return copy;
    char *args = (char *)(uintptr_t)start;
    size_t len = end - start;
    memset(args, 0, len);
    ctr_fmt(args, len, "berth-monitor %s", copy);
    return copy;
}

static bool caller_exits;

void
ctr_set_caller_exits(bool exits)
{
    caller_exits = exits;
}

/*
 * Fork the monitor. A detached start from a long-lived caller (the dashboard) forks it twice
 * removed, so that it is nobody's child and the caller is not left with zombies. An attached
 * start (a caller that waits for the exit, then exits) forks it once and keeps the report pipe
 * for its "EXIT" line; so does a detached start from a caller that exits right after it
 * (ctr_set_caller_exits: the command line). The monitor is reparented when the caller exits, as
 * it is when the caller is killed.
 */
static int
spawn_monitor(struct ctr_monitor_args *a, struct ctr_run *r, struct err **err)
{
    int rp[2];
    if (pipe2(rp, O_CLOEXEC) < 0)
        return err_set(err, errno, "pipe");
    pid_t mid = fork();
    if (mid < 0) {
        close(rp[0]);
        close(rp[1]);
        return err_set(err, errno, "fork");
    }
    bool once = a->attached || caller_exits;
    if (mid == 0) {
        close(rp[0]);
        if (once || fork() == 0) {
            a->report_fd = rp[1];
            a->name = monitor_title(a->name);
            ctr_monitor_main(a);
        }
        _exit(0);
    }
    close(rp[1]);
    if (!once) {
        while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    r->report_fd = rp[0];
    r->len = 0;
    int rc = read_report(r, err);
    if (rc < 0 || !a->attached) {
        close(rp[0]);
        r->report_fd = -1;
    }
    return rc;
}

/* "autostart" in the definition directory: written at each start of an always or unless-stopped
 * container, removed by `ctr stop` of an unless-stopped one (an always one comes back at boot
 * even then, as with docker). */
static void
autostart_mark(const char *name, const struct ctr_spec *s)
{
    char p[PATH_MAX];
    ctr_path_def(p, name, CTR_AUTOSTART_FILE);
    if (s->restart.mode == CTR_RESTART_ALWAYS || s->restart.mode == CTR_RESTART_UNLESS_STOPPED)
        fileio_write_atomic(p, "1\n", 2, 0600, NULL);
    else
        unlink(p);
}

static void
autostart_stopped(const char *name)
{
    char p[PATH_MAX];
    struct ctr_spec s;
    ctr_path_def(p, name, CTR_AUTOSTART_FILE);
    if (access(p, F_OK) < 0 || ctr_spec_load(name, &s, NULL) < 0)
        return;
    if (s.restart.mode != CTR_RESTART_ALWAYS)
        unlink(p);
    ctr_spec_done(&s);
}

static int
start_ex(const char *name, bool foreground, bool autoremove, struct ctr_run *r, const char *console,
         bool oci, struct err **err)
{
    int64_t request_ns = real_now_ns();
    cleanup_close int lock = ctr_lock(name, err);
    if (lock < 0)
        return -1;
    struct ctr_state st;
    if (state_live(name, &st, err) < 0)
        return -1;
    if (is_up(&st))
        return err_set(err, 0, "container '%s' is already running", name);
    if (st.status == CTR_STATUS_STALE)
        clear_stale(name, &st);
    struct ctr_spec spec;
    if (spec_load(name, &spec, err) < 0)
        return -1;
    struct stat sb;
    int rc = -1;
    if (stat(spec.root, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
        err_set(err, 0, "container '%s': rootfs '%s' does not exist", name, spec.root);
        goto out;
    }
    struct ctr_monitor_args a = {name,       &spec,       lock,       -1,  foreground,
                                 autoremove, r->attached, request_ns, oci, console};
    /* Marked before the start: the lock is let go of as soon as the monitor reports, for a
     * container that exits at once waits for it to record its exit. */
    autostart_mark(name, &spec);
    trace_mark("berth: fork monitor");
    rc = spawn_monitor(&a, r, err);
    close(lock);
    lock = -1;
    trace_mark("berth: report read");
    if (rc < 0)
        err_wrap(err, "start container '%s'", name);
    if (rc == 0 && caller_exits) {
        /* Freeing would write to pages shared copy-on-write with the monitor, a page fault each,
         * while a container that exits at once waits for us: the exit frees it. */
        static struct ctr_spec kept;
        ctr_spec_done(&kept);
        kept = spec;
        return rc;
    }
out:
    ctr_spec_done(&spec);
    return rc;
}

static int
start(const char *name, bool foreground, bool autoremove, struct ctr_run *r, struct err **err)
{
    return start_ex(name, foreground, autoremove, r, NULL, false, err);
}

int
ctr_start_oci(const char *name, const char *console, pid_t *pid, struct err **err)
{
    struct ctr_run r = {.report_fd = -1};
    if (start_ex(name, false, false, &r, console, true, err) < 0)
        return -1;
    *pid = r.pid;
    return 0;
}

int
ctr_start(const char *name, bool foreground, bool autoremove, struct err **err)
{
    struct ctr_run r = {.report_fd = -1};
    return start(name, foreground, autoremove, &r, err);
}

int
ctr_start_attached(const char *name, bool foreground, bool autoremove, struct ctr_run *r,
                   struct err **err)
{
    memset(r, 0, sizeof(*r));
    r->report_fd = -1;
    r->attached = true;
    r->autoremove = autoremove;
    return start(name, foreground, autoremove, r, err);
}

/* A pidfd for pid when its start time is still start (not a recycled pid); -1 otherwise. */
static int
pidfd_checked(pid_t pid, uint64_t start)
{
    if (pid <= 0)
        return -1;
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0)
        return -1;
    if (ctr_proc_starttime(pid) != start) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Wait for the monitor to exit (it has then recorded the exit); timeout_ms < 0 = forever. */
static int
monitor_wait(const struct ctr_state *st, int timeout_ms)
{
    cleanup_close int fd = pidfd_checked(st->monitor_pid, st->monitor_start);
    if (fd < 0)
        return 0;
    struct pollfd p = {fd, POLLIN, 0};
    int rc;
    while ((rc = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
        ;
    return rc == 1 ? 0 : -1;
}

int
ctr_wait(const char *name, int *code, struct err **err)
{
    struct ctr_state st;
    if (ctr_name_check(name, err) < 0 || state_live(name, &st, err) < 0)
        return -1;
    if (is_up(&st))
        monitor_wait(&st, -1);
    if (state_live(name, &st, err) < 0)
        return -1;
    if (st.status == CTR_STATUS_STALE)
        return err_set(err, 0, "container '%s': its monitor was lost (stale)", name);
    *code = st.exit_code;
    return 0;
}

int
ctr_run_wait(const char *name, struct ctr_run *r, int *code, struct err **err)
{
    char line[sizeof(r->buf)];
    int got = r->report_fd >= 0 ? report_line(r, line, sizeof(line)) : -1;
    if (r->report_fd >= 0)
        close(r->report_fd);
    r->report_fd = -1;
    if (got == 0 && strncmp(line, "EXIT ", 5) == 0) {
        *code = atoi(line + 5);
        return 0;
    }
    /* The monitor was killed before its report: the state file tells (a lost monitor shows as
     * stale), and an --rm container is removed here, its init killed if it still runs. */
    if (r->autoremove && !ctr_exists(name))
        return err_set(err, 0,
                       "container '%s': its monitor was lost while removing it (exit status "
                       "unknown)",
                       name);
    int rc = ctr_wait(name, code, err);
    if (r->autoremove && ctr_exists(name)) {
        cleanup_err struct err *e = NULL;
        if (ctr_remove(name, true, rc < 0 ? &e : err) < 0 && rc == 0)
            return -1;
    }
    return rc;
}

static int
signal_init(const char *name, const struct ctr_state *st, int sig, struct err **err)
{
    cleanup_close int fd = pidfd_checked(st->pid, st->pid_start);
    if (fd < 0)
        return err_set(err, 0, "container '%s' is not running", name);
    if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
        return err_set(err, errno, "signal container '%s'", name);
    return 0;
}

static int
running_state(const char *name, struct ctr_state *st, struct err **err)
{
    if (state_live(name, st, err) < 0)
        return -1;
    if (st->status == CTR_STATUS_STALE)
        return err_set(err, 0,
                       "container '%s' is stale (its monitor is gone); remove it or "
                       "start it again",
                       name);
    if (!is_up(st))
        return err_set(err, 0, "container '%s' is not running", name);
    return 0;
}

static void
thaw(const struct ctr_state *st)
{
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st->cgroup_mgr);
    if (cg && st->status == CTR_STATUS_PAUSED)
        cg->freeze(st->cgroup, false, NULL);
}

int
ctr_kill(const char *name, int sig, struct err **err)
{
    struct ctr_state st;
    cleanup_close int lock = ctr_lock(name, err);
    if (lock < 0 || running_state(name, &st, err) < 0)
        return -1;
    return signal_init(name, &st, sig, err);
}

/* Kill the container outright and wait for the monitor's record. */
int
ctr_kill_and_wait(const char *name, struct ctr_state *st, struct err **err)
{
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st->cgroup_mgr);
    signal_init(name, st, SIGKILL, NULL);
    if (cg)
        cg->kill_all(st->cgroup, SIGKILL);
    thaw(st);
    if (monitor_wait(st, 10000) < 0)
        return err_set(err, 0, "container '%s' did not stop after SIGKILL", name);
    return 0;
}

int
ctr_stop(const char *name, double timeout_s, struct err **err)
{
    struct ctr_state st;
    {
        cleanup_close int lock = ctr_lock(name, err);
        if (lock < 0 || running_state(name, &st, err) < 0)
            return -1;
        /* For good: the monitor restarts nothing more, and unless-stopped not at boot. */
        autostart_stopped(name);
        st.stopping = true;
        if (ctr_state_save(name, &st, err) < 0)
            return -1;
        /* No init to signal: restarting, or exiting this very moment (its monitor sees the
         * stop then). */
        if (!st.restarting)
            signal_init(name, &st, SIGTERM, NULL);
        thaw(&st);
    }
    if (monitor_wait(&st, (int)(timeout_s * 1000)) == 0)
        return 0;
    return ctr_kill_and_wait(name, &st, err);
}

static int
set_paused(const char *name, bool paused, struct err **err)
{
    struct ctr_state st;
    cleanup_close int lock = ctr_lock(name, err);
    if (lock < 0 || running_state(name, &st, err) < 0)
        return -1;
    if (paused && st.status == CTR_STATUS_PAUSED)
        return err_set(err, 0, "container '%s' is already paused", name);
    if (!paused && st.status == CTR_STATUS_RUNNING)
        return err_set(err, 0, "container '%s' is not paused", name);
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st.cgroup_mgr);
    if (!cg)
        return err_set(err, 0, "container '%s': unknown cgroup manager '%s'", name, st.cgroup_mgr);
    if (cg->freeze(st.cgroup, paused, err) < 0)
        return -1;
    st.status = paused ? CTR_STATUS_PAUSED : CTR_STATUS_RUNNING;
    return ctr_state_save(name, &st, err);
}

int
ctr_pause(const char *name, struct err **err)
{
    return set_paused(name, true, err);
}

int
ctr_resume(const char *name, struct err **err)
{
    return set_paused(name, false, err);
}

int
ctr_restart(const char *name, double timeout_s, struct err **err)
{
    struct ctr_state st;
    if (ctr_name_check(name, err) < 0)
        return -1;
    if (!ctr_exists(name))
        return err_set(err, 0, "no such container '%s'", name);
    if (state_live(name, &st, err) < 0)
        return -1;
    if (is_up(&st) && ctr_stop(name, timeout_s, err) < 0)
        return -1;
    return ctr_start(name, false, false, err);
}

/* rm of a name with no container: the remains of an interrupted removal, or an orphaned cgroup
 * (the definition lost, or removed by an older berth while the container ran). */
static int
remove_remains(const char *name, bool force, struct err **err)
{
    char p[PATH_MAX];
    bool exists, found = false;
    pid_t pid;
    ctr_path_def(p, name, NULL);
    if (access(p, F_OK) == 0 && ctr_sweep_leftover(name) == 0)
        found = true;
    if (ctr_cg_orphan_procs(name, &pid, 1, &exists) > 0 && !force)
        return err_set(err, 0,
                       "no container '%s', but processes run in its cgroup (orphaned); rm -f "
                       "kills them",
                       name);
    if (exists) {
        ctr_cg_orphan_kill(name);
        found = true;
    }
    return found ? 0 : err_set(err, 0, "no such container '%s'", name);
}

int
ctr_remove(const char *name, bool force, struct err **err)
{
    struct ctr_state st;
    if (ctr_name_check(name, err) < 0)
        return -1;
    for (int attempt = 0; attempt < 3; attempt++) {
        cleanup_err struct err *e = NULL;
        cleanup_close int lock = ctr_lock(name, &e);
        if (lock < 0 && !ctr_exists(name))
            return remove_remains(name, force, err);
        if (lock < 0 || ctr_state_load(name, &st, &e) < 0) {
            if (lock < 0 || !force) {
                *err = steal_pointer(&e);
                return -1;
            }
            /* A corrupt state file must not make a container impossible to remove. */
            ctr_state_init(&st);
        }
        ctr_state_check_live(&st);
        bool up = st.status == CTR_STATUS_RUNNING || st.status == CTR_STATUS_PAUSED;
        if (up && !force)
            return err_set(err, 0, "container '%s' is running (stop it first, or rm -f)", name);
        const struct cgroup_ops *cg = ctr_cgroup_by_name(st.cgroup_mgr);
        if (!up && st.status == CTR_STATUS_STALE && cg && st.cgroup[0])
            cg->destroy(st.cgroup, NULL);
        if (!up && ctr_cg_orphan_populated(name)) {
            /* Processes run though no state says so: the runtime state was lost. */
            if (!force)
                return err_set(err, 0,
                               "container '%s' has processes running but no state (orphaned); "
                               "rm -f kills them",
                               name);
            close(steal_fd(&lock));
            ctr_cg_orphan_kill(name);
            continue;
        }
        if (!up)
            return ctr_remove_files(name, err);
        /* Ask its monitor to remove it at the exit, so that the removal completes even when
         * this process is killed from here on; then kill it. */
        if (!st.autoremove) {
            st.autoremove = true;
            ctr_state_save(name, &st, NULL);
        }
        close(steal_fd(&lock));
        if (ctr_kill_and_wait(name, &st, err) < 0)
            return -1;
        if (!ctr_exists(name))
            return 0; /* its monitor removed it */
    }
    return err_set(err, 0, "container '%s' keeps running", name);
}
