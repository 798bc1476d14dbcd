/* SPDX-License-Identifier: MIT */
/* `berth volume ...`: named volumes (ctr/volume/volume.h). */
#include "ui/frontends.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/json.h"
#include "ctr/volume/volume.h"
#include "ui/cli/cli.h"

static const char usage_text[] =
    "usage: berth volume COMMAND [ARGS]\n"
    "\n"
    "  create NAME           a named volume (also made by `ctr run -v NAME:/DEST` on first use)\n"
    "  ls [--json]           every volume: name, containers using it, path\n"
    "  inspect NAME...       JSON: name, path, created, users\n"
    "  rm NAME...            refused while a container uses it\n"
    "  prune                 remove every volume no container uses\n"
    "docs: docs/CONTAINERS.md (Volumes)\n";

static const struct cli_front front_volume = {"volume: ", "berth volume --help", true};

#define usage_error(...) cli_usage_error(&front_volume, __VA_ARGS__)

static int
fail(const struct err *e)
{
    fprintf(stderr, "berth: %s\n", err_msg(e));
    return 1;
}

/* Options of a volume command: --json (ls only) and --help. -1 to go on, else an exit status. */
static int
parse(int argc, char **argv, bool *json)
{
    static const struct option lo[] = {
        {"json", no_argument, NULL, 'j'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":h", lo, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        }
        if (opt == 'j' && json) {
            *json = true;
            continue;
        }
        if (opt == 'j')
            return usage_error("%s: unknown option '--json'", argv[0]);
        return cli_opt_error(&front_volume, argv[0], opt, argv);
    }
    return -1;
}

static int
names_needed(int argc, char **argv)
{
    if (optind >= argc)
        return usage_error("%s needs a volume NAME", argv[0]);
    for (int i = optind; i < argc; i++) {
        cleanup_err struct err *e = NULL;
        if (vol_name_check(argv[i], &e) < 0)
            return usage_error("%s", err_msg(e));
    }
    return -1;
}

static json_object *
info_json(const struct vol_info *v)
{
    char t[32] = "";
    time_t tt = (time_t)v->created;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(t, sizeof(t), "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_object *o = json_object_new_object(), *u = json_object_new_array();
    json_object_object_add(o, "name", json_object_new_string(v->name));
    json_object_object_add(o, "path", json_object_new_string(v->path));
    json_object_object_add(o, "created", json_object_new_string(t));
    for (const char *p = v->users; *p;) {
        size_t n = strcspn(p, ",");
        json_object_array_add(u, json_object_new_string_len(p, (int)n));
        p += n + (p[n] == ',');
    }
    json_object_object_add(o, "users", u);
    return o;
}

static void
print_json(json_object *o)
{
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

static int
cmd_create(int argc, char **argv)
{
    int rc = parse(argc, argv, NULL);
    if (rc >= 0 || (rc = names_needed(argc, argv)) >= 0)
        return rc;
    if (optind + 1 < argc)
        return usage_error("create takes one NAME (unexpected '%s')", argv[optind + 1]);
    cleanup_err struct err *e = NULL;
    if (vol_create(argv[optind], false, false, &e) < 0)
        return fail(e);
    printf("%s\n", argv[optind]);
    return 0;
}

static int
cmd_ls(int argc, char **argv)
{
    bool json = false;
    int rc = parse(argc, argv, &json);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error("ls: unexpected argument '%s'", argv[optind]);
    cleanup_err struct err *e = NULL;
    cleanup_free struct vol_info *v = NULL;
    size_t n = 0;
    if (vol_list(&v, &n, &e) < 0)
        return fail(e);
    if (json) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(a, info_json(&v[i]));
        print_json(a);
        return 0;
    }
    int w = 4;
    for (size_t i = 0; i < n; i++)
        w = (int)strlen(v[i].name) > w ? (int)strlen(v[i].name) : w;
    printf("%-*s %-20s %s\n", w, "NAME", "USED BY", "PATH");
    for (size_t i = 0; i < n; i++)
        printf("%-*s %-20s %s\n", w, v[i].name, v[i].users[0] ? v[i].users : "-", v[i].path);
    return 0;
}

static int
cmd_inspect(int argc, char **argv)
{
    int rc = parse(argc, argv, NULL);
    if (rc >= 0 || (rc = names_needed(argc, argv)) >= 0)
        return rc;
    json_object *a = json_object_new_array();
    int status = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_err struct err *e = NULL;
        struct vol_info v;
        if (vol_get(argv[i], &v, &e) < 0)
            status = fail(e);
        else
            json_object_array_add(a, info_json(&v));
    }
    print_json(a);
    return status;
}

static int
cmd_rm(int argc, char **argv)
{
    int rc = parse(argc, argv, NULL);
    if (rc >= 0 || (rc = names_needed(argc, argv)) >= 0)
        return rc;
    int status = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_err struct err *e = NULL;
        if (vol_remove(argv[i], &e) < 0)
            status = fail(e);
        else
            printf("%s\n", argv[i]);
    }
    return status;
}

static int
cmd_prune(int argc, char **argv)
{
    int rc = parse(argc, argv, NULL);
    if (rc >= 0)
        return rc;
    if (optind < argc)
        return usage_error("prune: unexpected argument '%s'", argv[optind]);
    cleanup_err struct err *e = NULL;
    size_t n = 0;
    char names[4096];
    if (vol_prune(&n, names, sizeof(names), &e) < 0)
        return fail(e);
    for (char *p = names; *p;) {
        size_t k = strcspn(p, ",");
        printf("%.*s\n", (int)k, p);
        p += k + (p[k] == ',');
    }
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
cli_volume_main(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    if (argc < 2)
        return usage_error("%s", "missing command (create, ls, inspect, rm, prune)");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, cmd) == 0)
            return commands[i].run(argc - 1, argv + 1);
    }
    return usage_error("unknown command '%s' (create, ls, inspect, rm, prune)", cmd);
}
