/* SPDX-License-Identifier: MIT */
/*
 * The store (src/ctr/store/): where a container lives and what is kept of it. A container is its
 * definition directory $lib/containers/<name> (config.json, lock, creator, log) and its runtime
 * directory $run/<name> (state.json, attach.sock, /etc files). Files here read and write those
 * directories and never start, signal or wait for a process. paths.c is the floor of src/ctr/
 * (every folder uses it; it uses only src/common/); remove.c, state.c, logfile.c and spec_parse.c
 * use only it; spec.c also calls security/ (the hardening defaults) and query.c cgroup/ (orphans,
 * abandoned groups). Private to src/ctr/.
 */
#pragma once

#include <limits.h>

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "common/err.h"
#include "ctr/ctr.h"

/* ---- paths.c: where things live ---- */
/* Resolved once: $BERTH_ROOT/{lib,run}, else /var/lib/berth + /run/berth (root), else XDG. */
const char *ctr_lib_dir(void); /* .../containers lives below */
const char *ctr_run_dir(void);
/* "berth", or "berth-<hash>" under $BERTH_ROOT: the parent of every container cgroup. */
const char *ctr_cgroup_parent(void);
/* "<lib>/containers/<name>" and "<run>/<name>" into buf (PATH_MAX). */
void ctr_path_def(char *buf, const char *name, const char *leaf);
void ctr_path_run(char *buf, const char *name, const char *leaf);
int ctr_dirs_ensure(struct err **err);
/* The run directory made (0700) if missing, opened without following a symlink and checked to
 * be the caller's, closed to others; refused in one line otherwise. An O_PATH fd, -1 with err. */
int ctr_run_dirfd(struct err **err);
/* "<run>/<name>" opened the same way (made first when create): an O_PATH fd, -1 with err
 * (ENOENT as err's code when it does not exist). */
int ctr_run_open(const char *name, bool create, struct err **err);
/* Exclusive flock of the container (blocks). Returns the fd, -1 with err. The lock file lives in
 * the definition directory; a missing definition is "no such container". */
int ctr_lock(const char *name, struct err **err);
/* flock(fd, LOCK_EX), waiting (EINTR retried); -1 with errno. */
int ctr_flock_wait(int fd);
/* The definition directory holds a config.json: a whole definition, not the remains of an
 * interrupted removal (config.json is unlinked first). */
bool ctr_exists(const char *name);

/* ---- spec.c: config.json, the OCI runtime-spec subset ---- */
#define CTR_NS_PID 0x01
#define CTR_NS_MOUNT 0x02
#define CTR_NS_UTS 0x04
#define CTR_NS_IPC 0x08
#define CTR_NS_NET 0x10
#define CTR_NS_CGROUP 0x20
#define CTR_NS_USER 0x40

struct ctr_idmap {
    uint32_t inside, outside, size;
};

struct ctr_mount {
    char *dest, *type, *source;
    unsigned long flags;
    unsigned long prop; /* MS_PRIVATE etc. or 0 */
    bool bind, recursive;
    bool idmap; /* "idmap"/"ridmap": id-mapped to the container's user namespace (root only) */
    char *data; /* comma-joined non-flag options */
};

struct ctr_spec {
    json_object *json; /* the whole config.json (owned) */
    char *bundle;      /* directory the root path is relative to */
    char *root;        /* absolute rootfs path */
    bool root_ro;
    bool inplace;       /* annotation org.berth.rootfs-mode = inplace */
    char *lowers;       /* annotation org.berth.image.layers: ':'-joined lower dirs, top first */
    char **args, **env; /* NULL-terminated */
    char *cwd;
    uint32_t uid, gid;
    gid_t *groups;
    size_t n_groups;
    bool terminal;
    char *hostname;
    unsigned ns; /* CTR_NS_* to create */
    struct ctr_idmap uidmap[8], gidmap[8];
    size_t n_uidmap, n_gidmap;
    struct ctr_mount *mounts;
    size_t n_mounts;
    int64_t mem_limit; /* bytes, -1 none */
    int64_t cpu_quota; /* us, -1 none */
    uint64_t cpu_period;
    int64_t pids_limit;                /* -1 none */
    struct ctr_restart_policy restart; /* annotation org.berth.restart */
};

/* Build a new config.json from create options (hardening defaults applied). */
json_object *ctr_spec_build(const char *name, const struct ctr_create_opts *o, struct err **err);
/* Parse config.json (bundle: base directory for a relative root.path). */
/* Ownership: ctr_spec_parse always takes the caller's reference to cfg. On success s->json holds
 * it (released by ctr_spec_done); on failure it is released before returning and s is left empty
 * (ctr_spec_done on it is harmless). A caller that keeps using cfg passes json_object_get(cfg). */
int ctr_spec_parse(json_object *cfg, const char *bundle, struct ctr_spec *s, struct err **err);
int ctr_spec_load(const char *name, struct ctr_spec *s, struct err **err);
int ctr_spec_parse_mounts(json_object *cfg, struct ctr_spec *s, struct err **err);
void ctr_spec_done(struct ctr_spec *s);
/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -1 unknown (process.rlimits). */
int ctr_rlimit_parse(const char *name);
/* The pids limit is berth's default (none was asked for), not the user's. */
bool ctr_spec_pids_defaulted(const struct ctr_spec *s);

