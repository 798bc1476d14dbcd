/* SPDX-License-Identifier: MIT */
/* config.json built from `create` options: berth's hardening defaults, or a bundle's config taken
 * whole (parsing it into struct ctr_spec: spec_parse.c). */
#include "ctr/store/store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/net/net.h"
#include "ctr/security/security.h"
#include "ctr/volume/volume_spec.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define CFG_MAX (4 * 1024 * 1024)
#define MEM_MIN (4ULL << 20)

static const struct {
    const char *dest, *type, *src, *opts[7];
} default_mounts[] = {
    {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
    {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}},
    {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
};

static json_object *
str_array(const char *const *v, size_t n)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < n && v[i]; i++)
        json_object_array_add(a, json_object_new_string(v[i]));
    return a;
}

static json_object *
default_mount(size_t i)
{
    json_object *m = json_object_new_object();
    json_object_object_add(m, "destination", json_object_new_string(default_mounts[i].dest));
    json_object_object_add(m, "type", json_object_new_string(default_mounts[i].type));
    json_object_object_add(m, "source", json_object_new_string(default_mounts[i].src));
    size_t n = 0;
    while (n < ARRAY_SIZE(default_mounts[i].opts) && default_mounts[i].opts[n])
        n++;
    json_object_object_add(m, "options", str_array(default_mounts[i].opts, n));
    return m;
}

static json_object *
build_mounts(void)
{
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++)
        json_object_array_add(a, default_mount(i));
    return a;
}

/* A bundle's config.json without some of the default mounts (/proc, /dev, /dev/pts, /dev/shm,
 * /dev/mqueue, /sys) gets them, first and in that order, so that its own mounts (a bind under
 * /dev...) go over them. A destination it mounts itself is left as it says. */
static void
bundle_default_mounts(json_object *cfg)
{
    json_object *old = jsonx_get_array(cfg, "mounts");
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < ARRAY_SIZE(default_mounts); i++) {
        bool has = false;
        for (size_t k = 0; old && k < json_object_array_length(old) && !has; k++) {
            const char *d;
            has = jsonx_get_str(json_object_array_get_idx(old, k), "destination", &d) &&
                  strcmp(d, default_mounts[i].dest) == 0;
        }
        if (!has)
            json_object_array_add(a, default_mount(i));
    }
    for (size_t k = 0; old && k < json_object_array_length(old); k++)
        json_object_array_add(a, json_object_get(json_object_array_get_idx(old, k)));
    json_object_object_add(cfg, "mounts", a);
}

static json_object *
build_namespaces(bool host_net)
{
    static const char *const types[] = {"pid", "mount", "uts", "ipc", "network", "cgroup"};
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
        if (host_net && strcmp(types[i], "network") == 0)
            continue;
        json_object *ns = json_object_new_object();
        json_object_object_add(ns, "type", json_object_new_string(types[i]));
        json_object_array_add(a, ns);
    }
    return a;
}

static json_object *
build_resources(const struct ctr_create_opts *o)
{
    json_object *r = json_object_new_object();
    if (o->memory) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "limit", json_object_new_int64((int64_t)o->memory));
        json_object_object_add(r, "memory", m);
    }
    if (o->cpus > 0) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "quota", json_object_new_int64((int64_t)(o->cpus * 100000)));
        json_object_object_add(c, "period", json_object_new_int64(100000));
        json_object_object_add(r, "cpu", c);
    }
    if (o->pids && o->pids != CTR_PIDS_UNLIMITED) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "limit", json_object_new_int64((int64_t)o->pids));
        json_object_object_add(r, "pids", p);
    }
    return r;
}

