/* SPDX-License-Identifier: MIT */
/* Removal, listing, info and inspect. */
#include "ctr/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/model.h"
#include "common/xalloc.h"

/* rm -rf of name under dirfd without following symlinks. */
static int
rm_rf_at(int dfd, const char *name)
{
    if (unlinkat(dfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -1;
    int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == EACCES) {
        /* Rootless: overlayfs leaves work/work at mode 000 and the owner holds no
         * CAP_DAC_OVERRIDE. Open it up through an O_PATH fd (never a symlink's target). */
        int pfd = openat(dfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        char link[64];
        snprintf(link, sizeof(link), "/proc/self/fd/%d", pfd);
        if (pfd >= 0 && chmod(link, 0700) == 0)
            fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (pfd >= 0)
            close(pfd);
    }
    if (fd < 0)
        return -1;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -1;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            rm_rf_at(dirfd(d), de->d_name);
    }
    closedir(d);
    return unlinkat(dfd, name, AT_REMOVEDIR);
}

/* rename(from, to); a stale `to` (a non-empty directory) is deleted first. `to` ends in this
 * process's pid: it was left by an earlier remover with the same pid that died mid-purge. */
static int
rename_over_stale(const char *from, const char *to)
{
    if (rename(from, to) == 0)
        return 0;
    if (errno != ENOTEMPTY && errno != EEXIST)
        return -1;
    rm_rf_at(AT_FDCWD, to);
    return rename(from, to);
}

int
ctr_rm_rf(const char *path)
{
    return rm_rf_at(AT_FDCWD, path);
}

int
ctr_remove_detach(const char *name, struct ctr_removed *r, struct err **err)
{
    char run[PATH_MAX], def[PATH_MAX], cfg[PATH_MAX];
    /* config.json first, still under the container's lock: whoever waits for the lock (ctr_lock
     * holds the directory, renamed or not) finds no container when it gets it, and a remover
     * killed from here on leaves a definition without config.json, which no command takes for a
     * container and ctr_sweep_leftover deletes. */
    ctr_path_def(cfg, name, "config.json");
    if (unlink(cfg) < 0 && errno != ENOENT)
        return err_set(err, errno, "remove container '%s'", name);
    /* Then rename: the name is free at once (a new container may take it), then the files go.
     * Dot names are never containers' (ctr_name_check), so no listing shows the renamed ones. */
    ctr_path_run(run, name, NULL);
    ctr_fmt(r->run, sizeof(r->run), "%s/.rm-%s-%d", ctr_run_dir(), name, (int)getpid());
    if (rename_over_stale(run, r->run) < 0) {
        rm_rf_at(AT_FDCWD, run); /* none, or not renameable: remove it now, in place */
        r->run[0] = 0;
    }
    ctr_path_def(def, name, NULL);
    ctr_fmt(r->def, sizeof(r->def), "%s/containers/.rm-%s-%d", ctr_lib_dir(), name, (int)getpid());
    if (rename_over_stale(def, r->def) < 0) {
        r->def[0] = 0;
        if (rm_rf_at(AT_FDCWD, def) < 0) { /* not renameable: remove it in place */
            ctr_state_bump();
            return err_set(err, errno, "remove container '%s'", name);
        }
    }
    ctr_state_bump();
    return 0;
}

int
ctr_remove_purge(const struct ctr_removed *r, struct err **err)
{
    if (r->run[0])
        rm_rf_at(AT_FDCWD, r->run);
    if (r->def[0] && rm_rf_at(AT_FDCWD, r->def) < 0)
        return err_set(err, errno, "remove '%s'", r->def);
    return 0;
}

int
ctr_remove_files(const char *name, struct err **err)
{
    struct ctr_removed r;
    if (ctr_remove_detach(name, &r, err) < 0)
        return -1;
    return ctr_remove_purge(&r, err);
}

/* ".rm-<name>-<pid>" left by a remover that died between ctr_remove_detach and the purge, and
 * ".new-<name>-<pid>" by a `create` killed before its rename. */
static void
sweep_removed(int dfd, const char *entry)
{
    const char *dash = strrchr(entry, '-');
    if ((strncmp(entry, ".rm-", 4) != 0 && strncmp(entry, ".new-", 5) != 0) || !dash ||
        dash[1] == 0)
        return;
    char *end;
    long pid = strtol(dash + 1, &end, 10);
    if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return; /* its remover may still be at work */
    rm_rf_at(dfd, entry);
}

/*
 * A container is found by its cgroup even without state (the runtime directory lost): the group
 * "<parent>/<name>" in whichever hierarchy the host has (v2, the hybrid's unified tree, the v1
 * controllers). One that holds processes while no state says the container runs is orphaned.
 */
static const char *const cg_bases[] = {"", "unified/", "pids/", "memory/", "cpu/", "freezer/"};

static void
cg_dir(char *buf, size_t i, const char *name)
{
    ctr_fmt(buf, PATH_MAX, "%s/%s%s/%s", ctr_cgroup_root(), cg_bases[i], ctr_cgroup_parent(), name);
}

/* Up to max pids of the processes in name's cgroup (any hierarchy); *exists: a group is there. */
static size_t
cg_procs(const char *name, pid_t *pids, size_t max, bool *exists)
{
    char p[PATH_MAX], buf[8192];
    size_t n = 0;
    *exists = false;
    if (geteuid() != 0)
        return 0; /* rootless containers have no cgroup of this name: it could be root's */
    for (size_t i = 0; i < ARRAY_SIZE(cg_bases) && n == 0; i++) {
        cg_dir(p, i, name);
        strcat(p, "/cgroup.procs");
        cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        *exists = true;
        if (ctr_pread1(fd, buf, sizeof(buf)) <= 0)
            continue;
        for (char *c = buf, *end; n < max && *c; c = end + (*end == '\n')) {
            long v = strtol(c, &end, 10);
            if (end == c)
                break;
            if (v > 0)
                pids[n++] = (pid_t)v;
        }
    }
    return n;
}

static bool
cg_populated(const char *name)
{
    pid_t pid;
    bool exists;
    return cg_procs(name, &pid, 1, &exists) > 0;
}

/* The container's lock if nobody holds it (-1 otherwise, or when there is no definition). */
static int
try_lock(const char *name)
{
    char p[PATH_MAX];
    ctr_path_def(p, name, "lock");
    int fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool
def_has_config(const char *name)
{
    char p[PATH_MAX];
    ctr_path_def(p, name, "config.json");
    return access(p, F_OK) == 0;
}

int
ctr_sweep_leftover(const char *name)
{
    char p[PATH_MAX];
    cleanup_close int lock = try_lock(name);
    if (lock < 0 || def_has_config(name))
        return -1;
    ctr_path_run(p, name, NULL);
    rm_rf_at(AT_FDCWD, p);
    ctr_path_def(p, name, NULL);
    int rc = rm_rf_at(AT_FDCWD, p);
    ctr_state_bump();
    return rc;
}

/* Kill what runs in name's cgroup and remove the group (no state tells of it). The monitors (the
 * parents of its processes outside it, named berth-monitor) are waited for, then killed if they
 * linger: none of them may come back later to destroy a group of the same name. The caller must
 * not hold the container's lock (a monitor records the exit under it). */
static void
kill_orphan(const char *name)
{
    pid_t pids[256];
    bool exists;
    int mons[8];
    size_t n_mons = 0, n = cg_procs(name, pids, ARRAY_SIZE(pids), &exists);
    for (size_t i = 0; i < n && n_mons < ARRAY_SIZE(mons); i++) {
        char p[64], comm[32] = "";
        pid_t pp = 0;
        ctr_fmt(p, sizeof(p), "/proc/%d/stat", (int)pids[i]);
        cleanup_file FILE *f = fopen(p, "re");
        if (!f || fscanf(f, "%*d (%*[^)]) %*c %d", &pp) != 1 || pp <= 1)
            continue;
        ctr_fmt(p, sizeof(p), "/proc/%d/comm", (int)pp);
        cleanup_close int cfd = open(p, O_RDONLY | O_CLOEXEC);
        if (cfd < 0 || ctr_pread1(cfd, comm, sizeof(comm)) <= 0 ||
            strncmp(comm, "berth-monitor", 13) != 0)
            continue;
        int fd = (int)syscall(SYS_pidfd_open, pp, 0);
        if (fd >= 0)
            mons[n_mons++] = fd;
    }
    const struct cgroup_ops *cg = ctr_cgroup_detect(NULL);
    char path[PATH_MAX];
    ctr_fmt(path, sizeof(path), "%s/%s", ctr_cgroup_parent(), name);
    if (cg && exists)
        cg->destroy(path, NULL);
    for (size_t i = 0; i < n_mons; i++) {
        struct pollfd pf = {mons[i], POLLIN, 0};
        if (poll(&pf, 1, 5000) != 1)
            syscall(SYS_pidfd_send_signal, mons[i], SIGKILL, NULL, 0);
        close(mons[i]);
    }
    if (cg && exists)
        cg->destroy(path, NULL); /* a monitor killed before it removed the group */
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
    if (cg_procs(name, &pid, 1, &exists) > 0 && !force)
        return err_set(err, 0,
                       "no container '%s', but processes run in its cgroup (orphaned); rm -f "
                       "kills them",
                       name);
    if (exists) {
        kill_orphan(name);
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
        if (lock < 0 && !def_has_config(name))
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
        if (!up && cg_populated(name)) {
            /* Processes run though no state says so: the runtime state was lost. */
            if (!force)
                return err_set(err, 0,
                               "container '%s' has processes running but no state (orphaned); "
                               "rm -f kills them",
                               name);
            close(steal_fd(&lock));
            kill_orphan(name);
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

static void
join_args(json_object *cfg, char *out, size_t len)
{
    json_object *args = jsonx_get_array(jsonx_get_obj(cfg, "process"), "args");
    size_t n = 0;
    out[0] = 0;
    for (size_t i = 0; args && i < json_object_array_length(args) && n < len; i++) {
        const char *a = json_object_get_string(json_object_array_get_idx(args, i));
        n += (size_t)ctr_fmt(out + n, len - n, "%s%s", i ? " " : "", a ? a : "");
    }
}

static void
info_from(const char *name, json_object *cfg, const struct ctr_state *st, struct ctr_info *out)
{
    memset(out, 0, sizeof(*out));
    ctr_fmt(out->name, sizeof(out->name), "%s", name);
    out->status = st->status;
    bool up = st->status == CTR_STATUS_RUNNING || st->status == CTR_STATUS_PAUSED;
    out->pid = up ? st->pid : 0;
    out->exit_code = st->status == CTR_STATUS_STOPPED ? st->exit_code : -1;
    out->oom_killed = st->oom_killed;
    out->started = st->started_ns ? st->started_ns / 1000000000 : -1;
    out->finished = st->finished_ns ? st->finished_ns / 1000000000 : -1;
    const char *root = "", *created = "0";
    jsonx_get_str(jsonx_get_obj(cfg, "root"), "path", &root);
    jsonx_get_str(jsonx_get_obj(cfg, "annotations"), "org.berth.created", &created);
    out->created = atoll(created);
    ctr_fmt(out->rootfs, sizeof(out->rootfs), "%s", root);
    join_args(cfg, out->command, sizeof(out->command));
}

/* Processes in its cgroup though the state says it runs none: the runtime state was lost. Checked
 * again under its lock, so that a start or an exit in progress is not taken for that. */
static bool
is_orphaned(const char *name, const struct ctr_state *st)
{
    if (st->status != CTR_STATUS_CREATED && st->status != CTR_STATUS_STOPPED)
        return false;
    if (!cg_populated(name))
        return false;
    cleanup_close int lock = try_lock(name);
    struct ctr_state again;
    if (lock < 0 || ctr_state_load(name, &again, NULL) < 0)
        return false;
    ctr_state_check_live(&again);
    return (again.status == CTR_STATUS_CREATED || again.status == CTR_STATUS_STOPPED) &&
           cg_populated(name);
}

static int
cmp_info(const void *a, const void *b)
{
    return strcmp(((const struct ctr_info *)a)->name, ((const struct ctr_info *)b)->name);
}

/* A row for processes in a cgroup of a name without a definition. */
static int
orphan_info(const char *name, struct ctr_info *out, struct err **err)
{
    pid_t pid;
    bool exists;
    if (cg_procs(name, &pid, 1, &exists) == 0)
        return err_set(err, 0, "no such container '%s'", name);
    memset(out, 0, sizeof(*out));
    ctr_fmt(out->name, sizeof(out->name), "%s", name);
    out->status = CTR_STATUS_ORPHANED;
    out->pid = pid;
    out->exit_code = -1;
    out->started = out->finished = -1;
    return 0;
}

static int
info_load(const char *name, struct ctr_info *out, struct ctr_state *st, struct err **err)
{
    char p[PATH_MAX];
    if (ctr_name_check(name, err) < 0)
        return -1;
    ctr_path_def(p, name, "config.json");
    if (access(p, F_OK) < 0)
        return orphan_info(name, out, err);
    cleanup_json json_object *cfg = jsonx_load_file(p, 4 << 20, err);
    if (!cfg)
        return err_wrap(err, "container '%s'", name);
    if (ctr_state_load(name, st, err) < 0)
        return -1;
    ctr_state_check_live(st);
    if (is_orphaned(name, st))
        st->status = CTR_STATUS_ORPHANED;
    info_from(name, cfg, st, out);
    return 0;
}

int
ctr_info_get(const char *name, struct ctr_info *out, struct err **err)
{
    struct ctr_state st;
    return info_load(name, out, &st, err);
}

/* The process that created a `run --rm` container (ops.c: "creator") is gone. */
static bool
creator_gone(const char *name)
{
    char p[PATH_MAX], boot[40] = "";
    int pid = 0;
    unsigned long long start = 0;
    ctr_path_def(p, name, "creator");
    cleanup_file FILE *f = fopen(p, "re");
    if (!f || fscanf(f, "%d %llu %39s", &pid, &start, boot) != 3)
        return false;
    return strcmp(boot, ctr_boot_id()) != 0 || ctr_proc_starttime(pid) != start;
}

/* What an interrupted command left for nobody: a `run --rm` container still "created" whose
 * creator is gone (killed before the start), or a stale `--rm` one in whose cgroup nothing runs
 * (its monitor killed). */
static bool
abandoned(const char *name, const struct ctr_state *st)
{
    if (st->status == CTR_STATUS_CREATED)
        return creator_gone(name);
    return st->status == CTR_STATUS_STALE && st->autoremove && !cg_populated(name);
}

/* Remove it if it is (still, under its lock) abandoned; true when it is gone. */
static bool
remove_abandoned(const char *name, const struct ctr_state *st)
{
    if (!abandoned(name, st))
        return false;
    cleanup_close int lock = try_lock(name);
    struct ctr_state again;
    if (lock < 0 || ctr_state_load(name, &again, NULL) < 0)
        return false;
    ctr_state_check_live(&again);
    if (!abandoned(name, &again))
        return false;
    const struct cgroup_ops *cg = ctr_cgroup_by_name(again.cgroup_mgr);
    if (cg && again.cgroup[0])
        cg->destroy(again.cgroup, NULL);
    return ctr_remove_files(name, NULL) == 0;
}

static bool
listed(const struct ctr_info *v, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].name, name) == 0)
            return true;
    }
    return false;
}

static struct ctr_info *
list_slot(struct ctr_info **out, size_t n, size_t *cap)
{
    if (n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *out = xrealloc(*out, *cap * sizeof(**out));
    }
    return &(*out)[n];
}

/* Cgroups of names without a definition that hold processes: orphans to show. */
static void
list_orphans(struct ctr_info **out, size_t *n, size_t *cap)
{
    char p[PATH_MAX];
    for (size_t i = 0; i < ARRAY_SIZE(cg_bases) && geteuid() == 0; i++) {
        ctr_fmt(p, sizeof(p), "%s/%s%s", ctr_cgroup_root(), cg_bases[i], ctr_cgroup_parent());
        cleanup_dir DIR *d = opendir(p);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_type != DT_DIR || ctr_name_check(de->d_name, NULL) < 0 ||
                def_has_config(de->d_name) || listed(*out, *n, de->d_name))
                continue;
            if (orphan_info(de->d_name, list_slot(out, *n, cap), NULL) == 0)
                (*n)++;
        }
    }
}

