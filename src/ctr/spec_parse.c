/* SPDX-License-Identifier: MIT */
/* config.json -> struct ctr_spec: the OCI runtime-spec subset (docs/CONTAINERS.md), strictly. */
#include "ctr/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"
#include "common/json.h"

#define CFG_MAX (4 * 1024 * 1024)

static char *
xstrdup(const char *s)
{
    char *d = strdup(s);
    if (!d)
        abort();
    return d;
}

/* A NULL-terminated copy of an array of strings; NULL with err when not that. */
static char **
strv_from(json_object *a, const char *what, bool nonempty, struct err **err)
{
    if (!a || !json_object_is_type(a, json_type_array))
        return err_set(err, 0, "config.json: %s must be an array of strings", what), NULL;
    size_t n = json_object_array_length(a);
    if (nonempty && n == 0)
        return err_set(err, 0, "config.json: %s must not be empty", what), NULL;
    char **v = calloc(n + 1, sizeof(*v));
    if (!v)
        abort();
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (!json_object_is_type(e, json_type_string)) {
            for (size_t j = 0; j < i; j++)
                free(v[j]);
            free(v);
            return err_set(err, 0, "config.json: %s[%zu] is not a string", what, i), NULL;
        }
        v[i] = xstrdup(json_object_get_string(e));
    }
    return v;
}

static void
strv_free(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

static int
get_u32(json_object *o, const char *key, const char *what, uint32_t *out, struct err **err)
{
    int64_t v;
    if (!jsonx_get_int64(o, key, &v) || v < 0 || v > UINT32_MAX)
        return err_set(err, 0, "config.json: %s.%s must be a number 0..4294967295", what, key);
    *out = (uint32_t)v;
    return 0;
}

static int
parse_process(json_object *p, struct ctr_spec *s, struct err **err)
{
    if (!p)
        return err_set(err, 0, "config.json: 'process' is missing");
    if (!(s->args = strv_from(jsonx_get_array(p, "args"), "process.args", true, err)))
        return -1;
    json_object *env = jsonx_get_array(p, "env");
    s->env = env ? strv_from(env, "process.env", false, err) : calloc(1, sizeof(char *));
    if (!s->env)
        return -1;
    const char *cwd = "/";
    if (json_object_object_get_ex(p, "cwd", NULL) && !jsonx_get_str(p, "cwd", &cwd))
        return err_set(err, 0, "config.json: process.cwd must be a string");
    if (cwd[0] != '/')
        return err_set(err, 0, "config.json: process.cwd '%s' must be absolute", cwd);
    s->cwd = xstrdup(cwd);
    jsonx_get_bool(p, "terminal", &s->terminal);
    json_object *u = jsonx_get_obj(p, "user");
    if (u) {
        if (get_u32(u, "uid", "process.user", &s->uid, err) < 0 ||
            get_u32(u, "gid", "process.user", &s->gid, err) < 0)
            return -1;
        json_object *g = jsonx_get_array(u, "additionalGids");
        size_t n = g ? json_object_array_length(g) : 0;
        s->groups = calloc(n + 1, sizeof(gid_t));
        for (size_t i = 0; i < n; i++)
            s->groups[s->n_groups++] =
                (gid_t)json_object_get_int64(json_object_array_get_idx(g, i));
    }
    return 0;
}

static int
parse_root(json_object *cfg, const char *bundle, struct ctr_spec *s, struct err **err)
{
    json_object *r = jsonx_get_obj(cfg, "root");
    const char *path;
    if (!r || !jsonx_get_str(r, "path", &path) || !*path)
        return err_set(err, 0, "config.json: root.path is missing");
    jsonx_get_bool(r, "readonly", &s->root_ro);
    char joined[PATH_MAX];
    if (path[0] == '/')
        ctr_fmt(joined, sizeof(joined), "%s", path);
    else
        ctr_fmt(joined, sizeof(joined), "%s/%s", bundle ? bundle : ".", path);
    s->root = xstrdup(joined);
    return 0;
}

static const struct {
    const char *name;
    unsigned flag;
} ns_names[] = {
    {"pid", CTR_NS_PID},     {"mount", CTR_NS_MOUNT},   {"uts", CTR_NS_UTS},   {"ipc", CTR_NS_IPC},
    {"network", CTR_NS_NET}, {"cgroup", CTR_NS_CGROUP}, {"user", CTR_NS_USER},
};

static int
parse_namespaces(json_object *lin, struct ctr_spec *s, struct err **err)
{
    json_object *a = jsonx_get_array(lin, "namespaces");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *ns = json_object_array_get_idx(a, i);
        const char *t;
        if (!jsonx_get_str(ns, "type", &t))
            return err_set(err, 0, "config.json: linux.namespaces[%zu].type is missing", i);
        if (json_object_object_get_ex(ns, "path", NULL))
            return err_set(err, 0,
                           "config.json: joining namespace paths is not supported "
                           "(linux.namespaces[%zu].path)",
                           i);
        size_t k = 0;
        while (k < ARRAY_SIZE(ns_names) && strcmp(ns_names[k].name, t) != 0)
            k++;
        if (k == ARRAY_SIZE(ns_names))
            return err_set(err, 0, "config.json: unknown namespace type '%s'", t);
        s->ns |= ns_names[k].flag;
    }
    if (!(s->ns & CTR_NS_MOUNT))
        return err_set(err, 0, "config.json: a mount namespace is required");
    return 0;
}

