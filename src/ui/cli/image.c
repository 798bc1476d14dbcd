/* SPDX-License-Identifier: MIT */
/* `berth image import|ls|inspect|rm|tag`: argument handling and output for the image store. */
#include "ui/cli/image.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/units.h"
#include "ctr/image/image.h"
#include "ui/cli/cli.h"
#include "ui/frontends.h"

static const char usage_text[] =
    "usage: berth image COMMAND [OPTIONS] [ARGS]\n"
    "\n"
    "  pull [OPTIONS] REF           from a registry (berth image pull --help)\n"
    "  import PATH [NAME[:TAG]]     an OCI layout directory, an oci-archive or a docker-archive\n"
    "  import --rootfs-tar FILE NAME[:TAG]   a plain root file system tarball as one layer\n"
    "  ls [--format table|json]     images: names, id, layers, size, shared size, containers\n"
    "  inspect REF                  manifest, config and layer directories (JSON)\n"
    "  rm REF...                    a name, or the image (refused while a container uses it)\n"
    "  tag REF NAME[:TAG]           another name for an image\n"
    "\n"
    "REF: NAME[:TAG] (TAG defaults to latest), sha256:DIGEST or 12+ hex digits of it.\n"
    "Run one: berth ctr run NAME IMAGE [CMD...]. docs: docs/IMAGES.md\n";

static const struct cli_front front_image = {"image: ", "berth image --help", true};
#define usage_error(...) cli_usage_error(&front_image, __VA_ARGS__)

static int
fail(const struct err *e)
{
    fprintf(stderr, "berth: %s\n", err_msg(e));
    return 1;
}

enum { O_ROOTFS_TAR = 256, O_FORMAT };

static const struct option import_opts[] = {
    {"rootfs-tar", no_argument, NULL, O_ROOTFS_TAR},
    {"format", required_argument, NULL, O_FORMAT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Options of every image command: -1 to go on, else an exit status. */
static int
parse_opts(int argc, char **argv, bool *rootfs_tar, bool *json)
{
    optind = 0;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":h", import_opts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage_text, stdout);
            return 0;
        }
        if (opt == O_ROOTFS_TAR && rootfs_tar) {
            *rootfs_tar = true;
        } else if (opt == O_FORMAT && json) {
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0)
                return usage_error("--format '%s': use table or json", optarg);
            *json = strcmp(optarg, "json") == 0;
        } else if (opt == ':' || opt == '?') {
            return cli_opt_error(&front_image, argv[0], opt, argv);
        } else {
            return usage_error("%s: unknown option '%s'", argv[0], argv[optind - 1]);
        }
    }
    return -1;
}

static int
args_count(int argc, char **argv, int min, int max, const char *what)
{
    int n = argc - optind;
    if (n < min)
        return usage_error("%s needs %s", argv[0], what);
    if (max >= 0 && n > max)
        return usage_error("unexpected argument '%s'", argv[optind + max]);
    return -1;
}

static int
cmd_import(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    bool rootfs_tar = false;
    int rc = parse_opts(argc, argv, &rootfs_tar, NULL);
    if (rc >= 0 || (rc = args_count(argc, argv, 1, 2, "a PATH")) >= 0)
        return rc;
    const char *path = argv[optind], *name = optind + 1 < argc ? argv[optind + 1] : NULL;
    cleanup_err struct err *e = NULL;
    char digest[IMAGE_DIGEST_LEN + 1] = "", norm[IMAGE_NAME_MAX + 1];
    if (name && image_name_check(name, norm, &e) < 0)
        return usage_error("%s", err_msg(e));
    struct stat st;
    if (stat(path, &st) < 0)
        return usage_error("import: '%s': no such file or directory", path);
    if (rootfs_tar && !name)
        return usage_error("import --rootfs-tar needs a NAME for the image");
    if (rootfs_tar)
        rc = image_import_rootfs_tar(path, name, digest, &e);
    else if (S_ISDIR(st.st_mode))
        rc = image_import_layout_ex(path, NULL, name, digest, &e);
    else
        rc = image_import_archive(path, name, digest, &e);
    if (rc < 0)
        return fail(e);
    printf("%s\n", digest);
    return 0;
}

