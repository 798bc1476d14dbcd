/* SPDX-License-Identifier: MIT */
/*
 * The image index ($lib/images/index.json): {"version":1,"images":[{"digest","config",
 * "layers":[{"diff_id","size"}],"names":["name:tag"],"created"}]}, replaced atomically under the
 * store lock. Listing, resolving references, tags, removal (with the blobs and layers no other
 * image uses), inspect.
 */
#include "ctr/image/image_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

#define USER_ANNOTATION "org.berth.image"

static void
index_path(char *buf)
{
    ctr_fmt(buf, PATH_MAX, "%s/index.json", image_store_dir());
}

/* The index (an empty one when there is none yet). */
static json_object *
index_load(struct err **err)
{
    char p[PATH_MAX];
    index_path(p);
    if (access(p, F_OK) < 0 && errno == ENOENT) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "version", json_object_new_int(1));
        json_object_object_add(o, "images", json_object_new_array());
        return o;
    }
    json_object *o = jsonx_load_file(p, 64u << 20, err);
    if (o && !jsonx_get_array(o, "images")) {
        json_object_put(o);
        return err_set(err, 0, "image index '%s': no images array", p), NULL;
    }
    return o;
}

static int
index_save(json_object *idx, struct err **err)
{
    char p[PATH_MAX];
    index_path(p);
    return jsonx_save_file(p, idx, true, err);
}

static const char *
rec_str(json_object *rec, const char *key)
{
    const char *s = "";
    jsonx_get_str(rec, key, &s);
    return s;
}

int
image_name_check(const char *ref, char *out, struct err **err)
{
    size_t n = strlen(ref);
    if (n == 0 || n > IMAGE_NAME_MAX)
        return err_set(err, 0, "invalid image name '%.40s': 1 to %d characters", ref,
                       IMAGE_NAME_MAX);
    const char *slash = strrchr(ref, '/');
    const char *colon = strrchr(slash ? slash : ref, ':');
    size_t nlen = colon ? (size_t)(colon - ref) : n;
    const char *tag = colon ? colon + 1 : "latest";
    /* The repository: lowercase components, with a host:port in front allowed. */
    char repo[IMAGE_NAME_MAX + 1];
    ctr_fmt(repo, sizeof(repo), "%.*s", (int)nlen, ref);
    if (!*repo || repo[0] == '/' || repo[nlen - 1] == '/' || strstr(repo, "//"))
        return err_set(err, 0, "invalid image name '%s': empty path component", ref);
    for (const char *p = repo; *p;) {
        size_t c = strcspn(p, "/");
        if ((c == 1 && p[0] == '.') || (c == 2 && p[0] == '.' && p[1] == '.'))
            return err_set(err, 0, "invalid image name '%s': '.' and '..' are not names", ref);
        p += c + (p[c] == '/');
    }
    const char *port = strchr(repo, ':'); /* only as host:PORT/ in front */
    if (port && (port > strchr(repo, '/') || !strchr(repo, '/') ||
                 strspn(port + 1, "0123456789") != (size_t)(strchr(port, '/') - port - 1) ||
                 port[1] == '/'))
        return err_set(err, 0, "invalid image name '%s': ':' only in a registry's host:port", ref);
    size_t ok = strspn(repo, "abcdefghijklmnopqrstuvwxyz0123456789._/-:");
    if (ok != nlen)
        return err_set(err, 0,
                       "invalid image name '%s': character '%c' (use lowercase letters, digits, "
                       "'.', '_', '-' and '/')",
                       ref, repo[ok]);
    size_t tl = strlen(tag);
    if (tl == 0 || tl > 128 ||
        strspn(tag, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != tl ||
        tag[0] == '.' || tag[0] == '-')
        return err_set(err, 0, "invalid image tag '%s' in '%s' (use [A-Za-z0-9_][A-Za-z0-9_.-]*)",
                       tag, ref);
    ctr_fmt(out, IMAGE_NAME_MAX + 1, "%s:%s", repo, tag);
    return 0;
}

static bool
rec_has_name(json_object *rec, const char *name)
{
    json_object *names = jsonx_get_array(rec, "names");
    for (size_t i = 0; names && i < json_object_array_length(names); i++) {
        if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0)
            return true;
    }
    return false;
}

