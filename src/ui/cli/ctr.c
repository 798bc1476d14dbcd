/* SPDX-License-Identifier: MIT */
/* `berth ctr ...`: argument handling and output for the native containers (ctr/ctr.h). */
#include "ui/frontends.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/trace.h"
#include "common/err.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/units.h"
#include "ctr/ctr.h"
#include "ctr/net/net.h"
#include "ctr/volume/volume.h"
#include "ui/cli/cli.h"
#include "ui/cli/image.h"
#include "ui/rawterm.h"

#define EXIT_FAIL 1
#define EXIT_RUN_FAIL 125 /* run/exec could not start the process */

static const char usage_text[] =
    "usage: berth ctr COMMAND [OPTIONS] NAME [-- CMD [ARG...]]\n"
    "\n"
    "  create NAME --rootfs DIR|--bundle DIR [OPTIONS] [-- CMD [ARG...]]\n"
    "  run [--rm] [-d] NAME --rootfs DIR [OPTIONS] -- CMD [ARG...]\n"
    "  create|run [OPTIONS] NAME IMAGE|DIR [CMD [ARG...]]   (images: berth image --help)\n"
    "  start NAME|--all-restartable   stop [-t SECONDS] NAME      kill [-s SIGNAL] NAME\n"
    "  pause NAME            resume NAME                 restart [-t SECONDS] NAME\n"
    "  rm [-f] NAME...       exec [-it] NAME -- CMD...   attach NAME (detach: Ctrl-P Ctrl-Q)\n"
    "  logs [-f] [--tail N] NAME   ls [--format table|json]   inspect [--full] NAME   demo\n"
    "\n"
    "create/run options (NAME may also be given as --name NAME):\n"
    "  -m, --memory SIZE  --cpus N.N  --pids N|unlimited (default 2048)  --hostname H\n"
    "  -e, --env K=V (repeatable)  --env-file FILE (K=V lines; K alone: your value of K)\n"
    "  -w, --workdir DIR  -u, --user UID[:GID]  -t, --tty  --inplace\n"
    "  --net none|host|bridge|NETWORK|container:NAME\n"
    "  -p, --publish [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp] (repeatable; --net bridge or NETWORK)\n"
    "  -i, --interactive (stdin is always relayed in the foreground)  -d, --detach (run)\n"
    "  --seccomp unconfined|FILE  --cap-add CAP  --cap-drop CAP  --userns\n"
    "  -v, --volume HOSTPATH:DEST[:ro|rw] or NAME:DEST[:ro|rw]  --tmpfs DEST[:size=S,mode=M]\n"
    "  --read-only  --restart no|on-failure[:N]|always|unless-stopped\n"
    "exit status: 0 done, 1 failed, 2 usage; run/exec: the command's own, 125 berth could not\n"
    "start it, 126 not executable, 127 not found\n"
    "docs: docs/CONTAINERS.md\n";

static int
fail(const struct err *e)
{
    fprintf(stderr, "berth: %s\n", err_msg(e));
    return EXIT_FAIL;
}

/* Every usage error of `berth ctr` (exit status 2). */
#define usage_error(...) cli_usage_error(&cli_front_ctr, __VA_ARGS__)

/* Split argv at "--": options and NAME before, the command after. */
struct split {
    int argc;   /* before "--" */
    char **cmd; /* after "--" (NULL-terminated), or NULL */
    size_t n_cmd;
};

static void
split_dashdash(int argc, char **argv, struct split *sp)
{
    sp->argc = argc;
    sp->cmd = NULL;
    sp->n_cmd = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            sp->argc = i;
            sp->cmd = argv + i + 1;
            sp->n_cmd = (size_t)(argc - i - 1);
            return;
        }
    }
}

/* A NAME ctr refuses is a usage error; the message names the character that is wrong as the
 * user typed it (a whole UTF-8 character, control characters escaped). */
static int
name_check(const char *name)
{
    cleanup_err struct err *e = NULL;
    if (ctr_name_check(name, &e) == 0)
        return -1;
    char q[256], ch[16], one[5];
    size_t pos = 1;
    for (const char *p = name; *p; p += cli_char_len(p), pos++) {
        char c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            (p > name && (c == '_' || c == '.' || c == '-')))
            continue;
        size_t n = cli_char_len(p);
        memcpy(one, p, n);
        one[n] = '\0';
        return usage_error("invalid container name '%s': character '%s' at position %zu "
                           "(use [a-zA-Z0-9][a-zA-Z0-9_.-]*)",
                           cli_quote(name, 64, q, sizeof(q)), cli_quote(one, 1, ch, sizeof(ch)),
                           pos);
    }
    return usage_error("%s", err_msg(e));
}

/* Exactly one positional NAME among argv[optind..argc). */
static int
one_name(int argc, char **argv, const char **name)
{
    if (optind >= argc)
        return usage_error("%s needs a container NAME", argv[0]);
    if (optind + 1 < argc)
        return usage_error("unexpected argument '%s' (a command goes after --)", argv[optind + 1]);
    *name = argv[optind];
    return name_check(*name);
}

