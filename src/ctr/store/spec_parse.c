/* SPDX-License-Identifier: MIT */
/* config.json -> struct ctr_spec: the OCI runtime-spec subset (docs/CONTAINERS.md), strictly. */
#include "ctr/store/store.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"

#define CFG_MAX (4 * 1024 * 1024)

/* A NULL-terminated copy of an array of strings; NULL with err when not that. */
static char **
strv_from(json_object *a, const char *what, bool nonempty, struct err **err)
{
    if (!a || !json_object_is_type(a, json_type_array))
        return err_set(err, 0, "config.json: %s: expected an array of strings", what), NULL;
    size_t n = json_object_array_length(a);
    if (nonempty && n == 0)
        return err_set(err, 0, "config.json: %s must not be empty", what), NULL;
    char **v = xcalloc(n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        const char *why =
            !json_object_is_type(e, json_type_string) ? "expected a string"
            : strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e)
                ? "contains a NUL character"
                : NULL;
        if (why) {
            for (size_t j = 0; j < i; j++)
                free(v[j]);
            free(v);
            return err_set(err, 0, "config.json: %s[%zu]: %s", what, i, why), NULL;
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

static const char *
type_name(enum json_type t)
{
    switch (t) {
    case json_type_boolean:
        return "a boolean";
    case json_type_int:
        return "an integer";
    case json_type_string:
        return "a string";
    case json_type_array:
        return "an array";
    case json_type_object:
        return "an object";
    default:
        return "another type";
    }
}

/* obj.key of type t in *out (NULL when absent or null); an error naming path when of another
 * type: a field of a known name with the wrong type is never ignored (docs/CONTAINERS.md). */
static int
field(json_object *obj, const char *key, enum json_type t, const char *path, json_object **out,
      struct err **err)
{
    json_object *v = NULL;
    *out = NULL;
    if (!obj || !json_object_object_get_ex(obj, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, t))
        return err_set(err, 0, "config.json: %s: expected %s", path, type_name(t));
    if (t == json_type_string &&
        strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
        return err_set(err, 0, "config.json: %s: contains a NUL character", path);
    *out = v;
    return 0;
}

/* A string field: *out stays as it was when the field is absent. */
static int
field_str(json_object *obj, const char *key, const char *path, const char **out, struct err **err)
{
    json_object *v;
    if (field(obj, key, json_type_string, path, &v, err) < 0)
        return -1;
    if (v)
        *out = json_object_get_string(v);
    return 0;
}

static int
field_bool(json_object *obj, const char *key, const char *path, bool *out, struct err **err)
{
    json_object *v;
    if (field(obj, key, json_type_boolean, path, &v, err) < 0)
        return -1;
    if (v)
        *out = json_object_get_boolean(v);
    return 0;
}

/* The same rule as --hostname: 1 to 64 letters, digits, '-' and '.'. */
static int
check_hostname(const char *h, struct err **err)
{
    size_t n = strlen(h);
    if (n == 0 || n > 64)
        return err_set(err, 0, "config.json: hostname: invalid hostname '%s' (1 to 64 characters)",
                       h);
    for (size_t i = 0; i < n; i++) {
        char c = h[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return err_set(err, 0,
                           "config.json: hostname: invalid hostname (letters, digits, '-' and "
                           "'.' only)");
    }
    return 0;
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

/* Each entry KEY=VALUE with a non-empty KEY, as --env requires. */
static int
check_env(char **env, struct err **err)
{
    for (size_t i = 0; env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq || eq == env[i])
            return err_set(err, 0, "config.json: process.env[%zu]: expected KEY=VALUE", i);
    }
    return 0;
}

static int
parse_user(json_object *p, struct ctr_spec *s, struct err **err)
{
    json_object *u, *g;
    if (field(p, "user", json_type_object, "process.user", &u, err) < 0)
        return -1;
    if (!u)
        return 0;
    if (get_u32(u, "uid", "process.user", &s->uid, err) < 0 ||
        get_u32(u, "gid", "process.user", &s->gid, err) < 0 ||
        field(u, "additionalGids", json_type_array, "process.user.additionalGids", &g, err) < 0)
        return -1;
    size_t n = g ? json_object_array_length(g) : 0;
    s->groups = xcalloc(n + 1, sizeof(gid_t));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(g, i);
        int64_t v = json_object_is_type(e, json_type_int) ? json_object_get_int64(e) : -1;
        if (v < 0 || v > UINT32_MAX)
            return err_set(err, 0,
                           "config.json: process.user.additionalGids[%zu]: expected a number "
                           "0..4294967295",
                           i);
        s->groups[s->n_groups++] = (gid_t)v;
    }
    return 0;
}

/* The hardening fields are read by security/security.c; their types are checked here, with the
 * rest. */
static int
check_security_types(json_object *p, json_object *lin, struct err **err)
{
    json_object *v;
    if (field(p, "capabilities", json_type_object, "process.capabilities", &v, err) < 0 ||
        field(p, "noNewPrivileges", json_type_boolean, "process.noNewPrivileges", &v, err) < 0 ||
        field(lin, "seccomp", json_type_object, "linux.seccomp", &v, err) < 0 ||
        field(lin, "maskedPaths", json_type_array, "linux.maskedPaths", &v, err) < 0 ||
        field(lin, "readonlyPaths", json_type_array, "linux.readonlyPaths", &v, err) < 0)
        return -1;
    return 0;
}

static int
parse_process(json_object *p, struct ctr_spec *s, struct err **err)
{
    if (!p) {
        /* Allowed by the runtime-spec: created as usual, an error at start (init.c). */
        s->args = xcalloc(1, sizeof(char *));
        s->env = xcalloc(1, sizeof(char *));
        s->cwd = xstrdup("/");
        return 0;
    }
    json_object *args, *env;
    if (field(p, "args", json_type_array, "process.args", &args, err) < 0 ||
        !(s->args = strv_from(args, "process.args", true, err)))
        return -1;
    if (!s->args[0][0])
        return err_set(err, 0, "config.json: process.args[0]: must not be empty");
    if (field(p, "env", json_type_array, "process.env", &env, err) < 0)
        return -1;
    s->env = env ? strv_from(env, "process.env", false, err) : xcalloc(1, sizeof(char *));
    if (!s->env || check_env(s->env, err) < 0)
        return -1;
    const char *cwd = "/";
    if (field_str(p, "cwd", "process.cwd", &cwd, err) < 0)
        return -1;
    if (cwd[0] != '/')
        return err_set(err, 0, "config.json: process.cwd '%s' must be absolute", cwd);
    s->cwd = xstrdup(cwd);
    if (field_bool(p, "terminal", "process.terminal", &s->terminal, err) < 0)
        return -1;
    return parse_user(p, s, err);
}

static int
parse_root(json_object *cfg, const char *bundle, struct ctr_spec *s, struct err **err)
{
    json_object *r;
    const char *path = "";
    if (field(cfg, "root", json_type_object, "root", &r, err) < 0 ||
        field_str(r, "path", "root.path", &path, err) < 0 ||
        field_bool(r, "readonly", "root.readonly", &s->root_ro, err) < 0)
        return -1;
    if (!*path)
        return err_set(err, 0, "config.json: root.path is missing");
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
    json_object *a;
    if (field(lin, "namespaces", json_type_array, "linux.namespaces", &a, err) < 0)
        return -1;
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *ns = json_object_array_get_idx(a, i);
        const char *t;
        if (!json_object_is_type(ns, json_type_object))
            return err_set(err, 0, "config.json: linux.namespaces[%zu]: expected an object", i);
        if (!jsonx_get_str(ns, "type", &t))
            return err_set(err, 0, "config.json: linux.namespaces[%zu].type is missing", i);
        const char *path;
        bool joinable = strcmp(t, "user") != 0;
        if (json_object_object_get_ex(ns, "path", NULL) &&
            (!jsonx_get_str(ns, "path", &path) || path[0] != '/'))
            return err_set(err, 0,
                           "config.json: linux.namespaces[%zu].path must be an absolute path", i);
        if (json_object_object_get_ex(ns, "path", NULL) && !joinable)
            return err_set(err, 0,
                           "config.json: joining a %s namespace by path is not supported "
                           "(linux.namespaces[%zu].path; the other types are)",
                           t, i);
        size_t k = 0;
        while (k < ARRAY_SIZE(ns_names) && strcmp(ns_names[k].name, t) != 0)
            k++;
        if (k == ARRAY_SIZE(ns_names))
            return err_set(err, 0, "config.json: unknown namespace type '%s'", t);
        s->ns |= ns_names[k].flag;
    }
    /* Without a mount namespace the container stays in the runtime's (chroot, init.c). */
    return 0;
}

static int
parse_idmap(json_object *lin, const char *key, struct ctr_idmap *m, size_t *n, struct err **err)
{
    char path[64];
    json_object *a;
    ctr_fmt(path, sizeof(path), "linux.%s", key);
    if (field(lin, key, json_type_array, path, &a, err) < 0)
        return -1;
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

/* A number field of a resources object: *out untouched when absent. */
static int
field_int(json_object *o, const char *key, const char *path, int64_t *out, bool *set,
          struct err **err)
{
    json_object *v;
    *set = false;
    if (field(o, key, json_type_int, path, &v, err) < 0)
        return -1;
    if (v) {
        *out = json_object_get_int64(v);
        *set = true;
    }
    return 0;
}

static int
parse_resources(json_object *lin, struct ctr_spec *s, struct err **err)
{
    json_object *r, *m, *c, *p;
    s->mem_limit = s->cpu_quota = s->pids_limit = -1;
    s->cpu_period = 100000;
    if (field(lin, "resources", json_type_object, "linux.resources", &r, err) < 0 ||
        field(r, "memory", json_type_object, "linux.resources.memory", &m, err) < 0 ||
        field(r, "cpu", json_type_object, "linux.resources.cpu", &c, err) < 0 ||
        field(r, "pids", json_type_object, "linux.resources.pids", &p, err) < 0)
        return -1;
    int64_t v;
    bool set;
    if (field_int(m, "limit", "linux.resources.memory.limit", &v, &set, err) < 0)
        return -1;
    if (set && v > 0)
        s->mem_limit = v;
    if (field_int(c, "quota", "linux.resources.cpu.quota", &v, &set, err) < 0)
        return -1;
    if (set && v > 0)
        s->cpu_quota = v;
    if (field_int(c, "period", "linux.resources.cpu.period", &v, &set, err) < 0)
        return -1;
    if (set) {
        if (v < 1000 || v > 1000000)
            return err_set(err, 0, "config.json: linux.resources.cpu.period %lld out of range",
                           (long long)v);
        s->cpu_period = (uint64_t)v;
    }
    if (field_int(p, "limit", "linux.resources.pids.limit", &v, &set, err) < 0)
        return -1;
    if (set && v > 0)
        s->pids_limit = v;
    return 0;
}

static int
parse_top(json_object *cfg, struct ctr_spec *s, struct err **err)
{
    json_object *ann;
    const char *h = NULL, *mode = NULL, *restart = NULL;
    if (field_str(cfg, "hostname", "hostname", &h, err) < 0 || (h && check_hostname(h, err) < 0) ||
        field(cfg, "annotations", json_type_object, "annotations", &ann, err) < 0 ||
        field_str(ann, "org.berth.rootfs-mode", "annotations.org.berth.rootfs-mode", &mode, err) <
            0)
        return -1;
    if (h)
        s->hostname = xstrdup(h);
    if (mode && strcmp(mode, "inplace") != 0 && strcmp(mode, "overlay") != 0)
        return err_set(err, 0,
                       "config.json: annotations.org.berth.rootfs-mode: expected 'overlay' or "
                       "'inplace', not '%s'",
                       mode);
    s->inplace = mode && strcmp(mode, "inplace") == 0;
    if (field_str(ann, "org.berth.restart", "annotations.org.berth.restart", &restart, err) < 0 ||
        (restart && ctr_restart_parse(restart, &s->restart, err) < 0))
        return restart ? err_wrap(err, "config.json: annotations.org.berth.restart") : -1;
    const char *lowers = NULL;
    if (field_str(ann, "org.berth.image.layers", "annotations.org.berth.image.layers", &lowers,
                  err) < 0)
        return -1;
    if (lowers && (lowers[0] != '/' || lowers[strlen(lowers) - 1] == ':' ||
                   strpbrk(lowers, ",\n") || strstr(lowers, "::") || s->inplace))
        return err_set(err, 0,
                       "config.json: annotations.org.berth.image.layers: not a list of "
                       "absolute directories joined by ':' (or with inplace)");
    if (lowers)
        s->lowers = xstrdup(lowers);
    return 0;
}

static const struct {
    const char *name;
    int res;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_CORE", RLIMIT_CORE},
    {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},
    {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
    {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_NPROC", RLIMIT_NPROC},
    {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
    {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

int
ctr_rlimit_parse(const char *name)
{
    for (size_t k = 0; k < ARRAY_SIZE(rlimit_names); k++) {
        if (strcmp(name, rlimit_names[k].name) == 0)
            return rlimit_names[k].res;
    }
    return -1;
}

/* A key of obj in refused (NULL-terminated): a field of the runtime-spec that berth does not
 * apply is refused in one line rather than silently ignored. Keys the spec does not define are
 * ignored, as config.md requires ("MUST NOT generate an error" on an unknown property). */
static int
refused_keys(json_object *obj, const char *path, const char *const *refused, struct err **err)
{
    for (size_t i = 0; obj && refused[i]; i++) {
        if (json_object_object_get_ex(obj, refused[i], NULL))
            return err_set(err, 0, "config.json: %s%s%s is not supported by berth", path,
                           path[0] ? "." : "", refused[i]);
    }
    return 0;
}

static int
check_rlimits(json_object *p, struct err **err)
{
    json_object *a;
    if (field(p, "rlimits", json_type_array, "process.rlimits", &a, err) < 0)
        return -1;
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        json_object *r = json_object_array_get_idx(a, i), *v;
        const char *t = NULL;
        if (!json_object_is_type(r, json_type_object) || !jsonx_get_str(r, "type", &t))
            return err_set(err, 0, "config.json: process.rlimits[%zu].type is missing", i);
        if (ctr_rlimit_parse(t) < 0)
            return err_set(err, 0, "config.json: process.rlimits[%zu]: unknown type '%s'", i, t);
        if (!json_object_object_get_ex(r, "soft", &v) || !json_object_is_type(v, json_type_int) ||
            !json_object_object_get_ex(r, "hard", &v) || !json_object_is_type(v, json_type_int))
            return err_set(err, 0,
                           "config.json: process.rlimits[%zu]: soft and hard must be numbers", i);
    }
    return 0;
}

/* The runtime-spec fields berth does not apply (docs/OCI.md): an error naming the field. */
static int
check_known(json_object *cfg, json_object *proc, json_object *lin, struct err **err)
{
    static const char *const top[] = {"vm", NULL};
    static const char *const process[] = {"ioPriority", "scheduler", "execCPUAffinity", NULL};
    static const char *const linux_[] = {"intelRdt",     "personality", "timeOffsets",
                                         "memoryPolicy", "netDevices",  NULL};
    const char *label;
    if (refused_keys(cfg, "", top, err) < 0 || refused_keys(proc, "process", process, err) < 0 ||
        refused_keys(lin, "linux", linux_, err) < 0 || check_rlimits(proc, err) < 0)
        return -1;
    /* No AppArmor on berth's hosts: a profile asked for cannot be honoured. SELinux labels
     * (process.selinuxLabel, linux.mountLabel) are ignored where SELinux is off, as runc does. */
    if (jsonx_get_str(proc, "apparmorProfile", &label) && label[0])
        return err_set(
            err, 0, "config.json: process.apparmorProfile '%s': AppArmor is not supported", label);
    return 0;
}

int
ctr_spec_parse(json_object *cfg, const char *bundle, struct ctr_spec *s, struct err **err)
{
    memset(s, 0, sizeof(*s));
    s->json = cfg;
    if (!json_object_is_type(cfg, json_type_object)) {
        err_set(err, 0, "config.json: not a JSON object");
        goto fail;
    }
    if (bundle)
        s->bundle = xstrdup(bundle);
    json_object *lin, *proc;
    if (field(cfg, "linux", json_type_object, "linux", &lin, err) < 0 ||
        field(cfg, "process", json_type_object, "process", &proc, err) < 0 ||
        parse_process(proc, s, err) < 0 || check_known(cfg, proc, lin, err) < 0 ||
        check_security_types(proc, lin, err) < 0 || parse_root(cfg, bundle, s, err) < 0 ||
        parse_namespaces(lin, s, err) < 0 ||
        parse_idmap(lin, "uidMappings", s->uidmap, &s->n_uidmap, err) < 0 ||
        parse_idmap(lin, "gidMappings", s->gidmap, &s->n_gidmap, err) < 0 ||
        parse_resources(lin, s, err) < 0 || ctr_spec_parse_mounts(cfg, s, err) < 0 ||
        parse_top(cfg, s, err) < 0)
        goto fail;
    if ((s->ns & CTR_NS_USER) && (!s->n_uidmap || !s->n_gidmap)) {
        err_set(err, 0, "config.json: a user namespace needs linux.uidMappings and gidMappings");
        goto fail;
    }
    return 0;
fail:
    ctr_spec_done(s); /* releases cfg too (s->json): see the ownership rule in store.h */
    memset(s, 0, sizeof(*s));
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
    if (ctr_spec_parse(cfg, NULL, s, err) < 0)
        return err_wrap(err, "container '%s'", name);
    return 0;
}

void
ctr_spec_done(struct ctr_spec *s)
{
    if (s->json)
        json_object_put(s->json);
    free(s->bundle);
    free(s->root);
    free(s->lowers);
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
    } else if (strcmp(o, "idmap") == 0 || strcmp(o, "ridmap") == 0) {
        m->idmap = true;
    } else if (strcmp(o, "private") == 0 || strcmp(o, "rprivate") == 0) {
        m->prop = MS_PRIVATE;
    } else if (strcmp(o, "slave") == 0 || strcmp(o, "rslave") == 0) {
        m->prop = MS_SLAVE;
    } else if (strcmp(o, "shared") == 0 || strcmp(o, "rshared") == 0) {
        m->prop = MS_SHARED;
    } else if (strcmp(o, "unbindable") == 0 || strcmp(o, "runbindable") == 0) {
        m->prop = MS_UNBINDABLE;
    } else if (strlen(o) + data->len + 2 < sizeof(data->buf)) {
        data->len += (size_t)ctr_fmt(data->buf + data->len, sizeof(data->buf) - data->len, "%s%s",
                                     data->len ? "," : "", o);
    }
}

/* The types docs/CONTAINERS.md lists; anything else (ext4 on a host disk...) is refused. A
 * mount without a type (or "none") must be a bind. cgroup mounts get the read-only cgroup view
 * (runtime/rootfs_cgroup.c). */
static const char *const mount_types[] = {"bind",   "proc",  "tmpfs",  "devpts",
                                          "mqueue", "sysfs", "cgroup", "cgroup2"};

static int
check_mount_type(const struct ctr_mount *m, size_t i, struct err **err)
{
    if (strcmp(m->type, "none") == 0 && m->bind)
        return 0;
    for (size_t k = 0; k < ARRAY_SIZE(mount_types); k++) {
        if (strcmp(m->type, mount_types[k]) == 0)
            return 0;
    }
    return err_set(err, 0,
                   "config.json: mounts[%zu].type: '%s' is not supported (bind, proc, tmpfs, "
                   "devpts, mqueue, sysfs, cgroup)",
                   i, m->type);
}

static int
parse_mount(json_object *e, size_t i, struct ctr_mount *m, struct err **err)
{
    const char *dest = "", *type = "none", *src = "none";
    char path[64];
    json_object *opts;
    if (!json_object_is_type(e, json_type_object))
        return err_set(err, 0, "config.json: mounts[%zu]: expected an object", i);
#define MPATH(k) (ctr_fmt(path, sizeof(path), "mounts[%zu].%s", i, k), path)
    if (field_str(e, "destination", MPATH("destination"), &dest, err) < 0 ||
        field_str(e, "type", MPATH("type"), &type, err) < 0 ||
        field_str(e, "source", MPATH("source"), &src, err) < 0 ||
        field(e, "options", json_type_array, MPATH("options"), &opts, err) < 0)
        return -1;
#undef MPATH
    if (dest[0] != '/')
        return err_set(err, 0, "config.json: mounts[%zu].destination must be an absolute path", i);
    m->dest = xstrdup(dest);
    m->type = xstrdup(type);
    m->source = xstrdup(src);
    struct strbuf_lite data = {{0}, 0};
    for (size_t k = 0; opts && k < json_object_array_length(opts); k++) {
        json_object *o = json_object_array_get_idx(opts, k);
        if (!json_object_is_type(o, json_type_string) ||
            strlen(json_object_get_string(o)) != (size_t)json_object_get_string_len(o))
            return err_set(err, 0, "config.json: mounts[%zu].options[%zu]: expected a string", i,
                           k);
        mount_option(m, json_object_get_string(o), &data);
    }
    if (strcmp(type, "bind") == 0)
        m->bind = true;
    m->data = xstrdup(data.buf);
    return check_mount_type(m, i, err);
}

int
ctr_spec_parse_mounts(json_object *cfg, struct ctr_spec *s, struct err **err)
{
    json_object *a;
    if (field(cfg, "mounts", json_type_array, "mounts", &a, err) < 0)
        return -1;
    size_t n = a ? json_object_array_length(a) : 0;
    s->mounts = xcalloc(n + 1, sizeof(*s->mounts));
    for (size_t i = 0; i < n; i++) {
        s->n_mounts++;
        if (parse_mount(json_object_array_get_idx(a, i), i, &s->mounts[i], err) < 0)
            return -1;
    }
    return 0;
}
