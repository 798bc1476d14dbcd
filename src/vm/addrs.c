/* SPDX-License-Identifier: MIT */
/* A running guest's IP addresses, from libvirt: its DHCP leases, then the guest agent, then the
 * host's ARP table. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <stdio.h>
#include <stdlib.h>

#include "common/strbuf.h"

/* The addresses of one source as "ADDR/PREFIX" separated by spaces; NULL when none. */
static char *
addrs_from(virDomainPtr d, unsigned source)
{
    virDomainInterfacePtr *ifs = NULL;
    int n = virDomainInterfaceAddresses(d, &ifs, source, 0);
    if (n < 0) {
        virResetLastError(); /* no agent, no leases: not an error of the caller's */
        return NULL;
    }
    struct strbuf sb = STRBUF_INIT;
    for (int i = 0; i < n; i++) {
        for (unsigned k = 0; k < ifs[i]->naddrs; k++) {
            const virDomainIPAddress *a = &ifs[i]->addrs[k];
            if (!a->addr)
                continue;
            strbuf_printf(&sb, "%s%s/%u", sb.len ? " " : "", a->addr, a->prefix);
        }
        virDomainInterfaceFree(ifs[i]);
    }
    free(ifs);
    if (!sb.len) {
        strbuf_done(&sb);
        return NULL;
    }
    return strbuf_steal(&sb);
}

char *
vm_dom_addresses(virDomainPtr d, bool agent)
{
    char *s = addrs_from(d, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE);
    if (!s && agent)
        s = addrs_from(d, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT);
    if (!s)
        s = addrs_from(d, VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP);
    return s;
}