enum {
    O_ROOTFS = 256,
    O_BUNDLE,
    O_CPUS,
    O_PIDS,
    O_HOSTNAME,
    O_ENV_FILE,
    O_NET,
    O_INPLACE,
    O_SECCOMP,
    O_CAPADD,
    O_CAPDROP,
    O_USERNS,
    O_RM,
    O_TAIL,
    O_FORMAT,
    O_NAME,
    O_FULL,
    O_TMPFS,
    O_READ_ONLY,
    O_RESTART,
};

static const struct option create_opts[] = {
    {"rootfs", required_argument, NULL, O_ROOTFS},
    {"bundle", required_argument, NULL, O_BUNDLE},
    {"memory", required_argument, NULL, 'm'},
    {"cpus", required_argument, NULL, O_CPUS},
    {"pids", required_argument, NULL, O_PIDS},
    {"hostname", required_argument, NULL, O_HOSTNAME},
    {"env", required_argument, NULL, 'e'},
    {"env-file", required_argument, NULL, O_ENV_FILE},
    {"workdir", required_argument, NULL, 'w'},
    {"user", required_argument, NULL, 'u'},
    {"net", required_argument, NULL, O_NET},
    {"tty", no_argument, NULL, 't'},
    {"interactive", no_argument, NULL, 'i'},
    {"name", required_argument, NULL, O_NAME},
    {"publish", required_argument, NULL, 'p'},
    {"volume", required_argument, NULL, 'v'},
    {"inplace", no_argument, NULL, O_INPLACE},
    {"seccomp", required_argument, NULL, O_SECCOMP},
    {"cap-add", required_argument, NULL, O_CAPADD},
    {"cap-drop", required_argument, NULL, O_CAPDROP},
    {"userns", no_argument, NULL, O_USERNS},
    {"rm", no_argument, NULL, O_RM},
    {"detach", no_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'h'},
    {"tmpfs", required_argument, NULL, O_TMPFS},
    {"read-only", no_argument, NULL, O_READ_ONLY},
    {"restart", required_argument, NULL, O_RESTART},
    {NULL, 0, NULL, 0},
};

struct create_cli {
    struct ctr_create_opts o;
    const char *volumes[64], *tmpfs[64]; /* -v, --tmpfs */
    const char *env[256];
    const char *ports[NET_PORTS_MAX];
    const char *name; /* --name NAME, or NULL */
    bool rm, detach;
};

static int
parse_cpus(const char *s, double *out, struct err **err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno || !(v > 0) || v > 1024)
        return err_set(err, 0, "invalid CPU limit '%s' (a number like 0.5 or 2)", s);
    *out = v;
    return 0;
}

static int
add_sec(struct create_cli *c, const char *name, const char *value)
{
    if (c->o.n_sec == sizeof(c->o.sec) / sizeof(c->o.sec[0]))
        return usage_error("too many security options (at most %s)", "32");
    c->o.sec[c->o.n_sec].name = name;
    c->o.sec[c->o.n_sec].value = value;
    c->o.n_sec++;
    return -1;
}

/* The text of each --env-file, split in place into the "K=V" strings c->env points to; kept
 * for the life of the process. */
static char *env_file_text[16];
static size_t n_env_files;

static int
env_add(struct create_cli *c, const char *kv)
{
    if (c->o.n_env == 256)
        return usage_error("too many environment variables (at most %s)", "256");
    c->env[c->o.n_env++] = kv;
    return 0;
}

/* "K" alone: the caller's "K=V" as it is in environ (no copy); NULL when K is not set. */
static const char *
env_caller(const char *key)
{
    extern char **environ;
    size_t n = strlen(key);
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, key, n) == 0 && (*e)[n] == '=')
            return *e;
    }
    return NULL;
}

/* One line of an env file: "K=V", "K" (the caller's value, skipped when unset), blank or # . */
static int
env_file_line(struct create_cli *c, const char *file, size_t lineno, char *line)
{
    size_t n = strlen(line);
    if (n && line[n - 1] == '\r')
        line[--n] = 0;
    line += strspn(line, " \t");
    if (!*line || *line == '#')
        return 0;
    char *eq = strchr(line, '=');
    size_t klen = eq ? (size_t)(eq - line) : strlen(line);
    if (klen == 0)
        return usage_error("env file '%s' line %zu: no variable name before '='", file, lineno);
    if (strcspn(line, " \t") < klen)
        return usage_error("env file '%s' line %zu: variable name '%.*s' has a space", file, lineno,
                           (int)klen, line);
    if (eq)
        return env_add(c, line);
    const char *kv = env_caller(line);
    return kv ? env_add(c, kv) : 0;
}

