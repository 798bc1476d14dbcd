/* SPDX-License-Identifier: MIT */
/*
 * Importing images: an OCI image layout directory, an oci-archive or docker-archive tarball
 * (extracted under the store's tmp/ first), a plain rootfs tarball. Every manifest, config and
 * layer is checked against its digest (and size) before it is used or renamed into the store;
 * the index gains the image last, so an import killed at any point leaves only tmp/ work that
 * the next one sweeps.
 */
#include "ctr/image/image_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

/* A small blob of the layout (a manifest, config or index), read and verified. */
static int
blob_read(int lfd, const struct image_desc *d, const char *what, char **out, size_t *len,
          struct err **err)
{
    char rel[128], got[IMAGE_DIGEST_LEN + 1];
    ctr_fmt(rel, sizeof(rel), "blobs/sha256/%s", d->digest + 7);
    if (d->size > (int64_t)IMAGE_JSON_MAX)
        return err_set(err, 0, "%s %s: %lld bytes (at most %u)", what, d->digest,
                       (long long)d->size, IMAGE_JSON_MAX);
    if (fileio_read_all_at(lfd, rel, IMAGE_JSON_MAX, out, len, err) < 0)
        return err_wrap(err, "%s", what);
    image_digest_buf(*out, *len, got);
    if (strcmp(got, d->digest) != 0 || (d->size >= 0 && (int64_t)*len != d->size)) {
        free(*out);
        *out = NULL;
        return err_set(err, 0, "%s %s: digest or size mismatch (got %s, %zu bytes): refused", what,
                       d->digest, got, *len);
    }
    return 0;
}

/* Unpack one layer from fd, verify it, rename it into stage/<hex> (the import's staging
 * directory: stage_commit moves its layers into layers/ once the whole image is verified).
 * want_*: NULL / -1 when unknown; got_blob and got_diff (may be NULL) receive what was read. */
static int
layer_install(const char *stage, int fd, const char *want_blob, int64_t want_size,
              const char *want_diff, char *got_blob, char *got_diff, struct err **err)
{
    char t[PATH_MAX], dest[PATH_MAX], blob[IMAGE_DIGEST_LEN + 1], diff[IMAGE_DIGEST_LEN + 1];
    char final[PATH_MAX];
    uint64_t size = 0;
    struct stat st;
    if (want_size >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size != want_size)
        return err_set(err, 0, "size mismatch: %lld bytes, the manifest says %lld: refused",
                       (long long)st.st_size, (long long)want_size);
    if (image_tmp_dir(t, "layer", err) < 0)
        return -1;
    ctr_fmt(dest, sizeof(dest), "%s/l", t);
    int rc = image_unpack_layer(fd, dest, blob, &size, diff, err);
    if (rc == 0 && want_blob && strcmp(blob, want_blob) != 0)
        rc = err_set(err, 0, "digest mismatch: the blob is %s: refused", blob);
    else if (rc == 0 && want_size >= 0 && (int64_t)size != want_size)
        rc = err_set(err, 0, "size mismatch: %llu bytes, the manifest says %lld: refused",
                     (unsigned long long)size, (long long)want_size);
    else if (rc == 0 && want_diff && strcmp(diff, want_diff) != 0)
        rc = err_set(err, 0, "diff_id mismatch: the tar is %s, the config says %s: refused", diff,
                     want_diff);
    if (rc == 0) {
        ctr_fmt(final, sizeof(final), "%s/%s", stage, diff + 7);
        if (access(final, F_OK) < 0 && rename(dest, final) < 0)
            rc = err_set(err, errno, "rename layer into '%s'", final);
    }
    ctr_rm_rf(t);
    if (rc == 0 && got_blob)
        memcpy(got_blob, blob, sizeof(blob));
    if (rc == 0 && got_diff)
        memcpy(got_diff, diff, sizeof(diff));
    return rc;
}

static bool
layer_present(const char *diff_id)
{
    char p[PATH_MAX];
    image_layer_path(p, diff_id);
    return access(p, F_OK) == 0;
}

/* The verified layers of stage renamed into layers/ (the store lock is held), stage removed. */
static int
stage_commit(const char *stage, struct err **err)
{
    cleanup_dir DIR *d = opendir(stage);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char from[PATH_MAX], to[PATH_MAX];
        if (de->d_name[0] == '.')
            continue;
        ctr_fmt(from, sizeof(from), "%s/%s", stage, de->d_name);
        ctr_fmt(to, sizeof(to), "%s/layers/%s", image_store_dir(), de->d_name);
        if (access(to, F_OK) < 0 && rename(from, to) < 0)
            return err_set(err, errno, "rename layer into '%s'", to);
    }
    return 0;
}