int
ctr_list(struct ctr_info **out, size_t *n, struct err **err)
{
    char p[PATH_MAX];
    *out = NULL;
    *n = 0;
    cleanup_close int run = ctr_run_dirfd(err); /* refuse another user's run directory */
    if (run < 0)
        return -1;
    ctr_fmt(p, sizeof(p), "%s/containers", ctr_lib_dir());
    cleanup_dir DIR *d = opendir(p);
    if (!d && errno != ENOENT)
        return err_set(err, errno, "open '%s'", p);
    size_t cap = 0;
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            sweep_removed(dirfd(d), de->d_name);
        if (de->d_name[0] == '.' || ctr_name_check(de->d_name, NULL) < 0)
            continue;
        if (!def_has_config(de->d_name)) {
            ctr_sweep_leftover(de->d_name); /* an interrupted removal */
            continue;
        }
        cleanup_err struct err *e = NULL;
        struct ctr_state st;
        struct ctr_info *slot = list_slot(out, *n, &cap);
        if (info_load(de->d_name, slot, &st, &e) == 0 && !remove_abandoned(de->d_name, &st))
            (*n)++;
        /* A container that vanished or is unreadable is left out here; inspect shows why. */
    }
    list_orphans(out, n, &cap);
    if (*n > 1)
        qsort(*out, *n, sizeof(**out), cmp_info);
    cleanup_dir DIR *rd = opendir(ctr_run_dir());
    while (rd && (de = readdir(rd))) {
        if (de->d_name[0] == '.')
            sweep_removed(dirfd(rd), de->d_name);
    }
    return 0;
}

