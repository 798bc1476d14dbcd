/* SPDX-License-Identifier: MIT */
/* Unit tests: logging goes to stderr normally, never while the TUI owns the terminal. */
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "common/log.h"

struct fx {
    char dir[64];
    char logpath[128];
    char errpath[128];
    int saved_stderr;
};

/* fd 2 goes to a file for the duration of each test, so what reaches it can be checked. */
static int
fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/berth-test-log-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->logpath, sizeof(f->logpath), "%s/berth.log", f->dir);
    snprintf(f->errpath, sizeof(f->errpath), "%s/stderr", f->dir);
    int fd = open(f->errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    f->saved_stderr = dup(2);
    if (fd < 0 || f->saved_stderr < 0 || dup2(fd, 2) < 0)
        return -1;
    close(fd);
    log_set_level(LOG_LEVEL_INFO);
    log_set_quiet_tty(false);
    log_set_file(NULL);
    log_take_latest(NULL, 0, NULL); /* drop what earlier tests left */
    *state = f;
    return 0;
}

static int
fx_teardown(void **state)
{
    struct fx *f = *state;
    dup2(f->saved_stderr, 2);
    close(f->saved_stderr);
    log_set_file(NULL);
    log_set_quiet_tty(false);
    unlink(f->logpath);
    unlink(f->errpath);
    rmdir(f->dir);
    free(f);
    return 0;
}

static char *
slurp(const char *path)
{
    char *s = NULL;
    struct err *e = NULL;
    if (fileio_read_all(path, 1 << 24, &s, NULL, &e) < 0)
        fail_msg("%s", err_msg(e));
    return s;
}

static void
default_goes_to_stderr(void **state)
{
    struct fx *f = *state;
    log_warn("disk %s is %d%% full", "sda", 91);
    char *s = slurp(f->errpath);
    assert_string_equal(s, "berth: warning: disk sda is 91% full\n");
    free(s);
}

static void
level_filter_drops_lower_levels(void **state)
{
    struct fx *f = *state;
    log_set_level(LOG_LEVEL_WARN);
    log_info("not shown");
    log_debug("not shown either");
    char buf[64];
    assert_false(log_take_latest(buf, sizeof(buf), NULL));
    log_error("shown");
    char *s = slurp(f->errpath);
    assert_string_equal(s, "berth: error: shown\n");
    free(s);
}

static void
quiet_mode_writes_nothing_to_stderr_only_the_file(void **state)
{
    struct fx *f = *state;
    assert_int_equal(log_set_file(f->logpath), 0);
    log_set_quiet_tty(true);
    log_error("connection to %s lost", "qemu:///system");
    log_info("second");
    char *s = slurp(f->errpath);
    assert_string_equal(s, ""); /* the terminal stayed untouched */
    free(s);
    s = slurp(f->logpath);
    assert_non_null(strstr(s, "error: connection to qemu:///system lost\n"));
    assert_non_null(strstr(s, "info: second\n"));
    assert_int_equal(s[4], '-'); /* lines start with a timestamp: 2026-... */
    free(s);
    log_set_quiet_tty(false);
    log_info("loud again");
    s = slurp(f->errpath);
    assert_string_equal(s, "berth: info: loud again\n");
    free(s);
}

static void
quiet_mode_without_file_still_silent(void **state)
{
    struct fx *f = *state;
    log_set_quiet_tty(true);
    log_error("nowhere to go but the status line");
    char *s = slurp(f->errpath);
    assert_string_equal(s, "");
    free(s);
    char buf[128];
    enum log_level lvl = LOG_LEVEL_DEBUG;
    assert_true(log_take_latest(buf, sizeof(buf), &lvl));
    assert_string_equal(buf, "nowhere to go but the status line");
    assert_int_equal(lvl, LOG_LEVEL_ERROR);
}

static void
latest_message_is_taken_once_and_truncated_to_buffer(void **state)
{
    (void)state;
    log_set_quiet_tty(true);
    char buf[8];
    enum log_level lvl = LOG_LEVEL_COUNT;
    assert_false(log_take_latest(buf, sizeof(buf), &lvl));
    log_info("first");
    log_warn("newest message wins");
    assert_true(log_take_latest(buf, sizeof(buf), &lvl));
    assert_string_equal(buf, "newest ");
    assert_int_equal(lvl, LOG_LEVEL_WARN);
    assert_false(log_take_latest(buf, sizeof(buf), &lvl)); /* taken: gone */
    log_info("again");
    assert_true(log_take_latest(buf, sizeof(buf), NULL));
    assert_string_equal(buf, "again");
}

static void
set_file_failure_reports_errno(void **state)
{
    (void)state;
    assert_int_equal(log_set_file("/nonexistent-dir-berth/x.log"), -1);
}

#define THREADS 4
#define PER_THREAD 500

static void *
log_worker(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int i = 0; i < PER_THREAD; i++)
        log_info("thread %d message %d padding-padding-padding-padding", t, i);
    return NULL;
}

static void
concurrent_logging_keeps_lines_whole(void **state)
{
    struct fx *f = *state;
    assert_int_equal(log_set_file(f->logpath), 0);
    log_set_quiet_tty(true);
    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        assert_int_equal(pthread_create(&th[t], NULL, log_worker, (void *)(intptr_t)t), 0);
    for (int t = 0; t < THREADS; t++)
        pthread_join(th[t], NULL);
    char *s = slurp(f->logpath);
    int lines = 0;
    for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
        int t, i;
        const char *m = strstr(line, "info: thread ");
        assert_non_null(m);
        assert_int_equal(sscanf(m, "info: thread %d message %d", &t, &i), 2);
        assert_non_null(strstr(m, "padding-padding-padding-padding"));
        assert_null(strstr(m + 1, "info:")); /* no two messages on one line */
        lines++;
    }
    assert_int_equal(lines, THREADS * PER_THREAD);
    free(s);
}

/* $BERTH_LOG is read once per process: check it in a fresh one (this binary, re-executed). */
static void
berth_log_env_is_used_in_quiet_mode(void **state)
{
    struct fx *f = *state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        setenv("BERTH_LOG", f->logpath, 1);
        execl("/proc/self/exe", "test_log", "--env-child", (char *)NULL);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    char *s = slurp(f->logpath);
    assert_non_null(strstr(s, "warning: from the env log\n"));
    free(s);
    s = slurp(f->errpath);
    assert_string_equal(s, "");
    free(s);
}

int
main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "--env-child")) {
        log_set_quiet_tty(true);
        log_warn("from the env log");
        return 0;
    }
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
        T(default_goes_to_stderr),
        T(level_filter_drops_lower_levels),
        T(quiet_mode_writes_nothing_to_stderr_only_the_file),
        T(quiet_mode_without_file_still_silent),
        T(latest_message_is_taken_once_and_truncated_to_buffer),
        T(set_file_failure_reports_errno),
        T(concurrent_logging_keeps_lines_whole),
        T(berth_log_env_is_used_in_quiet_mode),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
