/* SPDX-License-Identifier: MIT */
/* `berth net ...`: container networks (create, ls, inspect, rm, prune); docs/NETWORKS.md. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "ctr/net/net.h"
#include "ui/cli/cli.h"
#include "ui/frontends.h"

static const char usage_text[] =
    "usage: berth net COMMAND ...\n"
    "  create NAME [--subnet CIDR]  a network: a bridge, a subnet (a free 10.88-99.x.0/24 when\n"
    "                               none is given), NAT for its containers' outbound traffic\n"
    "  ls [--json]                  the networks and how many running containers use each\n"
    "  inspect NAME                 a network and its containers' addresses and ports (JSON)\n"
    "  rm NAME...                   remove networks no running container uses\n"
    "  prune                        remove every network no running container uses\n"
    "Containers join with `berth ctr run --net NAME` (or --net bridge: the network " NET_DEFAULT
    ",\nmade on first use) and publish ports with -p [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp].\n";

static const struct cli_front front_net = {"net: ", "berth net --help", false};

#define usage_error(...) cli_usage_error(&front_net, __VA_ARGS__)

static int
fail(const struct err *e)
{
    fprintf(stderr, "berth: %s\n", err_msg(e));
    return 1;
}

static bool
want_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
        if (strcmp(argv[i], "--") == 0)
            break;
    }
    return false;
}

static int
cmd_create(int argc, char **argv)
{
    static const struct option opts[] = {{"subnet", required_argument, NULL, 's'},
                                         {NULL, 0, NULL, 0}};
    const char *subnet = NULL;
    int opt;
    optind = 0;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, ":", opts, NULL)) != -1) {
        if (opt != 's')
            return cli_opt_error(&front_net, argv[0], opt, argv);
        subnet = optarg;
    }
    if (optind + 1 != argc)
        return usage_error("create needs one network NAME");
    cleanup_err struct err *e = NULL;
    if (net_create(argv[optind], subnet, &e) < 0)
        return fail(e);
    printf("%s\n", argv[optind]);
    return 0;
}

static int
cmd_ls(int argc, char **argv)
{
    bool json = argc == 2 && strcmp(argv[1], "--json") == 0;
    if (argc > 1 && !json)
        return usage_error("ls: unexpected argument '%s' (only --json)", argv[1]);
    cleanup_err struct err *e = NULL;
    cleanup_free struct net_info *v = NULL;
    size_t n = 0;
    if (net_list(&v, &n, &e) < 0)
        return fail(e);
    json_object *a = json ? json_object_new_array() : NULL;
    if (!json)
        printf("%-20s %-12s %-18s %-15s %s\n", "NAME", "BRIDGE", "SUBNET", "GATEWAY", "CONTAINERS");
    for (size_t i = 0; i < n; i++) {
        char sub[24], gw[16];
        net_cidr_format(&v[i].subnet, sub, sizeof(sub));
        net_ip_format(v[i].gateway, gw, sizeof(gw));
        if (!json) {
            printf("%-20s %-12s %-18s %-15s %zu\n", v[i].name, v[i].bridge, sub, gw, v[i].n_leases);
            continue;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "name", json_object_new_string(v[i].name));
        json_object_object_add(o, "bridge", json_object_new_string(v[i].bridge));
        json_object_object_add(o, "subnet", json_object_new_string(sub));
        json_object_object_add(o, "gateway", json_object_new_string(gw));
        json_object_object_add(o, "containers", json_object_new_int64((int64_t)v[i].n_leases));
        json_object_array_add(a, o);
    }
    if (json) {
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(a);
    }
    return 0;
}

static int
cmd_inspect(int argc, char **argv)
{
    if (argc != 2)
        return usage_error("inspect needs one network NAME");
    cleanup_err struct err *e = NULL;
    cleanup_free char *json = NULL;
    if (net_inspect(argv[1], &json, &e) < 0)
        return fail(e);
    printf("%s\n", json);
    return 0;
}

static int
cmd_rm(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("rm needs a network NAME");
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        cleanup_err struct err *e = NULL;
        if (net_remove(argv[i], &e) < 0)
            rc = fail(e);
        else
            printf("%s\n", argv[i]);
    }
    return rc;
}

static int
cmd_prune(int argc, char **argv)
{
    if (argc > 1)
        return usage_error("prune: unexpected argument '%s'", argv[1]);
    cleanup_err struct err *e = NULL;
    size_t n = 0;
    if (net_prune(&n, &e) < 0)
        return fail(e);
    printf("%zu network%s removed\n", n, n == 1 ? "" : "s");
    return 0;
}

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"create", cmd_create}, {"ls", cmd_ls},       {"inspect", cmd_inspect},
    {"rm", cmd_rm},         {"prune", cmd_prune},
};

int
cli_net_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    if (argc < 2)
        return usage_error("missing command");
    if (strcmp(argv[1], "help") == 0 || want_help(argc, argv)) {
        fputs(usage_text, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, argv[1]) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    return usage_error("unknown command '%s' (create, ls, inspect, rm, prune)", argv[1]);
}