/* --env-file FILE: docker's format, so that secrets need not be on any command line. */
static int
env_file(struct create_cli *c, const char *file)
{
    cleanup_err struct err *e = NULL;
    char *text = NULL;
    if (n_env_files == sizeof(env_file_text) / sizeof(env_file_text[0]))
        return usage_error("too many --env-file (at most %s)", "16");
    if (fileio_read_all(file, 1 << 20, &text, NULL, &e) < 0)
        return usage_error("env file: %s", err_msg(e));
    env_file_text[n_env_files++] = text;
    size_t lineno = 0;
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        if (env_file_line(c, file, ++lineno, line) != 0)
            return CLI_EXIT_USAGE;
    }
    return 0;
}

#define HOST_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-."

/* The smallest --memory a container starts with (ctr refuses less as well). */
#define MEMORY_MIN (4ull << 20)

/* "UID[:GID]", numbers only (names would need the rootfs' /etc/passwd). */
static bool
user_ok(const char *s)
{
    size_t u = strspn(s, "0123456789");
    if (u == 0 || u > 10)
        return false;
    if (s[u] == '\0')
        return true;
    size_t g = strspn(s + u + 1, "0123456789");
    return s[u] == ':' && g > 0 && g <= 10 && s[u + 1 + g] == '\0';
}

/* The values ctr would refuse anyway, refused here as usage errors naming the option. */
static int
create_value(struct create_cli *c, int opt, const char *arg)
{
    cleanup_err struct err *e = NULL;
    switch (opt) {
    case 'm':
        if (units_parse_size(arg, &c->o.memory, &e) < 0)
            return usage_error("--memory: %s", err_msg(e));
        if (c->o.memory < MEMORY_MIN)
            return usage_error("--memory '%s': too small to start a container (minimum 4M)", arg);
        return -1;
    case O_CPUS:
        if (parse_cpus(arg, &c->o.cpus, &e) < 0)
            return usage_error("--cpus: %s", err_msg(e));
        return -1;
    case O_PIDS:
        if (strcmp(arg, "unlimited") == 0)
            c->o.pids = CTR_PIDS_UNLIMITED;
        else if (units_parse_u64(arg, 1, 4194304, "pids limit", &c->o.pids, &e) < 0)
            return usage_error("--pids: %s; or 'unlimited'", err_msg(e));
        return -1;
    case 'e':
        if (arg[0] == '=' || !strchr(arg, '='))
            return usage_error("--env '%s': use KEY=VALUE", arg);
        return env_add(c, arg) != 0 ? CLI_EXIT_USAGE : -1;
    case 'w':
        if (arg[0] != '/')
            return usage_error("--workdir '%s': must be an absolute path", arg);
        c->o.workdir = arg;
        return -1;
    case 'u': /* names are checked once the root is known (an image resolves them) */
        c->o.user = arg;
        return -1;
    case O_HOSTNAME:
        if (!*arg || strlen(arg) > 64 || strspn(arg, HOST_CHARS) != strlen(arg))
            return usage_error("--hostname '%s': 1 to 64 letters, digits, '-' and '.'", arg);
        c->o.hostname = arg;
        return -1;
    case O_NET: {
        enum net_mode mode;
        const char *what;
        if (net_mode_parse(arg, &mode, &what, &e) < 0)
            return usage_error("--net: %s", err_msg(e));
        c->o.net = arg;
        return -1;
    }
    case 'p':
        if (c->o.n_ports == sizeof(c->ports) / sizeof(c->ports[0]))
            return usage_error("too many -p (at most %d)", NET_PORTS_MAX);
        if (net_port_parse(arg, &(struct net_port){0}, &e) < 0)
            return usage_error("-p: %s", err_msg(e));
        c->ports[c->o.n_ports++] = arg;
        return -1;
    }
    return usage_error("unknown option '%s'", arg ? arg : "?");
}

/* -v, --tmpfs, --read-only, --restart: checked here (usage errors), applied by ctr_create. */
static int
volume_opt(struct create_cli *c, int opt, const char *arg)
{
    cleanup_err struct err *e = NULL;
    struct vol_mount m;
    struct ctr_restart_policy rp;
    size_t max = sizeof(c->volumes) / sizeof(c->volumes[0]);
    switch (opt) {
    case 'v':
        if (vol_mount_parse(arg, &m, &e) < 0)
            return usage_error("-v %s", err_msg(e));
        if (c->o.n_volumes == max)
            return usage_error("too many -v (at most %zu)", max);
        c->volumes[c->o.n_volumes++] = arg;
        return -1;
    case O_TMPFS:
        if (vol_tmpfs_parse(arg, &m, &e) < 0)
            return usage_error("--tmpfs %s", err_msg(e));
        if (c->o.n_tmpfs == max)
            return usage_error("too many --tmpfs (at most %zu)", max);
        c->tmpfs[c->o.n_tmpfs++] = arg;
        return -1;
    case O_RESTART:
        if (ctr_restart_parse(arg, &rp, &e) < 0)
            return usage_error("--restart: %s", err_msg(e));
        c->o.restart = arg;
        return -1;
    default:
        c->o.read_only = true;
        return -1;
    }
}