static void
rec_del_name(json_object *rec, const char *name)
{
    json_object *names = jsonx_get_array(rec, "names");
    for (size_t i = 0; names && i < json_object_array_length(names); i++) {
        if (strcmp(json_object_get_string(json_object_array_get_idx(names, i)), name) == 0) {
            json_object_array_del_idx(names, i, 1);
            return;
        }
    }
}

/* The record of ref in idx (index into images), -1 with err. *name_out: the name ref matched
 * (for removal of one name), "" when ref is a digest. */
static int
index_find(json_object *idx, const char *ref, char *name_out, struct err **err)
{
    json_object *imgs = jsonx_get_array(idx, "images");
    size_t n = json_object_array_length(imgs);
    char norm[IMAGE_NAME_MAX + 1] = "";
    const char *at = strchr(ref, '@');
    const char *digest = at ? at + 1 : ref;
    if (name_out)
        name_out[0] = 0;
    if (image_digest_valid(digest)) {
        for (size_t i = 0; i < n; i++) {
            if (strcmp(rec_str(json_object_array_get_idx(imgs, i), "digest"), digest) == 0)
                return (int)i;
        }
    } else if (image_name_check(ref, norm, NULL) == 0) {
        /* As given, else as a short name of Docker Hub (podman's rule for local images). */
        static const char *const prefixes[] = {"", "docker.io/library/", "docker.io/"};
        for (size_t k = 0; k < ARRAY_SIZE(prefixes); k++) {
            char full[IMAGE_NAME_MAX + 32];
            ctr_fmt(full, sizeof(full), "%s%s", prefixes[k], norm);
            for (size_t i = 0; i < n; i++) {
                if (rec_has_name(json_object_array_get_idx(imgs, i), full)) {
                    if (name_out)
                        ctr_fmt(name_out, IMAGE_NAME_MAX + 1, "%s", full);
                    return (int)i;
                }
            }
        }
    }
    /* A unique prefix of the digest's hex (12 or more digits), as `image ls` shows it. */
    const char *hex = strncmp(ref, "sha256:", 7) == 0 ? ref + 7 : ref;
    size_t hl = strlen(hex);
    int found = -1;
    if (hl >= 12 && hl <= 64 && strspn(hex, "0123456789abcdef") == hl) {
        for (size_t i = 0; i < n; i++) {
            if (strncmp(rec_str(json_object_array_get_idx(imgs, i), "digest") + 7, hex, hl) != 0)
                continue;
            if (found >= 0)
                return err_set(err, 0, "image reference '%s' is ambiguous", ref);
            found = (int)i;
        }
    }
    if (found < 0) {
        err_set(err, 0, "no image '%s'", ref);
        if (err && *err)
            (*err)->code = ENOENT; /* for callers that try a directory then an image */
        return -1;
    }
    return found;
}

int
image_resolve(const char *ref, char *digest, struct err **err)
{
    cleanup_json json_object *idx = index_load(err);
    int i = idx ? index_find(idx, ref, NULL, err) : -1;
    if (i < 0)
        return -1;
    ctr_fmt(
        digest, IMAGE_DIGEST_LEN + 1, "%s",
        rec_str(json_object_array_get_idx(jsonx_get_array(idx, "images"), (size_t)i), "digest"));
    return 0;
}

int
image_blob_put(const char *digest, const void *buf, size_t len, struct err **err)
{
    char p[PATH_MAX];
    image_blob_path(p, digest);
    if (access(p, F_OK) == 0)
        return 0;
    return fileio_write_atomic(p, buf, len, 0444, err);
}

/* Bytes of the regular files under dir (their apparent size), and a count of inodes. */
static uint64_t
tree_size(int dfd)
{
    uint64_t total = 0;
    cleanup_dir DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(d))) {
        struct stat st;
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
            fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
        else if (S_ISDIR(st.st_mode)) {
            int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub >= 0)
                total += tree_size(sub);
        }
    }
    return total;
}

