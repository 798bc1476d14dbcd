/* SPDX-License-Identifier: MIT */
/* A container's VM-vs-container figures: start figures, isolation facts, memory cgroup dir. */
#include "ctr/figures.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/figs.h"
#include "common/json.h"
#include "ctr/cgroup/cgroup.h"

static const struct {
    unsigned flag;
    const char *name;
} ns_names[] = {
    {CTR_NS_PID, "pid"}, {CTR_NS_MOUNT, "mnt"},     {CTR_NS_UTS, "uts"},   {CTR_NS_IPC, "ipc"},
    {CTR_NS_NET, "net"}, {CTR_NS_CGROUP, "cgroup"}, {CTR_NS_USER, "user"},
};

/* "filter (default)", "filter (bundle)", "none": linux.seccomp and berth's annotation. */
static const char *
seccomp_text(json_object *cfg)
{
    const char *mode = NULL;
    jsonx_get_str(jsonx_get_obj(cfg, "annotations"), "org.berth.seccomp", &mode);
    if (!jsonx_get_obj(jsonx_get_obj(cfg, "linux"), "seccomp"))
        return "none";
    return mode && strcmp(mode, "default") == 0 ? "filter(default)" : "filter";
}

static int
caps_count(json_object *cfg)
{
    json_object *b =
        jsonx_get_array(jsonx_get_obj(jsonx_get_obj(cfg, "process"), "capabilities"), "bounding");
    return b ? (int)json_object_array_length(b) : -1;
}

/* Device nodes the container gets beyond the set every container has (null, zero, full, random,
 * urandom, tty, console, ptmx, the ptys): an OCI bundle's linux.devices, and host device nodes it
 * bind-mounts (a mount source under /dev other than its directories). berth's own options add
 * none. */
static void
devices_text(json_object *cfg, char *out, size_t size)
{
    static const char *const always[] = {"/dev/null",    "/dev/zero", "/dev/full",    "/dev/random",
                                         "/dev/urandom", "/dev/tty",  "/dev/console", "/dev/ptmx"};
    static const char *const dev_dirs[] = {"/dev/pts", "/dev/shm", "/dev/mqueue", "/dev/hugepages"};
    out[0] = 0;
    json_object *devs = jsonx_get_array(jsonx_get_obj(cfg, "linux"), "devices");
    for (size_t i = 0; devs && i < json_object_array_length(devs); i++) {
        const char *path = NULL;
        jsonx_get_str(json_object_array_get_idx(devs, i), "path", &path);
        bool dflt = false;
        for (size_t k = 0; path && k < ARRAY_SIZE(always); k++)
            dflt = dflt || strcmp(path, always[k]) == 0;
        if (path && !dflt)
            figs_list_add(out, size, path);
    }
    json_object *mounts = jsonx_get_array(cfg, "mounts");
    for (size_t i = 0; mounts && i < json_object_array_length(mounts); i++) {
        const char *src = NULL;
        jsonx_get_str(json_object_array_get_idx(mounts, i), "source", &src);
        if (!src || strncmp(src, "/dev/", 5) != 0)
            continue;
        bool dir = false;
        for (size_t k = 0; k < ARRAY_SIZE(dev_dirs); k++) {
            size_t n = strlen(dev_dirs[k]);
            dir = dir || (strncmp(src, dev_dirs[k], n) == 0 && (!src[n] || src[n] == '/'));
        }
        if (!dir) {
            char item[96];
            snprintf(item, sizeof(item), "bind %s", src);
            figs_list_add(out, size, item);
        }
    }
}

void
ctr_figs_isolation(const struct ctr_spec *s, const char *mgr, struct inst_figs *f)
{
    char ns[64] = "", userns[48] = "no";
    size_t n = 0;
    for (size_t i = 0; i < sizeof(ns_names) / sizeof(ns_names[0]); i++) {
        if (s->ns & ns_names[i].flag)
            n += (size_t)snprintf(ns + n, sizeof(ns) - n, "%s%s", n ? "," : "", ns_names[i].name);
        if (n >= sizeof(ns))
            break;
    }
    if ((s->ns & CTR_NS_USER) && s->n_uidmap)
        snprintf(userns, sizeof(userns), "%u:%u:%u", s->uidmap[0].inside, s->uidmap[0].outside,
                 s->uidmap[0].size);
    int caps = caps_count(s->json);
    char capt[16];
    snprintf(capt, sizeof(capt), caps < 0 ? "default" : "%d", caps);
    snprintf(f->kernel, sizeof(f->kernel), "shared %s", figs_host_kernel());
    f->accel[0] = 0;
    snprintf(f->isolation, sizeof(f->isolation), "ns %s; userns %s; seccomp %s; caps %s; cgroup %s",
             ns[0] ? ns : "none", userns, seccomp_text(s->json), capt, mgr && mgr[0] ? mgr : "-");
    char devs[128];
    devices_text(s->json, devs, sizeof(devs));
    figs_devices_put(f, devs);
}

bool
ctr_figs_start(const char *name, struct inst_figs *f)
{
    struct ctr_start_figs sf;
    ctr_figs_load(name, &sf);
    f->start_req_ns = sf.request_ns;
    f->start_exec_ns =
        sf.request_ns > 0 && sf.exec_ns >= sf.request_ns ? sf.exec_ns - sf.request_ns : -1;
    f->start_first_ns = sf.request_ns > 0 && sf.first_output_ns >= sf.request_ns
                            ? sf.first_output_ns - sf.request_ns
                            : -1;
    return sf.exec_ns > 0 && sf.first_output_ns < 0;
}

bool
ctr_figs_memdir(const char *mgr, const char *cgpath, char *buf, size_t size, bool *v2)
{
    *v2 = strcmp(mgr, "v2") == 0;
    if (!*v2 && strcmp(mgr, "v1") != 0 && strcmp(mgr, "hybrid") != 0)
        return false;
    snprintf(buf, size, "%s%s/%s", ctr_cgroup_root(), *v2 ? "" : "/memory", cgpath);
    return true;
}

void
ctr_figs_disk_paths(const char *name, const struct ctr_spec *s, char *own, size_t own_size,
                    char *shared, size_t shared_size, char *base, size_t base_size)
{
    char def[PATH_MAX];
    ctr_path_def(def, name, NULL);
    shared[0] = 0;
    if (s->inplace) {
        snprintf(own, own_size, "%s", s->root ? s->root : "");
        snprintf(base, base_size, "rootfs (in place)");
        return;
    }
    snprintf(own, own_size, "%s/upper", def);
    if (s->lowers) {
        snprintf(shared, shared_size, "%s", s->lowers);
        snprintf(base, base_size, "image");
    } else if (s->root) {
        snprintf(shared, shared_size, "%s", s->root);
        snprintf(base, base_size, "rootfs");
    } else {
        base[0] = 0;
    }
}
