/* SPDX-License-Identifier: MIT */
/* Profile files (Docker or OCI format) -> an OCI linux.seccomp section for this host:
 * archMap resolved for the native architecture, includes/excludes evaluated against the
 * container's bounding capabilities, the architecture and the running kernel. */
#include "ctr/security/seccomp.h"

#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "ctr/security/caps.h"

struct host_info {
    const char *scmp_arch; /* "SCMP_ARCH_X86_64" */
    const char *go_arch;   /* "amd64", Docker's name for includes.arches */
    int kmajor, kminor;
};

static void
host_info_get(struct host_info *h)
{
    static const struct {
        uint32_t token;
        const char *scmp, *go;
    } arches[] = {
        {SCMP_ARCH_X86_64, "SCMP_ARCH_X86_64", "amd64"},
        {SCMP_ARCH_X86, "SCMP_ARCH_X86", "386"},
        {SCMP_ARCH_X32, "SCMP_ARCH_X32", "x32"},
        {SCMP_ARCH_AARCH64, "SCMP_ARCH_AARCH64", "arm64"},
        {SCMP_ARCH_ARM, "SCMP_ARCH_ARM", "arm"},
        {SCMP_ARCH_PPC64LE, "SCMP_ARCH_PPC64LE", "ppc64le"},
        {SCMP_ARCH_S390X, "SCMP_ARCH_S390X", "s390x"},
        {SCMP_ARCH_RISCV64, "SCMP_ARCH_RISCV64", "riscv64"},
    };
    uint32_t native = seccomp_arch_native();
    h->scmp_arch = "";
    h->go_arch = "";
    for (size_t i = 0; i < ARRAY_SIZE(arches); i++) {
        if (arches[i].token == native) {
            h->scmp_arch = arches[i].scmp;
            h->go_arch = arches[i].go;
        }
    }
    struct utsname u;
    h->kmajor = h->kminor = 0;
    if (uname(&u) == 0 && sscanf(u.release, "%d.%d", &h->kmajor, &h->kminor) < 2)
        h->kminor = 0;
}

static bool
json_array_has(json_object *arr, const char *s)
{
    size_t n = json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
    for (size_t i = 0; i < n; i++) {
        const char *v = json_object_get_string(json_object_array_get_idx(arr, i));
        if (v && strcmp(v, s) == 0)
            return true;
    }
    return false;
}

/* Does caps hold every capability named in arr (all = true) or any of them (all = false)? */
static int
caps_match(json_object *arr, uint64_t caps, bool all, bool *result, struct err **err)
{
    uint64_t want;
    if (caps_mask_from_json(arr, "seccomp profile caps", &want, err) < 0)
        return -1;
    *result = all ? (caps & want) == want : (caps & want) != 0;
    return 0;
}

/* "MAJOR.MINOR" (a third ".PATCH" is accepted and ignored) -> *ok = running kernel >= it.
 * A value that does not parse is an error: counting it as met would widen the profile. */
static int
kernel_at_least(const struct host_info *h, const char *min, const char *what, size_t idx, bool *ok,
                struct err **err)
{
    unsigned major = 0, minor = 0, patch = 0;
    int end = 0;
    size_t len = strlen(min);
    bool parsed =
        min[0] >= '0' && min[0] <= '9' &&
        ((sscanf(min, "%3u.%3u%n", &major, &minor, &end) == 2 && (size_t)end == len) ||
         (sscanf(min, "%3u.%3u.%5u%n", &major, &minor, &patch, &end) == 3 && (size_t)end == len));
    if (!parsed || strspn(min, "0123456789.") != len)
        return err_set(err, 0,
                       "seccomp profile: syscalls[%zu].%s.minKernel: cannot parse '%s' (expected "
                       "MAJOR.MINOR)",
                       idx, what, min);
    *ok = h->kmajor > (int)major || (h->kmajor == (int)major && h->kminor >= (int)minor);
    return 0;
}

/* A filter's minKernel, if any: *met = the kernel is at least that (true when absent). */
static int
min_kernel(json_object *filter, const struct host_info *h, const char *what, size_t idx,
           bool *present, bool *met, struct err **err)
{
    json_object *v = NULL;
    *present = false;
    if (!json_object_object_get_ex(filter, "minKernel", &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_string))
        return err_set(err, 0, "seccomp profile: syscalls[%zu].%s.minKernel: expected a string",
                       idx, what);
    *present = true;
    return kernel_at_least(h, json_object_get_string(v), what, idx, met, err);
}

/* Whether a Docker syscall entry applies to this container (moby's seccomp rules). */
static int
entry_applies(json_object *e, size_t idx, const struct host_info *h, uint64_t caps, bool *ok,
              struct err **err)
{
    json_object *inc = jsonx_get_obj(e, "includes"), *exc = jsonx_get_obj(e, "excludes");
    bool m, present, met;
    *ok = false;
    /* minKernel is checked first, so that a bad value is an error whatever else applies. */
    if (inc && min_kernel(inc, h, "includes", idx, &present, &met, err) < 0)
        return -1;
    if (inc && present && !met)
        return 0;
    if (exc && min_kernel(exc, h, "excludes", idx, &present, &met, err) < 0)
        return -1;
    if (exc && present && met)
        return 0;
    if (inc) {
        json_object *arches = jsonx_get_array(inc, "arches"), *c = jsonx_get_array(inc, "caps");
        if (arches && json_object_array_length(arches) && !json_array_has(arches, h->go_arch))
            return 0;
        if (c && caps_match(c, caps, true, &m, err) < 0)
            return -1;
        if (c && !m)
            return 0;
    }
    if (exc) {
        json_object *arches = jsonx_get_array(exc, "arches"), *c = jsonx_get_array(exc, "caps");
        if (arches && json_array_has(arches, h->go_arch))
            return 0;
        if (c && caps_match(c, caps, false, &m, err) < 0)
            return -1;
        if (c && m)
            return 0;
    }
    *ok = true;
    return 0;
}

