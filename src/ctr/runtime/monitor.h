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
    struct net_ctr net; /* its network (annotations; the address once attached) */
};

void ctr_monitor_listen(struct mon *m);
void ctr_monitor_loop(struct mon *m);
/* Record the exit and remove the cgroup; returns the exit status (128+N for signal N). An
 * autoremove container's directories are renamed away instead of recorded: *removed names them
 * for ctr_remove_purge (empty names: nothing to purge). */
int ctr_monitor_finish(struct mon *m, struct ctr_removed *removed);
