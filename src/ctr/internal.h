/* SPDX-License-Identifier: MIT */
/* Internals shared by the files of src/ctr/ (never included outside src/ctr/). */
#pragma once

#include <limits.h>

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "common/err.h"
#include "ctr/ctr.h"
#include "ctr/security.h"

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
    char *data; /* comma-joined non-flag options */
};

struct ctr_spec {
    json_object *json; /* the whole config.json (owned) */
    char *bundle;      /* directory the root path is relative to */
    char *root;        /* absolute rootfs path */
    bool root_ro;
    bool inplace;       /* annotation org.berth.rootfs-mode = inplace */
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
    int64_t pids_limit; /* -1 none */
};

/* Build a new config.json from create options (hardening defaults applied). */
json_object *ctr_spec_build(const char *name, const struct ctr_create_opts *o, struct err **err);
/* Parse config.json (bundle: base directory for a relative root.path). */
int ctr_spec_parse(json_object *cfg, const char *bundle, struct ctr_spec *s, struct err **err);
int ctr_spec_load(const char *name, struct ctr_spec *s, struct err **err);
int ctr_spec_parse_mounts(json_object *cfg, struct ctr_spec *s, struct err **err);
void ctr_spec_done(struct ctr_spec *s);
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

/* ---- cgroup.c + cgroup_{v1,v2,hybrid}.c: the cgroup manager ---- */
struct ctr_limits {
    int64_t mem;   /* bytes, -1 none */
    int64_t quota; /* us per period, -1 none */
    uint64_t period;
    int64_t pids; /* -1 none */
};

struct ctr_cgstats {
    uint64_t cpu_ns, mem, mem_limit, pids, rd, wr; /* INST_UNKNOWN when absent */
};

/* Open stat files of one cgroup (kept open, re-read with pread). */
struct ctr_cgfds {
    int cpu, mem, mem_limit, pids, io;
};

/* What those files held (read from offset 0, NUL-terminated); NULL when absent or unreadable. */
struct ctr_cgtext {
    const char *cpu, *mem, *mem_limit, *pids, *io;
};

struct cgroup_ops {
    const char *name; /* "v2", "v1", "hybrid" */
    int (*create)(const char *path, const struct ctr_limits *lim, struct err **err);
    int (*attach)(const char *path, pid_t pid, struct err **err);
    int (*freeze)(const char *path, bool frozen, struct err **err);
    /* Number of OOM kills in the group so far (0 when unknown). */
    uint64_t (*oom_kills)(const char *path);
    /* Send sig to every process in the group. */
    void (*kill_all)(const char *path, int sig);
    int (*destroy)(const char *path, struct err **err);
    void (*stats_open)(const char *path, struct ctr_cgfds *fds);
    void (*stats_read)(const struct ctr_cgfds *fds, struct ctr_cgstats *out);
    /* The figures from the files' contents, so that a caller can read many groups' files in one
     * batch (ctr/rdbatch.h). NULL when the backend has no files (stats_read then). */
    void (*stats_parse)(const struct ctr_cgtext *text, struct ctr_cgstats *out);
};

extern const struct cgroup_ops ctr_cgroup_v1_ops;
extern const struct cgroup_ops ctr_cgroup_v2_ops;
extern const struct cgroup_ops ctr_cgroup_hybrid_ops;
/* Rootless without a delegated cgroup: no cgroup; limits and pause reported unavailable. */
extern const struct cgroup_ops ctr_cgroup_none_ops;

/* The manager for this host (/sys/fs/cgroup layout), or NULL with err. */
const struct cgroup_ops *ctr_cgroup_detect(struct err **err);
const struct cgroup_ops *ctr_cgroup_by_name(const char *name);
/* Root of the v1 controller / v2 mount; tests point it at recorded trees. */
void ctr_cgroup_set_root(const char *root);
const char *ctr_cgroup_root(void);
void ctr_cgfds_init(struct ctr_cgfds *f);
void ctr_cgfds_close(struct ctr_cgfds *f);
/* Helpers shared by the backends. */
int ctr_cg_write(const char *dir, const char *file, const char *val, struct err **err);
uint64_t ctr_cg_read_u64(int fd);           /* one number; "max" -> INST_UNKNOWN */
uint64_t ctr_cg_text_u64(const char *text); /* same, of a file's text (NULL ok) */
/* stats_read for a backend with stats_parse: one pread per open file, then parse. */
void ctr_cg_stats_read(const struct ctr_cgfds *f, struct ctr_cgstats *o,
                       void (*parse)(const struct ctr_cgtext *, struct ctr_cgstats *));
uint64_t ctr_cg_key_u64(const char *text, const char *key); /* "key N" line */
int ctr_cg_rmdir(const char *dir, struct err **err);
void ctr_cg_kill_procs(const char *dir, int sig);
/* Parsers of stat files (exposed for unit tests). */
void ctr_cg_parse_blkio_v1(const char *text, uint64_t *rd, uint64_t *wr);
void ctr_cg_parse_io_v2(const char *text, uint64_t *rd, uint64_t *wr);

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

