/* SPDX-License-Identifier: MIT */
/* berth's native containers: definitions, lifecycle, exec/attach/logs, listing, the provider. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"
#include "common/provider.h"

#define CTR_NAME_MAX 64
/* The pids limit of a container created without one (podman's): a fork bomb stops there. */
#define CTR_PIDS_DEFAULT 2048
#define CTR_PIDS_UNLIMITED UINT64_MAX

/* Options of `berth ctr create` (and `run`). Strings are borrowed for the call. */
struct ctr_create_opts {
    const char *rootfs; /* --rootfs DIR, or NULL with bundle */
    const char *bundle; /* --bundle DIR: an OCI bundle (config.json + its root) */
    uint64_t memory;    /* bytes; 0 = no limit */
    double cpus;        /* CPUs of quota (0.5 = half a CPU); 0 = no limit */
    uint64_t pids;      /* 0 = CTR_PIDS_DEFAULT; CTR_PIDS_UNLIMITED = no limit */
    const char *hostname;
    const char *const *env; /* "K=V" */
    size_t n_env;
    const char *workdir;
    const char *user; /* "UID[:GID]" */
    const char *net;  /* "none" (own netns, loopback up; default), "host", "bridge", a network
                       * NAME or "container:NAME" (docs/NETWORKS.md) */
    const char *const *ports; /* -p "[HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp]" each */
    size_t n_ports;
    bool tty;
    bool inplace;      /* use DIR itself instead of an overlay over it */
    bool ephemeral;    /* run --rm: definition written atomically but not fsynced */
    char *const *argv; /* the command; NULL/0 = /bin/sh */
    size_t argc;
    /* Hardening options (--seccomp, --cap-add, --cap-drop, --userns), in order given. */
    struct {
        const char *name;
        const char *value;
    } sec[32];
    size_t n_sec;
    /* Volumes and restart policy (docs/CONTAINERS.md, "Volumes", "Restart policies"). */
    const char *const *volumes; /* -v SRC:DEST[:ro|rw], as typed */
    size_t n_volumes;
    const char *const *tmpfs; /* --tmpfs DEST[:OPTS], as typed */
    size_t n_tmpfs;
    bool read_only;      /* --read-only: the root file system is mounted read-only */
    const char *restart; /* --restart no|on-failure[:N]|always|unless-stopped, or NULL */
    /* The OCI command line (ui/oci): the bundle's config.json as it is (no hardening defaults,
     * no default pids limit), its root used in place. */
    bool oci;
    /* A root from an image (the UI fills these from ctr/image/image.h's image_run_load): rootfs
     * is then unused; the overlay's lower directories are layers, top first; image is its
     * manifest digest (annotation org.berth.image: image rm refuses while it is used). */
    const char *const *layers;
    size_t n_layers;
    const char *image;
};

/* A restart policy: when the monitor starts the container's command again after it exits. */
enum ctr_restart_mode {
    CTR_RESTART_NO,
    CTR_RESTART_ON_FAILURE, /* exit status != 0, at most max times (0: no limit) */
    CTR_RESTART_ALWAYS,     /* any exit; also at boot (start --all-restartable), even if stopped */
    CTR_RESTART_UNLESS_STOPPED, /* any exit; at boot unless `ctr stop` stopped it */
    CTR_RESTART_COUNT,
};
struct ctr_restart_policy {
    enum ctr_restart_mode mode;
    unsigned max;
};
/* "no", "on-failure", "on-failure:N" (1..1000000), "always", "unless-stopped". */
int ctr_restart_parse(const char *s, struct ctr_restart_policy *p, struct err **err);
/* The policy back in that form, into buf. */
void ctr_restart_format(const struct ctr_restart_policy *p, char *buf, size_t len);
/* Should a container that exited with code (restarts: how often it was restarted already) be
 * started again? */