static int
parse_user(const char *s, uint32_t *uid, uint32_t *gid, struct err **err)
{
    char *end;
    errno = 0;
    unsigned long u = strtoul(s, &end, 10);
    if (end == s || errno || u > UINT32_MAX - 1 || (*end && *end != ':') || *s == '-')
        return err_set(err, 0, "invalid user '%s' (use UID[:GID], numbers)", s);
    *uid = (uint32_t)u;
    *gid = (uint32_t)u;
    if (*end == ':') {
        const char *g = end + 1;
        unsigned long gv = strtoul(g, &end, 10);
        if (end == g || *end || errno || gv > UINT32_MAX - 1 || *g == '-')
            return err_set(err, 0, "invalid user '%s' (use UID[:GID], numbers)", s);
        *gid = (uint32_t)gv;
    }
    return 0;
}

static int
check_hostname(const char *h, struct err **err)
{
    size_t n = strlen(h);
    if (n == 0 || n > 64)
        return err_set(err, 0, "invalid hostname '%s' (1 to 64 characters)", h);
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return err_set(err, 0, "invalid hostname '%s' (letters, digits, '-' and '.')", h);
    }
    return 0;
}

static int
check_opts(const struct ctr_create_opts *o, struct err **err)
{
    if (o->memory && o->memory < MEM_MIN)
        return err_set(err, 0,
                       "memory limit %llu bytes is too small to start a container (minimum 4M)",
                       (unsigned long long)o->memory);
    if (o->cpus < 0 || o->cpus > 1024)
        return err_set(err, 0, "invalid CPU limit %g (0.01 to 1024)", o->cpus);
    if (o->cpus > 0 && o->cpus < 0.01)
        return err_set(err, 0, "CPU limit %g is too small (minimum 0.01)", o->cpus);
    if (o->hostname && check_hostname(o->hostname, err) < 0)
        return -1;
    if (o->workdir && o->workdir[0] != '/')
        return err_set(err, 0, "working directory '%s' must be an absolute path", o->workdir);
    for (size_t i = 0; i < o->n_env; i++) {
        const char *eq = strchr(o->env[i], '=');
        if (!eq || eq == o->env[i])
            return err_set(err, 0, "invalid environment variable '%s' (use KEY=VALUE)", o->env[i]);
    }
    return 0;
}

static int
resolve_rootfs(const char *dir, char *out, struct err **err)
{
    struct stat st;
    if (stat(dir, &st) < 0)
        return err_set(err, errno, "rootfs '%s'", dir);
    if (!S_ISDIR(st.st_mode))
        return err_set(err, 0, "rootfs '%s' is not a directory", dir);
    if (!realpath(dir, out))
        return err_set(err, errno, "rootfs '%s'", dir);
    if (strpbrk(out, ",:\n"))
        return err_set(err, 0, "rootfs path '%s' contains ',' or ':' (overlayfs cannot use it)",
                       out);
    return 0;
}

/* A root from an image's layers: root.path names the top layer (for listings); the overlay's
 * lower directories are in an annotation. --inplace and --userns need one directory. */
static int
image_root(const struct ctr_create_opts *o, char *out, struct err **err)
{
    if (o->inplace)
        return err_set(err, 0, "--inplace needs a rootfs directory, not an image");
    for (size_t i = 0; i < o->n_sec; i++) {
        if (strcmp(o->sec[i].name, "userns") == 0)
            return err_set(err, 0, "--userns with an image is not supported yet (use --rootfs)");
    }
    for (size_t i = 0; i < o->n_layers; i++) {
        if (o->layers[i][0] != '/' || strpbrk(o->layers[i], ",:\n"))
            return err_set(err, 0, "image layer path '%s': not absolute, or has ',' or ':'",
                           o->layers[i]);
    }
    ctr_fmt(out, PATH_MAX, "%s", o->layers[0]);
    return 0;
}

static void
image_annotations(json_object *ann, const struct ctr_create_opts *o)
{
    size_t len = 1;
    for (size_t i = 0; i < o->n_layers; i++)
        len += strlen(o->layers[i]) + 1;
    char *joined = xmalloc(len);
    joined[0] = 0;
    for (size_t i = 0; i < o->n_layers; i++) {
        strcat(joined, i ? ":" : "");
        strcat(joined, o->layers[i]);
    }
    json_object_object_add(ann, "org.berth.image.layers", json_object_new_string(joined));
    json_object_object_add(ann, "org.berth.image",
                           json_object_new_string(o->image ? o->image : ""));
    free(joined);
}

