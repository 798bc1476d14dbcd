/* SPDX-License-Identifier: MIT */
/* The provider interface: a backend (libvirt, berth containers) turned into rows of the model. */
#pragma once

#include <stddef.h>

#include "common/err.h"
#include "common/model.h"

enum inst_action {
    INST_ACTION_START,
    INST_ACTION_SHUTDOWN, /* graceful: ACPI power button / SIGTERM then SIGKILL */
    INST_ACTION_KILL,     /* force off / SIGKILL */
    INST_ACTION_PAUSE,
    INST_ACTION_RESUME,
    INST_ACTION_REBOOT, /* VM reboot / container restart */
    INST_ACTION_REMOVE, /* undefine (storage kept) / rm */
    INST_ACTION_COUNT,
};

const char *inst_action_name(enum inst_action a); /* "start", "shutdown", ... */

enum conn_state {
    CONN_STATE_CONNECTED,
    CONN_STATE_CONNECTING,   /* first attempt under way */
    CONN_STATE_RECONNECTING, /* lost; retrying with back-off */
    CONN_STATE_FAILED,       /* gave up or cannot be used; see reason */
    CONN_STATE_UNAVAILABLE,  /* libvirt itself cannot be loaded on this host; see reason */
    CONN_STATE_COUNT,
};

const char *conn_state_name(enum conn_state s); /* "connected", ... */

/* One backend connection as the front ends show it (header, `vm ls`, batch output). */
struct conn_info {
    char uri[256];
    enum conn_state state;
    char reason[256]; /* last error, "" when none */
};

struct provider_ops {
    const char *name; /* "libvirt", "containers" */
    /*
     * Append every instance with raw counters (no rates) to out, one pass. Must return within
     * a bounded time even when the backend hangs: a hung or lost connection is reported
     * through conns(), its instances left out (never shown as live with stale figures).
     * Thread: called from one sampling thread at a time, never concurrently with itself.
     */
    int (*sample)(void *self, struct inst_list *out, struct err **err);
    /*
     * Optional (NULL: sample() does all the work). Begin a sample in the background and return
     * at once; the next sample() collects it, waiting no longer than the provider's time-out
     * counted from here. Front ends start every provider before collecting any, so that
     * providers waiting on hung backends wait side by side, not one after another. Same thread
     * rule as sample().
     */
    void (*sample_start)(void *self);
    /* Carry out an action on the instance with this id (as given by sample). May block for
     * as long as the action takes; front ends call it off their UI thread. */
    int (*act)(void *self, const char *id, enum inst_action a, struct err **err);
    /* Connect fds 0 and 1 to the instance (VM serial console, shell in a container) until the
     * user detaches; the caller has released the terminal (endwin) and set raw mode beforehand
     * (ui/rawterm.h): providers do not change terminal modes. */
    int (*attach)(void *self, const char *id, struct err **err);
    /* Fill up to max entries describing this provider's connections; returns the count. May
     * be NULL (no connections to speak of). Must not block. */
    size_t (*conns)(void *self, struct conn_info *out, size_t max);
    void (*close)(void *self);
};

struct provider {
    const struct provider_ops *ops;
    void *self;
};
