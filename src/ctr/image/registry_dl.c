/* SPDX-License-Identifier: MIT */
/* Loads libcurl with dlopen on first use. */
#define REG_DL_NO_REDIRECT
#include "ctr/image/registry_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static struct reg_dl_api api;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[320];
static bool loaded;

static void *
dl_open(const char *soname, const char *pkg)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        snprintf(load_error, sizeof(load_error), "%s is not installed (%s)", pkg, dlerror());
    return h;
}

static void
dl_load_once(void)
{
    void *u = dl_open("libcurl.so.4", "libcurl 4");
    if (!u)
        return;
#define REG_DL_SYM(f)                                                                              \
    if (!(api.f = (__typeof__(f) *)dlsym(u, #f))) {                                                \
        snprintf(load_error, sizeof(load_error), "libcurl has no %s: too old", #f);                \
        return;                                                                                    \
    }
    REG_CURL_FUNCS(REG_DL_SYM)
    loaded = true;
}

int
reg_dl_load(struct err **err)
{
    pthread_once(&load_once, dl_load_once);
    if (!loaded)
        return err_set(err, 0, "registry: %s", load_error);
    return image_dl_load(err);
}

const struct reg_dl_api *
reg_dl_api(void)
{
    pthread_once(&load_once, dl_load_once);
    if (!loaded)
        abort();
    return &api;
}
