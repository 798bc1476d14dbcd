/* SPDX-License-Identifier: MIT */
/* Placeholder for the containers provider (replaced by the containers work). */
#include "ctr/ctr.h"

int
ctr_provider_new(struct provider *out, struct err **err)
{
    (void)out;
    return err_set(err, 0, "containers are not built yet");
}
