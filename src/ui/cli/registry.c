/* SPDX-License-Identifier: MIT */
/* `berth image pull`, `berth login`, `berth logout`: the registry's front end (options, progress
 * lines, messages). */
#include "ui/frontends.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/units.h"
#include "common/xalloc.h"
#include "ctr/image/image.h"
#include "ctr/image/registry.h"
#include "ui/cli/cli.h"

#define PASS_MAX 4096

/* The options pull and login share (podman's names). */
enum {
    OPT_TLS_VERIFY = 256,
    OPT_CERT_DIR,
    OPT_AUTHFILE,
    OPT_CREDS,
    OPT_PLATFORM,
    OPT_PASSWORD_STDIN,
    OPT_ALL,
};

static const struct cli_front front_image = {"image: ", "berth image pull --help", true};

static int
parse_bool(const char *opt, const char *v, int *out)
{
    if (!v || strcmp(v, "true") == 0)
        *out = 1;
    else if (strcmp(v, "false") == 0)
        *out = 0;
    else
        return cli_usage_error(&front_image, "option '%s' takes true or false, not '%s'", opt, v);
    return -1;
}

/* An option both commands take; -1 when handled, else an exit status. */
static int
common_opt(int c, struct reg_opts *ro)
{
    switch (c) {
    case OPT_TLS_VERIFY:
        return parse_bool("--tls-verify", optarg, &ro->tls_verify);
    case OPT_CERT_DIR:
        ro->cert_dir = optarg;
        return -1;
    case OPT_AUTHFILE:
        ro->authfile = optarg;
        return -1;
    default:
        return 0;
    }
}

/* ---- progress: one line per blob on a terminal ---- */

struct progress_line {
    const char *digest;
    struct timespec start, last;
};