static json_object *
info_json(const struct image_info *in)
{
    json_object *j = json_object_new_object();
    json_object *names = json_object_new_array();
    for (char **p = in->names; *p; p++)
        json_object_array_add(names, json_object_new_string(*p));
    json_object_object_add(j, "id", json_object_new_string(in->digest));
    json_object_object_add(j, "names", names);
    json_object_object_add(j, "config", json_object_new_string(in->config));
    json_object_object_add(j, "layers", json_object_new_int64((int64_t)in->n_layers));
    json_object_object_add(j, "size", json_object_new_int64((int64_t)in->size));
    json_object_object_add(j, "shared_size", json_object_new_int64((int64_t)in->shared_size));
    json_object_object_add(j, "containers", json_object_new_int64((int64_t)in->n_users));
    json_object_object_add(j, "imported", json_object_new_int64(in->created));
    return j;
}

static void
print_row(const struct image_info *in, const char *name)
{
    char size[32], shared[32];
    units_format_size(in->size, size, sizeof(size));
    units_format_size(in->shared_size, shared, sizeof(shared));
    printf("%-40s %-12.12s %6zu %9s %9s %10zu\n", name, in->digest + 7, in->n_layers, size, shared,
           in->n_users);
}

static int
cmd_ls(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    bool json = false;
    int rc = parse_opts(argc, argv, NULL, &json);
    if (rc >= 0 || (rc = args_count(argc, argv, 0, 0, "")) >= 0)
        return rc;
    cleanup_err struct err *e = NULL;
    struct image_info *list = NULL;
    size_t n = 0;
    if (image_list(&list, &n, &e) < 0)
        return fail(e);
    if (json) {
        json_object *arr = json_object_new_array();
        for (size_t i = 0; i < n; i++)
            json_object_array_add(arr, info_json(&list[i]));
        puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PLAIN |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(arr);
    } else {
        printf("%-40s %-12s %6s %9s %9s %10s\n", "NAME", "ID", "LAYERS", "SIZE", "SHARED",
               "CONTAINERS");
        for (size_t i = 0; i < n; i++) {
            print_row(&list[i], list[i].names[0] ? list[i].names[0] : "<none>");
            for (char **p = list[i].names[0] ? list[i].names + 1 : list[i].names; *p; p++)
                print_row(&list[i], *p);
        }
    }
    image_info_list_free(list, n);
    return 0;
}

static int
cmd_inspect(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    int rc = parse_opts(argc, argv, NULL, NULL);
    if (rc >= 0 || (rc = args_count(argc, argv, 1, 1, "an image REF")) >= 0)
        return rc;
    cleanup_err struct err *e = NULL;
    cleanup_free char *json = NULL;
    if (image_inspect(argv[optind], &json, &e) < 0)
        return fail(e);
    puts(json);
    return 0;
}

static int
cmd_rm(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    int rc = parse_opts(argc, argv, NULL, NULL);
    if (rc >= 0 || (rc = args_count(argc, argv, 1, -1, "an image REF")) >= 0)
        return rc;
    int status = 0;
    for (int i = optind; i < argc; i++) {
        cleanup_err struct err *e = NULL;
        if (image_remove(argv[i], &e) < 0)
            status = fail(e);
        else
            printf("%s\n", argv[i]);
    }
    return status;
}

static int
cmd_tag(const struct app_opts *o, int argc, char **argv)
{
    (void)o;
    int rc = parse_opts(argc, argv, NULL, NULL);
    if (rc >= 0 || (rc = args_count(argc, argv, 2, 2, "an image REF and a NAME")) >= 0)
        return rc;
    cleanup_err struct err *e = NULL;
    char norm[IMAGE_NAME_MAX + 1];
    if (image_name_check(argv[optind + 1], norm, &e) < 0)
        return usage_error("%s", err_msg(e));
    if (image_tag(argv[optind], argv[optind + 1], &e) < 0)
        return fail(e);
    return 0;
}

