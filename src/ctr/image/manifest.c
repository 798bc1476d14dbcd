/* SPDX-License-Identifier: MIT */
/* The JSON of images, outside input: OCI / Docker indexes, manifests and configs, checked field by
 * field before anything is used (digests, sizes, counts). */
#include "ctr/image/image_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"

static const char *const index_types[] = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
};
static const char *const manifest_types[] = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
};

static bool
in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; s && i < n; i++) {
        if (strcmp(s, list[i]) == 0)
            return true;
    }
    return false;
}

static void
copy_str(char *dst, size_t size, json_object *obj, const char *key)
{
    const char *v = NULL;
    dst[0] = 0;
    if (jsonx_get_str(obj, key, &v) && strlen(v) < size)
        snprintf(dst, size, "%s", v);
}

/* One descriptor: digest and size required and checked; mediaType told apart. */
static int
parse_desc(json_object *o, const char *what, size_t i, struct image_desc *d, struct err **err)
{
    const char *digest = NULL, *mt = NULL;
    memset(d, 0, sizeof(*d));
    if (!json_object_is_type(o, json_type_object))
        return err_set(err, 0, "%s %zu: not an object", what, i);
    if (!jsonx_get_str(o, "digest", &digest) || !image_digest_valid(digest))
        return err_set(err, 0, "%s %zu: digest '%.80s' is not sha256:<64 hex digits>", what, i,
                       digest ? digest : "(none)");
    snprintf(d->digest, sizeof(d->digest), "%s", digest);
    if (!jsonx_get_int64(o, "size", &d->size) || d->size < 0)
        return err_set(err, 0, "%s %zu: no valid size", what, i);
    jsonx_get_str(o, "mediaType", &mt);
    d->media = in_list(mt, index_types, ARRAY_SIZE(index_types))         ? IMAGE_MEDIA_INDEX
               : in_list(mt, manifest_types, ARRAY_SIZE(manifest_types)) ? IMAGE_MEDIA_MANIFEST
                                                                         : IMAGE_MEDIA_UNKNOWN;
    json_object *plat = jsonx_get_obj(o, "platform");
    copy_str(d->os, sizeof(d->os), plat, "os");
    copy_str(d->arch, sizeof(d->arch), plat, "architecture");
    copy_str(d->variant, sizeof(d->variant), plat, "variant");
    copy_str(d->ref_name, sizeof(d->ref_name), jsonx_get_obj(o, "annotations"),
             "org.opencontainers.image.ref.name");
    return 0;
}

static json_object *
parse_top(const char *text, size_t len, const char *what, struct err **err)
{
    if (len > IMAGE_JSON_MAX)
        return err_set(err, 0, "%s: %zu bytes (at most %u)", what, len, IMAGE_JSON_MAX), NULL;
    json_object *o = jsonx_parse(text, len, what, err);
    if (o && !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return err_set(err, 0, "%s: not a JSON object", what), NULL;
    }
    return o;
}

int
image_parse_index(const char *text, size_t len, struct image_desc **out, size_t *n,
                  struct err **err)
{
    cleanup_json json_object *o = parse_top(text, len, "image index", err);
    if (!o)
        return -1;
    json_object *arr = jsonx_get_array(o, "manifests");
    size_t cnt = arr ? json_object_array_length(arr) : 0;
    if (cnt == 0)
        return err_set(err, 0, "image index: no manifests");
    if (cnt > 1024)
        return err_set(err, 0, "image index: %zu manifests (at most 1024)", cnt);
    struct image_desc *d = xcalloc(cnt, sizeof(*d));
    for (size_t i = 0; i < cnt; i++) {
        if (parse_desc(json_object_array_get_idx(arr, i), "image index: manifest", i, &d[i], err) <
            0) {
            free(d);
            return -1;
        }
    }
    *out = d;
    *n = cnt;
    return 0;
}