static json_object *
new_record(const struct image_new *img, const char *digest, const char *config)
{
    json_object *rec = json_object_new_object();
    json_object_object_add(rec, "digest", json_object_new_string(digest));
    json_object_object_add(rec, "config", json_object_new_string(config));
    json_object *layers = json_object_new_array();
    for (size_t i = 0; i < img->n_layers; i++) {
        char p[PATH_MAX];
        image_layer_path(p, img->diff_ids[i]);
        json_object *l = json_object_new_object();
        json_object_object_add(l, "diff_id", json_object_new_string(img->diff_ids[i]));
        int fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        json_object_object_add(l, "size", json_object_new_int64((int64_t)tree_size(fd)));
        json_object_array_add(layers, l);
    }
    json_object_object_add(rec, "layers", layers);
    json_object_object_add(rec, "names", json_object_new_array());
    json_object_object_add(rec, "created", json_object_new_int64((int64_t)time(NULL)));
    return rec;
}

/* Give name to rec, taking it from any other image. */
static void
name_move(json_object *idx, json_object *rec, const char *name)
{
    json_object *imgs = jsonx_get_array(idx, "images");
    for (size_t i = 0; i < json_object_array_length(imgs); i++)
        rec_del_name(json_object_array_get_idx(imgs, i), name);
    json_object_array_add(jsonx_get_array(rec, "names"), json_object_new_string(name));
}

int
image_store_add(const struct image_new *img, char *out, struct err **err)
{
    char digest[IMAGE_DIGEST_LEN + 1], config[IMAGE_DIGEST_LEN + 1];
    image_digest_buf(img->manifest, img->manifest_len, digest);
    image_digest_buf(img->config, img->config_len, config);
    if (image_blob_put(config, img->config, img->config_len, err) < 0 ||
        image_blob_put(digest, img->manifest, img->manifest_len, err) < 0)
        return -1;
    cleanup_json json_object *idx = index_load(err);
    if (!idx)
        return -1;
    json_object *imgs = jsonx_get_array(idx, "images"), *rec = NULL;
    for (size_t i = 0; i < json_object_array_length(imgs) && !rec; i++) {
        if (strcmp(rec_str(json_object_array_get_idx(imgs, i), "digest"), digest) == 0)
            rec = json_object_array_get_idx(imgs, i);
    }
    if (!rec) {
        rec = new_record(img, digest, config);
        json_object_array_add(imgs, rec);
    }
    if (img->name)
        name_move(idx, rec, img->name);
    if (out)
        ctr_fmt(out, IMAGE_DIGEST_LEN + 1, "%s", digest);
    return index_save(idx, err);
}

/* ---- users: containers whose config.json names the image ---- */

static size_t
image_users(const char *digest, char *first, size_t first_len)
{
    char dir[PATH_MAX];
    ctr_fmt(dir, sizeof(dir), "%s/containers", ctr_lib_dir());
    cleanup_dir DIR *d = opendir(dir);
    struct dirent *de;
    size_t n = 0;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[PATH_MAX];
        ctr_fmt(p, sizeof(p), "%s/%s/config.json", dir, de->d_name);
        cleanup_json json_object *cfg = jsonx_load_file(p, 4u << 20, NULL);
        const char *img = NULL;
        if (cfg && jsonx_get_str(jsonx_get_obj(cfg, "annotations"), USER_ANNOTATION, &img) &&
            strcmp(img, digest) == 0) {
            if (n++ == 0 && first)
                ctr_fmt(first, first_len, "%s", de->d_name);
        }
    }
    return n;
}

/* ---- listing ---- */

static int
info_cmp(const void *a, const void *b)
{
    const struct image_info *x = a, *y = b;
    const char *nx = x->names[0] ? x->names[0] : "\x7f", *ny = y->names[0] ? y->names[0] : "\x7f";
    int c = strcmp(nx, ny);
    return c ? c : strcmp(x->digest, y->digest);
}

static bool
layer_shared(json_object *imgs, size_t self, const char *diff_id)
{
    for (size_t i = 0; i < json_object_array_length(imgs); i++) {
        json_object *layers = jsonx_get_array(json_object_array_get_idx(imgs, i), "layers");
        for (size_t j = 0; i != self && layers && j < json_object_array_length(layers); j++) {
            if (strcmp(rec_str(json_object_array_get_idx(layers, j), "diff_id"), diff_id) == 0)
                return true;
        }
    }
    return false;
}

