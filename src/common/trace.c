/* SPDX-License-Identifier: MIT */
#include "common/trace.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* -2: not looked up yet; -1: off. Inherited across fork. */
static int trace_fd = -2;

void
trace_mark(const char *label)
{
    if (trace_fd == -1)
        return;
    if (trace_fd == -2) {
        const char *p = getenv("BERTH_TRACE");
        trace_fd = p && *p ? open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600) : -1;
        if (trace_fd < 0) {
            trace_fd = -1;
            return;
        }
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) < 0)
        ru.ru_minflt = 0;
    char buf[160];
    int n = snprintf(buf, sizeof(buf), "%lld %d %ld %s\n",
                     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, (int)getpid(), ru.ru_minflt,
                     label);
    if (n > 0 && write(trace_fd, buf, (size_t)n) < 0) {
        /* a trace is best effort */
    }
}

void
trace_reset(bool reopen)
{
    if (trace_fd != -1)
        trace_fd = reopen ? -2 : -1;
}