static json_object *
build_process(const struct ctr_create_opts *o, struct err **err)
{
    uint32_t uid = 0, gid = 0;
    if (o->user && parse_user(o->user, &uid, &gid, err) < 0)
        return NULL;
    json_object *p = json_object_new_object();
    json_object_object_add(p, "terminal", json_object_new_boolean(o->tty));
    json_object *u = json_object_new_object();
    json_object_object_add(u, "uid", json_object_new_int64(uid));
    json_object_object_add(u, "gid", json_object_new_int64(gid));
    json_object_object_add(p, "user", u);
    static const char *const sh[] = {"/bin/sh"};
    json_object_object_add(
        p, "args", o->argc ? str_array((const char *const *)o->argv, o->argc) : str_array(sh, 1));
    json_object *env = json_object_new_array();
    json_object_array_add(env, json_object_new_string(DEFAULT_PATH));
    if (o->tty)
        json_object_array_add(env, json_object_new_string("TERM=xterm"));
    for (size_t i = 0; i < o->n_env; i++)
        json_object_array_add(env, json_object_new_string(o->env[i]));
    json_object_object_add(p, "env", env);
    json_object_object_add(p, "cwd", json_object_new_string(o->workdir ? o->workdir : "/"));
    return p;
}

static json_object *
build_from_opts(const struct ctr_create_opts *o, const char *name_hint, struct err **err)
{
    char root[PATH_MAX];
    if (check_opts(o, err) < 0 ||
        (o->n_layers ? image_root(o, root, err) : resolve_rootfs(o->rootfs, root, err)) < 0)
        return NULL;
    json_object *proc = build_process(o, err);
    if (!proc)
        return NULL;
    json_object *cfg = json_object_new_object();
    json_object_object_add(cfg, "ociVersion", json_object_new_string("1.0.2"));
    json_object_object_add(cfg, "process", proc);
    json_object *r = json_object_new_object();
    json_object_object_add(r, "path", json_object_new_string(root));
    json_object_object_add(r, "readonly", json_object_new_boolean(false));
    json_object_object_add(cfg, "root", r);
    json_object_object_add(cfg, "hostname",
                           json_object_new_string(o->hostname ? o->hostname : name_hint));
    json_object_object_add(cfg, "mounts", build_mounts());
    json_object *lin = json_object_new_object();
    bool host = o->net && strcmp(o->net, "host") == 0;
    json_object_object_add(lin, "namespaces", build_namespaces(host));
    json_object_object_add(lin, "resources", build_resources(o));
    json_object_object_add(cfg, "linux", lin);
    json_object *ann = json_object_new_object();
    json_object_object_add(ann, "org.berth.rootfs-mode",
                           json_object_new_string(o->inplace ? "inplace" : "overlay"));
    if (o->n_layers)
        image_annotations(ann, o);
    json_object_object_add(cfg, "annotations", ann);
    return cfg;
}

/* The first option given with --bundle that would say what the bundle's config.json says (the
 * process, its limits, the root): refused rather than silently ignored. NULL: none. */
