/* SPDX-License-Identifier: MIT */
/* User namespace mappings for config.json. */
#include "ctr/userns.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"

static int
subid_line(const char *line, const char *user, uid_t uid, struct userns_range *out)
{
    char name[256];
    unsigned long long start, size;
    if (sscanf(line, "%255[^:]:%llu:%llu", name, &start, &size) != 3 || size == 0 ||
        start + size > UINT32_MAX)
        return -1;
    char uidbuf[24];
    snprintf(uidbuf, sizeof(uidbuf), "%u", (unsigned)uid);
    if ((user && strcmp(name, user) == 0) || strcmp(name, uidbuf) == 0) {
        out->start = (uint32_t)start;
        out->size = (uint32_t)size;
        return 1;
    }
    return 0;
}

int
userns_subid_find(const char *path, const char *user, uid_t uid, struct userns_range *out,
                  struct err **err)
{
    cleanup_file FILE *f = fopen(path, "re");
    if (!f)
        return errno == ENOENT ? 0 : err_set(err, errno, "open '%s'", path);
    char line[512];
    for (unsigned lineno = 1; fgets(line, sizeof(line), f); lineno++) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        int rc = subid_line(line, user, uid, out);
        if (rc < 0)
            return err_set(err, 0, "%s:%u: malformed line '%s' (want NAME:START:COUNT)", path,
                           lineno, line);
        if (rc > 0)
            return 1;
    }
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
    struct userns_range u = {USERNS_DEFAULT_START, USERNS_DEFAULT_SIZE}, g = u;
    if (userns_subid_find("/etc/subuid", "root", 0, &u, err) < 0 ||
        userns_subid_find("/etc/subgid", "root", 0, &g, err) < 0)
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
