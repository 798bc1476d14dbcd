/* SPDX-License-Identifier: MIT */
/* The registry's HTTP side (registry_http.c, libcurl): one connection, auth, GETs into memory or
 * into a blob file. Private to registry*.c. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <openssl/evp.h> /* EVP_MD_CTX (the functions: registry_dl.h) */

#include "common/err.h"
#include "common/strbuf.h"
#include "ctr/image/registry.h"

struct reg_client;

/* Connect to host (ping /v2/: https, or http when o->tls_verify is 0 and https fails), learn its
 * auth challenge and get a token for repo (may be NULL: login's check) when one is asked for. */
struct reg_client *reg_client_open(const char *host, const char *repo, const struct reg_opts *o,
                                   struct err **err);
void reg_client_free(struct reg_client *c);

/* GET path ("/v2/...") into body (at most max bytes) with the Accept header accept (may be NULL).
 * *ctype gets the Content-Type (malloc'd, may be NULL). A status other than 200 is an error
 * naming what and the registry's own message. */
int reg_client_get_mem(struct reg_client *c, const char *path, const char *accept, size_t max,
                       const char *what, struct strbuf *body, char **ctype, struct err **err);

/* A blob download: bytes appended to fd from offset (a Range request when > 0), fed to md,
 * never beyond total. When the registry answers 200 to a Range, *restarted is set and the
 * caller's file and hash must start again from 0 (done by the callback reset). */
struct reg_blob_sink {
    int fd;
    EVP_MD_CTX *md;
    uint64_t offset; /* bytes already in the file */
    uint64_t total;
    bool too_big;
    int werr; /* errno of a failed write */
    struct reg_progress prog;
    const struct reg_opts *o;
};
int reg_client_get_blob(struct reg_client *c, const char *path, struct reg_blob_sink *s,
                        struct err **err);
