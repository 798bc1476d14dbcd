/* SPDX-License-Identifier: MIT */
/*
 * The runtime (src/ctr/runtime/): processes. lifecycle.c creates a container and forks its
 * monitor (monitor.c, then monitor_loop.c for its life), which clones the init (init.c, rootfs*.c)
 * into new namespaces; exec.c joins them, relay.c carries a terminal, logs.c reads the log.
 * Files here call store/, cgroup/ and security/, never src/ui/ (no printing, and the caller's
 * terminal belongs to the ui: relay.c is given fds, the ui sets raw mode). Private to src/ctr/.
 */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "common/err.h"
#include "ctr/security/security.h"
#include "ctr/store/store.h"

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
    bool oci; /* an OCI create: wait for 'S' (`start`) after 'R'; else exec right after 'R' */
};
/* ---- init_oci.c: config.json fields applied for OCI bundles, in the init ---- */
/* Join linux.namespaces[].path (network, ipc, uts, cgroup). */
int ctr_init_oci_join(const struct ctr_spec *s, struct err **err);
/* linux.namespaces[] of that type's path, NULL when none (not joined). */
const char *ctr_oci_ns_path(const struct ctr_spec *s, const char *type);
/* The mount namespace given by path entered (before the root is set up); 0 when none. */
int ctr_init_oci_join_mount(const struct ctr_spec *s, struct err **err);
/* After pivot_root: linux.devices (mknod), linux.sysctl. */
int ctr_init_oci_rootfs(const struct ctr_spec *s, struct err **err);
/* Before the change of user: process.rlimits, process.oomScoreAdj. */
int ctr_init_oci_process(const struct ctr_spec *s, struct err **err);
/* Runs in the cloned child; never returns. */
_Noreturn void ctr_init_main(const struct ctr_init_args *a);
/* Mount the root, the spec's mounts, devices, /etc files; pivot_root. root_mnt: a detached mount
 * of the root made by the monitor (ctr_rootfs_mapped), attached instead of mounting one; -1 none.
 * bind_fds (NULL, or one per mount, -1 for none): the id-mapped mounts the monitor made for the
 * "idmap" binds (ctr_bind_mapped), attached instead of binding the source.
 */
int ctr_rootfs_setup(const struct ctr_spec *s, const char *run_dir, const char *def_dir,
                     int root_mnt, const int *bind_fds, struct err **err);
/* rootfs_cgroup.c: the container's read-only view of its own cgroups, mounted on tfd (its
 * /sys/fs/cgroup); fresh cgroup file systems inside its cgroup namespace, else binds. */
int ctr_rootfs_cgroup(int tfd, bool cgroupns, struct err **err);
/* ---- rootfs_idmap.c: the root of a user-namespace container started by host root ---- */
/* Does the monitor build the root (root + a user namespace)? */
bool ctr_rootfs_mapped_needed(const struct ctr_spec *s);
/* In the monitor, once the id maps of init pid are written: a detached mount of the root
 * (overlayfs over an id-mapped clone of DIR, or that clone with --inplace). Returns the fd. */
int ctr_rootfs_mapped(const struct ctr_spec *s, pid_t pid, const char *def_dir, struct err **err);
/* The one-line message for a rootfs whose file system refuses an id-mapped mount: fs_magic is
 * statfs's f_type, release the kernel's (uname). Names the file system, the Linux version that
 * gave it id-mapped mounts where known, this kernel, and what to do instead. */
void ctr_idmap_unsupported_msg(char *buf, size_t len, unsigned long fs_magic, const char *release);
/* In the monitor: a detached clone of bind mount m's source, id-mapped to the user namespace of
 * pid (the mount option "idmap"); why = "" then. When its file system cannot be id-mapped, the
 * clone without an id map, and why says so (docs/CONTAINERS.md, "Volumes and --userns"). */
int ctr_bind_mapped(const struct ctr_mount *m, pid_t pid, char *why, size_t len, struct err **err);
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

/* ---- monitor.c (its internals: monitor.h) ---- */
struct ctr_monitor_args {
    const char *name;
    struct ctr_spec *spec;
    int lock_fd;     /* held; closed once the state is written */
    int report_fd;   /* "OK <pid>\n" or "ERR <msg>\n" then closed (attached: kept) */
    bool foreground; /* keep stdin, tee output to stdout/stderr */
    bool autoremove;
    bool attached;      /* the caller waits: "EXIT <code>\n" once the exit is recorded */
    int64_t request_ns; /* CLOCK_REALTIME of the start request (figures.json) */
    bool oci; /* OCI create: the init's stdio is ours (the caller's); wait for `start` at the
               * sync point (monitor_oci.c), then leave the init to the caller's subreaper */
    const char *console; /* OCI --console-socket path, or NULL */
};
_Noreturn void ctr_monitor_main(struct ctr_monitor_args *a);

/* ---- lifecycle.c ---- */
/* SIGKILL the container (thawing it) and wait until its monitor recorded the exit. */
int ctr_kill_and_wait(const char *name, struct ctr_state *st, struct err **err);

/* ---- relay.c: terminal relaying ---- */
/* Relay between in/out (the caller's terminal) and fd until fd closes, or stop_fd (-1: none) is
 * readable. The terminal's mode is the caller's (the ui sets raw mode: ui/rawterm.h); its window
 * size (of in) is passed on. detach_keys: treat Ctrl-P Ctrl-Q as detach (returns 1). framed: send
 * input as attach frames. */
int ctr_term_relay(int in, int out, int fd, bool detach_keys, bool framed, int stop_fd,
                   struct err **err);
/* Attach frames (client -> monitor): 'd' len16 data | 'w' rows16 cols16. */
#define CTR_FRAME_DATA 'd'
#define CTR_FRAME_WINSZ 'w'

/* ---- fdpass.c: fds over unix sockets, the pty inside ---- */
/* Pass an fd with a one-byte tag over a unix socket / receive a message and maybe an fd. */
int ctr_fd_send(int sock, char tag, int fd);
ssize_t ctr_fd_recv(int sock, char *buf, size_t len, int *fd);
/* Open a pty in the devpts at /dev/pts (inside the container); returns the master. */
int ctr_pty_inside(int *slave_out, char *name, size_t len, struct err **err);

/* ---- lifecycle.c: the OCI create's start ---- */
/* Fork the monitor of an OCI container (ctr_monitor_args.oci): returns once the init waits at the
 * sync point; *pid its host pid. */
int ctr_start_oci(const char *name, const char *console, pid_t *pid, struct err **err);

/* ---- oci_hooks.c: OCI hooks and the state document ---- */
/* The runtime-spec state of a container: {ociVersion, id, status, pid, bundle, annotations}
 * (berth's own org.berth.* annotations left out; pid omitted when 0). Caller owns it. */
json_object *ctr_oci_state_doc(const char *id, const char *status, pid_t pid, json_object *config);
/* Run config's hooks.<kind> in order, each with the state on stdin, its timeout honoured (10 s
 * without one would wait forever: none given = wait). The first failure stops: error naming the
 * hook and its status. */
int ctr_oci_hooks_run(json_object *config, const char *kind, json_object *state, struct err **err);