static const struct cli_cmd commands[] = {
    {"import", cmd_import}, {"ls", cmd_ls},   {"inspect", cmd_inspect},
    {"rm", cmd_rm},         {"tag", cmd_tag}, {"pull", cli_image_pull_main},
};

int
cli_image_main(const struct app_opts *o, int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "missing command");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_text, stdout);
        return 0;
    }
    const struct cli_cmd *c = cli_cmd_find(commands, ARRAY_SIZE(commands), cmd);
    char names[96];
    if (!c)
        return usage_error("unknown command '%s' (%s)", cmd,
                           cli_cmd_names(commands, ARRAY_SIZE(commands), names, sizeof(names)));
    return c->run(o, argc - 1, argv + 1);
}

static size_t
strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

/* Entrypoint + (the user's command, else Cmd). */
static void
apply_command(struct ctr_create_opts *o, struct cli_image_run *r)
{
    size_t ne = strv_len(r->img.entrypoint), nc = o->argc ? o->argc : strv_len(r->img.cmd);
    if (ne + nc == 0)
        return;
    r->argv = calloc(ne + nc + 1, sizeof(char *));
    if (!r->argv)
        abort();
    for (size_t i = 0; i < ne; i++)
        r->argv[i] = r->img.entrypoint[i];
    for (size_t i = 0; i < nc; i++)
        r->argv[ne + i] = o->argc ? o->argv[i] : r->img.cmd[i];
    o->argv = r->argv;
    o->argc = ne + nc;
}

static bool
env_has(const struct ctr_create_opts *o, const char *kv)
{
    size_t k = strcspn(kv, "=");
    for (size_t i = 0; i < o->n_env; i++) {
        if (strncmp(o->env[i], kv, k) == 0 && o->env[i][k] == '=')
            return true;
    }
    return false;
}

static void
apply_env(struct ctr_create_opts *o, struct cli_image_run *r)
{
    size_t ni = strv_len(r->img.env), n = 0;
    r->env = calloc(ni + o->n_env + 1, sizeof(char *));
    if (!r->env)
        abort();
    for (size_t i = 0; i < ni; i++) {
        if (strchr(r->img.env[i], '=') && r->img.env[i][0] != '=' && !env_has(o, r->img.env[i]))
            r->env[n++] = r->img.env[i];
    }
    for (size_t i = 0; i < o->n_env; i++)
        r->env[n++] = o->env[i];
    o->env = r->env;
    o->n_env = n;
}

int
cli_image_apply(struct ctr_create_opts *o, const char *ref, struct cli_image_run *r,
                struct err **err)
{
    memset(r, 0, sizeof(*r));
    r->loaded = true;
    if (image_run_load(ref, &r->img, err) < 0)
        return -1;
    if (r->img.n_layers == 0)
        return err_set(err, 0, "image '%s' has no layers", ref);
    o->layers = (const char *const *)r->img.layers;
    o->n_layers = r->img.n_layers;
    o->image = r->img.digest;
    o->rootfs = r->img.layers[0];
    apply_command(o, r);
    apply_env(o, r);
    if (!o->workdir && r->img.workdir && r->img.workdir[0] == '/')
        o->workdir = r->img.workdir;
    const char *user = o->user ? o->user : r->img.user;
    if (user) {
        uid_t uid;
        gid_t gid;
        if (image_user_resolve(&r->img, user, &uid, &gid, err) < 0)
            return err_wrap(err, "image '%s'", ref);
        snprintf(r->user, sizeof(r->user), "%u:%u", (unsigned)uid, (unsigned)gid);
        o->user = r->user;
    }
    return 0;
}

void
cli_image_done(struct cli_image_run *r)
{
    if (r->loaded)
        image_run_done(&r->img);
    r->loaded = false;
    free(r->argv);
    free(r->env);
    r->argv = NULL;
    r->env = NULL;
}
