/* SPDX-License-Identifier: MIT */
/* Linux capabilities: the name table, the OCI JSON form, and applying the sets. */
#include "ctr/security/caps.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"

static const char *const cap_names[CAPS_LAST_KNOWN + 1] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

int
caps_from_name(const char *name, struct err **err)
{
    const char *bare = strncasecmp(name, "CAP_", 4) == 0 ? name + 4 : name;
    for (int i = 0; i <= CAPS_LAST_KNOWN; i++) {
        if (strcasecmp(bare, cap_names[i] + 4) == 0)
            return i;
    }
    return err_set(err, 0, "unknown capability '%s'", name);
}

const char *
caps_name(int cap)
{
    return cap >= 0 && cap <= CAPS_LAST_KNOWN ? cap_names[cap] : NULL;
}

int
caps_last_cap(void)
{
    static int last = -1;
    if (last >= 0)
        return last;
    last = CAPS_LAST_KNOWN;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) {
        int v;
        if (fscanf(f, "%d", &v) == 1 && v >= 0 && v < 64)
            last = v;
        fclose(f);
    }
    return last;
}

uint64_t
caps_all(void)
{
    int last = caps_last_cap();
    if (last > CAPS_LAST_KNOWN)
        last = CAPS_LAST_KNOWN;
    return last >= 63 ? UINT64_MAX : (UINT64_C(1) << (last + 1)) - 1;
}

json_object *
caps_to_json(uint64_t mask)
{
    json_object *arr = json_object_new_array();
    for (int i = 0; i <= CAPS_LAST_KNOWN && arr; i++) {
        if (mask & (UINT64_C(1) << i))
            json_object_array_add(arr, json_object_new_string(cap_names[i]));
    }
    return arr;
}

int
caps_mask_from_json(json_object *arr, const char *what, uint64_t *mask, struct err **err)
{
    *mask = 0;
    if (!arr)
        return 0;
    if (!json_object_is_type(arr, json_type_array))
        return err_set(err, 0, "%s: expected an array of capability names", what);
    size_t n = json_object_array_length(arr);
    for (size_t i = 0; i < n; i++) {
        json_object *it = json_object_array_get_idx(arr, i);
        if (!json_object_is_type(it, json_type_string))
            return err_set(err, 0, "%s[%zu]: expected a capability name", what, i);
        int cap = caps_from_name(json_object_get_string(it), err);
        if (cap < 0)
            return err_wrap(err, "%s", what);
        *mask |= UINT64_C(1) << cap;
    }
    return 0;
}

static const char *const set_keys[] = {"bounding", "effective", "permitted", "inheritable",
                                       "ambient"};

static uint64_t *
caps_set_field(struct caps_set *s, size_t i)
{
    uint64_t *fields[] = {&s->bounding, &s->effective, &s->permitted, &s->inheritable, &s->ambient};
    return fields[i];
}

int
caps_from_config(json_object *caps_obj, struct caps_set *out, struct err **err)
{
    memset(out, 0, sizeof(*out));
    if (!caps_obj)
        return 0;
    if (!json_object_is_type(caps_obj, json_type_object))
        return err_set(err, 0, "process.capabilities: expected an object");
    for (size_t i = 0; i < ARRAY_SIZE(set_keys); i++) {
        json_object *arr = NULL;
        char what[64];
        snprintf(what, sizeof(what), "process.capabilities.%s", set_keys[i]);
        json_object_object_get_ex(caps_obj, set_keys[i], &arr);
        if (caps_mask_from_json(arr, what, caps_set_field(out, i), err) < 0)
            return -1;
    }
    return 0;
}

int
caps_to_config(json_object *process, const struct caps_set *set, struct err **err)
{
    json_object *obj = json_object_new_object();
    if (!obj)
        return err_set(err, ENOMEM, "capabilities");
    struct caps_set copy = *set;
    for (size_t i = 0; i < ARRAY_SIZE(set_keys); i++)
        json_object_object_add(obj, set_keys[i], caps_to_json(*caps_set_field(&copy, i)));
    json_object_object_add(process, "capabilities", obj);
    return 0;
}

static int
caps_drop_bounding(uint64_t keep, struct err **err)
{
    int last = caps_last_cap();
    for (int i = 0; i <= last; i++) {
        if (keep & (UINT64_C(1) << i))
            continue;
        if (prctl(PR_CAPBSET_READ, i, 0, 0, 0) != 1)
            continue;
        if (prctl(PR_CAPBSET_DROP, i, 0, 0, 0) < 0)
            return err_set(err, errno, "drop %s from the bounding set",
                           caps_name(i) ? caps_name(i) : "capability");
    }
    return 0;
}

static int
caps_set_ambient(uint64_t ambient, struct err **err)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return err_set(err, errno, "clear the ambient capabilities");
    for (int i = 0; i <= caps_last_cap(); i++) {
        if ((ambient & (UINT64_C(1) << i)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, i, 0, 0) < 0)
            return err_set(err, errno, "raise ambient %s", caps_name(i) ? caps_name(i) : "?");
    }
    return 0;
}

static int
caps_capset(uint64_t eff, uint64_t perm, uint64_t inh)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2] = {
        {(uint32_t)eff, (uint32_t)perm, (uint32_t)inh},
        {(uint32_t)(eff >> 32), (uint32_t)(perm >> 32), (uint32_t)(inh >> 32)},
    };
    return (int)syscall(SYS_capset, &hdr, data);
}

/* After setuid to a non-zero uid with PR_SET_KEEPCAPS the effective set is empty while the
 * permitted set is kept: make the permitted capabilities effective so that the bounding
 * drop (which needs CAP_SETPCAP) and capset can proceed. */
void
caps_raise_permitted(void)
{
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[2];
    if (syscall(SYS_capget, &hdr, data) < 0)
        return;
    uint64_t perm = data[0].permitted | ((uint64_t)data[1].permitted << 32);
    uint64_t inh = data[0].inheritable | ((uint64_t)data[1].inheritable << 32);
    (void)caps_capset(perm, perm, inh);
}

int
caps_apply(const struct caps_set *set, struct err **err)
{
    caps_raise_permitted();
    if (caps_drop_bounding(set->bounding, err) < 0)
        return -1;
    /* Ambient capabilities must be permitted and inheritable: set those first. */
    if (caps_capset(set->effective, set->permitted, set->inheritable) < 0)
        return err_set(err, errno, "set the capabilities (capset)");
    return caps_set_ambient(set->ambient, err);
}