/* One create/run option; -1 to go on, else an exit status. */
static int
create_opt(struct create_cli *c, int opt, const char *arg)
{
    switch (opt) {
    case O_ROOTFS:
        c->o.rootfs = arg;
        break;
    case O_BUNDLE:
        c->o.bundle = arg;
        break;
    case O_ENV_FILE:
        if (env_file(c, arg) != 0)
            return CLI_EXIT_USAGE;
        break;
    case 't':
        c->o.tty = true;
        break;
    case 'i': /* stdin is always relayed in the foreground: accepted for docker's habit */
        break;
    case O_INPLACE:
        c->o.inplace = true;
        break;
    case O_SECCOMP:
        return add_sec(c, "seccomp", arg);
    case O_CAPADD:
        return add_sec(c, "cap-add", arg);
    case O_CAPDROP:
        return add_sec(c, "cap-drop", arg);
    case O_USERNS:
        return add_sec(c, "userns", NULL);
    case 'v':
    case O_TMPFS:
    case O_READ_ONLY:
    case O_RESTART:
        return volume_opt(c, opt, arg);
    default:
        return create_value(c, opt, arg);
    }
    return -1;
}

/* NAME: the positional one or --name's; one of them, or both the same. */
static int
create_name(int argc, char **argv, struct create_cli *c, const char **name)
{
    if (!c->name)
        return one_name(argc, argv, name);
    if (optind < argc && strcmp(argv[optind], c->name) != 0)
        return usage_error("%s: two names: --name '%s' and '%s'", argv[0], c->name, argv[optind]);
    if (optind + 1 < argc)
        return usage_error("unexpected argument '%s' (a command goes after --)", argv[optind + 1]);
    *name = c->name;
    return name_check(*name);
}

