/* SPDX-License-Identifier: MIT */
/* Domain helpers shared by the operations: look-up by name or UUID, undefine with everything,
 * and whether a URI is local. Called on the connection's worker. */
#include "vm/vm_impl.h"

#include <ctype.h>
#include <string.h>

static bool
looks_like_uuid(const char *s)
{
    if (strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
            return false;
    }
    return true;
}

virDomainPtr
vm_dom_lookup(virConnectPtr conn, const char *dom, struct err **err)
{
    virDomainPtr d = NULL;
    if (looks_like_uuid(dom))
        d = virDomainLookupByUUIDString(conn, dom);
    if (!d)
        d = virDomainLookupByName(conn, dom);
    if (d)
        return d;
    virErrorPtr e = virGetLastError();
    if (!e || e->code == VIR_ERR_NO_DOMAIN) {
        virResetLastError();
        err_set(err, 0, "domain not found");
    } else {
        vm_err_libvirt(err, "looking up the domain");
    }
    return NULL;
}

int
vm_dom_undefine(virDomainPtr d)
{
    unsigned flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
    if (virDomainUndefineFlags(d, flags | VIR_DOMAIN_UNDEFINE_NVRAM) == 0)
        return 0;
    virErrorPtr e = virGetLastError();
    if (!e || e->code != VIR_ERR_INVALID_ARG)
        return -1;
    virResetLastError(); /* a driver without NVRAM (the test driver) refuses the flag */
    return virDomainUndefineFlags(d, flags);
}

bool
vm_uri_is_local(const char *uri)
{
    const char *p = strstr(uri, "://");
    return p && p[3] == '/';
}
