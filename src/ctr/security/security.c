/* SPDX-License-Identifier: MIT */
/* Container hardening: berth's defaults in config.json, the CLI options that loosen or
 * tighten them, and applying them inside the container (paths, capabilities,
 * no_new_privs, seccomp). */
#include "ctr/security/security.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "ctr/security/caps.h"
#include "ctr/security/seccomp.h"
#include "ctr/security/userns.h"

#define SECCOMP_ANNOTATION "org.berth.seccomp"
#define PROFILE_MAX (4u << 20)

struct ctr_security {
    bool has_caps;
    struct caps_set caps;
    bool no_new_privs;
    bool has_seccomp;
    bool seccomp_cached; /* the filter came from the cache */
    struct seccomp_prog prog;
    char **masked;
    size_t n_masked;
    char **readonly;
    size_t n_readonly;
};

static const char *const default_masked[] = {
    "/proc/acpi",        "/proc/asound",        "/proc/interrupts", "/proc/kcore",
    "/proc/keys",        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
    "/proc/sched_debug", "/proc/scsi",          "/sys/firmware",    "/sys/devices/virtual/powercap",
};

static const char *const default_readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static json_object *
strings_json(const char *const *v, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(v[i]));
    return arr;
}

static const char *
seccomp_mode(json_object *config)
{
    const char *mode = NULL;
    jsonx_get_str(jsonx_get_obj(config, "annotations"), SECCOMP_ANNOTATION, &mode);
    return mode ? mode : "";
}

static void
seccomp_mode_set(json_object *config, const char *mode)
{
    json_object_object_add(jsonx_child_obj(config, "annotations"), SECCOMP_ANNOTATION,
                           json_object_new_string(mode));
}

static void
caps_default(struct caps_set *caps)
{
    uint64_t def = CAPS_DOCKER_DEFAULT & caps_all();
    *caps = (struct caps_set){.bounding = def, .effective = def, .permitted = def};
}

/* The config's capabilities, or berth's defaults when it has none yet. */
static int
config_caps(json_object *config, struct caps_set *caps, struct err **err)
{
    json_object *obj = jsonx_get_obj(jsonx_get_obj(config, "process"), "capabilities");
    if (!obj) {
        caps_default(caps);
        return 0;
    }
    return caps_from_config(obj, caps, err);
}

/* (Re)write linux.seccomp as the default profile for the config's bounding set. */
static int
seccomp_default_set(json_object *config, struct err **err)
{
    struct caps_set caps;
    if (config_caps(config, &caps, err) < 0)
        return -1;
    json_object *oci = NULL;
    if (seccomp_default_oci(caps.bounding, &oci, err) < 0)
        return -1;
    json_object_object_add(jsonx_child_obj(config, "linux"), "seccomp", oci);
    seccomp_mode_set(config, "default");
    return 0;
}

/* A bundle's own linux.seccomp is compiled once here, so that a profile that cannot be used
 * (names that are not syscall names, a bad action...) is refused before anything starts. */
static int
bundle_seccomp_check(json_object *sec, struct err **err)
{
    struct seccomp_prog prog;
    if (!json_object_is_type(sec, json_type_object))
        return err_set(err, 0, "config.json: linux.seccomp: expected an object");
    if (seccomp_compile(sec, &prog, err) < 0)
        return err_wrap(err, "config.json: linux.seccomp");
    seccomp_prog_done(&prog);
    return 0;
}

int
ctr_security_default_config(json_object *config, struct err **err)
{
    json_object *process = jsonx_child_obj(config, "process");
    json_object *linux_ = jsonx_child_obj(config, "linux");
    if (!jsonx_get_obj(process, "capabilities")) {
        struct caps_set caps;
        caps_default(&caps);
        if (caps_to_config(process, &caps, err) < 0)
            return -1;
    }
    if (!json_object_object_get_ex(process, "noNewPrivileges", NULL))
        json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(1));
    if (!jsonx_get_array(linux_, "maskedPaths"))
        json_object_object_add(linux_, "maskedPaths",
                               strings_json(default_masked, ARRAY_SIZE(default_masked)));
    if (!jsonx_get_array(linux_, "readonlyPaths"))
        json_object_object_add(linux_, "readonlyPaths",
                               strings_json(default_readonly, ARRAY_SIZE(default_readonly)));
    json_object *own = NULL;
    if (json_object_object_get_ex(linux_, "seccomp", &own) && own &&
        bundle_seccomp_check(own, err) < 0)
        return -1;
    if (!own && strcmp(seccomp_mode(config), "unconfined") != 0 &&
        seccomp_default_set(config, err) < 0)
        return -1;
    return userns_rootless_defaults(config, err);
}

