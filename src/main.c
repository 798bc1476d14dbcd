/* SPDX-License-Identifier: MIT */
/* berth: argument parsing; picks a front end (dashboard, batch, ctr/vm subcommands). */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/trace.h"
#include "common/cleanup.h"
#include "common/err.h"
#include "common/units.h"
#include "ui/app.h"
#include "ui/cli/cli.h"
#include "ui/cli/image.h"
#include "ui/frontends.h"
#include "ui/oci/oci.h"

static void
usage(FILE *f)
{
    fprintf(
        f,
        "usage: berth [OPTIONS]                 the dashboard (on a terminal)\n"
        "       berth --batch [OPTIONS]         print samples for scripts\n"
        "       berth ctr COMMAND [ARGS...]     native containers (berth ctr --help)\n"
        "       berth vm COMMAND [ARGS...]      libvirt VMs (berth vm --help)\n"
        "       berth volume COMMAND [ARGS...]  container volumes (berth volume --help)\n"
        "       berth oci COMMAND [ARGS...]     the OCI runtime command line (also berth-oci)\n"
        "\n"
        "options:\n"
        "  -c, --connect URI     libvirt connection, repeatable (default: $LIBVIRT_DEFAULT_URI,\n"
        "                        else qemu:///system; the dashboard alone then test:///default)\n"
        "  -b, --batch           no dashboard: print COUNT samples and exit\n"
        "  -n, --count COUNT     batch samples to print (default 1; 0 = until interrupted)\n"
        "  -d, --delay SECONDS   refresh interval (default 1; fractions allowed)\n"
        "  -f, --format FORMAT   batch output: table, json (JSON Lines) or csv\n"
        "      --theme NAME      dashboard theme (see themes/)\n"
        "      --no-vms          leave libvirt out\n"
        "      --no-containers   leave containers out\n"
        "  -h, --help            this help\n"
        "  -V, --version         the version\n"
        "\n"
        "CPU%% is of one host CPU: 100%% = one full core, as in top.\n"
        "docs: README.md, docs/BATCH.md (output contract), docs/ARCHITECTURE.md\n");
}

/* One line naming the problem, a hint, exit status 2. */
#define bad_usage(...) cli_usage_error(&cli_front_global, __VA_ARGS__)

enum { OPT_THEME = 256, OPT_NO_VMS, OPT_NO_CONTAINERS };

static const struct option long_opts[] = {
    {"connect", required_argument, NULL, 'c'},
    {"batch", no_argument, NULL, 'b'},
    {"count", required_argument, NULL, 'n'},
    {"delay", required_argument, NULL, 'd'},
    {"format", required_argument, NULL, 'f'},
    {"theme", required_argument, NULL, OPT_THEME},
    {"no-vms", no_argument, NULL, OPT_NO_VMS},
    {"no-containers", no_argument, NULL, OPT_NO_CONTAINERS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* Parse the global options; returns -1 to go on, else an exit status. */
static int
parse_global(int argc, char **argv, struct app_opts *o)
{
    cleanup_err struct err *e = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:bn:d:f:hV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (o->n_uris == APP_MAX_URIS)
                return bad_usage("too many connections (at most %d)", APP_MAX_URIS);
            o->uris[o->n_uris++] = optarg;
            break;
        case 'b':
            o->batch = true;
            break;
        case 'n':
            if (units_parse_u64(optarg, 0, UINT32_MAX, "count", &o->count, &e) < 0)
                return bad_usage("%s", err_msg(e));
            break;
        case 'd':
            if (units_parse_seconds(optarg, &o->interval_s, &e) < 0)
                return bad_usage("%s", err_msg(e));
            o->interval_given = true;
            break;
        case 'f':
            if (app_parse_format(optarg, &o->format, &e) < 0)
                return bad_usage("%s", err_msg(e));
            break;
        case OPT_THEME:
            o->theme = optarg;
            break;
        case OPT_NO_VMS:
            o->no_vms = true;
            break;
        case OPT_NO_CONTAINERS:
            o->no_containers = true;
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("berth %s\n", BERTH_VERSION);
            return 0;
        default:
            return cli_opt_error(&cli_front_global, NULL, c, argv);
        }
    }
    return -1;
}

/* The front ends that take a command: `berth ctr ...`, `berth vm ...`. */
static const struct cli_cmd commands[] = {
    {"ctr", cli_ctr_main},       {"vm", cli_vm_main},         {"image", cli_image_main},
    {"login", cli_login_main},   {"logout", cli_logout_main}, {"net", cli_net_main},
    {"volume", cli_volume_main}, {"oci", cli_oci_berth_main},
};

int
main(int argc, char **argv)
{
    trace_mark("berth: main");
    const char *base = strrchr(argv[0], '/');
    if (strcmp(base ? base + 1 : argv[0], "berth-oci") == 0) /* runc's command line */
        return cli_oci_main(argc, argv, "berth-oci");
    struct app_opts o;
    app_opts_init(&o);
    int rc = parse_global(argc, argv, &o);
    if (rc >= 0)
        return rc;
    if (optind < argc && strcmp(argv[optind], "__complete") == 0) /* hidden: shell completion */
        return cli_complete_main(&o, argc - optind, argv + optind);
    if (optind < argc) {
        const struct cli_cmd *c = cli_cmd_find(commands, ARRAY_SIZE(commands), argv[optind]);
        char names[64];
        if (!c)
            return bad_usage("unknown command '%s' (%s)", argv[optind],
                             cli_cmd_names(commands, ARRAY_SIZE(commands), names, sizeof(names)));
        return c->run(&o, argc - optind, argv + optind);
    }
    /* Only the dashboard and batch output measure text (ncursesw's wide characters): the user's
     * character set for them, and for nobody their number format (batch output is for scripts).
     * Subcommands skip loading the locale, a measurable part of a container's start. */
    setlocale(LC_CTYPE, "");
    if (o.batch || !isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO))
        return batch_main(&o);
    return tui_main(&o);
}
