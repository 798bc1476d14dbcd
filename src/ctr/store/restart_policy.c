/* SPDX-License-Identifier: MIT */
/* Restart policies: the --restart text, and the monitor's rules (when, and after how long). */
#include "ctr/store/store.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 30000

static const char *const mode_names[CTR_RESTART_COUNT] = {
    [CTR_RESTART_NO] = "no",
    [CTR_RESTART_ON_FAILURE] = "on-failure",
    [CTR_RESTART_ALWAYS] = "always",
    [CTR_RESTART_UNLESS_STOPPED] = "unless-stopped",
};

int
ctr_restart_parse(const char *s, struct ctr_restart_policy *p, struct err **err)
{
    memset(p, 0, sizeof(*p));
    if (strcspn(s, "\x01\x02\x03\x04\x05\x06\x07\x08\t\n\v\f\r\x0e\x0f\x10\x11\x12\x13\x14"
                   "\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f") != strlen(s))
        return err_set(err, 0, "invalid restart policy (a control character)");
    const char *colon = strchr(s, ':');
    size_t n = colon ? (size_t)(colon - s) : strlen(s);
    for (int k = 0; k < CTR_RESTART_COUNT; k++) {
        if (strlen(mode_names[k]) != n || strncmp(s, mode_names[k], n) != 0)
            continue;
        p->mode = (enum ctr_restart_mode)k;
        if (!colon)
            return 0;
        if (p->mode != CTR_RESTART_ON_FAILURE)
            return err_set(err, 0, "invalid restart policy '%s' (only on-failure takes :N)", s);
        char *end;
        errno = 0;
        unsigned long v = strtoul(colon + 1, &end, 10);
        if (end == colon + 1 || *end || errno || v < 1 || v > 1000000 || colon[1] == '-')
            return err_set(err, 0,
                           "invalid restart policy '%s' (on-failure:N, N from 1 to 1000000)", s);
        p->max = (unsigned)v;
        return 0;
    }
    return err_set(err, 0,
                   "invalid restart policy '%s' (no, on-failure[:N], always or unless-stopped)", s);
}

void
ctr_restart_format(const struct ctr_restart_policy *p, char *buf, size_t len)
{
    const char *name = (unsigned)p->mode < CTR_RESTART_COUNT ? mode_names[p->mode] : "no";
    if (p->mode == CTR_RESTART_ON_FAILURE && p->max)
        ctr_fmt(buf, len, "%s:%u", name, p->max);
    else
        ctr_fmt(buf, len, "%s", name);
}

bool
ctr_restart_wanted(const struct ctr_restart_policy *p, int code, unsigned restarts)
{
    switch (p->mode) {
    case CTR_RESTART_ON_FAILURE:
        return code != 0 && (p->max == 0 || restarts < p->max);
    case CTR_RESTART_ALWAYS:
    case CTR_RESTART_UNLESS_STOPPED:
        return true;
    default:
        return false;
    }
}

unsigned
ctr_restart_backoff_ms(unsigned n)
{
    unsigned ms = BACKOFF_FIRST_MS;
    for (unsigned i = 0; i < n && ms < BACKOFF_MAX_MS; i++)
        ms *= 2;
    return ms < BACKOFF_MAX_MS ? ms : BACKOFF_MAX_MS;
}
