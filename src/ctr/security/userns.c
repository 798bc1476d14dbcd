/* SPDX-License-Identifier: MIT */
/* User namespace mappings for config.json. */
#include "ctr/security/userns.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"

/* One "NAME:START:COUNT" line: -1 malformed, else 0 with the fields filled. */
static int
subid_parse(const char *line, char name[256], struct userns_range *r)
{
    unsigned long long start, size;
    if (sscanf(line, "%255[^:]:%llu:%llu", name, &start, &size) != 3 || size == 0 ||
        start + size > UINT32_MAX)
        return -1;
    r->start = (uint32_t)start;
    r->size = (uint32_t)size;
    return 0;
}

/* Calls fn for each range of a subuid/subgid file until it returns non-zero (returned). 0 at
 * the end or when there is no file, -1 on a malformed line (message names file and line). */
static int
subid_each(const char *path, int (*fn)(const char *name, struct userns_range r, void *arg),
           void *arg, struct err **err)
{
    cleanup_file FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : err_set(err, errno, "open '%s'", path);
    char line[512], name[256];
    for (unsigned lineno = 1; fgets(line, sizeof(line), f); lineno++) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        struct userns_range r;
        if (subid_parse(line, name, &r) < 0)
            return err_set(err, 0, "%s:%u: malformed line '%s' (want NAME:START:COUNT)", path,
                           lineno, line);
        int rc = fn(name, r, arg);
        if (rc)
            return rc;
    }
    return 0;
}

struct subid_want {
    const char *user;
    char uid[24];
    struct userns_range *out;
};

static int
subid_match(const char *name, struct userns_range r, void *arg)
{
    struct subid_want *w = arg;
    if ((w->user && strcmp(name, w->user) == 0) || strcmp(name, w->uid) == 0) {
        *w->out = r;
        return 1;
    }
    return 0;
}

int
userns_subid_find(const char *path, const char *user, uid_t uid, struct userns_range *out,
                  struct err **err)
{
    struct subid_want w = {user, "", out};
    snprintf(w.uid, sizeof(w.uid), "%u", (unsigned)uid);
    return subid_each(path, subid_match, &w, err);
}

struct subid_clash {
    struct userns_range want;
    char who[300];
};

static int
subid_overlaps(const char *name, struct userns_range r, void *arg)
{
    struct subid_clash *c = arg;
    if ((uint64_t)r.start + r.size <= c->want.start ||
        (uint64_t)c->want.start + c->want.size <= r.start)
        return 0;
    snprintf(c->who, sizeof(c->who), "%s:%u:%u", name, (unsigned)r.start, (unsigned)r.size);
    return 1;
}

int
userns_root_range(const char *path, struct userns_range *out, struct err **err)
{
    struct userns_range own;
    int rc = userns_subid_find(path, "root", 0, &own, err);
    if (rc < 0)
        return -1;
    if (rc > 0 && own.start == 0)
        return err_set(err, 0,
                       "--userns: the range of root in %s (0:%u) starts at host id 0: container "
                       "root would be host root",
                       path, (unsigned)own.size);
    if (rc > 0 && own.size < USERNS_MIN_SIZE)
        return err_set(err, 0,
                       "--userns: the range of root in %s (%u:%u) has %u ids; a container needs "
                       "at least %u (ids 0-%u)",
                       path, (unsigned)own.start, (unsigned)own.size, (unsigned)own.size,
                       USERNS_MIN_SIZE, USERNS_MIN_SIZE - 1);
    if (rc > 0) {
        *out = own;
        return 0;
    }
    /* No range for root: the default, unless the file gives those ids to someone else. */
    struct subid_clash c = {{USERNS_DEFAULT_START, USERNS_DEFAULT_SIZE}, ""};
    rc = subid_each(path, subid_overlaps, &c, err);
    if (rc < 0)
        return -1;
    if (rc > 0)
        return err_set(err, 0,
                       "--userns: %s has no range for root, and the default %u:%u overlaps "
                       "'%s' (add a line 'root:START:%u' with free ids)",
                       path, USERNS_DEFAULT_START, USERNS_DEFAULT_SIZE, c.who, USERNS_MIN_SIZE);
    *out = c.want;
    return 0;
}

bool
userns_config_has(json_object *config)
{
    json_object *ns = jsonx_get_array(jsonx_get_obj(config, "linux"), "namespaces");
    for (size_t i = 0; ns && i < json_object_array_length(ns); i++) {
        const char *type = NULL;
        if (jsonx_get_str(json_object_array_get_idx(ns, i), "type", &type) &&
            strcmp(type, "user") == 0)
            return true;
    }
    return false;
}

static json_object *
mapping(uint32_t host, uint32_t size)
{
    json_object *arr = json_object_new_array(), *m = json_object_new_object();
    json_object_object_add(m, "containerID", json_object_new_int64(0));
    json_object_object_add(m, "hostID", json_object_new_int64(host));
    json_object_object_add(m, "size", json_object_new_int64(size));
    json_object_array_add(arr, m);
    return arr;
}

static void
userns_set(json_object *config, struct userns_range uid, struct userns_range gid)
{
    json_object *linux_ = jsonx_child_obj(config, "linux");
    if (!userns_config_has(config)) {
        json_object *ns = jsonx_get_array(linux_, "namespaces");
        if (!ns) {
            ns = json_object_new_array();
            json_object_object_add(linux_, "namespaces", ns);
        }
        json_object *u = json_object_new_object();
        json_object_object_add(u, "type", json_object_new_string("user"));
        json_object_array_add(ns, u);
    }
    json_object_object_add(linux_, "uidMappings", mapping(uid.start, uid.size));
    json_object_object_add(linux_, "gidMappings", mapping(gid.start, gid.size));
}

int
userns_apply_cli(json_object *config, struct err **err)
{
    if (geteuid() != 0) {
        struct userns_range u = {geteuid(), 1}, g = {getegid(), 1};
        userns_set(config, u, g);
        return 0;
    }
    struct userns_range u, g;
    if (userns_root_range("/etc/subuid", &u, err) < 0 ||
        userns_root_range("/etc/subgid", &g, err) < 0)
        return -1;
    userns_set(config, u, g);
    return 0;
}

int
userns_rootless_defaults(json_object *config, struct err **err)
{
    (void)err;
    if (geteuid() == 0)
        return 0;
    json_object *linux_ = jsonx_get_obj(config, "linux");
    if (jsonx_get_array(linux_, "uidMappings") && userns_config_has(config))
        return 0;
    struct userns_range u = {geteuid(), 1}, g = {getegid(), 1};
    userns_set(config, u, g);
    return 0;
}