/* The tag of a normalised "name:tag". */
static const char *
name_tag(const char *norm)
{
    const char *slash = strrchr(norm, '/');
    const char *c = strrchr(slash ? slash : norm, ':');
    return c ? c + 1 : NULL;
}

/* index.json -> the manifest's descriptor (through one nested index at most). */
static int
layout_pick(int lfd, const char *digest, const char *name, struct image_desc *out, struct err **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (fileio_read_all_at(lfd, "index.json", IMAGE_JSON_MAX, &text, &len, err) < 0)
        return err_wrap(err, "OCI layout");
    for (int depth = 0; depth < 3; depth++) {
        cleanup_free struct image_desc *d = NULL;
        size_t n = 0;
        if (image_parse_index(text, len, &d, &n, err) < 0)
            return -1;
        int i = image_pick(d, n, digest, name ? name_tag(name) : NULL, err);
        if (i < 0)
            return -1;
        *out = d[i];
        if (d[i].media != IMAGE_MEDIA_INDEX)
            return 0;
        free(text);
        text = NULL;
        if (blob_read(lfd, &d[i], "image index", &text, &len, err) < 0)
            return -1;
        digest = NULL;
    }
    return err_set(err, 0, "OCI layout: image indexes nested too deep");
}

static int
layout_layers(const char *stage, int lfd, const struct image_manifest *m,
              char (*diff_ids)[IMAGE_DIGEST_LEN + 1], struct err **err)
{
    for (size_t i = 0; i < m->n_layers; i++) {
        if (layer_present(diff_ids[i]))
            continue;
        char rel[128];
        ctr_fmt(rel, sizeof(rel), "blobs/sha256/%s", m->layers[i].digest + 7);
        cleanup_close int fd = openat(lfd, rel, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return err_set(err, errno, "layer %zu (%s)", i, m->layers[i].digest);
        if (layer_install(stage, fd, m->layers[i].digest, m->layers[i].size, diff_ids[i], NULL,
                          NULL, err) < 0)
            return err_wrap(err, "layer %zu (%s)", i, m->layers[i].digest);
    }
    return 0;
}

static int
import_layout_locked(const char *dir, const char *digest, const char *name, char *out,
                     struct err **err)
{
    cleanup_close int lfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lfd < 0)
        return err_set(err, errno, "OCI layout '%s'", dir);
    struct image_desc md;
    if (layout_pick(lfd, digest, name, &md, err) < 0)
        return -1;
    cleanup_free char *mtext = NULL, *ctext = NULL;
    size_t mlen = 0, clen = 0, n_ids = 0;
    struct image_manifest m = {0};
    cleanup_free char(*ids)[IMAGE_DIGEST_LEN + 1] = NULL;
    int rc = -1;
    if (blob_read(lfd, &md, "manifest", &mtext, &mlen, err) < 0 ||
        image_parse_manifest(mtext, mlen, &m, err) < 0)
        return -1;
    char stage[PATH_MAX];
    if (image_tmp_dir(stage, "stage", err) < 0) {
        image_manifest_done(&m);
        return -1;
    }
    if (blob_read(lfd, &m.config, "config", &ctext, &clen, err) == 0 &&
        image_parse_config(ctext, clen, m.n_layers, &ids, &n_ids, err) == 0 &&
        layout_layers(stage, lfd, &m, ids, err) == 0 && stage_commit(stage, err) == 0) {
        char norm[IMAGE_NAME_MAX + 1];
        const char *nm = NULL;
        if (!name && md.ref_name[0] && strchr(md.ref_name, ':') &&
            image_name_check(md.ref_name, norm, NULL) == 0)
            nm = norm; /* a full name as ref.name (a bare tag names nothing) */
        else if (name)
            nm = name;
        struct image_new img = {mtext, mlen, ctext, clen, ids, n_ids, nm};
        rc = image_store_add(&img, out, err);
        if (rc < 0)
            image_store_gc();
    }
    ctr_rm_rf(stage);
    image_manifest_done(&m);
    return rc;
}

/* The name checked and normalised into norm; NULL stays NULL. */
static int
name_arg(const char *name, char *norm, const char **out, struct err **err)
{
    *out = NULL;
    if (!name)
        return 0;
    if (image_name_check(name, norm, err) < 0)
        return -1;
    *out = norm;
    return 0;
}

