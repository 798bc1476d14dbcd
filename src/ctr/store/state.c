/* SPDX-License-Identifier: MIT */
/* Runtime state ($run/<name>/state.json): read, write atomically, check against the live system. */
#include "ctr/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"

#define STATE_MAX 65536

static const char *const status_names[CTR_STATUS_COUNT] = {
    [CTR_STATUS_CREATED] = "created", [CTR_STATUS_RUNNING] = "running",
    [CTR_STATUS_PAUSED] = "paused",   [CTR_STATUS_STOPPED] = "stopped",
    [CTR_STATUS_STALE] = "stale",     [CTR_STATUS_ORPHANED] = "orphaned",
};

const char *
ctr_status_name(enum ctr_status s)
{
    return (unsigned)s < CTR_STATUS_COUNT ? status_names[s] : "unknown";
}

void
ctr_state_init(struct ctr_state *st)
{
    memset(st, 0, sizeof(*st));
    st->status = CTR_STATUS_CREATED;
    st->exit_code = -1;
}

const char *
ctr_boot_id(void)
{
    static char id[40];
    if (!id[0]) {
        char buf[64];
        cleanup_close int fd = open("/proc/sys/kernel/random/boot_id", O_RDONLY | O_CLOEXEC);
        ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
        buf[n > 0 ? n : 0] = 0;
        buf[strcspn(buf, "\n")] = 0;
        ctr_fmt(id, sizeof(id), "%s", buf);
    }
    return id;
}

uint64_t
ctr_proc_starttime(pid_t pid)
{
    char p[64], buf[1024];
    ctr_fmt(p, sizeof(p), "/proc/%d/stat", (int)pid);
    cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    /* Field 22 (starttime); skip "(comm)" which may hold spaces. */
    char *s = strrchr(buf, ')');
    if (!s)
        return 0;
    s += 2;
    for (int field = 3; field < 22 && s; field++) {
        s = strchr(s, ' ');
        if (s)
            s++;
    }
    if (!s)
        return 0;
    /* A zombie (state Z) is gone for our purposes. */
    char state = *(strrchr(buf, ')') + 2);
    if (state == 'Z' || state == 'X')
        return 0;
    return strtoull(s, NULL, 10);
}

json_object *
ctr_state_to_json(const struct ctr_state *st)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "status", json_object_new_string(ctr_status_name(st->status)));
    json_object_object_add(o, "monitor_pid", json_object_new_int(st->monitor_pid));
    json_object_object_add(o, "monitor_start", json_object_new_uint64(st->monitor_start));
    json_object_object_add(o, "pid", json_object_new_int(st->pid));
    json_object_object_add(o, "pid_start", json_object_new_uint64(st->pid_start));
    json_object_object_add(o, "boot_id", json_object_new_string(st->boot_id));
    json_object_object_add(o, "started_ns", json_object_new_int64(st->started_ns));
    json_object_object_add(o, "finished_ns", json_object_new_int64(st->finished_ns));
    json_object_object_add(o, "exit_code", json_object_new_int(st->exit_code));
    json_object_object_add(o, "oom_killed", json_object_new_boolean(st->oom_killed));
    json_object_object_add(o, "autoremove", json_object_new_boolean(st->autoremove));
    json_object_object_add(o, "cgroup", json_object_new_string(st->cgroup));
    json_object_object_add(o, "cgroup_manager", json_object_new_string(st->cgroup_mgr));
    json_object_object_add(o, "restarts", json_object_new_int64(st->restarts));
    json_object_object_add(o, "restarting", json_object_new_boolean(st->restarting));
    json_object_object_add(o, "stopping", json_object_new_boolean(st->stopping));
    if (st->ip[0])
        json_object_object_add(o, "ip", json_object_new_string(st->ip));
    if (st->ports[0])
        json_object_object_add(o, "ports", json_object_new_string(st->ports));
    return o;
}