static json_object *
limits_json(json_object *cfg)
{
    json_object *r = jsonx_get_obj(jsonx_get_obj(cfg, "linux"), "resources");
    json_object *o = json_object_new_object();
    int64_t v, per = 100000;
    json_object *c = jsonx_get_obj(r, "cpu");
    jsonx_get_int64(c, "period", &per);
    bool has_mem = jsonx_get_int64(jsonx_get_obj(r, "memory"), "limit", &v);
    json_object_object_add(o, "memory_bytes", has_mem ? json_object_new_int64(v) : NULL);
    bool has_cpu = c && jsonx_get_int64(c, "quota", &v) && per > 0;
    json_object_object_add(o, "cpus", has_cpu ? json_object_new_double((double)v / per) : NULL);
    bool has_pids = jsonx_get_int64(jsonx_get_obj(r, "pids"), "limit", &v);
    json_object_object_add(o, "pids", has_pids ? json_object_new_int64(v) : NULL);
    return o;
}

static json_object *
time_json(int64_t t)
{
    return t >= 0 ? json_object_new_int64(t) : NULL;
}

int
ctr_inspect(const char *name, char **json, struct err **err)
{
    char p[PATH_MAX];
    struct ctr_state st;
    struct ctr_info in;
    if (ctr_info_get(name, &in, err) < 0)
        return -1;
    ctr_path_def(p, name, "config.json");
    if (in.status == CTR_STATUS_ORPHANED && access(p, F_OK) < 0)
        return err_set(err, 0,
                       "container '%s' has no definition, but processes run in its cgroup "
                       "(orphaned, pid %d); rm -f kills them",
                       name, (int)in.pid);
    json_object *cfg = jsonx_load_file(p, 4 << 20, err);
    if (!cfg || ctr_state_load(name, &st, err) < 0) {
        if (cfg)
            json_object_put(cfg);
        return -1;
    }
    ctr_state_check_live(&st);
    cleanup_json json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "status", json_object_new_string(ctr_status_name(in.status)));
    json_object_object_add(o, "pid", in.pid ? json_object_new_int(in.pid) : NULL);
    json_object_object_add(o, "exit_code",
                           in.exit_code >= 0 ? json_object_new_int(in.exit_code) : NULL);
    json_object_object_add(o, "oom_killed", json_object_new_boolean(in.oom_killed));
    json_object_object_add(o, "created", time_json(in.created));
    json_object_object_add(o, "started", time_json(in.started));
    json_object_object_add(o, "finished", time_json(in.finished));
    json_object_object_add(o, "rootfs", json_object_new_string(in.rootfs));
    json_object_object_add(o, "limits", limits_json(cfg));
    json_object_object_add(o, "state", ctr_state_to_json(&st));
    json_object_object_add(o, "spec", cfg);
    *json = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}