/* ---- rootfs.c + init.c: inside the container ---- */
struct ctr_init_args {
    const struct ctr_spec *spec;
    const struct ctr_security *sec;
    const char *run_dir; /* $run/<name>: hostname, hosts, resolv.conf, rootfs mountpoint ("."
                          * in the init: its working directory, so no parent is walked) */
    const char *def_dir; /* $lib/containers/<name>: upper, work */
    int sync_fd;         /* socket to the monitor: 'G' (+ the root's mount fd) in, 'R' out, 'S' in,
                          * "E<msg>" out */
    int stdio[3];
};
/* Runs in the cloned child; never returns. */
_Noreturn void ctr_init_main(const struct ctr_init_args *a);
/* Mount the root, the spec's mounts, devices, /etc files; pivot_root. root_mnt: a detached mount
 * of the root made by the monitor (ctr_rootfs_mapped), attached instead of mounting one; -1 none.
 */
int ctr_rootfs_setup(const struct ctr_spec *s, const char *run_dir, const char *def_dir,
                     int root_mnt, struct err **err);
/* rootfs_cgroup.c: the container's read-only view of its own cgroups, mounted on tfd (its
 * /sys/fs/cgroup); fresh cgroup file systems inside its cgroup namespace, else binds. */
int ctr_rootfs_cgroup(int tfd, bool cgroupns, struct err **err);
/* ---- rootfs_idmap.c: the root of a user-namespace container started by host root ---- */
/* Does the monitor build the root (root + a user namespace)? */
bool ctr_rootfs_mapped_needed(const struct ctr_spec *s);
/* In the monitor, once the id maps of init pid are written: a detached mount of the root
 * (overlayfs over an id-mapped clone of DIR, or that clone with --inplace). Returns the fd. */
int ctr_rootfs_mapped(const struct ctr_spec *s, pid_t pid, const char *def_dir, struct err **err);
/* Open path (absolute, inside rootfd) without leaving the root; O_PATH | flags. */
int ctr_open_in_root(int rootfd, const char *path, int flags, struct err **err);
/* Find argv0 in the container's PATH (after pivot_root). */
int ctr_find_exec(const char *argv0, char *const *env, char *out, size_t len);
/* Every signal's default disposition and none blocked: a signal ignored by the monitor or by
 * whoever ran `berth ctr exec` stays ignored across execve, and a container's processes start as
 * from a fresh init (the monitor ignores SIGINT, SIGHUP and SIGPIPE). */
void ctr_signals_default(void);
/* Set uid/gid/groups of the process. */
int ctr_set_user(const struct ctr_spec *s, struct err **err);
/* Close every fd >= 3 except keep (may be -1). */
void ctr_close_fds_except(int keep);
/* chdir to cwd and check the result lies inside the (pivoted) root. */
int ctr_chdir_checked(const char *cwd, struct err **err);

/* ---- monitor.c ---- */
struct ctr_monitor_args {
    const char *name;
    struct ctr_spec *spec;
    int lock_fd;     /* held; closed once the state is written */
    int report_fd;   /* "OK <pid>\n" or "ERR <msg>\n" then closed (attached: kept) */
    bool foreground; /* keep stdin, tee output to stdout/stderr */
    bool autoremove;
    bool attached; /* the caller waits: "EXIT <code>\n" once the exit is recorded */
};
_Noreturn void ctr_monitor_main(struct ctr_monitor_args *a);

/* ---- ops.c helpers used by monitor/provider ---- */
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
/* rm -rf without following symlinks. */
int ctr_rm_rf(const char *path);
/* SIGKILL the container (thawing it) and wait until its monitor recorded the exit. */
int ctr_kill_and_wait(const char *name, struct ctr_state *st, struct err **err);

/* ---- term.c: terminal relaying ---- */
/* Relay between the caller's stdin/stdout and fd until fd closes, or stop_fd (-1: none) is
 * readable; raw mode on a tty. detach_keys: treat Ctrl-P Ctrl-Q as detach (returns 1). framed:
 * send input as attach frames. */
int ctr_term_relay(int fd, bool detach_keys, bool framed, int stop_fd, struct err **err);
/* Attach frames (client -> monitor): 'd' len16 data | 'w' rows16 cols16. */
#define CTR_FRAME_DATA 'd'
#define CTR_FRAME_WINSZ 'w'

/* snprintf for paths and small strings; truncation is silent (buffers are PATH_MAX). */
int ctr_fmt(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Pass an fd with a one-byte tag over a unix socket / receive a message and maybe an fd. */
int ctr_fd_send(int sock, char tag, int fd);
ssize_t ctr_fd_recv(int sock, char *buf, size_t len, int *fd);
/* Open a pty in the devpts at /dev/pts (inside the container); returns the master. */
int ctr_pty_inside(int *slave_out, char *name, size_t len, struct err **err);

/* Atomic (rename) but not durable (no fsync) replacement, for files under the run directory. */
int ctr_write_runtime(const char *path, const char *data, size_t len, mode_t mode,
                      struct err **err);
/* The same for leaf in the directory dfd, never following a symlink. */
int ctr_write_runtime_at(int dfd, const char *leaf, const char *data, size_t len, mode_t mode,
                         struct err **err);

/* One pread of a small stat file from offset 0, NUL-terminated; -1 on error. */
ssize_t ctr_pread1(int fd, char *buf, size_t size);