/* ---- state.c: runtime state ($run/<name>/state.json) ---- */
struct ctr_state {
    enum ctr_status status;
    pid_t monitor_pid;
    uint64_t monitor_start; /* /proc/PID/stat starttime */
    pid_t pid;              /* init's host pid */
    uint64_t pid_start;
    char boot_id[40];
    int64_t started_ns, finished_ns;
    int exit_code; /* -1 none */
    bool oom_killed;
    bool autoremove;
    char cgroup[256]; /* relative cgroup path, "" none */
    char cgroup_mgr[16];
    unsigned restarts; /* restarts by the monitor since `start` */
    bool restarting;   /* between two runs (pid 0): the monitor waits out its back-off */
    bool stopping;     /* `ctr stop` asked: the monitor restarts nothing more */
    char ip[16];       /* the container's address on its network, "" none */
    char ports[256];   /* published ports, "8080->80/tcp,...", "" none */
};

void ctr_state_init(struct ctr_state *st);
/* Missing file: st = created, returns 0. Corrupt: error naming the file. */
int ctr_state_load(const char *name, struct ctr_state *st, struct err **err);
/* Saving a running or paused state also keeps room for the exit record (an error when there is
 * none: a container is not started on a full disk). */
int ctr_state_save(const char *name, const struct ctr_state *st, struct err **err);
/* The monitor's exit record: into the room kept at start (no new blocks needed), else as save. */
int ctr_state_save_exit(const char *name, const struct ctr_state *st, struct err **err);
json_object *ctr_state_to_json(const struct ctr_state *st);
/* RUNNING/PAUSED whose monitor is gone (or another boot) become STALE. */
void ctr_state_check_live(struct ctr_state *st);
uint64_t ctr_proc_starttime(pid_t pid); /* 0 when gone */
/* Every state change (save, removal) bumps a change counter; readers compare it. */
void ctr_state_bump(void);
struct ctr_changes {
    bool valid;
    ino_t ino;
    off_t size;
};
/* True when any state changed since the last call with c (and on the first). */
bool ctr_state_changes(struct ctr_changes *c);
const char *ctr_boot_id(void);

/* "<lib>/containers/<name>/autostart": present while an always or unless-stopped container is
 * to be started at boot (start --all-restartable). */
#define CTR_AUTOSTART_FILE "autostart"

/* ---- logfile.c: size-capped rotated log ---- */
#define CTR_LOG_MAX_DEFAULT (1024 * 1024)
struct ctr_logfile {
    int dirfd;
    int fd;
    uint64_t size, max;
};
int ctr_logfile_open(struct ctr_logfile *lf, const char *dir, struct err **err);
void ctr_logfile_write(struct ctr_logfile *lf, const void *buf, size_t len);
void ctr_logfile_close(struct ctr_logfile *lf);
uint64_t ctr_log_max(void); /* $BERTH_CTR_LOG_MAX or the default */
/* $BERTH_CTR_LOG_MAX checked: 1024 bytes to 1T (K/M/G suffixes); an error naming it otherwise. */
int ctr_log_max_get(uint64_t *out, struct err **err);

/* ---- remove.c: deleting a container's files (never its processes) ---- */
/* Remove the definition and runtime directories (the container must not run). */
int ctr_remove_files(const char *name, struct err **err);
/* The same in two steps: rename both directories away (the name is free when this returns),
 * then delete them. A remover killed in between leaves ".rm-NAME-PID" directories that the next
 * listing deletes. */
struct ctr_removed {
    char run[PATH_MAX], def[PATH_MAX];
};
int ctr_remove_detach(const char *name, struct ctr_removed *r, struct err **err);
int ctr_remove_purge(const struct ctr_removed *r, struct err **err);
/* The remains of an interrupted removal of name (a definition directory without config.json, and
 * its runtime directory), deleted when nobody holds its lock. 0 when they are gone. */
int ctr_sweep_leftover(const char *name);
/* ".rm-<name>-<pid>" left by a remover that died between ctr_remove_detach and the purge, and
 * ".new-<name>-<pid>" by a `create` killed before its rename: entry (in dfd) deleted when that
 * pid is gone. */
void ctr_sweep_removed(int dfd, const char *entry);
/* rm -rf without following symlinks. */
int ctr_rm_rf(const char *path);
/* The container's lock if nobody holds it (-1 otherwise, or when there is no definition). */
int ctr_try_lock(const char *name);

/* ---- paths.c: small helpers of every file under src/ctr/ ---- */
/* snprintf for paths and small strings; truncation is silent (buffers are PATH_MAX). */
int ctr_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Atomic (rename) but not durable (no fsync) replacement, for files under the run directory. */
int ctr_write_runtime(const char *path, const char *data, size_t len, mode_t mode,
                      struct err **err);
/* The same for leaf in the directory dfd, never following a symlink. */
int ctr_write_runtime_at(int dfd, const char *leaf, const char *data, size_t len, mode_t mode,
                         struct err **err);

/* ---- figs_file.c: start figures ($run/<name>/figures.json, CLOCK_REALTIME ns, -1 unknown) ---- */
struct ctr_start_figs {
    int64_t request_ns;      /* `start` asked for (before the lock and the monitor's fork) */
    int64_t exec_ns;         /* the container's process has exec'd (seen by the monitor) */
    int64_t first_output_ns; /* the monitor read its first output */
};
/* Replace the file (atomic, not durable). The caller bumps the change counter when readers should
 * look (not at start: the running state saved just after does, and a reader woken before it
 * would see the container not running yet). */
int ctr_figs_save(const char *name, const struct ctr_start_figs *sf, struct err **err);
/* -1 (all fields -1) when there is no readable file. */
int ctr_figs_load(const char *name, struct ctr_start_figs *sf);
