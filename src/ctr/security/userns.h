/* SPDX-License-Identifier: MIT */
/* User namespaces in config.json: --userns ranges from /etc/subuid and /etc/subgid, and the
 * rootless default that maps the calling user to root in the container. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "common/err.h"

/* Used by --userns for root when /etc/subuid (/etc/subgid) has no range for root. */
#define USERNS_DEFAULT_START 100000u
#define USERNS_DEFAULT_SIZE 65536u
/* The fewest ids a range for root may have: 0-65535, nobody (65534) included. */
#define USERNS_MIN_SIZE 65536u

struct userns_range {
    uint32_t start, size;
};

/* The first range of user (by name, or by uid as a number) in a subuid/subgid file:
 * 1 found, 0 not found or no file, -1 on a malformed line (message names file and line). */
int userns_subid_find(const char *path, const char *user, uid_t uid, struct userns_range *out,
                      struct err **err);

/* The range of root for --userns in a subuid/subgid file: root's own (refused when it starts
 * at host id 0 or has fewer than USERNS_MIN_SIZE ids), else the default 100000:65536 unless the
 * file gives any of those ids to another user. 0, or -1 with a one-line message. */
int userns_root_range(const char *path, struct userns_range *out, struct err **err);

/* Does config.json ask for a new user namespace? */
bool userns_config_has(json_object *config);

/* --userns: a user namespace mapping container root to an unprivileged host range (root) or
 * to the calling user (others), in linux.namespaces and linux.uid/gidMappings. */
int userns_apply_cli(json_object *config, struct err **err);

/* Not root: add a user namespace mapping the caller's uid/gid to 0 unless the config has
 * mappings already. Root: nothing. */
int userns_rootless_defaults(json_object *config, struct err **err);
