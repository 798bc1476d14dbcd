/* SPDX-License-Identifier: MIT */
/* Reading a container's log (log.1 then log), tail and follow; signal names. */
#include "ctr/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/xalloc.h"

/* Both files' content, old first (at most two caps of memory). */
static char *
log_read(const char *name, size_t *len)
{
    char p[PATH_MAX];
    char *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    uint64_t max = ctr_log_max() + 65536;
    ctr_path_def(p, name, "log.1");
    fileio_read_all(p, max, &a, &la, NULL);
    ctr_path_def(p, name, "log");
    fileio_read_all(p, max, &b, &lb, NULL);
    char *all = xmalloc(la + lb + 1);
    if (la)
        memcpy(all, a, la);
    if (lb)
        memcpy(all + la, b, lb);
    all[la + lb] = 0;
    free(a);
    free(b);
    *len = la + lb;
    return all;
}

static const char *
tail_start(const char *s, size_t len, long lines)
{
    if (lines < 0)
        return s;
    if (lines == 0)
        return s + len;
    const char *p = s + len;
    if (p > s && p[-1] == '\n')
        p--;
    long seen = 0;
    while (p > s) {
        if (p[-1] == '\n' && ++seen == lines)
            break;
        p--;
    }
    return p;
}

static bool
still_up(const char *name)
{
    struct ctr_state st;
    if (ctr_state_load(name, &st, NULL) < 0)
        return false;
    ctr_state_check_live(&st);
    return st.status == CTR_STATUS_RUNNING || st.status == CTR_STATUS_PAUSED;
}

/* Copy what follows in "log" (reopened when rotated) until the container stops. */
static int
log_follow(const char *name, int out, struct err **err)
{
    char p[PATH_MAX], buf[65536];
    ctr_path_def(p, name, "log");
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        lseek(fd, 0, SEEK_END);
    for (;;) {
        bool up = still_up(name);
        ssize_t n;
        while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) > 0) {
            if (fileio_write_full(out, buf, (size_t)n) < 0) {
                close(fd);
                return 0; /* reader gone (e.g. | head) */
            }
        }
        struct stat a, b;
        if (stat(p, &a) == 0 && (fd < 0 || (fstat(fd, &b) == 0 && a.st_ino != b.st_ino))) {
            if (fd >= 0)
                close(fd);
            fd = open(p, O_RDONLY | O_CLOEXEC);
            continue;
        }
        if (!up)
            break;
        nanosleep(&(struct timespec){0, 200 * 1000 * 1000}, NULL);
    }
    if (fd >= 0)
        close(fd);
    (void)err;
    return 0;
}

int
ctr_logs(const char *name, long tail, bool follow, int fd, struct err **err)
{
    if (ctr_name_check(name, err) < 0)
        return -1;
    if (!ctr_exists(name))
        return err_set(err, 0, "no such container '%s'", name);
    size_t len;
    cleanup_free char *all = log_read(name, &len);
    const char *s = tail_start(all, len, tail);
    if (fileio_write_full(fd, s, len - (size_t)(s - all)) < 0)
        return follow ? 0 : 0;
    return follow ? log_follow(name, fd, err) : 0;
}

static const struct {
    const char *name;
    int sig;
} sig_names[] = {
    {"HUP", SIGHUP},       {"INT", SIGINT},   {"QUIT", SIGQUIT},   {"ILL", SIGILL},
    {"TRAP", SIGTRAP},     {"ABRT", SIGABRT}, {"BUS", SIGBUS},     {"FPE", SIGFPE},
    {"KILL", SIGKILL},     {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE},     {"ALRM", SIGALRM}, {"TERM", SIGTERM},   {"CHLD", SIGCHLD},
    {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},
    {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},
    {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"PWR", SIGPWR},       {"SYS", SIGSYS},
};

int
ctr_signal_parse(const char *s, int *sig, struct err **err)
{
    const char *n = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
    char *end;
    long v = strtol(s, &end, 10);
    if (*s && !*end && v > 0 && v < NSIG) {
        *sig = (int)v;
        return 0;
    }
    for (size_t i = 0; i < ARRAY_SIZE(sig_names); i++) {
        if (strcasecmp(n, sig_names[i].name) == 0) {
            *sig = sig_names[i].sig;
            return 0;
        }
    }
    return err_set(err, 0, "unknown signal '%s' (use a name like TERM or KILL, or a number)", s);
}
