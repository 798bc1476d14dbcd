/* SPDX-License-Identifier: MIT */
/* Loads libvirt with dlopen on first use and resolves the functions src/vm calls. */
#define VIRT_NO_REDIRECT
#include "vm/virt.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#define VIRT_SONAME "libvirt.so.0"

static struct virt_api api;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256];
static bool loaded;

static void
virt_load_once(void)
{
    /* RTLD_GLOBAL: libxml2, loaded with libvirt, is then found by dlsym(RTLD_DEFAULT) */
    void *h = dlopen(VIRT_SONAME, RTLD_NOW | RTLD_GLOBAL);
    if (!h) {
        /* dlerror names the file, e.g. "libvirt.so.0: cannot open shared object file: ..." */
        snprintf(load_error, sizeof(load_error), "libvirt is not installed (%s)", dlerror());
        return;
    }
#define VIRT_SYM(f)                                                                                \
    if (!(api.f = (__typeof__(f) *)dlsym(h, #f))) {                                                \
        snprintf(load_error, sizeof(load_error), "libvirt (%s) has no %s: too old", VIRT_SONAME,   \
                 #f);                                                                              \
        return;                                                                                    \
    }
    VIRT_FUNCS(VIRT_SYM)
#undef VIRT_SYM
    loaded = true;
}

int
virt_load(struct err **err)
{
    pthread_once(&load_once, virt_load_once);
    if (!loaded)
        return err_set(err, 0, "%s", load_error);
    return 0;
}

const struct virt_api *
virt_api(void)
{
    pthread_once(&load_once, virt_load_once);
    if (!loaded)
        abort(); /* a caller skipped vm_global_init: a bug, not a user error */
    return &api;
}
