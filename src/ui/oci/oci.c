/* SPDX-License-Identifier: MIT */
/*
 * `berth oci ...` and `berth-oci ...`: the OCI runtime command line in runc's shape (global
 * options, then COMMAND [OPTIONS] ID), so that podman (`--runtime`), conmon and the runtime-tools
 * suite drive berth's runtime. Errors: one line on stderr, and in --log (text or json) as runc
 * writes them for conmon. docs/OCI.md.
 */
#include "ui/oci/oci.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/json.h"
#include "ctr/ctr.h"

#define OCI_SPEC_VERSION "1.0.2"
#define EXIT_USAGE 2

static struct {
    const char *log;
    bool log_json;
    const char *prog; /* "berth-oci" or "berth oci" */
} g = {NULL, false, "berth-oci"};

static void oci_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr; the same in --log (runc's json: level, msg, time), where conmon reads it. */
static void
oci_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", g.prog, msg);
    if (!g.log)
        return;
    cleanup_close int fd = open(g.log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    char t[64];
    time_t now = time(NULL);
    struct tm tm;
    strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    if (g.log_json) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "level", json_object_new_string("error"));
        json_object_object_add(o, "msg", json_object_new_string(msg));
        json_object_object_add(o, "time", json_object_new_string(t));
        dprintf(fd, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
        json_object_put(o);
    } else {
        dprintf(fd, "time=\"%s\" level=error msg=\"%s\"\n", t, msg);
    }
}

static int
fail_err(struct err *e)
{
    oci_error("%s", err_msg(e));
    err_free(e);
    return 1;
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    oci_error("%s (see %s --help)", msg, g.prog);
    return EXIT_USAGE;
}

static void
usage(void)
{
    printf("usage: %s [GLOBAL OPTIONS] COMMAND [OPTIONS] ID\n"
           "the OCI runtime command line (runc's shape) over berth's containers\n\n"
           "commands: create, start, run, state, kill, delete, exec, ps, list, pause, resume,\n"
           "          features, spec\n"
           "global options: --root DIR, --log FILE, --log-format text|json, --debug,\n"
           "                --systemd-cgroup (refused), --rootless auto|true|false, --version\n"
           "docs: docs/OCI.md\n",
           g.prog);
}

/* The container id: exactly one operand after the options. */
static int
one_id(int argc, char **argv, const char *cmd, const char **id)
{
    if (optind >= argc)
        return usage_error("%s: the container id is missing", cmd);
    if (argc - optind > 1)
        return usage_error("%s: one container id expected", cmd);
    *id = argv[optind];
    return 0;
}

static int
getopt_error(const char *cmd, int c, char **argv)
{
    char what[256];
    if (c == ':')
        snprintf(what, sizeof(what), "%s: option '%s' needs a value", cmd, argv[optind - 1]);
    else
        snprintf(what, sizeof(what), "%s: unknown option '%s'", cmd, argv[optind - 1]);
    return usage_error("%s", what);
}

static int
write_pid_file(const char *path, pid_t pid)
{
    char txt[32];
    int n = snprintf(txt, sizeof(txt), "%d", (int)pid);
    cleanup_err struct err *e = NULL;
    if (fileio_write_atomic(path, txt, (size_t)n, 0644, &e) < 0) {
        oci_error("pid file: %s", err_msg(e));
        return 1;
    }
    return 0;
}

struct create_opts {
    const char *bundle, *pid_file, *console;
    bool detach;
};

static const struct option create_long[] = {
    {"bundle", required_argument, NULL, 'b'},
    {"pid-file", required_argument, NULL, 'p'},
    {"console-socket", required_argument, NULL, 'c'},
    {"preserve-fds", required_argument, NULL, 'P'},
    {"no-pivot", no_argument, NULL, 'N'},
    {"no-new-keyring", no_argument, NULL, 'K'},
    {"detach", no_argument, NULL, 'd'},
    {"keep", no_argument, NULL, 'k'},
    {NULL, 0, NULL, 0},
};

