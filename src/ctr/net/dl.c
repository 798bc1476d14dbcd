/* SPDX-License-Identifier: MIT */
/* libnl-route-3 and libnftables on first use (net_dl.h says why). */
#include "ctr/net/net_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <string.h>

struct netdl netdl;

static int
load(const char *const *sonames, size_t n, const char *const *syms, void **slots, size_t nsym,
     const char *pkg, struct err **err)
{
    void *h[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < n; i++) {
        h[i] = dlopen(sonames[i], RTLD_NOW | RTLD_GLOBAL);
        if (!h[i])
            return err_set(err, 0, "cannot load %s (install %s): %s", sonames[i], pkg, dlerror());
    }
    for (size_t k = 0; k < nsym; k++) {
        for (size_t i = 0; i < n && !slots[k]; i++)
            slots[k] = dlsym(h[i], syms[k]);
        if (!slots[k])
            return err_set(err, 0, "%s lacks %s (too old?)", sonames[0], syms[k]);
    }
    return 0;
}

#define NETDL_NAME(name) #name,
#define NETDL_SLOT(name) (void **)&netdl.name,

int
netdl_netlink(struct err **err)
{
    static bool done;
    if (done)
        return 0;
    static const char *const so[] = {"libnl-3.so.200", "libnl-route-3.so.200"};
    static const char *const syms[] = {NETDL_NL(NETDL_NAME) NETDL_ROUTE(NETDL_NAME)};
    void **slots[] = {NETDL_NL(NETDL_SLOT) NETDL_ROUTE(NETDL_SLOT)};
    void *got[sizeof(syms) / sizeof(syms[0])];
    memset(got, 0, sizeof(got));
    if (load(so, 2, syms, got, sizeof(syms) / sizeof(syms[0]), "libnl-route-3-200", err) < 0)
        return -1;
    for (size_t k = 0; k < sizeof(syms) / sizeof(syms[0]); k++)
        *slots[k] = got[k];
    done = true;
    return 0;
}

int
netdl_nft(struct err **err)
{
    static bool done;
    if (done)
        return 0;
    static const char *const so[] = {"libnftables.so.1"};
    static const char *const syms[] = {NETDL_NFT(NETDL_NAME)};
    void **slots[] = {NETDL_NFT(NETDL_SLOT)};
    void *got[sizeof(syms) / sizeof(syms[0])];
    memset(got, 0, sizeof(got));
    if (load(so, 1, syms, got, sizeof(syms) / sizeof(syms[0]), "libnftables1", err) < 0)
        return -1;
    for (size_t k = 0; k < sizeof(syms) / sizeof(syms[0]); k++)
        *slots[k] = got[k];
    done = true;
    return 0;
}
