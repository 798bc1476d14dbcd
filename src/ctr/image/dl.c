/* SPDX-License-Identifier: MIT */
/* Loads libarchive and libcrypto with dlopen on first use and resolves the functions used. */
#define IMAGE_DL_NO_REDIRECT
#include "ctr/image/dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static struct image_dl_api api;
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
    void *c = dl_open("libcrypto.so.3", "OpenSSL's libcrypto 3");
    void *a = c ? dl_open("libarchive.so.13", "libarchive") : NULL;
    if (!a)
        return;
#define IMAGE_DL_SYM(h, f)                                                                         \
    if (!(api.f = (__typeof__(f) *)dlsym(h, #f))) {                                                \
        snprintf(load_error, sizeof(load_error), "%s has no %s: too old", #h, #f);                 \
        return;                                                                                    \
    }
#define IMAGE_DL_C(f) IMAGE_DL_SYM(c, f)
#define IMAGE_DL_A(f) IMAGE_DL_SYM(a, f)
    IMAGE_CRYPTO_FUNCS(IMAGE_DL_C)
    IMAGE_ARCHIVE_FUNCS(IMAGE_DL_A)
    loaded = true;
}

int
image_dl_load(struct err **err)
{
    pthread_once(&load_once, dl_load_once);
    if (!loaded)
        return err_set(err, 0, "images: %s", load_error);
    return 0;
}

const struct image_dl_api *
image_dl_api(void)
{
    pthread_once(&load_once, dl_load_once);
    if (!loaded)
        abort();
    return &api;
}
