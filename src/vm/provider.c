/* SPDX-License-Identifier: MIT */
/* Placeholder for the libvirt provider (replaced by the VM work). */
#include "vm/vm.h"

int
vm_provider_new(const char *uri, struct provider *out, struct err **err)
{
    (void)out;
    return err_set(err, 0, "libvirt provider for '%s' is not built yet", uri);
}

int
vm_uri_probe(const char *uri, int timeout_ms, struct err **err)
{
    (void)timeout_ms;
    return err_set(err, 0, "libvirt provider for '%s' is not built yet", uri);
}