static void
info_fill(json_object *imgs, size_t i, struct image_info *in)
{
    json_object *rec = json_object_array_get_idx(imgs, i);
    ctr_fmt(in->digest, sizeof(in->digest), "%s", rec_str(rec, "digest"));
    ctr_fmt(in->config, sizeof(in->config), "%s", rec_str(rec, "config"));
    jsonx_get_int64(rec, "created", &in->created);
    json_object *names = jsonx_get_array(rec, "names");
    size_t nn = names ? json_object_array_length(names) : 0;
    in->names = xcalloc(nn + 1, sizeof(char *));
    for (size_t k = 0; k < nn; k++)
        in->names[k] = xstrdup(json_object_get_string(json_object_array_get_idx(names, k)));
    json_object *layers = jsonx_get_array(rec, "layers");
    in->n_layers = layers ? json_object_array_length(layers) : 0;
    for (size_t k = 0; k < in->n_layers; k++) {
        json_object *l = json_object_array_get_idx(layers, k);
        int64_t sz = 0;
        jsonx_get_int64(l, "size", &sz);
        in->size += (uint64_t)sz;
        if (layer_shared(imgs, i, rec_str(l, "diff_id")))
            in->shared_size += (uint64_t)sz;
    }
    in->n_users = image_users(in->digest, NULL, 0);
}

int
image_list(struct image_info **out, size_t *n, struct err **err)
{
    cleanup_json json_object *idx = index_load(err);
    if (!idx)
        return -1;
    json_object *imgs = jsonx_get_array(idx, "images");
    size_t cnt = json_object_array_length(imgs);
    struct image_info *list = xcalloc(cnt ? cnt : 1, sizeof(*list));
    for (size_t i = 0; i < cnt; i++)
        info_fill(imgs, i, &list[i]);
    qsort(list, cnt, sizeof(*list), info_cmp);
    *out = list;
    *n = cnt;
    return 0;
}

void
image_info_list_free(struct image_info *list, size_t n)
{
    for (size_t i = 0; list && i < n; i++) {
        for (char **p = list[i].names; p && *p; p++)
            free(*p);
        free(list[i].names);
    }
    free(list);
}

/* ---- tag, remove ---- */

int
image_tag(const char *ref, const char *name, struct err **err)
{
    char norm[IMAGE_NAME_MAX + 1];
    if (image_name_check(name, norm, err) < 0)
        return -1;
    cleanup_close int lock = image_store_lock(err);
    if (lock < 0)
        return -1;
    cleanup_json json_object *idx = index_load(err);
    int i = idx ? index_find(idx, ref, NULL, err) : -1;
    if (i < 0)
        return -1;
    json_object *rec = json_object_array_get_idx(jsonx_get_array(idx, "images"), (size_t)i);
    if (rec_has_name(rec, norm))
        return 0;
    name_move(idx, rec, norm);
    return index_save(idx, err);
}

static bool
layer_used(json_object *imgs, const char *diff_id)
{
    return layer_shared(imgs, (size_t)-1, diff_id);
}

static bool
blob_used(json_object *imgs, const char *digest)
{
    for (size_t i = 0; i < json_object_array_length(imgs); i++) {
        json_object *rec = json_object_array_get_idx(imgs, i);
        if (strcmp(rec_str(rec, "digest"), digest) == 0 ||
            strcmp(rec_str(rec, "config"), digest) == 0)
            return true;
    }
    return false;
}

/* After the index no longer has rec: its blobs and layers nobody else uses. A layer directory is
 * renamed away first, so a half-deleted one is never taken for a layer. */
static void
gc_record(json_object *imgs, json_object *rec)
{
    char p[PATH_MAX], t[PATH_MAX];
    const char *blobs[] = {rec_str(rec, "digest"), rec_str(rec, "config")};
    for (size_t i = 0; i < ARRAY_SIZE(blobs); i++) {
        if (image_digest_valid(blobs[i]) && !blob_used(imgs, blobs[i])) {
            image_blob_path(p, blobs[i]);
            unlink(p);
        }
    }
    json_object *layers = jsonx_get_array(rec, "layers");
    for (size_t j = 0; layers && j < json_object_array_length(layers); j++) {
        const char *id = rec_str(json_object_array_get_idx(layers, j), "diff_id");
        if (!image_digest_valid(id) || layer_used(imgs, id))
            continue;
        image_layer_path(p, id);
        if (image_tmp_dir(t, "rm", NULL) == 0 && rmdir(t) == 0 && rename(p, t) == 0)
            ctr_rm_rf(t);
    }
}

