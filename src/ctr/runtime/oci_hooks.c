/* SPDX-License-Identifier: MIT */
/* OCI hooks (config.json hooks.*: path, args, env, timeout; the state on stdin) and the
 * runtime-spec state document they and `berth oci state` share. */
#include "ctr/runtime/runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"

json_object *
ctr_oci_state_doc(const char *id, const char *status, pid_t pid, json_object *config)
{
    json_object *o = json_object_new_object();
    json_object *ann = json_object_new_object();
    const char *bundle = "";
    json_object *given = jsonx_get_obj(config, "annotations");
    if (!given)
        given = ann; /* empty: nothing to copy */
    json_object_object_foreach(given, k, v)
    {
        if (strcmp(k, "org.berth.bundle") == 0)
            bundle = json_object_get_string(v);
        else if (strncmp(k, "org.berth.", 10) != 0)
            json_object_object_add(ann, k, json_object_get(v));
    }
    json_object_object_add(o, "ociVersion", json_object_new_string("1.0.2"));
    json_object_object_add(o, "id", json_object_new_string(id));
    json_object_object_add(o, "status", json_object_new_string(status));
    if (pid > 0)
        json_object_object_add(o, "pid", json_object_new_int(pid));
    json_object_object_add(o, "bundle", json_object_new_string(bundle));
    json_object_object_add(o, "annotations", ann);
    return o;
}

/* NULL-terminated copy of a string array (NULL when absent). */
static char **
strv_dup(json_object *a)
{
    if (!json_object_is_type(a, json_type_array))
        return NULL;
    size_t n = json_object_array_length(a);
    char **v = xcalloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++)
        v[i] = xstrdup(json_object_get_string(json_object_array_get_idx(a, i)));
    return v;
}

static void
strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Wait for pid, at most timeout_s seconds (0: no limit); killed then. */
static int
hook_wait(pid_t pid, int timeout_s, int *status)
{
    cleanup_close int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    struct pollfd p = {pfd, POLLIN, 0};
    if (pfd >= 0 && timeout_s > 0 && poll(&p, 1, timeout_s * 1000) == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, status, 0);
        return -1;
    }
    while (waitpid(pid, status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}

static int
hook_run(json_object *h, const char *kind, size_t i, const char *state, struct err **err)
{
    const char *path;
    if (!jsonx_get_str(h, "path", &path) || path[0] != '/')
        return err_set(err, 0, "hooks.%s[%zu].path must be an absolute path", kind, i);
    int64_t timeout = 0;
    jsonx_get_int64(h, "timeout", &timeout);
    char **argv = strv_dup(jsonx_get_array(h, "args"));
    char **env = strv_dup(jsonx_get_array(h, "env"));
    char *const def_argv[] = {(char *)(uintptr_t)path, NULL};
    char *const no_env[] = {NULL};
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        strv_free(argv);
        strv_free(env);
        return err_set(err, errno, "pipe");
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], 0);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1); /* a hook's chatter is not the runtime's output (podman parses it) */
        execve(path, argv && argv[0] ? argv : def_argv, env ? env : no_env);
        _exit(127);
    }
    close(in[0]);
    strv_free(argv);
    strv_free(env);
    if (pid < 0) {
        close(in[1]);
        return err_set(err, errno, "fork");
    }
    signal(SIGPIPE, SIG_IGN);
    fileio_write_full(in[1], state, strlen(state));
    close(in[1]);
    int status = 0;
    if (hook_wait(pid, (int)timeout, &status) < 0)
        return err_set(err, 0, "hook %s[%zu] '%s' timed out after %lld s", kind, i, path,
                       (long long)timeout);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (WIFEXITED(status))
        return err_set(err, 0, "hook %s[%zu] '%s' failed with status %d", kind, i, path,
                       WEXITSTATUS(status));
    return err_set(err, 0, "hook %s[%zu] '%s' killed by signal %d", kind, i, path,
                   WTERMSIG(status));
}

int
ctr_oci_hooks_run(json_object *config, const char *kind, json_object *state, struct err **err)
{
    json_object *a = jsonx_get_array(jsonx_get_obj(config, "hooks"), kind);
    const char *text = json_object_to_json_string_ext(state, JSON_C_TO_STRING_PLAIN);
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        if (hook_run(json_object_array_get_idx(a, i), kind, i, text, err) < 0)
            return -1;
    }
    return 0;
}