int
image_import_layout_ex(const char *dir, const char *digest, const char *name, char *out,
                       struct err **err)
{
    char norm[IMAGE_NAME_MAX + 1];
    const char *nm;
    if (name_arg(name, norm, &nm, err) < 0)
        return -1;
    if (digest && !image_digest_valid(digest))
        return err_set(err, 0, "invalid manifest digest '%s'", digest);
    if (image_dl_load(err) < 0)
        return -1;
    cleanup_close int lock = image_store_lock(err);
    if (lock < 0)
        return -1;
    if (import_layout_locked(dir, digest, nm, out, err) < 0)
        return err_wrap(err, "import '%s'", dir);
    return 0;
}

int
image_import_layout(const char *dir, const char *digest, const char *name, struct err **err)
{
    return image_import_layout_ex(dir, digest, name, NULL, err);
}

/* ---- synthesised manifests (docker-archive, rootfs tarballs) ---- */

static json_object *
desc_json(const char *media, const char *digest, int64_t size)
{
    json_object *d = json_object_new_object();
    json_object_object_add(d, "mediaType", json_object_new_string(media));
    json_object_object_add(d, "digest", json_object_new_string(digest));
    json_object_object_add(d, "size", json_object_new_int64(size));
    return d;
}

/* An OCI manifest for config and layers (blob digest, size, whether compressed). */
static int
store_synth(const char *config, size_t clen, char (*blobs)[IMAGE_DIGEST_LEN + 1],
            const int64_t *sizes, char (*ids)[IMAGE_DIGEST_LEN + 1], size_t n, const char *name,
            char *out, struct err **err)
{
    char cd[IMAGE_DIGEST_LEN + 1];
    image_digest_buf(config, clen, cd);
    json_object *m = json_object_new_object();
    json_object_object_add(m, "schemaVersion", json_object_new_int(2));
    json_object_object_add(m, "mediaType",
                           json_object_new_string("application/vnd.oci.image.manifest.v1+json"));
    json_object_object_add(
        m, "config", desc_json("application/vnd.oci.image.config.v1+json", cd, (int64_t)clen));
    json_object *layers = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        bool plain = strcmp(blobs[i], ids[i]) == 0;
        json_object_array_add(layers,
                              desc_json(plain ? "application/vnd.oci.image.layer.v1.tar"
                                              : "application/vnd.oci.image.layer.v1.tar+gzip",
                                        blobs[i], sizes[i]));
    }
    json_object_object_add(m, "layers", layers);
    const char *text =
        json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    struct image_new img = {text, strlen(text), config, clen, ids, n, name};
    int rc = image_store_add(&img, out, err);
    if (rc < 0)
        image_store_gc();
    json_object_put(m);
    return rc;
}

/* A path inside an extracted archive, as its manifest.json gives it: relative, no "..". */
static bool
rel_ok(const char *p)
{
    return p && *p && p[0] != '/' && !strstr(p, "..");
}

static int
docker_layers(const char *stage, int dfd, json_object *files, char (*ids)[IMAGE_DIGEST_LEN + 1],
              size_t n, char (*blobs)[IMAGE_DIGEST_LEN + 1], int64_t *sizes, struct err **err)
{
    for (size_t i = 0; i < n; i++) {
        const char *f = json_object_get_string(json_object_array_get_idx(files, i));
        if (!rel_ok(f))
            return err_set(err, 0, "docker-archive: layer %zu: bad path '%.100s'", i, f ? f : "");
        cleanup_close int fd = openat(dfd, f, O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0)
            return err_set(err, errno, "docker-archive: layer '%s'", f);
        sizes[i] = st.st_size;
        if (layer_present(ids[i])) {
            uint64_t sz;
            if (image_digest_file(dfd, f, blobs[i], &sz, err) < 0)
                return -1;
            continue;
        }
        if (layer_install(stage, fd, NULL, -1, ids[i], blobs[i], NULL, err) < 0)
            return err_wrap(err, "docker-archive: layer '%s'", f);
    }
    return 0;
}