static int
parse_create(int argc, char **argv, bool is_run, struct create_cli *c, const char **name)
{
    struct split sp;
    split_dashdash(argc, argv, &sp);
    memset(c, 0, sizeof(*c));
    c->o.env = c->env;
    c->o.volumes = c->volumes;
    c->o.tmpfs = c->tmpfs;
    c->o.ports = c->ports;
    optind = 0; /* 0: full re-initialisation of GNU getopt (main parsed with "+") */
    opterr = 0;
    int opt;
    const char *shortopts = is_run ? ":de:m:w:u:tip:v:h" : ":e:m:w:u:tip:v:h";
    while ((opt = getopt_long(sp.argc, argv, shortopts, create_opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        }
        if (opt == ':' || opt == '?')
            return cli_opt_error(&cli_front_ctr, argv[0], opt, argv);
        if (!is_run && (opt == O_RM || opt == 'd'))
            return usage_error("%s: unknown option '%s'", argv[0], argv[optind - 1]);
        if (opt == O_RM) {
            c->rm = true;
            continue;
        }
        if (opt == 'd') {
            c->detach = true;
            continue;
        }
        if (opt == O_NAME) {
            c->name = optarg;
            continue;
        }
        int rc = create_opt(c, opt, optarg);
        if (rc >= 0)
            return rc;
    }
    /* NAME IMAGE [CMD...]: a second argument is the root (an image or a directory), and what
     * follows it the command (options of the command only after --). */
    if (!c->o.rootfs && !c->o.bundle && !c->name && sp.argc - optind >= 2) {
        c->o.rootfs = argv[optind + 1];
        if (sp.argc - optind > 2 && sp.cmd)
            return usage_error("%s: a command both before and after '--'", argv[0]);
        if (sp.argc - optind > 2) {
            sp.cmd = argv + optind + 2;
            sp.n_cmd = (size_t)(sp.argc - optind - 2);
        }
        sp.argc = optind + 1;
    }
    int rc = create_name(sp.argc, argv, c, name);
    if (rc >= 0)
        return rc;
    if (sp.cmd && sp.n_cmd == 0)
        return usage_error("nothing after '--': give a %s", "command");
    c->o.argv = sp.cmd;
    c->o.argc = sp.n_cmd;
    return -1;
}

/* The root given is not a directory but an image of the store: the image fills the root and the
 * process defaults (cli_image_apply). -1 to go on, else an exit status. */
static int
root_image(struct create_cli *c, struct cli_image_run *img)
{
    struct stat st;
    cleanup_err struct err *e = NULL;
    bool dir = !c->o.rootfs || (stat(c->o.rootfs, &st) == 0 && S_ISDIR(st.st_mode));
    if (!dir && cli_image_apply(&c->o, c->o.rootfs, img, &e) == 0)
        return -1;
    if (!dir && e->code != ENOENT)
        return fail(e);
    if (c->o.user && !user_ok(c->o.user))
        return usage_error("--user '%s': use UID[:GID] (numbers; names with an image)", c->o.user);
    if (!dir && stat(c->o.rootfs, &st) < 0) {
        fprintf(stderr, "berth: no image or rootfs directory '%s'\n", c->o.rootfs);
        return EXIT_FAIL;
    }
    return -1;
}

static int
cmd_create(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct create_cli c;
    const char *name;
    cleanup_err struct err *e = NULL;
    struct cli_image_run img = {0};
    int rc = parse_create(argc, argv, false, &c, &name);
    if (rc < 0)
        rc = root_image(&c, &img);
    if (rc < 0 && ctr_create(name, &c.o, &e) < 0)
        rc = fail(e);
    cli_image_done(&img);
    if (rc >= 0)
        return rc;
    printf("%s\n", name);
    return 0;
}

static volatile pid_t fwd_pid;

static void
forward_signal(int sig)
{
    if (fwd_pid > 0)
        kill(fwd_pid, sig);
}

static void
forward_signals(pid_t pid)
{
    fwd_pid = pid;
    struct sigaction sa = {.sa_handler = forward_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
}

static int
start_error_status(const struct err *e)
{
    fprintf(stderr, "berth: %s\n", err_msg(e));
    if (e && e->code == 0 && strstr(e->msg, "not found in the container"))
        return 127;
    if (e && e->code == 0 && strstr(e->msg, "is not executable"))
        return 126;
    return EXIT_RUN_FAIL;
}

/* run in the foreground: output through us, exit status of the container. The monitor removes
 * an --rm container itself (also when we are killed) and reports the exit once it is gone. */
static int
run_foreground(const char *name, bool tty, bool rm)
{
    cleanup_err struct err *e = NULL;
    struct ctr_run r;
    int code = -1;
    trace_mark("berth: created");
    if (ctr_start_attached(name, !tty, rm, &r, &e) < 0) {
        int st = start_error_status(e);
        if (rm)
            ctr_remove(name, true, NULL);
        return st;
    }
    /* Raw mode before the forwarding handlers: rawterm's own (restore and die) must not
     * replace them; the terminal is restored at the attach's end or at exit. */
    bool raw = tty && ui_rawterm_enter();
    forward_signals(r.pid);
    trace_mark("berth: running");
    if (tty) {
        bool detached = false;
        int arc = ctr_attach(name, &detached, &e);
        if (raw)
            ui_rawterm_leave();
        if (arc < 0)
            fprintf(stderr, "berth: %s\n", err_msg(e));
        if (detached) {
            fprintf(stderr, "berth: detached from '%s' (it keeps running)\n", name);
            return 0;
        }
    }
    err_freep(&e);
    if (ctr_run_wait(name, &r, &code, &e) < 0)
        return fail(e);
    trace_mark("berth: exit seen");
    return code < 0 ? EXIT_FAIL : code;
}

static int
cmd_run(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct create_cli c;
    const char *name;
    cleanup_err struct err *e = NULL;
    struct cli_image_run img = {0};
    int rc = parse_create(argc, argv, true, &c, &name);
    if (rc < 0)
        rc = root_image(&c, &img);
    c.o.ephemeral = c.rm;
    if (rc < 0 && ctr_create(name, &c.o, &e) < 0)
        rc = start_error_status(e);
    cli_image_done(&img);
    if (rc >= 0)
        return rc;
    if (!c.detach)
        return run_foreground(name, c.o.tty, c.rm);
    if (ctr_start(name, false, c.rm, &e) < 0) {
        rc = start_error_status(e);
        if (c.rm)
            ctr_remove(name, true, NULL);
        return rc;
    }
    printf("%s\n", name);
    return 0;
}

/* Commands of the form `CMD [-x VALUE] NAME`: parse the one option they take. */
struct simple {
    const char *name;
    const char *optval; /* the option's value, or NULL */
    bool flag;          /* -f for rm */
    bool seen[128];     /* the flags given, by letter (exec's -t and -i) */
};

static int
parse_simple(int argc, char **argv, const char *shortopts, const struct option *longopts,
             struct simple *s, bool many)
{
    optind = 0; /* 0: full re-initialisation of GNU getopt (main parsed with "+") */
    opterr = 0;
    int opt;
    memset(s, 0, sizeof(*s));
    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        }
        if (opt == ':' || opt == '?')
            return cli_opt_error(&cli_front_ctr, argv[0], opt, argv);
        if (optarg)
            s->optval = optarg;
        else
            s->flag = true;
        if (!optarg && opt > 0 && opt < 128)
            s->seen[opt] = true;
    }
    if (many) {
        if (optind >= argc)
            return usage_error("%s needs a container NAME", argv[0]);
        return -1;
    }
    return one_name(argc, argv, &s->name);
}

