/* SPDX-License-Identifier: MIT */
/*
 * Work off the UI thread: provider actions on a worker thread (their results come back as
 * status-line messages), and children running berth's own CLI for the forms (their stderr's
 * last line becomes the status message). Neither ever blocks the screen.
 */
#include "ui/tui/tui.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/ctr.h"

static void
work_result_of(struct tui_working *w, const struct tui_job *j, bool error, const char *msg)
{
    pthread_mutex_lock(&w->mu);
    size_t i = w->nres < TUI_MAX_JOBS ? w->nres++ : TUI_MAX_JOBS - 1;
    snprintf(w->results[i], TUI_MSG_MAX, "%s", msg);
    w->result_err[i] = error;
    snprintf(w->result_id[i], sizeof(w->result_id[i]), "%s", j ? j->id : "");
    w->result_act[i] = j ? j->action : INST_ACTION_START;
    pthread_mutex_unlock(&w->mu);
    eventfd_write(w->wake_fd, 1);
}

static void
work_result(struct tui_working *w, bool error, const char *msg)
{
    work_result_of(w, NULL, error, msg);
}

/* A container the form just started: a start that "worked" may still have exited at once
 * (a command that fails, a shell without input). Watch it for a second and say what it does:
 * still running, or exited with its status (the last line of its log, when there is one). */
static void
work_check_ctr(struct tui_working *w, const struct tui_job *j)
{
    char msg[TUI_MSG_MAX];
    struct ctr_info info;
    cleanup_err struct err *e = NULL;
    for (int i = 0; i < 10; i++) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
        memset(&info, 0, sizeof(info));
        if (ctr_info_get(j->id, &info, &e) < 0) {
            snprintf(msg, sizeof(msg), "start %s: started, but its state is unknown: %s", j->label,
                     err_msg(e));
            work_result_of(w, j, true, msg);
            return;
        }
        if (info.status == CTR_STATUS_STOPPED || info.status == CTR_STATUS_STALE)
            break;
    }
    if (info.status != CTR_STATUS_STOPPED && info.status != CTR_STATUS_STALE) {
        snprintf(msg, sizeof(msg), "start %s: %s", j->label, ctr_status_name(info.status));
        work_result_of(w, j, false, msg);
        return;
    }
    char last[200] = "";
    cleanup_close int fd = memfd_create("berth-log-last", MFD_CLOEXEC);
    cleanup_err struct err *le = NULL;
    if (fd >= 0 && ctr_logs(j->id, 1, false, fd, &le) == 0) {
        ssize_t n = pread(fd, last, sizeof(last) - 1, 0);
        last[n > 0 ? n : 0] = '\0';
        last[strcspn(last, "\r\n")] = '\0';
    }
    char code[32] = "";
    if (info.exit_code >= 0)
        snprintf(code, sizeof(code), " with status %d", info.exit_code);
    snprintf(msg, sizeof(msg), "start %s: it %s at once%s%s%.200s", j->label,
             info.oom_killed ? "was OOM-killed" : "exited", code, last[0] ? "; its log: " : "",
             last);
    work_result_of(w, j, info.exit_code != 0 || info.oom_killed, msg);
}

static void
work_run(struct tui_working *w, const struct tui_job *j)
{
    cleanup_err struct err *e = NULL;
    char msg[TUI_MSG_MAX];
    int rc;
    if (j->demo) {
        rc = ctr_demo_ensure(&e);
        if (rc < 0) {
            snprintf(msg, sizeof(msg), "demo container: %s", err_msg(e));
            work_result(w, true, msg);
        }
        return;
    }
    rc = j->prov->ops->act(j->prov->self, j->id, j->action, &e);
    if (rc == 0 && j->check_ctr) {
        work_check_ctr(w, j);
        return;
    }
    if (rc < 0)
        snprintf(msg, sizeof(msg), "%s %s failed: %s", inst_action_name(j->action), j->label,
                 err_msg(e));
    else
        snprintf(msg, sizeof(msg), "%s %s: done", inst_action_name(j->action), j->label);
    work_result_of(w, j, rc < 0, msg);
}