bool ctr_restart_wanted(const struct ctr_restart_policy *p, int code, unsigned restarts);
/* The wait before restart number n (0-based): 100 ms doubling, at most 30 s. */
unsigned ctr_restart_backoff_ms(unsigned n);
/* `berth ctr start --all-restartable`: start every container whose policy says to (always;
 * unless-stopped not stopped by `ctr stop`) and that ran before, is not running now. *started
 * counts them; their names, one a line, into names. Errors of one container do not stop the
 * others: the first is returned after all were tried. */
int ctr_start_restartable(size_t *started, char *names, size_t len, struct err **err);

enum ctr_status {
    CTR_STATUS_CREATED, /* defined, never started */
    CTR_STATUS_RUNNING,
    CTR_STATUS_PAUSED,
    CTR_STATUS_STOPPED,  /* exited; exit code recorded */
    CTR_STATUS_STALE,    /* state says running but the monitor is gone (killed, host rebooted) */
    CTR_STATUS_ORPHANED, /* processes run in its cgroup but no state says so (runtime state lost) */
    CTR_STATUS_COUNT,
};

const char *ctr_status_name(enum ctr_status s); /* "created", "running", ... */

/* One container as listed. */
struct ctr_info {
    char name[CTR_NAME_MAX + 1];
    enum ctr_status status;
    pid_t pid;     /* init's host pid while running, else 0 */
    int exit_code; /* -1 unknown; 128+N for signal N */
    bool oom_killed;
    int64_t created;  /* realtime seconds */
    int64_t started;  /* realtime seconds, -1 never */
    int64_t finished; /* realtime seconds, -1 not yet */
    char rootfs[512];
    char command[256]; /* argv joined with spaces, truncated */
    unsigned restarts; /* times the monitor restarted it since its last start */
    char restart[32];  /* its restart policy, "no" etc. */
};

/* Check a container name: [a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}. */
int ctr_name_check(const char *name, struct err **err);
/* "TERM", "SIGTERM", "15" -> 15; unknown -> error quoting the value. */
int ctr_signal_parse(const char *s, int *sig, struct err **err);

int ctr_create(const char *name, const struct ctr_create_opts *o, struct err **err);

/*
 * Start a created or stopped container: a monitor process is forked (it outlives the caller).
 * foreground: the container's stdin is the caller's stdin and its output is copied to the
 * caller's stdout/stderr as well as the log (non-tty containers); wait with ctr_wait.
 * autoremove: the monitor removes the container when it exits.
 */
int ctr_start(const char *name, bool foreground, bool autoremove, struct err **err);
/* The calling process exits soon after its starts (the command line, not the dashboard): a
 * detached start forks the monitor once (it is reparented at the caller's exit) instead of
 * twice removed. */
void ctr_set_caller_exits(bool exits);

/* A start the caller stays attached to (`ctr run` in the foreground): the monitor is the caller's
 * child and reports the exit on a pipe, so waiting needs no state file round trip. */
struct ctr_run {
    pid_t pid;     /* the container's init, once started */
    int report_fd; /* the monitor's report pipe, -1 once read to the end */
    bool attached, autoremove;
    size_t len;     /* bytes of buf not yet consumed */
    char buf[1400]; /* what the monitor wrote after the line read last */
};
int ctr_start_attached(const char *name, bool foreground, bool autoremove, struct ctr_run *r,
                       struct err **err);
/* Wait for the exit of a container started attached, and close the report pipe. *code as for
 * ctr_wait. If the monitor is killed first, the state file decides (and an autoremove container
 * is removed here). */
int ctr_run_wait(const char *name, struct ctr_run *r, int *code, struct err **err);
/* Wait until the container's monitor has recorded its exit; *code = exit status (128+N for
 * signal N). Returns at once for a container that is not running. */
int ctr_wait(const char *name, int *code, struct err **err);
/* SIGTERM, then SIGKILL after timeout_s seconds; waits for the exit to be recorded. */
int ctr_stop(const char *name, double timeout_s, struct err **err);
int ctr_kill(const char *name, int sig, struct err **err);
int ctr_pause(const char *name, struct err **err);
int ctr_resume(const char *name, struct err **err);
int ctr_restart(const char *name, double timeout_s, struct err **err);
/* Remove a container that is not running (force: kill it first). Also removes what is left of a
 * name without a container: an interrupted removal, an orphaned cgroup (force: its processes are
 * killed). */
