/* SPDX-License-Identifier: MIT */
/* Names for the provider interface's enums. */
#include "common/provider.h"

static const char *const action_names[INST_ACTION_COUNT] = {
    [INST_ACTION_START] = "start",   [INST_ACTION_SHUTDOWN] = "shutdown",
    [INST_ACTION_KILL] = "kill",     [INST_ACTION_PAUSE] = "pause",
    [INST_ACTION_RESUME] = "resume", [INST_ACTION_REBOOT] = "reboot",
    [INST_ACTION_REMOVE] = "remove",
};

static const char *const conn_names[CONN_STATE_COUNT] = {
    [CONN_STATE_CONNECTED] = "connected", /* one per line */
    [CONN_STATE_CONNECTING] = "connecting",
    [CONN_STATE_RECONNECTING] = "reconnecting",
    [CONN_STATE_FAILED] = "failed",
    [CONN_STATE_UNAVAILABLE] = "unavailable", /* a host without libvirt */
};

const char *
inst_action_name(enum inst_action a)
{
    return (unsigned)a < INST_ACTION_COUNT ? action_names[a] : "unknown";
}

const char *
conn_state_name(enum conn_state s)
{
    return (unsigned)s < CONN_STATE_COUNT ? conn_names[s] : "unknown";
}