static void *
work_main(void *arg)
{
    struct tui_working *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (w->n == 0 && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        if (w->stop)
            break;
        struct tui_job job = w->jobs[w->head];
        w->head = (w->head + 1) % TUI_MAX_JOBS;
        w->n--;
        w->busy = true;
        pthread_mutex_unlock(&w->mu);
        work_run(w, &job);
        pthread_mutex_lock(&w->mu);
        w->busy = false;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int
tui_working_start(struct tui *t, struct err **err)
{
    struct tui_working *w = &t->wrk;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    w->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (w->wake_fd < 0)
        return err_set(err, errno, "eventfd");
    int rc = pthread_create(&w->thread, NULL, work_main, w);
    if (rc != 0)
        return err_set(err, rc, "cannot start the action thread");
    w->started = true;
    return 0;
}

bool
tui_working_queue(struct tui *t, const struct tui_job *job)
{
    struct tui_working *w = &t->wrk;
    pthread_mutex_lock(&w->mu);
    bool ok = w->n < TUI_MAX_JOBS;
    if (ok) {
        w->jobs[(w->head + w->n) % TUI_MAX_JOBS] = *job;
        w->n++;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return ok;
}

/* The state an instance is in while action a runs on it, or its own state. */
static enum inst_state
pending_state(enum inst_action a, enum inst_state s)
{
    bool up = s == INST_STATE_RUNNING || s == INST_STATE_PAUSED;
    switch (a) {
    case INST_ACTION_SHUTDOWN:
    case INST_ACTION_KILL:
        return up ? INST_STATE_STOPPING : s;
    case INST_ACTION_START:
        return up ? s : INST_STATE_STARTING;
    default:
        return s;
    }
}

void
tui_pending_apply(struct tui *t)
{
    for (size_t k = 0; k < TUI_MAX_JOBS; k++) {
        struct tui_pending *p = &t->pending[k];
        if (!p->used)
            continue;
        if (p->finished && t->sample_fresh) { /* the sample shows the outcome */
            p->used = false;
            continue;
        }
        for (size_t i = 0; i < t->cur.list.n; i++) {
            struct inst *in = &t->cur.list.v[i];
            if (strcmp(in->id, p->id) == 0)
                in->state = pending_state(p->action, in->state);
        }
    }
}

void
tui_working_queue_shown(struct tui *t, const struct tui_job *job)
{
    if (!tui_working_queue(t, job)) {
        tui_status(t, true, "too many actions under way; wait for one to finish");
        return;
    }
    tui_status(t, false, "%s %s…", inst_action_name(job->action), job->label);
    t->status_until_ns = 0; /* until the result replaces it */
    for (size_t k = 0; k < TUI_MAX_JOBS; k++) {
        struct tui_pending *p = &t->pending[k];
        if (p->used)
            continue;
        p->used = true;
        p->finished = false;
        p->action = job->action;
        snprintf(p->id, sizeof(p->id), "%s", job->id);
        break;
    }
    bool fresh = t->sample_fresh;
    t->sample_fresh = false;
    tui_pending_apply(t);
    t->sample_fresh = fresh;
}

unsigned
tui_working_collect(struct tui *t)
{
    struct tui_working *w = &t->wrk;
    uint64_t v;
    (void)!read(w->wake_fd, &v, sizeof(v));
    pthread_mutex_lock(&w->mu);
    size_t n = w->nres;
    for (size_t i = 0; i < n; i++) {
        tui_status(t, w->result_err[i], "%s", w->results[i]);
        for (size_t k = 0; k < TUI_MAX_JOBS; k++) {
            struct tui_pending *p = &t->pending[k];
            if (p->used && !p->finished && p->action == w->result_act[i] &&
                strcmp(p->id, w->result_id[i]) == 0) {
                p->finished = true;
                break;
            }
        }
    }
    w->nres = 0;
    pthread_mutex_unlock(&w->mu);
    if (n)
        tui_sampling_request(t);
    return n ? REDRAW_STATUS : 0;
}

/* Stop the worker; an action still under way is left to finish with the process. */
void
tui_working_stop(struct tui *t)
{
    struct tui_working *w = &t->wrk;
    if (!w->started)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = true;
    bool busy = w->busy;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    if (!busy) {
        pthread_join(w->thread, NULL);
        w->started = false;
    }
}

static int
child_spawn_attrs(posix_spawnattr_t *attr, posix_spawn_file_actions_t *fa, int wfd)
{
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    int sigs[] = {SIGWINCH, SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGPIPE};
    for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
        sigaddset(&dfl, sigs[i]);
    posix_spawnattr_init(attr);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &dfl);
    posix_spawnattr_setflags(attr,
                             POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);
    posix_spawn_file_actions_init(fa);
    posix_spawn_file_actions_addopen(fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(fa, wfd, 2);
    return 0;
}

int
tui_child_spawn(struct tui *t, char *const argv[], const char *what, const char *ctr_name,
                struct err **err)
{
    struct tui_child *c = NULL;
    for (size_t i = 0; i < TUI_MAX_CHILDREN && !c; i++)
        c = t->children[i].pid == 0 ? &t->children[i] : NULL;
    if (!c)
        return err_set(err, 0, "too many commands under way; wait for one to finish");
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return err_set(err, errno, "pipe");
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    child_spawn_attrs(&attr, &fa, p[1]);
    pid_t pid;
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        return err_set(err, rc, "cannot run berth");
    }
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    memset(c, 0, sizeof(*c));
    c->pid = pid;
    c->err_fd = p[0];
    snprintf(c->what, sizeof(c->what), "%s", what);
    c->post_start = ctr_name != NULL;
    snprintf(c->ctr_name, sizeof(c->ctr_name), "%s", ctr_name ? ctr_name : "");
    return 0;
}

unsigned
tui_child_read(struct tui *t, int fd)
{
    for (size_t i = 0; i < TUI_MAX_CHILDREN; i++) {
        struct tui_child *c = &t->children[i];
        if (c->pid == 0 || c->err_fd != fd)
            continue;
        char buf[512];
        ssize_t n;
        while ((n = read(fd, buf, sizeof(buf))) > 0) {
            size_t room = sizeof(c->out) - 1 - c->len;
            if ((size_t)n > room) { /* keep the tail */
                size_t drop = (size_t)n - room < c->len ? (size_t)n - room : c->len;
                memmove(c->out, c->out + drop, c->len - drop);
                c->len -= drop;
                room += drop;
            }
            memcpy(c->out + c->len, buf, (size_t)n < room ? (size_t)n : room);
            c->len += (size_t)n < room ? (size_t)n : room;
            c->out[c->len] = '\0';
        }
        if (n == 0) {
            close(fd);
            c->err_fd = -1;
        }
    }
    return 0;
}

/* The message to show from a child's stderr: its last line starting "berth: " (the CLI's own
 * error), else its last non-empty line, trimmed, written into out. */
static void
last_line(const char *s, char *out, size_t len)
{
    const char *best = NULL, *best_end = NULL, *last = NULL, *last_end = NULL;
    for (const char *p = s; *p;) {
        const char *end = strchr(p, '\n');
        end = end ? end : p + strlen(p);
        const char *e = end;
        while (e > p && (e[-1] == '\r' || e[-1] == ' '))
            e--;
        if (e > p) {
            last = p, last_end = e;
            if (strncmp(p, "berth: ", 7) == 0)
                best = p, best_end = e;
        }
        p = *end ? end + 1 : end;
    }
    if (!best)
        best = last, best_end = last_end;
    snprintf(out, len, "%.*s", best ? (int)(best_end - best) : 0, best ? best : "");
}

static void
child_finish(struct tui *t, struct tui_child *c, int status)
{
    char line[TUI_MSG_MAX];
    if (c->err_fd >= 0) {
        tui_child_read(t, c->err_fd);
        if (c->err_fd >= 0)
            close(c->err_fd);
    }
    last_line(c->out, line, sizeof(line));
    bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (ok)
        tui_status(t, false, "%s: done%s%s", c->what, *line ? ": " : "", line);
    else
        tui_status(t, true, "%s failed: %s", c->what,
                   *line ? line : "the command exited with an error");
    if (ok && c->post_start) {
        char local[] = "local";
        struct inst probe = {.kind = INST_KIND_CONTAINER, .source = local};
        struct tui_job job = {.action = INST_ACTION_START, .check_ctr = true};
        job.prov = app_provider_for(&t->app, &probe);
        snprintf(job.id, sizeof(job.id), "%s", c->ctr_name);
        snprintf(job.label, sizeof(job.label), "container '%s'", c->ctr_name);
        if (job.prov)
            tui_working_queue(t, &job);
    }
    c->pid = 0;
    c->err_fd = -1;
}

unsigned
tui_child_reap(struct tui *t)
{
    unsigned mask = 0;
    for (size_t i = 0; i < TUI_MAX_CHILDREN; i++) {
        struct tui_child *c = &t->children[i];
        int status;
        if (c->pid == 0 || waitpid(c->pid, &status, WNOHANG) != c->pid)
            continue;
        child_finish(t, c, status);
        mask |= REDRAW_STATUS;
        tui_sampling_request(t);
    }
    return mask;
}

void
tui_children_kill(struct tui *t)
{
    for (size_t i = 0; i < TUI_MAX_CHILDREN; i++) {
        struct tui_child *c = &t->children[i];
        if (c->pid == 0)
            continue;
        if (c->err_fd >= 0)
            close(c->err_fd);
        c->pid = 0; /* the child finishes on its own: creating a definition is not undone */
    }
}