static const struct option no_long[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

static int
parse_timeout(const char *v, double *t)
{
    cleanup_err struct err *e = NULL;
    *t = 10;
    if (!v)
        return -1;
    char *end;
    double d = strtod(v, &end);
    if (end == v || *end || d < 0 || d > 86400)
        return usage_error("-t '%s': invalid timeout (seconds, 0 to 86400)", v);
    *t = d;
    return -1;
}

/* start --all-restartable: at boot, the containers whose restart policy says so. */
static int
start_all_restartable(int argc, char **argv)
{
    cleanup_err struct err *e = NULL;
    if (argc > 2)
        return usage_error("start --all-restartable takes no NAME (unexpected '%s')",
                           strcmp(argv[1], "--all-restartable") == 0 ? argv[2] : argv[1]);
    size_t n = 0;
    char names[4096];
    int rc = ctr_start_restartable(&n, names, sizeof(names), &e);
    if (n)
        printf("%s\n", names);
    return rc < 0 ? fail(e) : 0;
}

static int
cmd_lifecycle(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct simple s;
    cleanup_err struct err *e = NULL;
    const char *cmd = argv[0];
    for (int i = 1; strcmp(cmd, "start") == 0 && i < argc; i++) {
        if (strcmp(argv[i], "--all-restartable") == 0)
            return start_all_restartable(argc, argv);
    }
    bool timed = strcmp(cmd, "stop") == 0 || strcmp(cmd, "restart") == 0;
    int rc = parse_simple(argc, argv, timed ? ":t:h" : ":h", no_long, &s, false);
    if (rc >= 0)
        return rc;
    double t;
    if ((rc = parse_timeout(s.optval, &t)) >= 0)
        return rc;
    if (strcmp(cmd, "start") == 0)
        rc = ctr_start(s.name, false, false, &e);
    else if (strcmp(cmd, "stop") == 0)
        rc = ctr_stop(s.name, t, &e);
    else if (strcmp(cmd, "restart") == 0)
        rc = ctr_restart(s.name, t, &e);
    else if (strcmp(cmd, "pause") == 0)
        rc = ctr_pause(s.name, &e);
    else
        rc = ctr_resume(s.name, &e);
    return rc < 0 ? fail(e) : 0;
}

static int
cmd_kill(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct simple s;
    cleanup_err struct err *e = NULL;
    int rc = parse_simple(argc, argv, ":s:h", no_long, &s, false);
    if (rc >= 0)
        return rc;
    int sig = SIGKILL;
    if (s.optval && ctr_signal_parse(s.optval, &sig, &e) < 0)
        return usage_error("%s", err_msg(e));
    return ctr_kill(s.name, sig, &e) < 0 ? fail(e) : 0;
}

static int
cmd_rm(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct simple s;
    int rc = parse_simple(argc, argv, ":fh", no_long, &s, true);
    if (rc >= 0)
        return rc;
    for (int i = optind; i < argc; i++) {
        if ((rc = name_check(argv[i])) >= 0)
            return rc;
    }
    int status = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_err struct err *e = NULL;
        if (ctr_remove(argv[i], s.flag, &e) < 0)
            status = fail(e);
    }
    return status;
}

static int
cmd_exec(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct split sp;
    struct simple s;
    cleanup_err struct err *e = NULL;
    static const struct option lo[] = {{"tty", no_argument, NULL, 't'},
                                       {"interactive", no_argument, NULL, 'i'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    split_dashdash(argc, argv, &sp);
    /* -i is accepted and changes nothing: exec always relays stdin. */
    int rc = parse_simple(sp.argc, argv, "+:tih", lo, &s, false);
    if (rc >= 0)
        return rc;
    if (!sp.cmd || sp.n_cmd == 0)
        return usage_error("exec needs a command after '--' (berth ctr exec %s -- CMD)", s.name);
    int status = 0;
    bool tty = s.seen['t'];
    bool raw = tty && ui_rawterm_enter(); /* -t: the relay passes keys through as typed */
    rc = ctr_exec(s.name, sp.cmd, tty, &status, &e);
    if (raw)
        ui_rawterm_leave();
    if (rc < 0)
        return start_error_status(e);
    return status;
}

static int
cmd_attach(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct simple s;
    cleanup_err struct err *e = NULL;
    int rc = parse_simple(argc, argv, ":h", no_long, &s, false);
    if (rc >= 0)
        return rc;
    bool detached = false;
    bool raw = ui_rawterm_enter();
    rc = ctr_attach(s.name, &detached, &e);
    if (raw)
        ui_rawterm_leave();
    if (rc < 0)
        return fail(e);
    if (detached)
        fprintf(stderr, "\r\nberth: detached from '%s'\n", s.name);
    return 0;
}

static int
cmd_logs(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    static const struct option lo[] = {{"follow", no_argument, NULL, 'f'},
                                       {"tail", required_argument, NULL, O_TAIL},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    cleanup_err struct err *e = NULL;
    bool follow = false;
    long tail = -1;
    optind = 0; /* 0: full re-initialisation of GNU getopt (main parsed with "+") */
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":fh", lo, NULL)) != -1) {
        uint64_t v;
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        } else if (opt == 'f') {
            follow = true;
        } else if (opt == O_TAIL) {
            if (units_parse_u64(optarg, 0, 100000000, "--tail", &v, &e) < 0)
                return usage_error("%s", err_msg(e));
            tail = (long)v;
        } else {
            return cli_opt_error(&cli_front_ctr, argv[0], opt, argv);
        }
    }
    const char *name;
    int rc = one_name(argc, argv, &name);
    if (rc >= 0)
        return rc;
    fflush(stdout);
    return ctr_logs(name, tail, follow, STDOUT_FILENO, &e) < 0 ? fail(e) : 0;
}

