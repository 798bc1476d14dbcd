/* SPDX-License-Identifier: MIT */
/* Reading the store for the ui: list (sweeping what interrupted commands left, and abandoned
 * `run --rm` containers), info and inspect; orphaned cgroups listed too. */
#include "ctr/store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/cgroup/cgroup.h"

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
    const char *restart = "no";
    jsonx_get_str(jsonx_get_obj(cfg, "annotations"), "org.berth.restart", &restart);
    ctr_fmt(out->restart, sizeof(out->restart), "%s", restart);
    out->restarts = st->restarts;
}

/* The container's lock if nobody holds it, and its state read again under it (liveness
 * checked): what a sweep decided before taking the lock is decided again on this. -1 when the
 * lock is taken or the state cannot be read. */
static int
state_relock(const char *name, struct ctr_state *st)
{
    int lock = ctr_try_lock(name);
    if (lock < 0)
        return -1;
    if (ctr_state_load(name, st, NULL) < 0) {
        close(lock);
        return -1;
    }
    ctr_state_check_live(st);
    return lock;
}

/* Processes in its cgroup though the state says it runs none: the runtime state was lost. Checked
 * again under its lock, so that a start or an exit in progress is not taken for that. */
static bool
is_orphaned(const char *name, const struct ctr_state *st)
{
    if (st->status != CTR_STATUS_CREATED && st->status != CTR_STATUS_STOPPED)
        return false;
    if (!ctr_cg_orphan_populated(name))
        return false;
    struct ctr_state again;
    cleanup_close int lock = state_relock(name, &again);
    return lock >= 0 &&
           (again.status == CTR_STATUS_CREATED || again.status == CTR_STATUS_STOPPED) &&
           ctr_cg_orphan_populated(name);
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
    if (ctr_cg_orphan_procs(name, &pid, 1, &exists) == 0)
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

/* The process that created a `run --rm` container (lifecycle.c: "creator") is gone. */
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
    return st->status == CTR_STATUS_STALE && st->autoremove && !ctr_cg_orphan_populated(name);
}

/* Remove it if it is (still, under its lock) abandoned; true when it is gone. */
static bool
remove_abandoned(const char *name, const struct ctr_state *st)
{
    if (!abandoned(name, st))
        return false;
    struct ctr_state again;
    cleanup_close int lock = state_relock(name, &again);
    if (lock < 0 || !abandoned(name, &again))
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
    for (size_t i = 0; i < ctr_cg_orphan_bases() && geteuid() == 0; i++) {
        ctr_cg_orphan_base_dir(p, i);
        cleanup_dir DIR *d = opendir(p);
        struct dirent *de;
        while (d && (de = readdir(d))) {
            if (de->d_type != DT_DIR || ctr_name_check(de->d_name, NULL) < 0 ||
                ctr_exists(de->d_name) || listed(*out, *n, de->d_name))
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
            ctr_sweep_removed(dirfd(d), de->d_name);
        if (de->d_name[0] == '.' || ctr_name_check(de->d_name, NULL) < 0)
            continue;
        if (!ctr_exists(de->d_name)) {
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
            ctr_sweep_removed(dirfd(rd), de->d_name);
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
    *json = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}