static int
import_docker(const char *dir, const char *name, char *out, struct err **err)
{
    cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    cleanup_free char *text = NULL, *ctext = NULL;
    size_t len = 0, clen = 0, n = 0;
    if (dfd < 0 || fileio_read_all_at(dfd, "manifest.json", IMAGE_JSON_MAX, &text, &len, err) < 0)
        return err_wrap(err, "docker-archive");
    cleanup_json json_object *arr = jsonx_parse(text, len, "manifest.json", err);
    if (!arr)
        return -1;
    json_object *m = json_object_is_type(arr, json_type_array) && json_object_array_length(arr)
                         ? json_object_array_get_idx(arr, 0)
                         : NULL;
    const char *cfg = NULL;
    json_object *files = jsonx_get_array(m, "Layers"), *tags = jsonx_get_array(m, "RepoTags");
    if (!m || !jsonx_get_str(m, "Config", &cfg) || !rel_ok(cfg) || !files)
        return err_set(err, 0, "docker-archive: manifest.json: no image (Config and Layers)");
    if (fileio_read_all_at(dfd, cfg, IMAGE_JSON_MAX, &ctext, &clen, err) < 0)
        return err_wrap(err, "docker-archive: config");
    cleanup_free char(*ids)[IMAGE_DIGEST_LEN + 1] = NULL;
    if (image_parse_config(ctext, clen, json_object_array_length(files), &ids, &n, err) < 0)
        return err_wrap(err, "docker-archive");
    cleanup_free char(*blobs)[IMAGE_DIGEST_LEN + 1] = xcalloc(n + 1, sizeof(*blobs));
    cleanup_free int64_t *sizes = xcalloc(n + 1, sizeof(*sizes));
    char stage[PATH_MAX];
    if (image_tmp_dir(stage, "stage", err) < 0)
        return -1;
    int rc = docker_layers(stage, dfd, files, ids, n, blobs, sizes, err);
    if (rc == 0)
        rc = stage_commit(stage, err);
    ctr_rm_rf(stage);
    if (rc < 0)
        return -1;
    char norm[IMAGE_NAME_MAX + 1];
    const char *tag0 = tags && json_object_array_length(tags)
                           ? json_object_get_string(json_object_array_get_idx(tags, 0))
                           : NULL;
    if (!name && tag0 && image_name_check(tag0, norm, NULL) == 0)
        name = norm;
    return store_synth(ctext, clen, blobs, sizes, ids, n, name, out, err);
}

int
image_import_archive(const char *path, const char *name, char *out, struct err **err)
{
    char norm[IMAGE_NAME_MAX + 1], t[PATH_MAX], p[PATH_MAX];
    const char *nm;
    if (name_arg(name, norm, &nm, err) < 0 || image_dl_load(err) < 0)
        return -1;
    cleanup_close int lock = image_store_lock(err);
    if (lock < 0 || image_tmp_dir(t, "archive", err) < 0)
        return -1;
    int rc = image_extract_archive(path, t, err);
    ctr_fmt(p, sizeof(p), "%s/index.json", t);
    bool oci = rc == 0 && access(p, F_OK) == 0;
    ctr_fmt(p, sizeof(p), "%s/manifest.json", t);
    if (rc == 0 && oci)
        rc = import_layout_locked(t, NULL, nm, out, err);
    else if (rc == 0 && access(p, F_OK) == 0)
        rc = import_docker(t, nm, out, err);
    else if (rc == 0)
        rc = err_set(err, 0,
                     "neither an oci-archive (index.json) nor a docker-archive "
                     "(manifest.json)");
    ctr_rm_rf(t);
    return rc < 0 ? err_wrap(err, "import '%s'", path) : 0;
}

int
image_import_rootfs_tar(const char *path, const char *name, char *out, struct err **err)
{
    char norm[IMAGE_NAME_MAX + 1];
    const char *nm;
    if (!name)
        return err_set(err, 0, "a rootfs tarball needs a NAME for its image");
    if (name_arg(name, norm, &nm, err) < 0 || image_dl_load(err) < 0)
        return -1;
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "rootfs tarball '%s'", path);
    cleanup_close int lock = image_store_lock(err);
    if (lock < 0)
        return -1;
    char blob[1][IMAGE_DIGEST_LEN + 1], diff[1][IMAGE_DIGEST_LEN + 1], stage[PATH_MAX];
    struct stat st;
    if (image_tmp_dir(stage, "stage", err) < 0)
        return -1;
    int rc = layer_install(stage, fd, NULL, -1, NULL, blob[0], diff[0], err);
    if (rc == 0)
        rc = stage_commit(stage, err);
    ctr_rm_rf(stage);
    if (rc < 0 || fstat(fd, &st) < 0)
        return err_wrap(err, "import '%s'", path);
    int64_t size = st.st_size;
    cleanup_free char *config = xasprintf(
        "{\"architecture\":\"%s\",\"os\":\"linux\",\"config\":{\"Env\":[\"PATH=/usr/local/sbin:"
        "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\"],\"Cmd\":[\"/bin/sh\"]},\"rootfs\":{"
        "\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}",
        image_host_arch(), diff[0]);
    return store_synth(config, strlen(config), blob, &size, diff, 1, nm, out, err);
}