static int
option_seccomp(json_object *config, const char *value, struct err **err)
{
    json_object *linux_ = jsonx_child_obj(config, "linux");
    if (strcmp(value, "unconfined") == 0) {
        json_object_object_del(linux_, "seccomp");
        seccomp_mode_set(config, "unconfined");
        return 0;
    }
    struct caps_set caps;
    if (config_caps(config, &caps, err) < 0)
        return -1;
    cleanup_json json_object *profile = jsonx_load_file(value, PROFILE_MAX, err);
    if (!profile)
        return err_wrap(err, "--seccomp");
    json_object *oci = NULL;
    struct seccomp_prog prog;
    if (seccomp_profile_to_oci(profile, caps.bounding, &oci, err) < 0 ||
        seccomp_compile(oci, &prog, err) < 0) {
        json_object_put(oci);
        return err_wrap(err, "--seccomp '%s'", value);
    }
    seccomp_prog_done(&prog);
    json_object_object_add(linux_, "seccomp", oci);
    seccomp_mode_set(config, "file");
    return 0;
}

static int
option_caps(json_object *config, bool add, const char *value, struct err **err)
{
    json_object *process = jsonx_child_obj(config, "process");
    struct caps_set caps;
    if (config_caps(config, &caps, err) < 0)
        return -1;
    uint64_t mask;
    if (strcasecmp(value, "ALL") == 0) {
        mask = caps_all();
    } else {
        int cap = caps_from_name(value, err);
        if (cap < 0)
            return err_wrap(err, "--cap-%s", add ? "add" : "drop");
        mask = UINT64_C(1) << cap;
    }
    if (add) {
        caps.bounding |= mask;
        caps.effective |= mask;
        caps.permitted |= mask;
    } else {
        caps.bounding &= ~mask;
        caps.effective &= ~mask;
        caps.permitted &= ~mask;
        caps.inheritable &= ~mask;
        caps.ambient &= ~mask;
    }
    if (caps_to_config(process, &caps, err) < 0)
        return -1;
    /* Docker's profile allows syscalls by capability: follow the new bounding set. */
    if (strcmp(seccomp_mode(config), "default") == 0)
        return seccomp_default_set(config, err);
    return 0;
}

int
ctr_security_cli_option(json_object *config, const char *name, const char *value, struct err **err)
{
    if (strcmp(name, "userns") == 0)
        return userns_apply_cli(config, err);
    if (!value || !*value)
        return err_set(err, 0, "option '--%s' needs a value", name);
    if (strcmp(name, "seccomp") == 0)
        return option_seccomp(config, value, err);
    if (strcmp(name, "cap-add") == 0 || strcmp(name, "cap-drop") == 0)
        return option_caps(config, strcmp(name, "cap-add") == 0, value, err);
    return err_set(err, 0, "unknown security option '--%s'", name);
}