static const char *
fmt_time(int64_t t, char *buf, size_t len)
{
    if (t <= 0)
        return "-";
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* A container's status in the words batch, the dashboard and `vm ls` use: state (running,
 * paused, stopped, crashed) and state_reason (created, exited N, oom-killed, stale, orphaned or
 * NULL), as the containers provider reports them. */
static const char *
ls_state(const struct ctr_info *in, char *reason, size_t len)
{
    reason[0] = '\0';
    switch (in->status) {
    case CTR_STATUS_RUNNING:
        if (!in->pid) /* between two runs of its restart policy */
            snprintf(reason, len, "restarting");
        return "running";
    case CTR_STATUS_PAUSED:
        return "paused";
    case CTR_STATUS_CREATED:
        snprintf(reason, len, "created");
        return "stopped";
    case CTR_STATUS_STOPPED:
        if (in->oom_killed)
            snprintf(reason, len, "oom-killed");
        else
            snprintf(reason, len, "exited %d", in->exit_code);
        return "stopped";
    default:
        snprintf(reason, len, "%s", ctr_status_name(in->status));
        return "crashed";
    }
}

static json_object *
json_time(int64_t t)
{
    char buf[32];
    return t > 0 ? json_object_new_string(fmt_time(t, buf, sizeof(buf))) : NULL;
}

static json_object *
info_json(const struct ctr_info *in)
{
    char reason[32];
    const char *state = ls_state(in, reason, sizeof(reason));
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", json_object_new_string("container"));
    json_object_object_add(o, "source", json_object_new_string("local"));
    json_object_object_add(o, "id", json_object_new_string(in->name));
    json_object_object_add(o, "name", json_object_new_string(in->name));
    json_object_object_add(o, "state", json_object_new_string(state));
    json_object_object_add(o, "state_reason", reason[0] ? json_object_new_string(reason) : NULL);
    json_object_object_add(o, "pid", in->pid ? json_object_new_int(in->pid) : NULL);
    json_object_object_add(o, "exit_code",
                           in->exit_code >= 0 ? json_object_new_int(in->exit_code) : NULL);
    json_object_object_add(o, "oom_killed", json_object_new_boolean(in->oom_killed));
    json_object_object_add(o, "created", json_time(in->created));
    json_object_object_add(o, "started", json_time(in->started));
    json_object_object_add(o, "finished", json_time(in->finished));
    json_object_object_add(o, "rootfs", json_object_new_string(in->rootfs));
    json_object_object_add(o, "command", json_object_new_string(in->command));
    json_object_object_add(o, "restart_policy", json_object_new_string(in->restart));
    json_object_object_add(o, "restarts", json_object_new_int64(in->restarts));
    return o;
}

/* NAME STATE PID EXIT REASON CREATED COMMAND; NAME and REASON as wide as their widest cell. */
static void
print_table(const struct ctr_info *v, size_t n)
{
    char tb[32], reason[32];
    int nw = 4, rw = 6;
    for (size_t i = 0; i < n; i++) {
        int w = (int)strlen(v[i].name);
        nw = w > nw ? w : nw;
        ls_state(&v[i], reason, sizeof(reason));
        w = reason[0] ? (int)strlen(reason) : 1;
        rw = w > rw ? w : rw;
    }
    printf("%-*s %-8s %-8s %-5s %-*s %-20s %s\n", nw, "NAME", "STATE", "PID", "EXIT", rw, "REASON",
           "CREATED", "COMMAND");
    for (size_t i = 0; i < n; i++) {
        char pid[16] = "-", code[16] = "-";
        if (v[i].pid)
            snprintf(pid, sizeof(pid), "%d", (int)v[i].pid);
        if (v[i].exit_code >= 0)
            snprintf(code, sizeof(code), "%d", v[i].exit_code);
        const char *state = ls_state(&v[i], reason, sizeof(reason));
        printf("%-*s %-8s %-8s %-5s %-*s %-20s %s\n", nw, v[i].name, state, pid, code, rw,
               reason[0] ? reason : "-", fmt_time(v[i].created, tb, sizeof(tb)), v[i].command);
    }
}