int
image_remove(const char *ref, struct err **err)
{
    cleanup_close int lock = image_store_lock(err);
    if (lock < 0)
        return -1;
    cleanup_json json_object *idx = index_load(err);
    char name[IMAGE_NAME_MAX + 1];
    int i = idx ? index_find(idx, ref, name, err) : -1;
    if (i < 0)
        return -1;
    json_object *imgs = jsonx_get_array(idx, "images");
    json_object *rec = json_object_array_get_idx(imgs, (size_t)i);
    json_object *names = jsonx_get_array(rec, "names");
    if (name[0] && names && json_object_array_length(names) > 1) {
        rec_del_name(rec, name);
        return index_save(idx, err);
    }
    char user[CTR_NAME_MAX + 1] = "";
    size_t users = image_users(rec_str(rec, "digest"), user, sizeof(user));
    if (users)
        return err_set(err, 0, "image '%s' is used by %zu container%s ('%s'): remove %s first", ref,
                       users, users == 1 ? "" : "s", user, users == 1 ? "it" : "them");
    json_object *keep = json_object_get(rec);
    json_object_array_del_idx(imgs, (size_t)i, 1);
    if (index_save(idx, err) < 0) {
        json_object_put(keep);
        return -1;
    }
    gc_record(imgs, keep);
    json_object_put(keep);
    return 0;
}

static void
gc_dir(json_object *imgs, const char *sub, bool layers)
{
    char dir[PATH_MAX];
    ctr_fmt(dir, sizeof(dir), "%s/%s", image_store_dir(), sub);
    cleanup_dir DIR *d = opendir(dir);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char digest[IMAGE_DIGEST_LEN + 8], p[PATH_MAX], t[PATH_MAX];
        ctr_fmt(digest, sizeof(digest), "sha256:%s", de->d_name);
        if (!image_digest_valid(digest) ||
            (layers ? layer_used(imgs, digest) : blob_used(imgs, digest)))
            continue;
        ctr_fmt(p, sizeof(p), "%s/%s", dir, de->d_name);
        if (!layers)
            unlink(p);
        else if (image_tmp_dir(t, "gc", NULL) == 0 && rmdir(t) == 0 && rename(p, t) == 0)
            ctr_rm_rf(t);
    }
}

void
image_store_gc(void)
{
    cleanup_json json_object *idx = index_load(NULL);
    json_object *imgs = idx ? jsonx_get_array(idx, "images") : NULL;
    if (!imgs)
        return;
    gc_dir(imgs, "layers", true);
    gc_dir(imgs, "blobs/sha256", false);
}

/* ---- inspect ---- */

static json_object *
blob_json(const char *digest)
{
    char p[PATH_MAX];
    if (!image_digest_valid(digest))
        return NULL;
    image_blob_path(p, digest);
    return jsonx_load_file(p, IMAGE_JSON_MAX, NULL);
}

int
image_inspect(const char *ref, char **json, struct err **err)
{
    cleanup_json json_object *idx = index_load(err);
    int i = idx ? index_find(idx, ref, NULL, err) : -1;
    if (i < 0)
        return -1;
    json_object *rec = json_object_array_get_idx(jsonx_get_array(idx, "images"), (size_t)i);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "Id", json_object_new_string(rec_str(rec, "digest")));
    json_object_object_add(o, "Names", json_object_get(jsonx_get_array(rec, "names")));
    int64_t created = 0;
    jsonx_get_int64(rec, "created", &created);
    json_object_object_add(o, "Imported", json_object_new_int64(created));
    json_object *dirs = json_object_new_array();
    json_object *layers = jsonx_get_array(rec, "layers");
    for (size_t j = 0; layers && j < json_object_array_length(layers); j++) {
        char p[PATH_MAX];
        image_layer_path(p, rec_str(json_object_array_get_idx(layers, j), "diff_id"));
        json_object_array_add(dirs, json_object_new_string(p));
    }
    json_object_object_add(o, "Layers", json_object_get(layers));
    json_object_object_add(o, "LayerDirs", dirs);
    json_object_object_add(
        o, "Users", json_object_new_int64((int64_t)image_users(rec_str(rec, "digest"), NULL, 0)));
    json_object_object_add(o, "Manifest", blob_json(rec_str(rec, "digest")));
    json_object_object_add(o, "Config", blob_json(rec_str(rec, "config")));
    *json = xstrdup(json_object_to_json_string_ext(
        o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
    return 0;
}
