/* SPDX-License-Identifier: MIT */
/*
 * The OCI runtime operations (runtime-spec runtime.md) over berth's containers: create stops the
 * init at the sync point (monitor_oci.c), start releases it, state/kill/delete. The command line
 * is ui/oci/oci.c; this file decides what a state allows.
 */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/cgroup/cgroup.h"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_PAUSED, OCI_STOPPED };
static const char *const oci_names[] = {"creating", "created", "running", "paused", "stopped"};

static bool
alive(pid_t pid, uint64_t start)
{
    return pid > 0 && start && ctr_proc_starttime(pid) == start;
}

/* The OCI status of name from its state file. */
static int
oci_status(const char *name, struct ctr_state *st, enum oci_status *out, struct err **err)
{
    if (!ctr_exists(name))
        return err_set(err, 0, "container '%s' does not exist", name);
    if (ctr_state_load(name, st, err) < 0)
        return -1;
    ctr_state_check_live(st);
    switch (st->status) {
    case CTR_STATUS_CREATED:
        if (st->pid == 0)
            *out = OCI_CREATING;
        else
            *out = alive(st->monitor_pid, st->monitor_start) && alive(st->pid, st->pid_start)
                       ? OCI_CREATED
                       : OCI_STOPPED;
        return 0;
    case CTR_STATUS_RUNNING:
        *out = OCI_RUNNING;
        return 0;
    case CTR_STATUS_PAUSED:
        *out = OCI_PAUSED;
        return 0;
    default:
        *out = OCI_STOPPED;
        return 0;
    }
}

static int
hooks_now(const char *id, const char *kind, const char *status, pid_t pid, struct err **err)
{
    struct ctr_spec s;
    if (ctr_spec_load(id, &s, err) < 0)
        return -1;
    json_object *doc = ctr_oci_state_doc(id, status, pid, s.json);
    int rc = ctr_oci_hooks_run(s.json, kind, doc, err);
    json_object_put(doc);
    ctr_spec_done(&s);
    return rc;
}

int
ctr_oci_create(const char *id, const char *bundle, const char *console_socket, pid_t *pid,
               struct err **err)
{
    char dir[PATH_MAX];
    if (!realpath(bundle, dir))
        return err_set(err, errno, "bundle '%s'", bundle);
    struct ctr_create_opts o = {.bundle = dir, .oci = true};
    if (ctr_create(id, &o, err) < 0)
        return -1;
    if (ctr_start_oci(id, console_socket, pid, err) < 0) {
        ctr_remove(id, true, NULL); /* nothing left behind */
        return -1;
    }
    return 0;
}

