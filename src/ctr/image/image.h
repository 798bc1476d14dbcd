/* SPDX-License-Identifier: MIT */
/*
 * The image store (src/ctr/image/): content-addressed OCI / Docker images under the state root,
 * $lib/images/ (ctr_lib_dir(): $BERTH_ROOT/lib, /var/lib/berth, ~/.local/share/berth):
 *
 *   blobs/sha256/<hex>   manifests and configs, by digest (read-only, verified before rename)
 *   layers/<hex>/        one unpacked, read-only directory per layer, by its diff-id; OCI
 *                        whiteouts already turned into overlayfs ones (0/0 character devices,
 *                        the trusted.overlay.opaque xattr)
 *   index.json           the images: manifest digest -> config, layers, names ("name:tag")
 *   lock                 flock held by every change of the store (import, rm, tag)
 *   tmp/                 work of imports; "<pid>-..." entries of a dead pid are swept
 *
 * Nothing is used before its digest (and size, when known) is checked; every file is written
 * under a temp name and renamed in; index.json is replaced atomically (temp, fsync, rename).
 * Compressed layer blobs are not kept: the unpacked directory is the layer.
 *
 * A reference is "NAME[:TAG]" (TAG defaults to "latest"), "NAME@sha256:HEX", the manifest digest
 * "sha256:HEX", or a unique prefix (12+ hex digits) of it. Names are what the caller gives;
 * registry normalisation (docker.io/library/...) is the puller's. Below ui/ nothing prints.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

#define IMAGE_DIGEST_LEN 71 /* "sha256:" + 64 hex */
#define IMAGE_NAME_MAX 255

/* ---- importing (import.c) ---- */

/*
 * Import an OCI image layout directory (oci-layout, index.json, blobs/sha256/...) into the store
 * under name ("NAME[:TAG]"; NULL: the layout's org.opencontainers.image.ref.name annotation,
 * else no name). manifest_digest selects a manifest of index.json (or of a nested index); NULL:
 * the only one, else the one whose ref.name annotation equals name's tag, else the entry for the
 * host platform. OCI and Docker schema 2 manifests and configs; gzip, zstd and uncompressed
 * layers. Every blob's digest and size, and every layer's diff-id, are verified; the image is in
 * the store only when all of it is. Layers already in the store are not unpacked again.
 * Holds the store lock for the whole import. image_resolve(name) gives the digest afterwards;
 * image_import_layout_ex also returns it (out_digest: IMAGE_DIGEST_LEN + 1, may be NULL).
 */
int image_import_layout(const char *layout_dir, const char *manifest_digest, const char *name,
                        struct err **err);
int image_import_layout_ex(const char *layout_dir, const char *manifest_digest, const char *name,
                           char *out_digest, struct err **err);
/* A tarball: an oci-archive (a tarred layout) or a docker-archive (`docker save` output),
 * told apart by their contents. name as above; NULL: the archive's own (RepoTags, ref.name). */
int image_import_archive(const char *path, const char *name, char *out_digest, struct err **err);
/* A plain root file system tarball (optionally compressed), as one layer of a new image with an
 * empty config (`podman import`). name is required. */
int image_import_rootfs_tar(const char *path, const char *name, char *out_digest, struct err **err);

/* ---- the index (store.c) ---- */

struct image_info {
    char digest[IMAGE_DIGEST_LEN + 1]; /* manifest digest: the image's id */
    char config[IMAGE_DIGEST_LEN + 1]; /* config digest */
    char **names;                      /* "name:tag", sorted (NULL-terminated, owned) */
    size_t n_layers;
    uint64_t size;        /* bytes of its unpacked layers */
    uint64_t shared_size; /* of which in layers other images also use */
    int64_t created;      /* import time, realtime seconds */
    size_t n_users;       /* containers whose root is this image */
};

/* Every image, sorted by first name then digest. *out malloc'd: image_info_list_free. */
int image_list(struct image_info **out, size_t *n, struct err **err);
void image_info_list_free(struct image_info *list, size_t n);
/* The manifest digest of ref (see above); error "no image 'REF'" (code ENOENT) when unknown. */
int image_resolve(const char *ref, char *digest, struct err **err);
/* Add the name "NAME[:TAG]" to the image ref (moved from another image that had it). */
int image_tag(const char *ref, const char *name, struct err **err);
/* Remove ref: a name of an image with several names loses that name only; otherwise the image
 * goes, with its blobs and the layers no other image uses. Refused while a container's root is
 * this image (force: still refused; containers must be removed first). */
int image_remove(const char *ref, struct err **err);
/* The inspect document (JSON text, malloc'd): digest, names, manifest, config, layer dirs. */
int image_inspect(const char *ref, char **json, struct err **err);
/* Check "NAME[:TAG]" / "NAME@sha256:HEX": lowercase [a-z0-9._/-] components (no "..", no
 * leading or trailing '/', no "//"), tag [A-Za-z0-9_.-]{1,128}. Writes the normalised
 * "name:tag" (":latest" added) into out (IMAGE_NAME_MAX + 1). */
int image_name_check(const char *ref, char *out, struct err **err);

/* ---- containers from images (run.c) ---- */

/* What a container takes from an image. Strings and arrays owned (image_run_done). */
struct image_run {
    char digest[IMAGE_DIGEST_LEN + 1];
    char **layers; /* absolute layer directories, top layer first (NULL-terminated) */
    size_t n_layers;
    char **entrypoint, **cmd, **env; /* NULL-terminated, may be NULL */
    char *workdir, *user, *stop_signal;
    int lock_fd; /* the store's lock held shared until image_run_done: no rm removes the layers
                  * before the container's config.json names the image */
};
int image_run_load(const char *ref, struct image_run *r, struct err **err);
void image_run_done(struct image_run *r);
/* "USER[:GROUP]" (names or numbers) resolved through the image's /etc/passwd and /etc/group
 * (the topmost layer that has the file). Numbers need no files. */
int image_user_resolve(const struct image_run *r, const char *user, uid_t *uid, gid_t *gid,
                       struct err **err);

/* ---- digests (digest.c) ---- */
/* "sha256:" + 64 lowercase hex, nothing else. */
bool image_digest_valid(const char *digest);
/* The store directory ($lib/images) and paths in it (PATH_MAX buffers). */
const char *image_store_dir(void);
void image_blob_path(char *buf, const char *digest);
void image_layer_path(char *buf, const char *diff_id);
