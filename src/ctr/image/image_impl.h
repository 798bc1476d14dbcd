/* SPDX-License-Identifier: MIT */
/* Internals of the image store shared by its files (src/ctr/image/ only). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "ctr/image/dl.h"
#include "ctr/image/image.h"

/* Limits on outside input: a manifest, config or index bigger than this is refused. */
#define IMAGE_JSON_MAX (4u << 20)
#define IMAGE_LAYERS_MAX 500 /* overlayfs' own limit on lower layers */

/* ---- digest.c ---- */
struct image_hash {
    EVP_MD_CTX *ctx;
    uint64_t size;
};
void image_hash_init(struct image_hash *h);
void image_hash_update(struct image_hash *h, const void *buf, size_t len);
/* "sha256:HEX" into out (IMAGE_DIGEST_LEN + 1); frees the context. */
void image_hash_final(struct image_hash *h, char *out);
void image_hash_done(struct image_hash *h); /* free without a result (harmless twice) */
void image_digest_buf(const void *buf, size_t len, char *out);
/* Hash the file at path: digest and size. */
int image_digest_file(int dirfd, const char *path, char *out, uint64_t *size, struct err **err);
/* $lib/images/tmp/<pid>-<what>-<n>: a fresh directory for this process's work. */
int image_tmp_dir(char *buf, const char *what, struct err **err);
/* The store made (0700 when new) and its lock taken (exclusive, blocks); the fd, -1 with err.
 * Also sweeps tmp/ entries of dead pids. */
int image_store_lock(struct err **err);
/* The same lock held shared (readers that must not see a layer go: a container's create). */
int image_store_lock_shared(struct err **err);

/* ---- manifest.c: the JSON of outside input ---- */
enum image_media {
    IMAGE_MEDIA_UNKNOWN,
    IMAGE_MEDIA_INDEX,    /* OCI index or Docker manifest list */
    IMAGE_MEDIA_MANIFEST, /* OCI or Docker schema 2 manifest */
    IMAGE_MEDIA_COUNT,
};
struct image_desc {
    char digest[IMAGE_DIGEST_LEN + 1];
    int64_t size;
    enum image_media media;
    char os[32], arch[32], variant[32];
    char ref_name[IMAGE_NAME_MAX + 1]; /* org.opencontainers.image.ref.name, "" none */
};
/* An index.json / manifest list: its manifests (malloc'd, *n of them). */
int image_parse_index(const char *text, size_t len, struct image_desc **out, size_t *n,
                      struct err **err);
struct image_manifest {
    struct image_desc config;
    struct image_desc *layers;
    size_t n_layers;
};
int image_parse_manifest(const char *text, size_t len, struct image_manifest *m, struct err **err);
void image_manifest_done(struct image_manifest *m);
/* A config: its rootfs.diff_ids (checked: "sha256:HEX", as many as wanted_layers unless that is
 * (size_t)-1) into *diff_ids (malloc'd array of IMAGE_DIGEST_LEN + 1 strings). */
int image_parse_config(const char *text, size_t len, size_t wanted_layers,
                       char (**diff_ids)[IMAGE_DIGEST_LEN + 1], size_t *n, struct err **err);
/* The host's architecture as OCI names it ("amd64", "arm64", ...). */
const char *image_host_arch(void);
/* Pick the descriptor: by digest, else by ref name, else the only one, else the host's
 * platform. Returns the index, -1 with err. */
int image_pick(const struct image_desc *d, size_t n, const char *digest, const char *ref_name,
               struct err **err);

/* ---- unpack.c ---- */
/*
 * Unpack the layer stream in fd (tar; gzip, zstd or none) into a new directory dest (made by
 * this; must not exist), turning OCI whiteouts into overlayfs ones. While reading it computes
 * the digest of the bytes of fd (blob_digest, may be NULL) and of the uncompressed tar (diff_id);
 * sizes into *blob_size. Entries escaping dest (".." , absolute names, through a symlink) are
 * refused. On error dest is removed.
 */
int image_unpack_layer(int fd, const char *dest, char *blob_digest, uint64_t *blob_size,
                       char *diff_id, struct err **err);
/* Extract a whole tarball (an oci-archive or docker-archive) into the existing directory dest,
 * regular files and directories only, never outside it. */
int image_extract_archive(const char *path, const char *dest, struct err **err);

/* ---- store.c ---- */
/* A verified image about to be added: what import computed. */
struct image_new {
    const char *manifest; /* the manifest's bytes (an OCI manifest) */
    size_t manifest_len;
    const char *config; /* the config's bytes */
    size_t config_len;
    char (*diff_ids)[IMAGE_DIGEST_LEN + 1];
    size_t n_layers;
    const char *name; /* normalised "name:tag" or NULL */
};
/* Store blobs and the index record (lock held). out: the manifest digest. */
int image_store_add(const struct image_new *img, char *out, struct err **err);
/* Delete the layers and blobs no image of the index uses (lock held): what an import that
 * failed after moving its layers in (a full disk writing the index) left. */
void image_store_gc(void);
/* Store a blob's bytes under its digest (no-op when present). */
int image_blob_put(const char *digest, const void *buf, size_t len, struct err **err);