static int
parse_create(int argc, char **argv, const char *cmd, struct create_opts *co, const char **id)
{
    int c;
    co->bundle = ".";
    while ((c = getopt_long_only(argc, argv, "+:b:d", create_long, NULL)) != -1) {
        switch (c) {
        case 'b':
            co->bundle = optarg;
            break;
        case 'p':
            co->pid_file = optarg;
            break;
        case 'c':
            co->console = optarg;
            break;
        case 'P':
            if (strcmp(optarg, "0") != 0)
                return usage_error("%s: --preserve-fds is not supported (only 0)", cmd);
            break;
        case 'N': /* pivot_root in the container's mount namespace, chroot without one */
        case 'K': /* no session keyring is made */
        case 'k':
            break;
        case 'd':
            co->detach = true;
            break;
        default:
            return getopt_error(cmd, c, argv);
        }
    }
    return one_id(argc, argv, cmd, id);
}

static int
cmd_create(int argc, char **argv)
{
    struct create_opts co = {0};
    const char *id = NULL;
    int rc = parse_create(argc, argv, "create", &co, &id);
    if (rc)
        return rc;
    cleanup_err struct err *e = NULL;
    pid_t pid;
    if (ctr_oci_create(id, co.bundle, co.console, &pid, &e) < 0)
        return fail_err(steal_pointer(&e));
    if (co.pid_file && write_pid_file(co.pid_file, pid) != 0) {
        ctr_oci_delete(id, true, NULL);
        return 1;
    }
    return 0;
}

/* run: create and start; without --detach, wait for the container's exit (we are the
 * subreaper its init is handed to) and return its status. */
static int
cmd_run(int argc, char **argv)
{
    struct create_opts co = {0};
    const char *id = NULL;
    int rc = parse_create(argc, argv, "run", &co, &id);
    if (rc)
        return rc;
    if (!co.detach)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    cleanup_err struct err *e = NULL;
    pid_t pid;
    if (ctr_oci_create(id, co.bundle, co.console, &pid, &e) < 0)
        return fail_err(steal_pointer(&e));
    if ((co.pid_file && write_pid_file(co.pid_file, pid) != 0) || ctr_oci_start(id, &e) < 0) {
        if (e)
            oci_error("%s", err_msg(e));
        ctr_oci_delete(id, true, NULL);
        return 1;
    }
    if (co.detach)
        return 0;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(-1, &status, 0);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
    }
    ctr_oci_delete(id, true, NULL);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Commands whose only operand is the id and that take no options but the ones listed. */
static int
id_only(int argc, char **argv, const char *cmd, const char **id)
{
    static const struct option none[] = {{NULL, 0, NULL, 0}};
    int c = getopt_long_only(argc, argv, "+:", none, NULL);
    if (c != -1)
        return getopt_error(cmd, c, argv);
    return one_id(argc, argv, cmd, id);
}

static int
cmd_start(int argc, char **argv)
{
    const char *id = NULL;
    int rc = id_only(argc, argv, "start", &id);
    if (rc)
        return rc;
    cleanup_err struct err *e = NULL;
    return ctr_oci_start(id, &e) < 0 ? fail_err(steal_pointer(&e)) : 0;
}

static int
cmd_state(int argc, char **argv)
{
    const char *id = NULL;
    int rc = id_only(argc, argv, "state", &id);
    if (rc)
        return rc;
    cleanup_err struct err *e = NULL;
    cleanup_free char *json = NULL;
    if (ctr_oci_state(id, &json, &e) < 0)
        return fail_err(steal_pointer(&e));
    printf("%s\n", json);
    return 0;
}

