/* SPDX-License-Identifier: MIT */
/* berth's native containers. (Stub until the containers issue lands.) */
#pragma once

#include "common/err.h"
#include "common/provider.h"

/* Open the provider for the local containers (state under $BERTH_ROOT, /run/berth and
 * /var/lib/berth for root, the XDG directories otherwise). */
int ctr_provider_new(struct provider *out, struct err **err);
