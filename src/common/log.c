/* SPDX-License-Identifier: MIT */
/* Logging: stderr by default; while the TUI owns the terminal, a log file and a latest slot. */
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/fileio.h"

#define LOG_MSG_MAX 1024

static const char *const level_names[LOG_LEVEL_COUNT] = {
    [LOG_LEVEL_DEBUG] = "debug",
    [LOG_LEVEL_INFO] = "info",
    [LOG_LEVEL_WARN] = "warning",
    [LOG_LEVEL_ERROR] = "error",
};

static struct {
    pthread_mutex_t lock;
    enum log_level min;
    bool quiet;
    bool env_checked; /* $BERTH_LOG looked at */
    int fd;           /* log file, -1 when none */
    char latest[LOG_MSG_MAX];
    enum log_level latest_lvl;
    bool latest_new;
} g_log = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .min = LOG_LEVEL_INFO,
    .fd = -1,
};

static int
open_log(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
}

/* Caller holds the lock. */
static void
check_env_locked(void)
{
    if (g_log.env_checked)
        return;
    g_log.env_checked = true;
    const char *p = getenv("BERTH_LOG");
    if (g_log.fd < 0 && p && *p)
        g_log.fd = open_log(p);
}

void
log_set_level(enum log_level min)
{
    pthread_mutex_lock(&g_log.lock);
    g_log.min = min;
    pthread_mutex_unlock(&g_log.lock);
}

int
log_set_file(const char *path)
{
    int fd = -1;
    if (path && *path) {
        fd = open_log(path);
        if (fd < 0)
            return -1;
    }
    pthread_mutex_lock(&g_log.lock);
    if (g_log.fd >= 0)
        close(g_log.fd);
    g_log.fd = fd;
    g_log.env_checked = true;
    pthread_mutex_unlock(&g_log.lock);
    return 0;
}

void
log_set_quiet_tty(bool quiet)
{
    pthread_mutex_lock(&g_log.lock);
    g_log.quiet = quiet;
    check_env_locked();
    pthread_mutex_unlock(&g_log.lock);
}

/* Caller holds the lock. One line with a UTC timestamp into the log file. */
static void
write_file_locked(enum log_level lvl, const char *msg)
{
    char line[LOG_MSG_MAX + 64], stamp[32];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", &tm);
    int n = snprintf(line, sizeof(line), "%s.%03ldZ [%d] %s: %s\n", stamp, ts.tv_nsec / 1000000,
                     (int)getpid(), level_names[lvl], msg);
    if (n > 0)
        fileio_write_full(g_log.fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

void
log_msg(enum log_level lvl, const char *fmt, ...)
{
    if ((unsigned)lvl >= LOG_LEVEL_COUNT)
        lvl = LOG_LEVEL_ERROR;
    char msg[LOG_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    int saved = errno;
    pthread_mutex_lock(&g_log.lock);
    if (lvl < g_log.min)
        goto out;
    check_env_locked();
    if (g_log.fd >= 0)
        write_file_locked(lvl, msg);
    if (!g_log.quiet) {
        char line[LOG_MSG_MAX + 32];
        int n = snprintf(line, sizeof(line), "berth: %s: %s\n", level_names[lvl], msg);
        if (n > 0)
            fileio_write_full(STDERR_FILENO, line,
                              (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
    }
    memcpy(g_log.latest, msg, sizeof(msg));
    g_log.latest_lvl = lvl;
    g_log.latest_new = true;
out:
    pthread_mutex_unlock(&g_log.lock);
    errno = saved;
}

bool
log_take_latest(char *buf, size_t len, enum log_level *lvl)
{
    bool got = false;
    pthread_mutex_lock(&g_log.lock);
    if (g_log.latest_new) {
        if (buf && len) {
            snprintf(buf, len, "%s", g_log.latest);
        }
        if (lvl)
            *lvl = g_log.latest_lvl;
        g_log.latest_new = false;
        got = true;
    }
    pthread_mutex_unlock(&g_log.lock);
    return got;
}