int ctr_remove(const char *name, bool force, struct err **err);

/* A file descriptor that becomes readable when a container changes state, by this process or
 * any other (started, stopped, created, removed): an inotify watch of the runtime directory, so
 * a front end can show the change at once instead of at its next refresh. Read it empty (any
 * buffer of 4 KiB) after each wake-up. -1 when inotify is unavailable. */
int ctr_changes_fd(void);

/* Every container, sorted by name, orphaned cgroups included (CTR_STATUS_ORPHANED). Deletes what
 * interrupted commands left (docs/CONTAINERS.md, "Interruptions"). *out is malloc'd (free it). */
int ctr_list(struct ctr_info **out, size_t *n, struct err **err);
int ctr_info_get(const char *name, struct ctr_info *out, struct err **err);
/* The inspect document (JSON text, malloc'd): spec, state, pid, exit code, OOM, times, limits. */
int ctr_inspect(const char *name, char **json, struct err **err);

/*
 * Run a new process in the running container (all its namespaces, its cgroup, its hardening).
 * tty: give it a pseudo-terminal relayed to the caller's stdin/stdout (raw mode while it runs).
 * *status: its exit status (128+N for signal N).
 */
int ctr_exec(const char *name, char *const *argv, bool tty, int *status, struct err **err);
/* Attach the caller's terminal to a --tty container's console until it exits or the user types
 * the detach keys (Ctrl-P Ctrl-Q). *detached tells which. */
int ctr_attach(const char *name, bool *detached, struct err **err);
/* Write the log (the last tail lines; tail < 0 = all) to fd; follow: keep writing what the
 * container prints until it stops. */
int ctr_logs(const char *name, long tail, bool follow, int fd, struct err **err);

/* The dashboard's first-run demo: when root and the marker /var/lib/berth/.demo-created (under
 * $BERTH_ROOT/lib when set) is absent, build a busybox rootfs from /bin/busybox, create and start
 * a container "demo" printing a line every few seconds, and write the marker. 0 when nothing had
 * to be done. */
int ctr_demo_ensure(struct err **err);

/* ---- The OCI runtime command line (runtime/oci.c; docs/OCI.md) ---- */
/* create: the container set up and stopped before its process (the init waits at the sync
 * point, its monitor waits for `start`). console_socket: a unix socket path that gets the pty
 * master of a terminal container (NULL: none). *pid: the init's host pid. Hooks createRuntime,
 * prestart and createContainer run before this returns. */
int ctr_oci_create(const char *id, const char *bundle, const char *console_socket, pid_t *pid,
                   struct err **err);
/* start: release a created container (startContainer hooks, exec, poststart hooks). The monitor
 * leaves then: the init is reparented to the caller's subreaper (conmon), as with runc. */
int ctr_oci_start(const char *id, struct err **err);
/* The runtime-spec state document (JSON text, malloc'd). */
int ctr_oci_state(const char *id, char **json, struct err **err);
/* Signal the init (all: every process of its cgroup). */
int ctr_oci_kill(const char *id, int sig, bool all, struct err **err);
/* delete a stopped container (force: kill it first); poststop hooks; cgroup and files removed. */
int ctr_oci_delete(const char *id, bool force, struct err **err);
struct json_object;
/* exec: a process (a process.json object) in the running
 * container with the caller's stdio (a terminal: its master to console, a socket path); the
 * process is left to the caller's subreaper (conmon) as with runc; *pid its host pid. */
int ctr_oci_exec(const char *id, struct json_object *proc, const char *console, pid_t *pid,
                 struct err **err);
/* The pids in the container's cgroup (*out malloc'd). */
int ctr_oci_pids(const char *id, pid_t **out, size_t *n, struct err **err);

/* Open the provider for the local containers (ops name "containers"; state under $BERTH_ROOT,
 * /run/berth and /var/lib/berth for root, the XDG directories otherwise). */
int ctr_provider_new(struct provider *out, struct err **err);