static const char *
bundle_conflict(const struct ctr_create_opts *o)
{
    const struct {
        bool given;
        const char *what;
    } opts[] = {
        {o->argc > 0, "a command after '--'"},
        {o->memory > 0, "--memory"},
        {o->cpus > 0, "--cpus"},
        {o->pids > 0, "--pids"},
        {o->hostname != NULL, "--hostname"},
        {o->n_env > 0, "--env"},
        {o->workdir != NULL, "--workdir"},
        {o->user != NULL, "--user"},
        {o->net != NULL, "--net"},
        {o->n_ports > 0, "-p"},
        {o->tty, "--tty"},
        {o->inplace, "--inplace"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(opts); i++) {
        if (opts[i].given)
            return opts[i].what;
    }
    return NULL;
}

static json_object *
build_from_bundle(const struct ctr_create_opts *o, struct err **err)
{
    const char *conflict = bundle_conflict(o);
    if (conflict)
        return err_set(err, 0,
                       "%s cannot be combined with --bundle: the bundle's config.json says what to "
                       "run and how (change it there)",
                       conflict),
               NULL;
    char dir[PATH_MAX], p[PATH_MAX];
    if (!realpath(o->bundle, dir))
        return err_set(err, errno, "bundle '%s'", o->bundle), NULL;
    ctr_fmt(p, sizeof(p), "%s/config.json", dir);
    json_object *cfg = jsonx_load_file(p, CFG_MAX, err);
    if (!cfg)
        return NULL;
    struct ctr_spec s;
    if (ctr_spec_parse(cfg, dir, &s, err) < 0)
        return NULL; /* cfg released by the parse */
    /* Store the root as an absolute path so the definition stands alone. */
    json_object_object_add(json_object_object_get(cfg, "root"), "path",
                           json_object_new_string(s.root));
    bundle_default_mounts(cfg);
    s.json = NULL;
    ctr_spec_done(&s);
    return cfg;
}

/* No pids limit given (no --pids; a bundle without linux.resources.pids.limit): the default,
 * marked by an annotation so that a rootless container without a cgroup runs without it. */
static void
pids_default(json_object *cfg, const struct ctr_create_opts *o, json_object *ann)
{
    json_object *res = jsonx_child_obj(jsonx_child_obj(cfg, "linux"), "resources");
    json_object *p = jsonx_get_obj(res, "pids");
    if (o->pids || (p && json_object_object_get_ex(p, "limit", NULL)))
        return;
    p = jsonx_child_obj(res, "pids");
    json_object_object_add(p, "limit", json_object_new_int64(CTR_PIDS_DEFAULT));
    json_object_object_add(ann, "org.berth.pids-default", json_object_new_string("true"));
}

bool
ctr_spec_pids_defaulted(const struct ctr_spec *s)
{
    json_object *ann = jsonx_get_obj(s->json, "annotations");
    const char *v;
    return s->pids_limit == CTR_PIDS_DEFAULT && jsonx_get_str(ann, "org.berth.pids-default", &v) &&
           strcmp(v, "true") == 0;
}

json_object *
ctr_spec_build(const char *name, const struct ctr_create_opts *o, struct err **err)
{
    if (!o->rootfs && !o->bundle)
        return err_set(err, 0, "a root filesystem is needed: --rootfs DIR or --bundle DIR"), NULL;
    if (o->rootfs && o->bundle)
        return err_set(err, 0, "--rootfs and --bundle exclude each other"), NULL;
    json_object *cfg = o->bundle ? build_from_bundle(o, err) : build_from_opts(o, name, err);
    if (!cfg)
        return NULL;
    json_object *ann = jsonx_get_obj(cfg, "annotations");
    if (!ann) {
        ann = json_object_new_object();
        json_object_object_add(cfg, "annotations", ann);
    }
    char now[32];
    ctr_fmt(now, sizeof(now), "%lld", (long long)time(NULL));
    json_object_object_add(ann, "org.berth.created", json_object_new_string(now));
    if (o->oci) {
        /* A runtime runs the bundle as written: no defaults of berth's; podman's root in place. */
        json_object_object_add(ann, "org.berth.rootfs-mode", json_object_new_string("inplace"));
        json_object_object_add(ann, "org.berth.bundle", json_object_new_string(o->bundle));
        return cfg;
    }
    pids_default(cfg, o, ann);
    if (net_ctr_annotate(cfg, o->net, o->ports, o->n_ports, err) < 0)
        goto fail;
    if (ctr_security_default_config(cfg, err) < 0)
        goto fail;
    for (size_t i = 0; i < o->n_sec; i++) {
        if (ctr_security_cli_option(cfg, o->sec[i].name, o->sec[i].value, err) < 0)
            goto fail;
    }
    if (vol_spec_wanted(o) && vol_spec_apply(cfg, o, err) < 0)
        goto fail;
    return cfg;
fail:
    json_object_put(cfg);
    return NULL;
}