static double
since(const struct timespec *a, const struct timespec *b)
{
    return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void
on_progress(const struct reg_progress *p, void *arg)
{
    struct progress_line *l = arg;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (l->digest != p->digest) {
        l->digest = p->digest;
        l->start = now;
        l->last = (struct timespec){0};
    } else if (!p->finished && since(&l->last, &now) < 0.1) {
        return;
    }
    l->last = now;
    char done[16], total[16], rate[16] = "", eta[16] = "";
    units_format_size(p->done, done, sizeof(done));
    units_format_size(p->total, total, sizeof(total));
    double secs = since(&l->start, &now);
    double bps = secs > 0.05 ? (double)(p->done - p->resumed) / secs : 0;
    if (bps > 0) {
        units_format_size((uint64_t)bps, rate, sizeof(rate));
        if (!p->finished)
            units_format_duration((int64_t)((double)(p->total - p->done) / bps), eta, sizeof(eta));
    }
    fprintf(stderr, "\r\033[K%-6s %.19s  %s / %s", p->what, p->digest, done, total);
    if (p->skipped)
        fprintf(stderr, "  already present");
    else if (rate[0])
        fprintf(stderr, "  %s/s%s%s", rate, eta[0] ? "  ETA " : "", eta);
    if (p->finished)
        fputc('\n', stderr);
    fflush(stderr);
}

/* ---- berth image pull ---- */

static void
pull_usage(FILE *f)
{
    fprintf(f, "usage: berth image pull [OPTIONS] REF\n"
               "  --platform OS/ARCH[/VARIANT]   the entry of an image index (default: the host)\n"
               "  --tls-verify=false             no TLS verification; plain HTTP allowed\n"
               "  --cert-dir DIR                 per-registry CAs: DIR/HOST:PORT/ca.crt\n"
               "                                 (default /etc/containers/certs.d)\n"
               "  --authfile FILE                credentials (default: podman's and docker's)\n"
               "  --creds USER[:PASSWORD]        credentials for this pull\n"
               "  -q, --quiet                    no progress lines\n"
               "REF: [HOST[:PORT]/]NAME[:TAG][@sha256:HEX]; a short NAME is docker.io/library/NAME."
               "\nSee docs/IMAGES.md (Pulling).\n");
}

static const struct option pull_opts[] = {
    {"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
    {"cert-dir", required_argument, NULL, OPT_CERT_DIR},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"creds", required_argument, NULL, OPT_CREDS},
    {"platform", required_argument, NULL, OPT_PLATFORM},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
pull_parse(int argc, char **argv, struct reg_opts *ro, char **creds, bool *quiet)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:qh", pull_opts, NULL)) != -1) {
        int rc = common_opt(c, ro);
        if (rc != 0) {
            if (rc > 0)
                return rc;
            continue;
        }
        switch (c) {
        case OPT_CREDS:
            *creds = optarg;
            break;
        case OPT_PLATFORM:
            ro->platform = optarg;
            break;
        case 'q':
            *quiet = true;
            break;
        case 'h':
            pull_usage(stdout);
            return 0;
        default:
            return cli_opt_error(&front_image, "pull", c, argv);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error(&front_image, optind == argc ? "pull: no image reference given"
                                                            : "pull: one image reference only");
    return -1;
}

static bool
have_layer(const char *diff_id, void *arg)
{
    (void)arg;
    char path[4096];
    image_layer_path(path, diff_id);
    return access(path, F_OK) == 0;
}

/* Fetch into the pull cache, then import; the cache goes once the image is in the store. */
static int
pull_run(const struct reg_ref *ref, struct reg_opts *ro, bool quiet)
{
    cleanup_err struct err *e = NULL;
    struct progress_line line = {0};
    cleanup_free char *name = reg_ref_format(ref);
    cleanup_free char *dir = reg_pull_cache_dir(ref);
    cleanup_free char *digest = NULL;
    if (!quiet && isatty(STDERR_FILENO)) {
        ro->progress = on_progress;
        ro->arg = &line;
    }
    ro->have_layer = have_layer;
    char id[IMAGE_DIGEST_LEN + 1];
    cleanup_close int lock = reg_pull_cache_lock(dir, &e);
    if (lock < 0 || reg_pull(ref, ro, dir, &digest, &e) < 0 ||
        image_import_layout_ex(dir, digest, name, id, &e) < 0) {
        fprintf(stderr, "berth: image pull: %s\n", err_msg(e));
        return 1;
    }
    reg_pull_cache_remove(dir);
    printf("%s\n", id);
    return 0;
}

int
cli_image_pull_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct reg_opts ro = {.tls_verify = 1};
    char *creds = NULL;
    bool quiet = false;
    int rc = pull_parse(argc, argv, &ro, &creds, &quiet);
    if (rc >= 0)
        return rc;
    cleanup_err struct err *e = NULL;
    cleanup_free char *os = NULL, *arch = NULL, *variant = NULL, *user = NULL;
    if (ro.platform && reg_platform_parse(ro.platform, &os, &arch, &variant, &e) < 0)
        return cli_usage_error(&front_image, "pull: %s", err_msg(e));
    if (creds) {
        char *colon = strchr(creds, ':');
        if (!colon || colon == creds)
            return cli_usage_error(&front_image, "pull: --creds takes USER:PASSWORD");
        user = xstrndup(creds, (size_t)(colon - creds));
        ro.user = user;
        ro.pass = colon + 1;
    }
    struct reg_ref ref;
    if (reg_ref_parse(argv[optind], &ref, &e) < 0)
        return cli_usage_error(&front_image, "pull: %s", err_msg(e));
    rc = pull_run(&ref, &ro, quiet);
    reg_ref_done(&ref);
    return rc;
}

/* ---- berth login / logout ---- */

static const struct cli_front front_login = {"", "berth login --help", true};

static void
login_usage(FILE *f)
{
    fprintf(f, "usage: berth login [OPTIONS] REGISTRY\n"
               "  -u, --username USER      (required)\n"
               "  -p, --password PASS      visible to other users in ps: prefer --password-stdin\n"
               "  --password-stdin         read the password from standard input\n"
               "  --authfile FILE          where to store it (default: $REGISTRY_AUTH_FILE, else\n"
               "                           ${XDG_RUNTIME_DIR}/containers/auth.json)\n"
               "  --tls-verify=false, --cert-dir DIR   as for image pull\n"
               "The credentials are checked against REGISTRY before they are stored.\n"
               "       berth logout [--authfile FILE] REGISTRY | --all\n");
}

static const struct option login_opts[] = {
    {"username", required_argument, NULL, 'u'},
    {"password", required_argument, NULL, 'p'},
    {"password-stdin", no_argument, NULL, OPT_PASSWORD_STDIN},
    {"tls-verify", optional_argument, NULL, OPT_TLS_VERIFY},
    {"cert-dir", required_argument, NULL, OPT_CERT_DIR},
    {"authfile", required_argument, NULL, OPT_AUTHFILE},
    {"all", no_argument, NULL, OPT_ALL},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* "https://host:port/..." or "host:port": the host[:port] as auth.json keys it. */
static int
registry_arg(const char *cmd, const char *arg, char *out, size_t len)
{
    const char *s = arg;
    if (strncmp(s, "https://", 8) == 0)
        s += 8;
    else if (strncmp(s, "http://", 7) == 0)
        s += 7;
    size_t n = strcspn(s, "/");
    cleanup_free char *probe = xasprintf("%.*s/x", (int)n, s);
    struct reg_ref r;
    cleanup_err struct err *e = NULL;
    if (n == 0 || n >= len || reg_ref_parse(probe, &r, &e) < 0 ||
        (strcmp(r.path, "x") != 0 && strcmp(r.path, "library/x") != 0) ||
        (strcmp(r.path, "x") != 0 && n != 9)) {
        if (!e)
            reg_ref_done(&r);
        return cli_usage_error(&front_login, "%s: invalid registry '%s' (HOST[:PORT])", cmd, arg);
    }
    snprintf(out, len, "%s", r.domain);
    reg_ref_done(&r);
    return -1;
}

static int
read_password(char **pass)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0 || n > PASS_MAX) {
        free(line);
        return cli_usage_error(&front_login, "login: no password on standard input");
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    *pass = line;
    return -1;
}

struct login_args {
    struct reg_opts ro;
    const char *user, *pass;
    bool pass_stdin, all;
};

static int
login_parse(const char *cmd, int argc, char **argv, struct login_args *a)
{
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:u:p:h", login_opts, NULL)) != -1) {
        int rc = common_opt(c, &a->ro);
        if (rc != 0) {
            if (rc > 0)
                return rc;
            continue;
        }
        switch (c) {
        case 'u':
            a->user = optarg;
            break;
        case 'p':
            a->pass = optarg;
            break;
        case OPT_PASSWORD_STDIN:
            a->pass_stdin = true;
            break;
        case OPT_ALL:
            a->all = true;
            break;
        case 'h':
            login_usage(stdout);
            return 0;
        default:
            return cli_opt_error(&front_login, cmd, c, argv);
        }
    }
    if (a->all ? optind != argc : optind + 1 != argc)
        return cli_usage_error(&front_login, "%s: %s", cmd,
                               a->all           ? "--all takes no registry"
                               : optind == argc ? "no registry given"
                                                : "one registry only");
    return -1;
}

