/* SPDX-License-Identifier: MIT */
/* libcurl, loaded on first use as dl.h loads libarchive (libcrypto: common/crypto_dl.h): linked,
 * libcurl's libraries made every `berth` exec about 10 ms slower. Private to registry*.c; include
 * it after the other headers. */
#pragma once

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "common/err.h"
#include "ctr/image/dl.h"

// clang-format off
#define REG_CURL_FUNCS(X) \
    X(curl_easy_cleanup) \
    X(curl_easy_escape) \
    X(curl_easy_getinfo) \
    X(curl_easy_init) \
    X(curl_easy_perform) \
    X(curl_easy_setopt) \
    X(curl_easy_strerror) \
    X(curl_free) \
    X(curl_global_init) \
    X(curl_slist_append) \
    X(curl_slist_free_all)
// clang-format on

struct reg_dl_api {
#define REG_DL_FIELD(f) __typeof__(f) *f;
    REG_CURL_FUNCS(REG_DL_FIELD)
#undef REG_DL_FIELD
};

/* Load libcurl once per process (and the store's libraries, image_dl_load); an error names
 * the one missing. */
int reg_dl_load(struct err **err);
/* The loaded functions (loads on first use; aborts when a library is missing: call reg_dl_load
 * first for the error). */
const struct reg_dl_api *reg_dl_api(void);

#ifndef REG_DL_NO_REDIRECT
#define curl_easy_cleanup (*reg_dl_api()->curl_easy_cleanup)
#define curl_easy_escape (*reg_dl_api()->curl_easy_escape)
#undef curl_easy_getinfo
#define curl_easy_getinfo (*reg_dl_api()->curl_easy_getinfo)
#define curl_easy_init (*reg_dl_api()->curl_easy_init)
#define curl_easy_perform (*reg_dl_api()->curl_easy_perform)
#undef curl_easy_setopt
#define curl_easy_setopt (*reg_dl_api()->curl_easy_setopt)
#define curl_easy_strerror (*reg_dl_api()->curl_easy_strerror)
#define curl_free (*reg_dl_api()->curl_free)
#define curl_global_init (*reg_dl_api()->curl_global_init)
#define curl_slist_append (*reg_dl_api()->curl_slist_append)
#define curl_slist_free_all (*reg_dl_api()->curl_slist_free_all)
#endif
