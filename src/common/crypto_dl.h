/* SPDX-License-Identifier: MIT */
/* OpenSSL's libcrypto, loaded on first use (as src/vm/virt.h loads libvirt): berth does not link
 * it, so that commands that never hash (`berth ctr ...`, the dashboard) start without it. Users:
 * the image store's digests and the registry's base64 (src/ctr/image/), the cloud-image base
 * names (src/vm/cloud.c). */
#pragma once

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "common/err.h"

// clang-format off
#define CRYPTO_DL_FUNCS(X) \
    X(EVP_DecodeBlock) \
    X(EVP_DigestFinal_ex) \
    X(EVP_DigestInit_ex) \
    X(EVP_DigestUpdate) \
    X(EVP_EncodeBlock) \
    X(EVP_MD_CTX_free) \
    X(EVP_MD_CTX_new) \
    X(EVP_sha256) \
    X(OPENSSL_cleanse) \
    X(OPENSSL_thread_stop)
// clang-format on

struct crypto_dl_api {
#define CRYPTO_DL_FIELD(f) __typeof__(f) *f;
    CRYPTO_DL_FUNCS(CRYPTO_DL_FIELD)
#undef CRYPTO_DL_FIELD
};

/* Load libcrypto once per process; the error says it is missing. Call before any EVP_ use. */
int crypto_dl_load(struct err **err);
/* The loaded functions (aborts when crypto_dl_load was skipped or failed: a bug). */
const struct crypto_dl_api *crypto_dl_api(void);

#ifndef CRYPTO_DL_NO_REDIRECT
#define EVP_DecodeBlock (*crypto_dl_api()->EVP_DecodeBlock)
#define EVP_DigestFinal_ex (*crypto_dl_api()->EVP_DigestFinal_ex)
#define EVP_DigestInit_ex (*crypto_dl_api()->EVP_DigestInit_ex)
#define EVP_DigestUpdate (*crypto_dl_api()->EVP_DigestUpdate)
#define EVP_EncodeBlock (*crypto_dl_api()->EVP_EncodeBlock)
#define EVP_MD_CTX_free (*crypto_dl_api()->EVP_MD_CTX_free)
#define EVP_MD_CTX_new (*crypto_dl_api()->EVP_MD_CTX_new)
#define EVP_sha256 (*crypto_dl_api()->EVP_sha256)
#undef OPENSSL_cleanse
#define OPENSSL_cleanse (*crypto_dl_api()->OPENSSL_cleanse)
#define OPENSSL_thread_stop (*crypto_dl_api()->OPENSSL_thread_stop)
#endif