static int
parse_idmap(json_object *lin, const char *key, struct ctr_idmap *m, size_t *n, struct err **err)
{
    json_object *a = jsonx_get_array(lin, key);
    size_t len = a ? json_object_array_length(a) : 0;
    if (len > 8)
        return err_set(err, 0, "config.json: linux.%s has more than 8 entries", key);
    for (size_t i = 0; i < len; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        if (get_u32(e, "containerID", key, &m[i].inside, err) < 0 ||
            get_u32(e, "hostID", key, &m[i].outside, err) < 0 ||
            get_u32(e, "size", key, &m[i].size, err) < 0)
            return -1;
    }
    *n = len;
    return 0;
}

static int
parse_resources(json_object *lin, struct ctr_spec *s, struct err **err)
{
    json_object *r = jsonx_get_obj(lin, "resources");
    s->mem_limit = s->cpu_quota = s->pids_limit = -1;
    s->cpu_period = 100000;
    json_object *m = jsonx_get_obj(r, "memory"), *c = jsonx_get_obj(r, "cpu");
    json_object *p = jsonx_get_obj(r, "pids");
    int64_t v;
    if (m && jsonx_get_int64(m, "limit", &v) && v > 0)
        s->mem_limit = v;
    if (c && jsonx_get_int64(c, "quota", &v) && v > 0)
        s->cpu_quota = v;
    if (c && jsonx_get_int64(c, "period", &v)) {
        if (v < 1000 || v > 1000000)
            return err_set(err, 0, "config.json: linux.resources.cpu.period %lld out of range",
                           (long long)v);
        s->cpu_period = (uint64_t)v;
    }
    if (p && jsonx_get_int64(p, "limit", &v) && v > 0)
        s->pids_limit = v;
    return 0;
}

int
ctr_spec_parse(json_object *cfg, const char *bundle, struct ctr_spec *s, struct err **err)
{
    memset(s, 0, sizeof(*s));
    s->json = cfg;
    if (!json_object_is_type(cfg, json_type_object))
        return err_set(err, 0, "config.json: not a JSON object");
    if (bundle)
        s->bundle = xstrdup(bundle);
    json_object *lin = jsonx_get_obj(cfg, "linux");
    const char *h = NULL, *mode = NULL;
    if (parse_process(jsonx_get_obj(cfg, "process"), s, err) < 0 ||
        parse_root(cfg, bundle, s, err) < 0 || parse_namespaces(lin, s, err) < 0 ||
        parse_idmap(lin, "uidMappings", s->uidmap, &s->n_uidmap, err) < 0 ||
        parse_idmap(lin, "gidMappings", s->gidmap, &s->n_gidmap, err) < 0 ||
        parse_resources(lin, s, err) < 0 || ctr_spec_parse_mounts(cfg, s, err) < 0)
        goto fail;
    if ((s->ns & CTR_NS_USER) && (!s->n_uidmap || !s->n_gidmap)) {
        err_set(err, 0, "config.json: a user namespace needs linux.uidMappings and gidMappings");
        goto fail;
    }
    if (jsonx_get_str(cfg, "hostname", &h))
        s->hostname = xstrdup(h);
    json_object *ann = jsonx_get_obj(cfg, "annotations");
    if (ann && jsonx_get_str(ann, "org.berth.rootfs-mode", &mode))
        s->inplace = strcmp(mode, "inplace") == 0;
    return 0;
fail:
    s->json = NULL;
    ctr_spec_done(s);
    return -1;
}

