/* SPDX-License-Identifier: MIT */
/* Linux capabilities: names <-> numbers, the five sets of a process, and applying them. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/err.h"

/* One bit per capability number (CAP_CHOWN = bit 0 ... CAP_CHECKPOINT_RESTORE = bit 40). */
struct caps_set {
    uint64_t bounding;
    uint64_t effective;
    uint64_t permitted;
    uint64_t inheritable;
    uint64_t ambient;
};

/* Docker's 14 default capabilities: CapEff 00000000a80425fb. */
#define CAPS_DOCKER_DEFAULT UINT64_C(0x00000000a80425fb)

/* Highest capability number berth knows by name. */
#define CAPS_LAST_KNOWN 40

/* "CAP_SYS_ADMIN", "sys_admin", "Sys_Admin" -> 21. -1 with "unknown capability 'X'" otherwise. */
int caps_from_name(const char *name, struct err **err);
/* 21 -> "CAP_SYS_ADMIN"; NULL for numbers without a name. */
const char *caps_name(int cap);
/* Every capability the running kernel knows (0 .. /proc/sys/kernel/cap_last_cap). */
uint64_t caps_all(void);
/* The running kernel's last capability number (CAPS_LAST_KNOWN when it cannot be read). */
int caps_last_cap(void);

/* A JSON array of capability names for mask, in number order (new reference). */
json_object *caps_to_json(uint64_t mask);
/* Parse a JSON array of names into *mask; what names the field in errors. */
int caps_mask_from_json(json_object *arr, const char *what, uint64_t *mask, struct err **err);

/* Read process.capabilities of an OCI config (absent sets are 0). */
int caps_from_config(json_object *caps_obj, struct caps_set *out, struct err **err);
/* Write *set as process.capabilities (replacing the object). */
int caps_to_config(json_object *process, const struct caps_set *set, struct err **err);

/* In the calling process: drop every capability outside the bounding set, clear and set the
 * ambient set, then capset effective/permitted/inheritable. Needs CAP_SETPCAP for the bounding
 * drop; capabilities the process does not hold cannot be raised (EPERM). */
/* The permitted capabilities made effective (after a setuid with PR_SET_KEEPCAPS cleared them). */
void caps_raise_permitted(void);
int caps_apply(const struct caps_set *set, struct err **err);
