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
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/model.h"

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
ctr_remove_detach(const char *name, struct ctr_removed *r, struct err **err)
{
    char run[PATH_MAX], def[PATH_MAX];
    /* Rename first: the name is free at once (a new container may take it), then the files go.
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
        int e = errno;
        if (r->run[0] && rename(r->run, run) < 0) /* put the runtime state back */
            rm_rf_at(AT_FDCWD, r->run);
        r->run[0] = r->def[0] = 0;
        return err_set(err, e, "remove container '%s'", name);
    }
    /* Still under the container's lock: whoever waits for it (ctr_lock holds the directory,
     * renamed or not) must find no container when it gets the lock, not this one's remains. */
    char cfg[PATH_MAX];
    ctr_fmt(cfg, sizeof(cfg), "%s/config.json", r->def);
    unlink(cfg);
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

/* ".rm-<name>-<pid>" left by a remover that died between ctr_remove_detach and the purge. */
static void
sweep_removed(int dfd, const char *entry)
{
    const char *dash = strrchr(entry, '-');
    if (strncmp(entry, ".rm-", 4) != 0 || !dash || dash[1] == 0)
        return;
    char *end;
    long pid = strtol(dash + 1, &end, 10);
    if (*end || pid <= 0 || (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return; /* its remover may still be at work */
    rm_rf_at(dfd, entry);
}

int
ctr_remove(const char *name, bool force, struct err **err)
{
    struct ctr_state st;
    for (int attempt = 0; attempt < 3; attempt++) {
        cleanup_close int lock = ctr_lock(name, err);
        if (lock < 0 || ctr_state_load(name, &st, err) < 0) {
            if (lock >= 0 && force) {
                /* A corrupt state file must not make a container impossible to remove. */
                err_freep(err);
                ctr_state_init(&st);
            } else {
                return -1;
            }
        }
        ctr_state_check_live(&st);
        bool up = st.status == CTR_STATUS_RUNNING || st.status == CTR_STATUS_PAUSED;
        if (up && !force)
            return err_set(err, 0, "container '%s' is running (stop it first, or rm -f)", name);
        if (!up) {
            const struct cgroup_ops *cg = ctr_cgroup_by_name(st.cgroup_mgr);
            if (st.status == CTR_STATUS_STALE && cg && st.cgroup[0])
                cg->destroy(st.cgroup, NULL);
            return ctr_remove_files(name, err);
        }
        close(steal_fd(&lock));
        if (ctr_kill_and_wait(name, &st, err) < 0)
            return -1;
        if (!ctr_exists(name))
            return 0; /* its monitor removed it (run --rm) */
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

int
ctr_info_get(const char *name, struct ctr_info *out, struct err **err)
{
    char p[PATH_MAX];
    struct ctr_state st;
    if (ctr_name_check(name, err) < 0)
        return -1;
    ctr_path_def(p, name, "config.json");
    if (access(p, F_OK) < 0)
        return err_set(err, 0, "no such container '%s'", name);
    cleanup_json json_object *cfg = jsonx_load_file(p, 4 << 20, err);
    if (!cfg)
        return err_wrap(err, "container '%s'", name);
    if (ctr_state_load(name, &st, err) < 0)
        return -1;
    ctr_state_check_live(&st);
    info_from(name, cfg, &st, out);
    return 0;
}

static int
cmp_info(const void *a, const void *b)
{
    return strcmp(((const struct ctr_info *)a)->name, ((const struct ctr_info *)b)->name);
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
    if (!d)
        return errno == ENOENT ? 0 : err_set(err, errno, "open '%s'", p);
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            sweep_removed(dirfd(d), de->d_name);
        if (de->d_name[0] == '.' || ctr_name_check(de->d_name, NULL) < 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct ctr_info *v = realloc(*out, cap * sizeof(**out));
            if (!v)
                abort();
            *out = v;
        }
        cleanup_err struct err *e = NULL;
        if (ctr_info_get(de->d_name, &(*out)[*n], &e) == 0)
            (*n)++;
        /* A container that vanished or is unreadable is left out here; inspect shows why. */
    }
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