int
cli_login_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct login_args a = {.ro = {.tls_verify = 1}};
    char host[256];
    cleanup_free char *pass = NULL, *file = NULL;
    cleanup_err struct err *e = NULL;
    int rc = login_parse("login", argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.all)
        return cli_usage_error(&front_login, "login: option '--all' is for logout");
    if ((rc = registry_arg("login", argv[optind], host, sizeof(host))) >= 0)
        return rc;
    if (!a.user || !*a.user)
        return cli_usage_error(&front_login, "login: give the user name with -u USER");
    if (a.pass && a.pass_stdin)
        return cli_usage_error(&front_login, "login: --password and --password-stdin together");
    if (!a.pass && !a.pass_stdin)
        return cli_usage_error(&front_login, "login: give the password with --password-stdin");
    if (a.pass_stdin && (rc = read_password(&pass)) >= 0)
        return rc;
    a.ro.user = a.user;
    a.ro.pass = pass ? pass : a.pass;
    file = a.ro.authfile ? xstrdup(a.ro.authfile) : reg_auth_default_file();
    if (reg_check_login(host, &a.ro, &e) < 0 ||
        reg_auth_store(file, host, a.user, a.ro.pass, &e) < 0) {
        fprintf(stderr, "berth: login %s: %s\n", host, err_msg(e));
        return 1;
    }
    printf("Login Succeeded!\n");
    return 0;
}

int
cli_logout_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    struct login_args a = {.ro = {.tls_verify = 1}};
    char host[256];
    cleanup_free char *file = NULL;
    cleanup_err struct err *e = NULL;
    int rc = login_parse("logout", argc, argv, &a);
    if (rc >= 0)
        return rc;
    if (a.user || a.pass || a.pass_stdin)
        return cli_usage_error(&front_login, "logout: takes no credentials");
    file = a.ro.authfile ? xstrdup(a.ro.authfile) : reg_auth_default_file();
    if (a.all) {
        if (unlink(file) < 0 && errno != ENOENT) {
            fprintf(stderr, "berth: logout: remove '%s': %s\n", file, strerror(errno));
            return 1;
        }
        printf("Removed login credentials for all registries\n");
        return 0;
    }
    if ((rc = registry_arg("logout", argv[optind], host, sizeof(host))) >= 0)
        return rc;
    rc = reg_auth_remove(file, host, &e);
    if (rc < 0) {
        fprintf(stderr, "berth: logout %s: %s\n", host, err_msg(e));
        return 1;
    }
    if (rc == 0) {
        fprintf(stderr, "berth: logout: not logged into %s\n", host);
        return 1;
    }
    printf("Removed login credentials for %s\n", host);
    return 0;
}