static int
cmd_kill(int argc, char **argv)
{
    static const struct option kill_long[] = {{"all", no_argument, NULL, 'a'}, {NULL, 0, NULL, 0}};
    bool all = false;
    int c;
    while ((c = getopt_long_only(argc, argv, "+:a", kill_long, NULL)) != -1) {
        if (c != 'a')
            return getopt_error("kill", c, argv);
        all = true;
    }
    if (optind >= argc)
        return usage_error("%s: the container id is missing", "kill");
    if (argc - optind > 2)
        return usage_error("%s: expected ID [SIGNAL]", "kill");
    const char *id = argv[optind];
    int sig = 15;
    cleanup_err struct err *e = NULL;
    if (argc - optind == 2 && ctr_signal_parse(argv[optind + 1], &sig, &e) < 0)
        return usage_error("kill: %s", err_msg(e));
    return ctr_oci_kill(id, sig, all, &e) < 0 ? fail_err(steal_pointer(&e)) : 0;
}

static int
cmd_delete(int argc, char **argv)
{
    static const struct option del_long[] = {{"force", no_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    bool force = false;
    int c;
    while ((c = getopt_long_only(argc, argv, "+:f", del_long, NULL)) != -1) {
        if (c != 'f')
            return getopt_error("delete", c, argv);
        force = true;
    }
    const char *id = NULL;
    int rc = one_id(argc, argv, "delete", &id);
    if (rc)
        return rc;
    cleanup_err struct err *e = NULL;
    rc = ctr_oci_delete(id, force, &e);
    if (rc < 0)
        return fail_err(steal_pointer(&e));
    if (rc > 0)
        oci_error("warning: %s", err_msg(e)); /* a poststop hook failed: reported, not fatal */
    return 0;
}

static int
cmd_pause_resume(int argc, char **argv)
{
    const char *id = NULL;
    bool pause = strcmp(argv[0], "pause") == 0;
    int rc = id_only(argc, argv, argv[0], &id);
    if (rc)
        return rc;
    cleanup_err struct err *e = NULL;
    rc = pause ? ctr_pause(id, &e) : ctr_resume(id, &e);
    return rc < 0 ? fail_err(steal_pointer(&e)) : 0;
}

static int
format_json(int argc, char **argv, const char *cmd, bool *json)
{
    static const struct option fmt_long[] = {{"format", required_argument, NULL, 'f'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {NULL, 0, NULL, 0}};
    int c;
    *json = false;
    while ((c = getopt_long_only(argc, argv, "+:f:q", fmt_long, NULL)) != -1) {
        if (c == 'q')
            continue;
        if (c != 'f')
            return getopt_error(cmd, c, argv);
        if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
            return usage_error("--format: expected 'table' or 'json', not '%s'", optarg);
        *json = strcmp(optarg, "json") == 0;
    }
    return 0;
}

static int
cmd_ps(int argc, char **argv)
{
    bool json;
    const char *id = NULL;
    int rc = format_json(argc, argv, "ps", &json);
    if (rc || (rc = one_id(argc, argv, "ps", &id)))
        return rc;
    cleanup_err struct err *e = NULL;
    cleanup_free pid_t *pids = NULL;
    size_t n;
    if (ctr_oci_pids(id, &pids, &n, &e) < 0)
        return fail_err(steal_pointer(&e));
    printf(json ? "[" : "PID\n");
    for (size_t i = 0; i < n; i++)
        printf(json ? "%s%d" : "%s%d\n", json && i ? "," : "", (int)pids[i]);
    if (json)
        printf("]\n");
    return 0;
}

static int
cmd_list(int argc, char **argv)
{
    bool json;
    int rc = format_json(argc, argv, "list", &json);
    if (rc)
        return rc;
    cleanup_err struct err *e = NULL;
    cleanup_free struct ctr_info *v = NULL;
    size_t n;
    if (ctr_list(&v, &n, &e) < 0)
        return fail_err(steal_pointer(&e));
    json_object *a = json_object_new_array();
    if (!json)
        printf("%-40s %-8s %s\n", "ID", "PID", "STATUS");
    for (size_t i = 0; i < n; i++) {
        cleanup_free char *st = NULL;
        if (ctr_oci_state(v[i].name, &st, NULL) < 0)
            continue;
        json_object *o = json_tokener_parse(st);
        if (json) {
            json_object_array_add(a, o);
            continue;
        }
        json_object *pid = json_object_object_get(o, "pid");
        printf("%-40s %-8d %s\n", v[i].name, pid ? json_object_get_int(pid) : 0,
               json_object_get_string(json_object_object_get(o, "status")));
        json_object_put(o);
    }
    if (json)
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
    json_object_put(a);
    return 0;
}

static int
cmd_features(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("{\"ociVersionMin\":\"1.0.0\",\"ociVersionMax\":\"%s\","
           "\"hooks\":[\"prestart\",\"createRuntime\",\"createContainer\",\"startContainer\","
           "\"poststart\",\"poststop\"],"
           "\"mountOptions\":[\"ro\",\"rw\",\"nosuid\",\"suid\",\"nodev\",\"dev\",\"noexec\","
           "\"exec\",\"bind\",\"rbind\",\"private\",\"rprivate\",\"shared\",\"rshared\","
           "\"slave\",\"rslave\"],"
           "\"linux\":{\"namespaces\":[\"pid\",\"mount\",\"uts\",\"ipc\",\"network\",\"cgroup\","
           "\"user\"],\"cgroup\":{\"v1\":true,\"v2\":true,\"systemd\":false},"
           "\"seccomp\":{\"enabled\":true}},"
           "\"annotations\":{\"org.berth.runtime\":\"berth\"}}\n",
           OCI_SPEC_VERSION);
    return 0;
}

/* exec [--process FILE | ARGS...] [-t] [--cwd D] [--env K=V] [--console-socket S]
 * [--pid-file F] [--detach] ID: the process runs with our stdio; without --detach we wait for it
 * (as its subreaper) and return its status. */
static int
cmd_exec(int argc, char **argv)
{
    static const struct option exec_long[] = {
        {"process", required_argument, NULL, 'p'},
        {"tty", no_argument, NULL, 't'},
        {"cwd", required_argument, NULL, 'w'},
        {"env", required_argument, NULL, 'e'},
        {"console-socket", required_argument, NULL, 'c'},
        {"pid-file", required_argument, NULL, 'P'},
        {"detach", no_argument, NULL, 'd'},
        {"user", required_argument, NULL, 'u'},
        {"cap", required_argument, NULL, 'C'},
        {"preserve-fds", required_argument, NULL, 'F'},
        {"no-new-privs", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    const char *process = NULL, *cwd = NULL, *console = NULL, *pid_file = NULL, *user = NULL;
    bool tty = false, detach = false;
    json_object *env = json_object_new_array();
    int c;
    while ((c = getopt_long_only(argc, argv, "+:tde:u:", exec_long, NULL)) != -1) {
        switch (c) {
        case 'p':
            process = optarg;
            break;
        case 't':
            tty = true;
            break;
        case 'w':
            cwd = optarg;
            break;
        case 'e':
            json_object_array_add(env, json_object_new_string(optarg));
            break;
        case 'c':
            console = optarg;
            break;
        case 'P':
            pid_file = optarg;
            break;
        case 'd':
            detach = true;
            break;
        case 'u':
            user = optarg;
            break;
        case 'C':
        case 'n':
            break;
        case 'F':
            if (strcmp(optarg, "0") != 0) {
                json_object_put(env);
                return usage_error("%s", "exec: --preserve-fds is not supported (only 0)");
            }
            break;
        default:
            json_object_put(env);
            return getopt_error("exec", c, argv);
        }
    }
    if (optind >= argc) {
        json_object_put(env);
        return usage_error("%s", "exec: the container id is missing");
    }
    const char *id = argv[optind++];
    cleanup_err struct err *e = NULL;
    json_object *proc;
    if (process) {
        proc = jsonx_load_file(process, 1 << 20, &e);
        json_object_put(env);
        if (!proc)
            return fail_err(steal_pointer(&e));
        if (!json_object_is_type(proc, json_type_object)) {
            json_object_put(proc);
            oci_error("--process '%s': expected a JSON object", process);
            return 1;
        }
    } else {
        if (optind >= argc) {
            json_object_put(env);
            return usage_error("%s", "exec: a command or --process FILE is needed");
        }
        proc = json_object_new_object();
        json_object *args = json_object_new_array();
        for (int i = optind; i < argc; i++)
            json_object_array_add(args, json_object_new_string(argv[i]));
        json_object_object_add(proc, "args", args);
        json_object_object_add(proc, "terminal", json_object_new_boolean(tty));
        json_object_object_add(proc, "cwd", json_object_new_string(cwd ? cwd : "/"));
        if (json_object_array_length(env) == 0)
            json_object_array_add(
                env, json_object_new_string("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                                            "/usr/bin:/sbin:/bin"));
        json_object_object_add(proc, "env", env);
        if (user) {
            json_object *u = json_object_new_object();
            unsigned uid = 0, gid = 0;
            if (sscanf(user, "%u:%u", &uid, &gid) < 1) {
                json_object_put(proc);
                json_object_put(u);
                return usage_error("exec: --user: expected UID[:GID], not '%s'", user);
            }
            json_object_object_add(u, "uid", json_object_new_int64(uid));
            json_object_object_add(u, "gid", json_object_new_int64(gid));
            json_object_object_add(proc, "user", u);
        }
    }
    if (!detach)
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    pid_t pid = 0;
    int rc = ctr_oci_exec(id, proc, console, &pid, &e);
    json_object_put(proc);
    if (rc < 0)
        return fail_err(steal_pointer(&e));
    if (pid_file && write_pid_file(pid_file, pid) != 0)
        return 1;
    if (detach)
        return 0;
    int status = 0;
    for (;;) {
        pid_t w = waitpid(-1, &status, 0);
        if (w == pid || (w < 0 && errno != EINTR))
            break;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* spec [--bundle DIR]: a default config.json (busybox-like root "rootfs", sh) in DIR. */
static int
cmd_spec(int argc, char **argv)
{
    static const struct option spec_long[] = {{"bundle", required_argument, NULL, 'b'},
                                              {"rootless", no_argument, NULL, 'r'},
                                              {NULL, 0, NULL, 0}};
    const char *bundle = ".";
    int c;
    while ((c = getopt_long_only(argc, argv, "+:b:", spec_long, NULL)) != -1) {
        if (c == 'b')
            bundle = optarg;
        else if (c != 'r')
            return getopt_error("spec", c, argv);
    }
    char p[4096];
    snprintf(p, sizeof(p), "%s/config.json", bundle);
    if (access(p, F_OK) == 0) {
        oci_error("spec: '%s' exists already", p);
        return 1;
    }
    static const char def[] =
        "{\n  \"ociVersion\": \"" OCI_SPEC_VERSION "\",\n"
        "  \"process\": {\"terminal\": true, \"user\": {\"uid\": 0, \"gid\": 0},\n"
        "    \"args\": [\"sh\"],\n"
        "    \"env\": [\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\", "
        "\"TERM=xterm\"],\n"
        "    \"cwd\": \"/\", \"noNewPrivileges\": true},\n"
        "  \"root\": {\"path\": \"rootfs\", \"readonly\": true},\n"
        "  \"hostname\": \"runc\",\n"
        "  \"mounts\": [\n"
        "    {\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
        "    {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
        "\"options\": [\"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\"]},\n"
        "    {\"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\", "
        "\"options\": [\"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", "
        "\"mode=0620\"]},\n"
        "    {\"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\", "
        "\"options\": [\"nosuid\", \"noexec\", \"nodev\", \"ro\"]}\n"
        "  ],\n"
        "  \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"}, "
        "{\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, "
        "{\"type\": \"cgroup\"}]}\n"
        "}\n";
    cleanup_err struct err *e = NULL;
    if (fileio_write_atomic(p, def, sizeof(def) - 1, 0644, &e) < 0)
        return fail_err(steal_pointer(&e));
    return 0;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"create", cmd_create},
    {"start", cmd_start},
    {"run", cmd_run},
    {"state", cmd_state},
    {"kill", cmd_kill},
    {"delete", cmd_delete},
    {"ps", cmd_ps},
    {"list", cmd_list},
    {"pause", cmd_pause_resume},
    {"resume", cmd_pause_resume},
    {"features", cmd_features},
    {"exec", cmd_exec},
    {"spec", cmd_spec},
};

enum { G_ROOT = 256, G_LOG, G_LOG_FORMAT, G_DEBUG, G_SYSTEMD, G_ROOTLESS, G_CRIU };

static const struct option global_long[] = {
    {"root", required_argument, NULL, G_ROOT},
    {"log", required_argument, NULL, G_LOG},
    {"log-format", required_argument, NULL, G_LOG_FORMAT},
    {"debug", no_argument, NULL, G_DEBUG},
    {"systemd-cgroup", no_argument, NULL, G_SYSTEMD},
    {"rootless", required_argument, NULL, G_ROOTLESS},
    {"criu", required_argument, NULL, G_CRIU},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'v'},
    {NULL, 0, NULL, 0},
};

/* Global options; -1 to go on, else an exit status. */
static int
parse_global(int argc, char **argv)
{
    int c;
    while ((c = getopt_long_only(argc, argv, "+:hv", global_long, NULL)) != -1) {
        switch (c) {
        case G_ROOT:
            /* berth's state root: lib/ and run/ below it (docs/OCI.md) */
            if (setenv("BERTH_ROOT", optarg, 1) < 0 || fileio_mkdir_p(optarg, 0700, NULL) < 0)
                return usage_error("--root: cannot use '%s'", optarg);
            break;
        case G_LOG:
            g.log = optarg;
            break;
        case G_LOG_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return usage_error("--log-format: expected 'text' or 'json', not '%s'", optarg);
            g.log_json = strcmp(optarg, "json") == 0;
            break;
        case G_DEBUG:
        case G_CRIU:
            break;
        case G_SYSTEMD:
            oci_error("--systemd-cgroup is not supported: berth manages cgroupfs itself "
                      "(use --cgroup-manager cgroupfs with podman)");
            return 1;
        case G_ROOTLESS:
            if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "true") != 0 &&
                strcmp(optarg, "false") != 0)
                return usage_error("--rootless: expected auto, true or false, not '%s'", optarg);
            break;
        case 'h':
            usage();
            return 0;
        case 'v':
            printf("berth-oci version %s\nspec: %s\n", BERTH_VERSION, OCI_SPEC_VERSION);
            return 0;
        default:
            return getopt_error("global", c, argv);
        }
    }
    return -1;
}

int
cli_oci_main(int argc, char **argv, const char *prog)
{
    ctr_set_caller_exits(true); /* one command per process, as runc's */
    g.prog = prog;
    opterr = 0;
    optind = 1;
    int rc = parse_global(argc, argv);
    if (rc >= 0)
        return rc;
    if (optind >= argc)
        return usage_error("%s", "a command is needed (create, start, state, kill, delete, ...)");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(argv[optind], commands[i].name) == 0) {
            int sub_argc = argc - optind;
            char **sub_argv = argv + optind;
            optind = 1;
            return commands[i].run(sub_argc, sub_argv);
        }
    }
    return usage_error("unknown command '%s'", argv[optind]);
}

int
cli_oci_berth_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    return cli_oci_main(argc, argv, "berth oci");
}
