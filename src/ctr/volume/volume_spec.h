/* SPDX-License-Identifier: MIT */
/* The create options of volumes and restarts, written into a config.json. Private to src/ctr/. */
#pragma once

#include <stdbool.h>

#include <json-c/json.h>

#include "common/err.h"
#include "ctr/ctr.h"

/* Add o's -v / --tmpfs mounts (named volumes made when missing: hold vol_lock), --read-only and
 * --restart to cfg. Every option is checked before anything is made. */
int vol_spec_apply(json_object *cfg, const struct ctr_create_opts *o, struct err **err);
/* Does o ask for any of them / for a named volume? */
bool vol_spec_wanted(const struct ctr_create_opts *o);
bool vol_spec_named(const struct ctr_create_opts *o);