int
ctr_oci_start(const char *id, struct err **err)
{
    struct ctr_state st;
    enum oci_status s;
    if (oci_status(id, &st, &s, err) < 0)
        return -1;
    if (s != OCI_CREATED)
        return err_set(err, 0, "container '%s' is %s, not created", id, oci_names[s]);
    cleanup_close int dfd = ctr_run_open(id, false, err);
    if (dfd < 0)
        return -1;
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    ctr_fmt(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/start.sock", dfd);
    cleanup_close int c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
        return err_set(err, errno, "container '%s': its monitor does not answer", id);
    char buf[1200];
    ssize_t n = recv(c, buf, sizeof(buf) - 1, 0);
    buf[n > 0 ? n : 0] = 0;
    if (n <= 0)
        return err_set(err, 0, "container '%s': its monitor died while starting it", id);
    if (strncmp(buf, "ERR ", 4) == 0)
        return err_set(err, 0, "start container '%s': %s", id, buf + 4);
    /* poststart failures are reported, the container runs on (runtime-spec). */
    return hooks_now(id, "poststart", "running", st.pid, err);
}

int
ctr_oci_state(const char *id, char **json, struct err **err)
{
    struct ctr_state st;
    enum oci_status s;
    if (oci_status(id, &st, &s, err) < 0)
        return -1;
    struct ctr_spec spec;
    if (ctr_spec_load(id, &spec, err) < 0)
        return -1;
    json_object *doc =
        ctr_oci_state_doc(id, oci_names[s], s == OCI_STOPPED ? 0 : st.pid, spec.json);
    json_object *cr =
        json_object_object_get(jsonx_get_obj(spec.json, "annotations"), "org.berth.created");
    if (cr) {
        time_t t = (time_t)strtoll(json_object_get_string(cr), NULL, 10);
        struct tm tm;
        char when[64];
        strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
        json_object_object_add(doc, "created", json_object_new_string(when));
    }
    *json = xstrdup(json_object_to_json_string_ext(
        doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(doc);
    ctr_spec_done(&spec);
    return 0;
}

int
ctr_oci_kill(const char *id, int sig, bool all, struct err **err)
{
    struct ctr_state st;
    enum oci_status s;
    if (oci_status(id, &st, &s, err) < 0)
        return -1;
    if (s != OCI_CREATED && s != OCI_RUNNING && s != OCI_PAUSED)
        return err_set(err, 0, "container '%s' is %s: nothing to signal", id, oci_names[s]);
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st.cgroup_mgr);
    if (all && cg && st.cgroup[0]) {
        cg->kill_all(st.cgroup, sig);
        return 0;
    }
    int fd = (int)syscall(SYS_pidfd_open, st.pid, 0);
    if (fd < 0 || ctr_proc_starttime(st.pid) != st.pid_start) {
        if (fd >= 0)
            close(fd);
        return err_set(err, 0, "container '%s' is not running", id);
    }
    int rc = (int)syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
    int e = errno;
    close(fd);
    if (rc < 0)
        return err_set(err, e, "signal container '%s'", id);
    return 0;
}

/* Kill whatever still runs and wait (at most 10 s) until the init is gone. */
static int
kill_wait(const char *id, struct ctr_state *st, struct err **err)
{
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st->cgroup_mgr);
    if (cg && st->status == CTR_STATUS_PAUSED)
        cg->freeze(st->cgroup, false, NULL);
    for (int i = 0; i < 1000; i++) {
        bool up = alive(st->pid, st->pid_start) || alive(st->monitor_pid, st->monitor_start);
        if (!up)
            return 0;
        if (alive(st->pid, st->pid_start))
            kill(st->pid, SIGKILL);
        if (cg && st->cgroup[0])
            cg->kill_all(st->cgroup, SIGKILL);
        usleep(10000);
    }
    return err_set(err, 0, "container '%s' did not stop after SIGKILL", id);
}

int
ctr_oci_delete(const char *id, bool force, struct err **err)
{
    struct ctr_state st;
    enum oci_status s;
    if (force && !ctr_exists(id))
        return 0; /* as runc: nothing to delete is no error with --force */
    if (oci_status(id, &st, &s, err) < 0)
        return -1;
    if (s != OCI_STOPPED && !force)
        return err_set(err, 0, "container '%s' is %s: stop it first or use --force", id,
                       oci_names[s]);
    if (s != OCI_STOPPED && kill_wait(id, &st, err) < 0)
        return -1;
    const struct cgroup_ops *cg = ctr_cgroup_by_name(st.cgroup_mgr);
    if (cg && st.cgroup[0]) {
        cg->destroy(st.cgroup, NULL);
        ctr_cgroup_oci_destroy(st.cgroup);
    }
    cleanup_err struct err *hook_err = NULL;
    hooks_now(id, "poststop", "stopped", 0, &hook_err); /* warned of, never fatal */
    if (ctr_remove_files(id, err) < 0)
        return -1;
    if (hook_err) {
        *err = steal_pointer(&hook_err);
        return 1;
    }
    return 0;
}

int
ctr_oci_pids(const char *id, pid_t **out, size_t *n, struct err **err)
{
    if (!ctr_exists(id))
        return err_set(err, 0, "container '%s' does not exist", id);
    pid_t *v = xcalloc(4096, sizeof(*v));
    bool exists;
    *n = ctr_cg_orphan_procs(id, v, 4096, &exists);
    *out = v;
    return 0;
}
