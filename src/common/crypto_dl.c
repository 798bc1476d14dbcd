/* SPDX-License-Identifier: MIT */
/* Loads libcrypto with dlopen on first use and resolves the functions used. */
#define CRYPTO_DL_NO_REDIRECT
#include "common/crypto_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static struct crypto_dl_api api;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[320];
static bool loaded;

static void
load(void)
{
    void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(load_error, sizeof(load_error), "OpenSSL's libcrypto 3 is not installed (%s)",
                 dlerror());
        return;
    }
#define CRYPTO_DL_SYM(f)                                                                           \
    if (!(api.f = (__typeof__(f) *)dlsym(h, #f))) {                                                \
        snprintf(load_error, sizeof(load_error), "libcrypto has no %s: too old", #f);              \
        return;                                                                                    \
    }
    CRYPTO_DL_FUNCS(CRYPTO_DL_SYM)
#undef CRYPTO_DL_SYM
    loaded = true;
}

int
crypto_dl_load(struct err **err)
{
    pthread_once(&load_once, load);
    if (!loaded)
        return err_set(err, 0, "%s", load_error);
    return 0;
}

const struct crypto_dl_api *
crypto_dl_api(void)
{
    pthread_once(&load_once, load);
    if (!loaded)
        abort();
    return &api;
}