static int
cmd_ls(const struct app_opts *o, int argc, char **argv)
{
    static const struct option lo[] = {{"format", required_argument, NULL, O_FORMAT},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    cleanup_err struct err *e = NULL;
    bool json = o->format == OUT_FORMAT_JSON;
    optind = 0; /* 0: full re-initialisation of GNU getopt (main parsed with "+") */
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        } else if (opt == O_FORMAT &&
                   (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0)) {
            json = strcmp(optarg, "json") == 0;
        } else if (opt == O_FORMAT) {
            return usage_error("unknown format '%s' (table or json)", optarg);
        } else {
            return cli_opt_error(&cli_front_ctr, argv[0], opt, argv);
        }
    }
    if (optind < argc)
        return usage_error("unexpected argument '%s'", argv[optind]);
    cleanup_free struct ctr_info *v = NULL;
    size_t n = 0;
    if (ctr_list(&v, &n, &e) < 0)
        return fail(e);
    if (!json) {
        print_table(v, n);
        return 0;
    }
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, info_json(&v[i]));
    printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(a);
    return 0;
}

/* The definition without the expanded seccomp rules (hundreds of lines): their number stands
 * in for them; --full prints them. */
static void
inspect_brief(json_object *o)
{
    json_object *spec, *linux_, *sec, *rules;
    if (!json_object_object_get_ex(o, "spec", &spec) ||
        !json_object_object_get_ex(spec, "linux", &linux_) ||
        !json_object_object_get_ex(linux_, "seccomp", &sec) ||
        !json_object_object_get_ex(sec, "syscalls", &rules) ||
        !json_object_is_type(rules, json_type_array))
        return;
    char note[96];
    snprintf(note, sizeof(note), "%zu rules, not shown (berth ctr inspect --full shows them)",
             json_object_array_length(rules));
    json_object_object_del(sec, "syscalls");
    json_object_object_add(sec, "syscalls", json_object_new_string(note));
}

/* inspect in the vocabulary of `ls --format json` and batch (kind, id, state, state_reason, ISO
 * times), then what only inspect has: berth's own status word, limits, the runtime record
 * (state.json) and the definition (spec). */
static json_object *
inspect_json(const struct ctr_info *in, json_object *lib)
{
    json_object *o = info_json(in);
    static const char *const keep[][2] = {
        {"status", "status"}, {"limits", "limits"}, {"state", "runtime"}, {"spec", "spec"}};
    for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
        json_object *v = NULL;
        if (json_object_object_get_ex(lib, keep[i][0], &v))
            json_object_object_add(o, keep[i][1], json_object_get(v));
    }
    return o;
}

static int
cmd_inspect(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    static const struct option lo[] = {
        {"full", no_argument, NULL, O_FULL}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct simple s;
    struct ctr_info in;
    cleanup_err struct err *e = NULL;
    int rc = parse_simple(argc, argv, ":h", lo, &s, false);
    if (rc >= 0)
        return rc;
    cleanup_free char *json = NULL;
    if (ctr_inspect(s.name, &json, &e) < 0 || ctr_info_get(s.name, &in, &e) < 0)
        return fail(e);
    cleanup_json json_object *lib = json_tokener_parse(json);
    if (!lib) {
        printf("%s\n", json);
        return 0;
    }
    cleanup_json json_object *obj = inspect_json(&in, lib);
    if (!s.flag)
        inspect_brief(obj);
    printf("%s\n", json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}

static int
cmd_demo(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    cleanup_err struct err *e = NULL;
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc > 1)
        return usage_error("unexpected argument '%s'", argv[1]);
    int rc = ctr_demo_ensure(&e);
    if (rc < 0)
        return fail(e);
    printf(rc > 0 ? "demo container created and started\n"
                  : "demo already set up once (marker present); nothing done\n");
    return 0;
}

static const struct cli_cmd commands[] = {
    {"create", cmd_create},
    {"run", cmd_run},
    {"start", cmd_lifecycle},
    {"stop", cmd_lifecycle},
    {"restart", cmd_lifecycle},
    {"pause", cmd_lifecycle},
    {"resume", cmd_lifecycle},
    {"kill", cmd_kill},
    {"rm", cmd_rm},
    {"exec", cmd_exec},
    {"attach", cmd_attach},
    {"logs", cmd_logs},
    {"ls", cmd_ls},
    {"inspect", cmd_inspect},
    {"demo", cmd_demo},
};

int
cli_ctr_main(const struct app_opts *o, int argc, char **argv)
{
    ctr_set_caller_exits(true); /* a subcommand: berth exits after it */
    if (argc < 2)
        return usage_error("%s", "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    const struct cli_cmd *c = cli_cmd_find(commands, ARRAY_SIZE(commands), cmd);
    if (!c)
        return usage_error("unknown command '%s'", cmd);
    return c->run(o, argc - 1, argv + 1);
}
