/* SPDX-License-Identifier: MIT */
/* The monitor's state, shared by monitor.c (start) and monitor_loop.c (I/O, exit). */
#pragma once

#include <limits.h>
#include <sys/types.h>

#include "ctr/store/store.h"
#include "ctr/cgroup/cgroup.h"
#include "ctr/net/net.h"

#define MON_MAX_CLIENTS 8
#define MON_REPLAY 4096

struct mon {
    const char *name;
    struct ctr_spec *spec;
    struct ctr_security *sec;
    const struct cgroup_ops *cg;
    char cgpath[256];
    char run_dir[PATH_MAX], def_dir[PATH_MAX];
    bool foreground, autoremove;
    pid_t pid;
    int pidfd;
    int pty;      /* master, -1 without a terminal */
    int out, err; /* pipe read ends, -1 when closed */
    int listen;   /* attach socket, -1 when none */
    int clients[MON_MAX_CLIENTS];
    size_t n_clients;
    char replay[MON_REPLAY]; /* the last output, sent to a new attach client */
    size_t replay_len;
    struct ctr_logfile log;
    int status; /* wait status of the init */
    /* Foreground: the write end of the init's stdin pipe, fed from our fd 0 (the caller's), or
     * -1; what was read from the caller and not yet written. */
    int in;
    char inbuf[16384];
    size_t in_len, in_off;
    unsigned restarts;          /* by the restart policy since `start` */
    unsigned backoff_n;         /* restarts in a row without 10 s up in between */
    int64_t run_start;          /* monotonic ns of the current run's start */
    struct ctr_start_figs figs; /* start figures; first_output_ns set at the first output */
    bool oci;                   /* OCI create (monitor_oci.c) */
    int sync;           /* OCI: the init's sync socket, kept between create and start; else -1 */
    struct net_ctr net; /* its network (annotations; the address once attached) */
    /* The namespaces the init was cloned into (mount, net, ipc, uts), held open so that their
     * teardown (the mount namespace's unmounts wait for an RCU grace period) happens when the
     * monitor lets go of them after reporting the exit, not in the init's exit; -1 none. */
    int nsfd[4];
    bool cloned_into_cg; /* the init was made in its cgroup (CLONE_INTO_CGROUP): no attach */
};

/* Let go of the held namespaces (m->nsfd): their teardown happens now. */
void ctr_monitor_release_ns(struct mon *m);

void ctr_monitor_listen(struct mon *m);
/* A wait status as an exit code: N, or 128+N for signal N. */
int ctr_monitor_exit_code(int status);
void ctr_monitor_loop(struct mon *m);
/* Record the exit and remove the cgroup; returns the exit status (128+N for signal N). An
 * autoremove container's directories are renamed away instead of recorded: *removed names them
 * for ctr_remove_purge (empty names: nothing to purge). */
int ctr_monitor_finish(struct mon *m, struct ctr_removed *removed);

/* ---- monitor_oci.c: the monitor of an OCI `create` between create and start ---- */
/* The init is set up and waits at the sync point: createRuntime and createContainer hooks run, the
 * console's master goes to console (a socket path; NULL none), the state "created" is recorded and
 * start.sock listens (m->listen). 0, or -1 with err. */
int ctr_monitor_oci_created(struct mon *m, const char *console, struct err **err);
/* Wait for `start` on m->listen: the accepted client (>= 0) once prestart and startContainer
 * hooks ran, or
 * -1 once the init died first (its exit recorded, the cgroup removed). */
int ctr_monitor_oci_wait(struct mon *m);
/* After the exec (e NULL): record "running" (no monitor: the init's pid is what lives), answer
 * the client "OK". With e: kill the init, record its exit, answer "ERR <msg>". */
void ctr_monitor_oci_started(struct mon *m, int client, const struct err *e);