int
image_parse_manifest(const char *text, size_t len, struct image_manifest *m, struct err **err)
{
    memset(m, 0, sizeof(*m));
    cleanup_json json_object *o = parse_top(text, len, "image manifest", err);
    if (!o)
        return -1;
    int64_t ver = 0;
    const char *mt = NULL;
    if (!jsonx_get_int64(o, "schemaVersion", &ver) || ver != 2)
        return err_set(err, 0,
                       "image manifest: schemaVersion is not 2 (Docker schema 1 and "
                       "other formats are not supported)");
    if (jsonx_get_str(o, "mediaType", &mt) && !in_list(mt, manifest_types, 2))
        return err_set(err, 0, "image manifest: media type '%.100s' is not a manifest", mt);
    if (parse_desc(jsonx_get_obj(o, "config"), "image manifest: config", 0, &m->config, err) < 0)
        return -1;
    json_object *arr = jsonx_get_array(o, "layers");
    size_t cnt = arr ? json_object_array_length(arr) : 0;
    if (cnt > IMAGE_LAYERS_MAX)
        return err_set(err, 0, "image manifest: %zu layers (at most %d)", cnt, IMAGE_LAYERS_MAX);
    m->layers = xcalloc(cnt ? cnt : 1, sizeof(*m->layers));
    m->n_layers = cnt;
    for (size_t i = 0; i < cnt; i++) {
        json_object *l = json_object_array_get_idx(arr, i);
        const char *lt = NULL;
        if (parse_desc(l, "image manifest: layer", i, &m->layers[i], err) < 0) {
            image_manifest_done(m);
            return -1;
        }
        if (jsonx_get_str(l, "mediaType", &lt) && strstr(lt, "foreign")) {
            image_manifest_done(m);
            return err_set(err, 0, "image manifest: layer %zu: foreign layers are not supported",
                           i);
        }
    }
    return 0;
}

void
image_manifest_done(struct image_manifest *m)
{
    free(m->layers);
    m->layers = NULL;
    m->n_layers = 0;
}

int
image_parse_config(const char *text, size_t len, size_t wanted,
                   char (**diff_ids)[IMAGE_DIGEST_LEN + 1], size_t *n, struct err **err)
{
    cleanup_json json_object *o = parse_top(text, len, "image config", err);
    if (!o)
        return -1;
    json_object *ids = jsonx_get_array(jsonx_get_obj(o, "rootfs"), "diff_ids");
    if (!ids)
        return err_set(err, 0, "image config: no rootfs.diff_ids");
    size_t cnt = json_object_array_length(ids);
    if (wanted != (size_t)-1 && cnt != wanted)
        return err_set(err, 0, "image config: %zu diff_ids for %zu layers", cnt, wanted);
    if (cnt > IMAGE_LAYERS_MAX)
        return err_set(err, 0, "image config: %zu layers (at most %d)", cnt, IMAGE_LAYERS_MAX);
    char(*d)[IMAGE_DIGEST_LEN + 1] = xcalloc(cnt ? cnt : 1, sizeof(*d));
    for (size_t i = 0; i < cnt; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(ids, i));
        if (!json_object_is_type(json_object_array_get_idx(ids, i), json_type_string) ||
            !image_digest_valid(s)) {
            free(d);
            return err_set(err, 0, "image config: diff_id %zu '%.80s' is not sha256:<64 hex>", i,
                           s ? s : "(null)");
        }
        snprintf(d[i], sizeof(d[i]), "%s", s);
    }
    *diff_ids = d;
    *n = cnt;
    return 0;
}

const char *
image_host_arch(void)
{
#if defined(__x86_64__)
    return "amd64";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__arm__)
    return "arm";
#elif defined(__i386__)
    return "386";
#elif defined(__powerpc64__)
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__riscv)
    return "riscv64";
#else
    return "unknown";
#endif
}

int
image_pick(const struct image_desc *d, size_t n, const char *digest, const char *ref_name,
           struct err **err)
{
    for (size_t i = 0; digest && i < n; i++) {
        if (strcmp(d[i].digest, digest) == 0)
            return (int)i;
    }
    if (digest)
        return err_set(err, 0, "image index: no manifest '%s'", digest);
    for (size_t i = 0; ref_name && *ref_name && i < n; i++) {
        if (strcmp(d[i].ref_name, ref_name) == 0)
            return (int)i;
    }
    if (n == 1)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(d[i].os, "linux") == 0 && strcmp(d[i].arch, image_host_arch()) == 0)
            return (int)i;
    }
    return err_set(err, 0, "image index: %zu manifests and none for linux/%s (name one by digest)",
                   n, image_host_arch());
}