/* "names": an array of syscall names, each a non-empty string. */
static int
names_check(json_object *names, size_t idx, struct err **err)
{
    size_t n = json_object_array_length(names);
    for (size_t i = 0; i < n; i++) {
        json_object *v = json_object_array_get_idx(names, i);
        if (!json_object_is_type(v, json_type_string) || !*json_object_get_string(v))
            return err_set(err, 0,
                           "seccomp profile: syscalls[%zu].names[%zu]: expected a syscall name, "
                           "not %s",
                           idx, i, v ? json_object_to_json_string(v) : "null");
    }
    return 0;
}

static int
entry_to_oci(json_object *e, size_t idx, json_object *calls, struct err **err)
{
    json_object *names = NULL;
    const char *name = NULL, *action = NULL;
    if (!jsonx_get_str(e, "action", &action))
        return err_set(err, 0, "seccomp profile: syscalls[%zu] has no \"action\"", idx);
    if (json_object_object_get_ex(e, "names", &names) && names &&
        !json_object_is_type(names, json_type_array))
        return err_set(err, 0, "seccomp profile: syscalls[%zu].names: expected an array", idx);
    if (names && names_check(names, idx, err) < 0)
        return -1;
    json_object *o = json_object_new_object();
    if (names) {
        json_object_object_add(o, "names", json_object_get(names));
    } else if (jsonx_get_str(e, "name", &name)) {
        json_object *arr = json_object_new_array();
        json_object_array_add(arr, json_object_new_string(name));
        json_object_object_add(o, "names", arr);
    } else {
        json_object_put(o);
        return err_set(err, 0, "seccomp profile: syscalls[%zu] has no \"names\"", idx);
    }
    json_object_object_add(o, "action", json_object_new_string(action));
    static const char *const copy[] = {"errnoRet", "args"};
    for (size_t i = 0; i < ARRAY_SIZE(copy); i++) {
        json_object *v = NULL;
        if (json_object_object_get_ex(e, copy[i], &v) && v)
            json_object_object_add(o, copy[i], json_object_get(v));
    }
    json_object_array_add(calls, o);
    return 0;
}

static json_object *
arches_for_host(json_object *profile, const struct host_info *h)
{
    json_object *map = jsonx_get_array(profile, "archMap");
    json_object *direct = jsonx_get_array(profile, "architectures");
    if (!map)
        return direct ? json_object_get(direct) : NULL;
    json_object *out = json_object_new_array();
    for (size_t i = 0; i < json_object_array_length(map); i++) {
        json_object *m = json_object_array_get_idx(map, i);
        const char *a = NULL;
        if (!jsonx_get_str(m, "architecture", &a) || strcmp(a, h->scmp_arch) != 0)
            continue;
        json_object_array_add(out, json_object_new_string(a));
        json_object *subs = jsonx_get_array(m, "subArchitectures");
        for (size_t j = 0; subs && j < json_object_array_length(subs); j++)
            json_object_array_add(out, json_object_get(json_object_array_get_idx(subs, j)));
    }
    return out;
}

static int
profile_header(json_object *profile, const struct host_info *h, json_object *out, struct err **err)
{
    const char *def = NULL;
    if (!json_object_is_type(profile, json_type_object))
        return err_set(err, 0, "seccomp profile: expected a JSON object");
    if (!jsonx_get_str(profile, "defaultAction", &def))
        return err_set(err, 0, "seccomp profile: missing \"defaultAction\"");
    json_object_object_add(out, "defaultAction", json_object_new_string(def));
    json_object *v = NULL;
    if (json_object_object_get_ex(profile, "defaultErrnoRet", &v) && v)
        json_object_object_add(out, "defaultErrnoRet", json_object_get(v));
    json_object *arches = arches_for_host(profile, h);
    if (arches)
        json_object_object_add(out, "architectures", arches);
    if ((v = jsonx_get_array(profile, "flags")))
        json_object_object_add(out, "flags", json_object_get(v));
    return 0;
}

int
seccomp_profile_to_oci(json_object *profile, uint64_t caps, json_object **out, struct err **err)
{
    struct host_info h;
    host_info_get(&h);
    cleanup_json json_object *oci = json_object_new_object();
    if (profile_header(profile, &h, oci, err) < 0)
        return -1;
    json_object *src = NULL;
    if (json_object_object_get_ex(profile, "syscalls", &src) && src &&
        !json_object_is_type(src, json_type_array))
        return err_set(err, 0, "seccomp profile: \"syscalls\" must be an array");
    json_object *calls = json_object_new_array();
    json_object_object_add(oci, "syscalls", calls);
    for (size_t i = 0; src && i < json_object_array_length(src); i++) {
        json_object *e = json_object_array_get_idx(src, i);
        bool ok;
        if (!json_object_is_type(e, json_type_object))
            return err_set(err, 0, "seccomp profile: syscalls[%zu] must be an object", i);
        if (entry_applies(e, i, &h, caps, &ok, err) < 0)
            return -1;
        if (ok && entry_to_oci(e, i, calls, err) < 0)
            return -1;
    }
    *out = steal_pointer(&oci);
    return 0;
}