int
ctr_spec_load(const char *name, struct ctr_spec *s, struct err **err)
{
    char p[PATH_MAX];
    ctr_path_def(p, name, "config.json");
    json_object *cfg = jsonx_load_file(p, CFG_MAX, err);
    if (!cfg)
        return -1;
    if (ctr_spec_parse(cfg, NULL, s, err) < 0) {
        json_object_put(cfg);
        return err_wrap(err, "container '%s'", name);
    }
    return 0;
}

void
ctr_spec_done(struct ctr_spec *s)
{
    if (s->json)
        json_object_put(s->json);
    free(s->bundle);
    free(s->root);
    strv_free(s->args);
    strv_free(s->env);
    free(s->cwd);
    free(s->groups);
    free(s->hostname);
    for (size_t i = 0; i < s->n_mounts; i++) {
        free(s->mounts[i].dest);
        free(s->mounts[i].type);
        free(s->mounts[i].source);
        free(s->mounts[i].data);
    }
    free(s->mounts);
    memset(s, 0, sizeof(*s));
}

/* ---- mounts ---- */

static const struct {
    const char *name;
    bool clear;
    unsigned long flag;
} mount_flags[] = {
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"nosuid", false, MS_NOSUID},
    {"suid", true, MS_NOSUID},
    {"nodev", false, MS_NODEV},
    {"dev", true, MS_NODEV},
    {"noexec", false, MS_NOEXEC},
    {"exec", true, MS_NOEXEC},
    {"strictatime", false, MS_STRICTATIME},
    {"relatime", false, MS_RELATIME},
    {"noatime", false, MS_NOATIME},
    {"sync", false, MS_SYNCHRONOUS},
};

struct strbuf_lite {
    char buf[1024];
    size_t len;
};

static void
mount_option(struct ctr_mount *m, const char *o, struct strbuf_lite *data)
{
    for (size_t i = 0; i < ARRAY_SIZE(mount_flags); i++) {
        if (strcmp(o, mount_flags[i].name) == 0) {
            if (mount_flags[i].clear)
                m->flags &= ~mount_flags[i].flag;
            else
                m->flags |= mount_flags[i].flag;
            return;
        }
    }
    if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0) {
        m->bind = true;
        m->recursive = o[0] == 'r';
    } else if (strcmp(o, "private") == 0 || strcmp(o, "rprivate") == 0) {
        m->prop = MS_PRIVATE;
    } else if (strcmp(o, "slave") == 0 || strcmp(o, "rslave") == 0) {
        m->prop = MS_SLAVE;
    } else if (strlen(o) + data->len + 2 < sizeof(data->buf)) {
        data->len += (size_t)ctr_fmt(data->buf + data->len, sizeof(data->buf) - data->len, "%s%s",
                                     data->len ? "," : "", o);
    }
}

static int
parse_mount(json_object *e, size_t i, struct ctr_mount *m, struct err **err)
{
    const char *dest, *type = "none", *src = "none";
    if (!jsonx_get_str(e, "destination", &dest) || dest[0] != '/')
        return err_set(err, 0, "config.json: mounts[%zu].destination must be an absolute path", i);
    jsonx_get_str(e, "type", &type);
    jsonx_get_str(e, "source", &src);
    m->dest = xstrdup(dest);
    m->type = xstrdup(type);
    m->source = xstrdup(src);
    struct strbuf_lite data = {{0}, 0};
    json_object *opts = jsonx_get_array(e, "options");
    for (size_t k = 0; opts && k < json_object_array_length(opts); k++) {
        const char *o = json_object_get_string(json_object_array_get_idx(opts, k));
        if (o)
            mount_option(m, o, &data);
    }
    if (strcmp(type, "bind") == 0)
        m->bind = true;
    m->data = xstrdup(data.buf);
    return 0;
}

int
ctr_spec_parse_mounts(json_object *cfg, struct ctr_spec *s, struct err **err)
{
    json_object *a = jsonx_get_array(cfg, "mounts");
    size_t n = a ? json_object_array_length(a) : 0;
    s->mounts = calloc(n + 1, sizeof(*s->mounts));
    if (!s->mounts)
        abort();
    for (size_t i = 0; i < n; i++) {
        s->n_mounts++;
        if (parse_mount(json_object_array_get_idx(a, i), i, &s->mounts[i], err) < 0)
            return -1;
    }
    return 0;
}
