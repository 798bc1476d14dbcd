/* SPDX-License-Identifier: MIT */
/*
 * Container hardening from config.json: capabilities, no_new_privs, seccomp, masked and
 * read-only paths. The runtime calls these at fixed points; this module owns the policy.
 */
#pragma once

#include <stdbool.h>

#include <json-c/json.h>

#include "common/err.h"

struct ctr_security;

/* Fill berth's hardened defaults into a new config.json (process.capabilities,
 * process.noNewPrivileges, linux.seccomp, linux.maskedPaths, linux.readonlyPaths) where absent. */
int ctr_security_default_config(json_object *config, struct err **err);

/* Apply one security option of `berth ctr create/run` to config.json before it is stored:
 * name is "seccomp" (value "unconfined" or a profile file), "cap-add", "cap-drop" (value a
 * capability name or "ALL"), "userns" (value NULL). -1 with a message on bad values. */
int ctr_security_cli_option(json_object *config, const char *name, const char *value,
                            struct err **err);

/* Parse the security parts of config.json (called by the runtime before forking). */
int ctr_security_from_config(json_object *config, struct ctr_security **out, struct err **err);
void ctr_security_free(struct ctr_security *s);

/* Inside the container, after the new root's /proc and /sys are mounted and pivot_root is
 * done: mask and make read-only the configured paths. */
int ctr_security_apply_paths(const struct ctr_security *s, struct err **err);

/* The last step before execve of the container's process (init or exec): drop capabilities,
 * set no_new_privs, load the seccomp filter. Nothing may run between this and execve that
 * the filter would refuse. */
int ctr_security_apply_process(const struct ctr_security *s, struct err **err);

/* Did ctr_security_from_config take the compiled seccomp filter from the cache? */
bool ctr_security_seccomp_cached(const struct ctr_security *s);