static void
strv_free(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

/* A JSON array of absolute paths -> a string vector. */
static int
paths_from_json(json_object *arr, const char *what, char ***out, size_t *n, struct err **err)
{
    *out = NULL;
    *n = 0;
    if (!arr)
        return 0;
    size_t len = json_object_array_length(arr);
    char **v = calloc(len ? len : 1, sizeof(*v));
    if (!v)
        return err_set(err, ENOMEM, "%s", what);
    for (size_t i = 0; i < len; i++) {
        const char *p = json_object_get_string(json_object_array_get_idx(arr, i));
        if (!json_object_is_type(json_object_array_get_idx(arr, i), json_type_string) ||
            p[0] != '/' || !(v[i] = strdup(p))) {
            strv_free(v, i);
            return err_set(err, 0, "%s[%zu]: expected an absolute path, not '%s'", what, i,
                           json_object_to_json_string(json_object_array_get_idx(arr, i)));
        }
    }
    *out = v;
    *n = len;
    return 0;
}

static int
security_parse(json_object *config, struct ctr_security *s, struct err **err)
{
    json_object *process = jsonx_get_obj(config, "process");
    json_object *linux_ = jsonx_get_obj(config, "linux");
    json_object *caps = jsonx_get_obj(process, "capabilities");
    s->has_caps = caps != NULL;
    if (caps_from_config(caps, &s->caps, err) < 0)
        return -1;
    jsonx_get_bool(process, "noNewPrivileges", &s->no_new_privs);
    if (paths_from_json(jsonx_get_array(linux_, "maskedPaths"), "linux.maskedPaths", &s->masked,
                        &s->n_masked, err) < 0 ||
        paths_from_json(jsonx_get_array(linux_, "readonlyPaths"), "linux.readonlyPaths",
                        &s->readonly, &s->n_readonly, err) < 0)
        return -1;
    json_object *sec = NULL;
    if (!json_object_object_get_ex(linux_, "seccomp", &sec) || !sec)
        return 0;
    char dir[4096];
    bool have_dir = seccomp_cache_dir(dir, sizeof(dir));
    if (seccomp_compile_cached(sec, have_dir ? dir : NULL, &s->prog, &s->seccomp_cached, err) < 0)
        return err_wrap(err, "linux.seccomp");
    s->has_seccomp = true;
    return 0;
}

int
ctr_security_from_config(json_object *config, struct ctr_security **out, struct err **err)
{
    struct ctr_security *s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(err, errno, "allocate security settings");
    if (!json_object_is_type(config, json_type_object) || security_parse(config, s, err) < 0) {
        if (!json_object_is_type(config, json_type_object))
            err_set(err, 0, "config.json: expected an object");
        ctr_security_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

void
ctr_security_free(struct ctr_security *s)
{
    if (!s)
        return;
    strv_free(s->masked, s->n_masked);
    strv_free(s->readonly, s->n_readonly);
    seccomp_prog_done(&s->prog);
    free(s);
}

bool
ctr_security_seccomp_cached(const struct ctr_security *s)
{
    return s->has_seccomp && s->seccomp_cached;
}

/* Open path inside the current root without leaving it: symlinks resolve as if / were the
 * container's root (also for "..") and magic links (/proc/self/root, /proc/N/cwd) are
 * refused. The root is "/" of the calling process, whatever its working directory. */
static int
open_in_root(const char *path, int flags)
{
    cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return -1;
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* Cover path with a read-only empty tmpfs (directories) or /dev/null (anything else). */
static int
mask_one(const char *path, struct err **err)
{
    cleanup_close int target = open_in_root(path, O_PATH);
    struct stat st;
    if (target < 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    if (target < 0 || fstat(target, &st) < 0)
        return err_set(err, errno, "mask '%s'", path);
    cleanup_close int src = -1;
    if (S_ISDIR(st.st_mode)) {
        cleanup_close int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
        if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
            fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
            return err_set(err, errno, "mask '%s': create a tmpfs", path);
        src = fsmount(fs, FSMOUNT_CLOEXEC,
                      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    } else {
        cleanup_close int null = open_in_root("/dev/null", O_PATH);
        struct stat nst;
        if (null < 0 || fstat(null, &nst) < 0 || !S_ISCHR(nst.st_mode) ||
            nst.st_rdev != makedev(1, 3))
            return err_set(err, null < 0 ? errno : 0,
                           "mask '%s': /dev/null is not the null "
                           "device",
                           path);
        src = open_tree(null, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    }
    if (src < 0 ||
        move_mount(src, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return err_set(err, errno, "mask '%s'", path);
    return 0;
}

/* Bind path over itself, read-only (recursively), keeping its other mount flags. */
static int
readonly_one(const char *path, struct err **err)
{
    cleanup_close int target = open_in_root(path, O_PATH);
    if (target < 0 && (errno == ENOENT || errno == ENOTDIR))
        return 0;
    if (target < 0)
        return err_set(err, errno, "make '%s' read-only", path);
    cleanup_close int tree =
        open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (tree < 0 ||
        mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 ||
        move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return err_set(err, errno, "make '%s' read-only", path);
    return 0;
}

int
ctr_security_apply_paths(const struct ctr_security *s, struct err **err)
{
    for (size_t i = 0; i < s->n_masked; i++) {
        if (mask_one(s->masked[i], err) < 0)
            return -1;
    }
    for (size_t i = 0; i < s->n_readonly; i++) {
        if (readonly_one(s->readonly[i], err) < 0)
            return -1;
    }
    return 0;
}

int
ctr_security_apply_process(const struct ctr_security *s, struct err **err)
{
    /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while we still
     * hold it (the filter must then allow capset and prctl, as the default does). */
    if (s->has_seccomp && !s->no_new_privs) {
        caps_raise_permitted(); /* a setuid to a user other than root cleared the effective set */
        if (seccomp_prog_install(&s->prog, err) < 0)
            return -1;
    }
    if (s->has_caps && caps_apply(&s->caps, err) < 0)
        return -1;
    if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return err_set(err, errno, "set no_new_privs");
    if (s->has_seccomp && s->no_new_privs && seccomp_prog_install(&s->prog, err) < 0)
        return -1;
    return 0;
}