int
ctr_changes_fd(void)
{
    if (ctr_dirs_ensure(NULL) < 0)
        return -1;
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0)
        return -1;
    /* .changes appended to or replaced, a container's directory made, renamed or removed. */
    uint32_t mask = IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM;
    if (inotify_add_watch(fd, ctr_run_dir(), mask) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* "<run>/.changes" grows by one byte per state change (replaced by a fresh file past 4 KiB): a
 * reader that saw the same inode and size has seen every state file as it is now. */
void
ctr_state_bump(void)
{
    char p[PATH_MAX], tmp[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/.changes", ctr_run_dir());
    int fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    struct stat sb;
    bool full = write(fd, "x", 1) == 1 && fstat(fd, &sb) == 0 && sb.st_size > 4096;
    close(fd);
    if (!full)
        return;
    ctr_fmt(tmp, sizeof(tmp), "%s.%d", p, (int)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd >= 0 && write(fd, "x", 1) == 1 && rename(tmp, p) == 0) {
        close(fd);
        return;
    }
    if (fd >= 0)
        close(fd);
    unlink(tmp);
}

bool
ctr_state_changes(struct ctr_changes *c)
{
    char p[PATH_MAX];
    struct stat sb;
    ctr_fmt(p, sizeof(p), "%s/.changes", ctr_run_dir());
    if (stat(p, &sb) < 0)
        memset(&sb, 0, sizeof(sb));
    bool changed = !c->valid || sb.st_ino != c->ino || sb.st_size != c->size;
    c->valid = true;
    c->ino = sb.st_ino;
    c->size = sb.st_size;
    return changed;
}

/* "<run>/<name>/state.exit": written with its final size while the container runs, so that the
 * exit record needs no new blocks on a full disk: it is overwritten in place, cut to length and
 * renamed over state.json (ctr_state_save_exit). */
#define EXIT_RESERVE 4096

/* dfd: the container's run directory (ctr_run_open). */
static int
reserve_exit(int dfd, const char *name, struct err **err)
{
    static const char zeros[EXIT_RESERVE];
    struct stat sb;
    if (fstatat(dfd, "state.exit", &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode) &&
        sb.st_size == EXIT_RESERVE)
        return 0;
    cleanup_close int fd =
        openat(dfd, "state.exit", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fileio_write_full(fd, zeros, sizeof(zeros)) < 0) {
        int e = errno;
        unlinkat(dfd, "state.exit", 0);
        return err_set(err, e, "keep room for the exit record of container '%s'", name);
    }
    return 0;
}

int
ctr_state_save_exit(const char *name, const struct ctr_state *st, struct err **err)
{
    cleanup_json json_object *o = ctr_state_to_json(st);
    const char *txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    size_t len = strlen(txt);
    struct stat sb;
    cleanup_close int dfd = ctr_run_open(name, false, err);
    if (dfd < 0)
        return -1;
    cleanup_close int fd = openat(dfd, "state.exit", O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size >= len &&
        pwrite(fd, txt, len, 0) == (ssize_t)len && ftruncate(fd, (off_t)len) == 0 &&
        renameat(dfd, "state.exit", dfd, "state.json") == 0) {
        ctr_state_bump();
        return 0;
    }
    return ctr_state_save(name, st, err); /* no reserve (started by an older berth): as usual */
}

int
ctr_state_save(const char *name, const struct ctr_state *st, struct err **err)
{
    cleanup_json json_object *o = ctr_state_to_json(st);
    cleanup_close int dfd = ctr_run_open(name, false, err);
    if (dfd < 0)
        return -1;
    bool up = st->status == CTR_STATUS_RUNNING || st->status == CTR_STATUS_PAUSED;
    if (up && reserve_exit(dfd, name, err) < 0)
        return -1;
    const char *txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    if (ctr_write_runtime_at(dfd, "state.json", txt, strlen(txt), 0600, err) < 0)
        return err_wrap(err, "container '%s'", name);
    ctr_state_bump();
    return 0;
}

static int
state_from_json(json_object *o, struct ctr_state *st, struct err **err)
{
    const char *s, *bid = "", *cg = "", *mgr = "";
    int64_t v;
    if (!json_object_is_type(o, json_type_object) || !jsonx_get_str(o, "status", &s))
        return err_set(err, 0, "'status' missing");
    size_t k = 0;
    while (k < CTR_STATUS_COUNT && strcmp(status_names[k], s) != 0)
        k++;
    if (k == CTR_STATUS_COUNT)
        return err_set(err, 0, "unknown status '%s'", s);
    st->status = (enum ctr_status)k;
    if (jsonx_get_int64(o, "monitor_pid", &v))
        st->monitor_pid = (pid_t)v;
    if (jsonx_get_int64(o, "pid", &v))
        st->pid = (pid_t)v;
    if (jsonx_get_int64(o, "monitor_start", &v))
        st->monitor_start = (uint64_t)v;
    if (jsonx_get_int64(o, "pid_start", &v))
        st->pid_start = (uint64_t)v;
    jsonx_get_int64(o, "started_ns", &st->started_ns);
    jsonx_get_int64(o, "finished_ns", &st->finished_ns);
    if (jsonx_get_int64(o, "exit_code", &v))
        st->exit_code = (int)v;
    jsonx_get_bool(o, "oom_killed", &st->oom_killed);
    jsonx_get_bool(o, "autoremove", &st->autoremove);
    if (jsonx_get_int64(o, "restarts", &v) && v >= 0 && v <= UINT32_MAX)
        st->restarts = (unsigned)v;
    jsonx_get_bool(o, "restarting", &st->restarting);
    jsonx_get_bool(o, "stopping", &st->stopping);
    jsonx_get_str(o, "boot_id", &bid);
    jsonx_get_str(o, "cgroup", &cg);
    jsonx_get_str(o, "cgroup_manager", &mgr);
    ctr_fmt(st->boot_id, sizeof(st->boot_id), "%s", bid);
    ctr_fmt(st->cgroup, sizeof(st->cgroup), "%s", cg);
    ctr_fmt(st->cgroup_mgr, sizeof(st->cgroup_mgr), "%s", mgr);
    const char *ip = "", *ports = "";
    jsonx_get_str(o, "ip", &ip);
    jsonx_get_str(o, "ports", &ports);
    ctr_fmt(st->ip, sizeof(st->ip), "%s", ip);
    ctr_fmt(st->ports, sizeof(st->ports), "%s", ports);
    if ((st->status == CTR_STATUS_RUNNING || st->status == CTR_STATUS_PAUSED) &&
        (st->monitor_pid < 0 || (st->pid <= 0 && !st->restarting)))
        return err_set(err, 0, "running without pids"); /* monitor 0: started by OCI `start` */
    return 0;
}

int
ctr_state_load(const char *name, struct ctr_state *st, struct err **err)
{
    char p[PATH_MAX];
    ctr_state_init(st);
    ctr_path_run(p, name, "state.json");
    cleanup_err struct err *e = NULL;
    /* Through the checked run directory, never a symlink: no other user's file is read. */
    cleanup_close int dfd = ctr_run_open(name, false, &e);
    if (dfd < 0 && e->code == ENOENT)
        return 0;
    if (dfd < 0)
        return err_set(err, 0, "container '%s': %s", name, err_msg(e));
    cleanup_close int fd = openat(dfd, "state.json", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    cleanup_free char *txt = xmalloc(STATE_MAX);
    ssize_t len = fd < 0 ? -1 : fileio_pread_str(fd, txt, STATE_MAX);
    if (len < 0)
        return err_set(err, errno, "container '%s': read '%s'", name, p);
    cleanup_json json_object *o = jsonx_parse(txt, (size_t)len, "state.json", &e);
    if (!o || state_from_json(o, st, &e) < 0) {
        ctr_state_init(st);
        return err_set(err, 0, "container '%s': corrupt state file '%s': %s", name, p, err_msg(e));
    }
    return 0;
}

void
ctr_state_check_live(struct ctr_state *st)
{
    if (st->status != CTR_STATUS_RUNNING && st->status != CTR_STATUS_PAUSED)
        return;
    /* Started by the OCI command line: no monitor stays; the init's life is the container's. */
    if (st->monitor_pid == 0 && st->pid > 0) {
        if (strcmp(st->boot_id, ctr_boot_id()) != 0 || ctr_proc_starttime(st->pid) != st->pid_start)
            st->status = CTR_STATUS_STOPPED;
        return;
    }
    if (strcmp(st->boot_id, ctr_boot_id()) != 0 ||
        ctr_proc_starttime(st->monitor_pid) != st->monitor_start)
        st->status = CTR_STATUS_STALE;
}
