/* SPDX-License-Identifier: MIT */
/* The pull: manifest (an index resolved to a platform), config and layers into an OCI layout. */
#include "ctr/image/registry.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/image/image.h"
#include "ctr/image/image_impl.h"
#include "ctr/image/registry_http.h"
#include "ctr/image/registry_dl.h"
#include "ctr/store/store.h"

#define MANIFEST_MAX (4 << 20)
#define BLOB_MAX (64ULL << 30)

#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_ACCEPT MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST

struct pull {
    const struct reg_ref *ref;
    const struct reg_opts *o;
    struct reg_client *c;
    int dirfd; /* layout_dir/blobs/sha256 */
    char *os, *arch, *variant;
};

/* ---- platform ---- */

int
reg_platform_parse(const char *s, char **os, char **arch, char **variant, struct err **err)
{
    const char *a = strchr(s, '/');
    const char *v = a ? strchr(a + 1, '/') : NULL;
    if (!a || a == s || !a[1] || a[1] == '/' || (v && (!v[1] || strchr(v + 1, '/'))) ||
        strlen(s) > 64)
        return err_set(err, 0, "invalid platform '%.64s': use os/arch[/variant], e.g. linux/arm64",
                       s);
    *os = xstrndup(s, (size_t)(a - s));
    *arch = v ? xstrndup(a + 1, (size_t)(v - a - 1)) : xstrdup(a + 1);
    *variant = v ? xstrdup(v + 1) : NULL;
    return 0;
}

/* The host as Go names it (GOARCH, GOARM), which image indexes use. */
static void
host_platform(char **os, char **arch, char **variant)
{
    static const struct {
        const char *machine, *arch, *variant;
    } map[] = {
        {"x86_64", "amd64", NULL},    {"aarch64", "arm64", NULL}, {"armv7l", "arm", "v7"},
        {"armv6l", "arm", "v6"},      {"i686", "386", NULL},      {"i386", "386", NULL},
        {"ppc64le", "ppc64le", NULL}, {"s390x", "s390x", NULL},   {"riscv64", "riscv64", NULL},
    };
    struct utsname u;
    uname(&u);
    *os = xstrdup("linux");
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        if (strcmp(u.machine, map[i].machine) == 0) {
            *arch = xstrdup(map[i].arch);
            *variant = map[i].variant ? xstrdup(map[i].variant) : NULL;
            return;
        }
    *arch = xstrdup(u.machine);
    *variant = NULL;
}

/* ---- descriptors ---- */

struct desc {
    const char *media_type; /* may be NULL */
    const char *digest;
    uint64_t size;
};

static int
desc_read(json_object *j, const char *what, struct desc *d, struct err **err)
{
    int64_t size = -1;
    d->media_type = NULL;
    if (!j || !json_object_is_type(j, json_type_object))
        return err_set(err, 0, "%s: not a descriptor object", what);
    jsonx_get_str(j, "mediaType", &d->media_type);
    if (!jsonx_get_str(j, "digest", &d->digest))
        return err_set(err, 0, "%s: no digest", what);
    if (!image_digest_valid(d->digest))
        return err_set(err, 0, "%s: unsupported digest '%.80s' (sha256:<64 hex> only)", what,
                       d->digest);
    if (!jsonx_get_int64(j, "size", &size) || size < 0 || (uint64_t)size > BLOB_MAX)
        return err_set(err, 0, "%s: missing or invalid size", what);
    d->size = (uint64_t)size;
    return 0;
}

static char *
sha256_hex(const void *data, size_t len)
{
    char *out = xmalloc(IMAGE_DIGEST_LEN + 1);
    image_digest_buf(data, len, out);
    return out;
}

static void
md_hex(EVP_MD_CTX *md, char out[72])
{
    unsigned char v[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(md, v, &n);
    strcpy(out, "sha256:");
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 7 + 2 * i, "%02x", v[i]);
}

/* ---- blobs ---- */

static void
progress(struct pull *p, const struct desc *d, const char *what, uint64_t done, bool skipped)
{
    if (!p->o->progress)
        return;
    struct reg_progress pr = {.digest = d->digest,
                              .what = what,
                              .done = done,
                              .total = d->size,
                              .finished = true,
                              .skipped = skipped};
    p->o->progress(&pr, p->o->arg);
}

/* Feed what fd already holds (a partial blob from an interrupted pull) to md; its size in *have.
 * A file longer than the blob starts again. */
static int
partial_load(int fd, EVP_MD_CTX *md, uint64_t total, uint64_t *have)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return -1;
    *have = 0;
    if ((uint64_t)st.st_size > total)
        return ftruncate(fd, 0);
    char buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        EVP_DigestUpdate(md, buf, (size_t)n);
        *have += (uint64_t)n;
    }
    return n < 0 ? -1 : 0;
}

/* The downloaded bytes are the blob: size and digest, then the final name. */
static int
blob_finish(struct pull *p, const struct desc *d, const char *part, int fd, EVP_MD_CTX *md,
            uint64_t have, struct err **err)
{
    char got[72];
    md_hex(md, got);
    if (have != d->size) {
        unlinkat(p->dirfd, part, 0);
        return err_set(err, 0, "blob %s: size mismatch: expected %llu bytes, got %llu", d->digest,
                       (unsigned long long)d->size, (unsigned long long)have);
    }
    if (strcmp(got, d->digest) != 0) {
        unlinkat(p->dirfd, part, 0);
        return err_set(err, 0, "blob %s: digest mismatch: the bytes received hash to %s", d->digest,
                       got);
    }
    if (fsync(fd) < 0 || renameat(p->dirfd, part, p->dirfd, d->digest + 7) < 0)
        return err_set(err, errno, "storing blob %s", d->digest);
    return 0;
}

/* Fetch d into the layout unless it is there already or (a layer whose diff-id is diff_id) in
 * the store. */
static int
blob_fetch(struct pull *p, const struct desc *d, const char *what, const char *diff_id,
           struct err **err)
{
    const char *hex = d->digest + 7;
    struct stat st;
    if ((fstatat(p->dirfd, hex, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
         (uint64_t)st.st_size == d->size) ||
        (diff_id && p->o->have_layer && p->o->have_layer(diff_id, p->o->arg))) {
        progress(p, d, what, d->size, true);
        return 0;
    }
    char part[96];
    snprintf(part, sizeof(part), "%s.partial", hex);
    cleanup_close int fd = openat(p->dirfd, part, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return err_set(err, errno, "blob %s: open the pull cache's '%s'", d->digest, part);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_DigestInit_ex(md, EVP_sha256(), NULL);
    struct reg_blob_sink s = {.fd = fd, .md = md, .total = d->size, .o = p->o};
    int rc = partial_load(fd, md, d->size, &s.offset);
    if (rc < 0)
        rc = err_set(err, errno, "blob %s: read the pull cache's '%s'", d->digest, part);
    if (rc == 0 && s.offset < d->size) {
        s.prog = (struct reg_progress){.digest = d->digest,
                                       .what = what,
                                       .done = s.offset,
                                       .total = d->size,
                                       .resumed = s.offset};
        cleanup_free char *path = xasprintf("/v2/%s/blobs/%s", p->ref->path, d->digest);
        rc = reg_client_get_blob(p->c, path, &s, err);
        if (rc < 0)
            err_wrap(err, "%s %.19s", what, d->digest);
    }
    if (rc == 0)
        rc = blob_finish(p, d, part, fd, md, s.offset, err);
    EVP_MD_CTX_free(md);
    if (rc == 0)
        progress(p, d, what, d->size, false);
    return rc;
}

/* ---- manifests ---- */

enum mkind { MKIND_MANIFEST, MKIND_INDEX, MKIND_OTHER };

static enum mkind
manifest_kind(const char *ctype, json_object *j)
{
    const char *mt = NULL;
    char buf[128] = "";
    if (ctype) {
        snprintf(buf, sizeof(buf), "%s", ctype);
        buf[strcspn(buf, "; ")] = '\0';
    }
    if (!jsonx_get_str(j, "mediaType", &mt) || !*mt)
        mt = buf;
    if (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0)
        return MKIND_INDEX;
    if (strcmp(mt, MT_OCI_MANIFEST) == 0 || strcmp(mt, MT_DOCKER_MANIFEST) == 0)
        return MKIND_MANIFEST;
    if (!*mt && jsonx_get_array(j, "manifests"))
        return MKIND_INDEX;
    if (!*mt && jsonx_get_array(j, "layers"))
        return MKIND_MANIFEST;
    return MKIND_OTHER;
}

/* GET a manifest by tag or digest; its digest is computed (and checked when asked by digest). */
static json_object *
manifest_get(struct pull *p, const char *tag_or_digest, struct strbuf *body, enum mkind *kind,
             char **digest, struct err **err)
{
    cleanup_free char *path = xasprintf("/v2/%s/manifests/%s", p->ref->path, tag_or_digest);
    cleanup_free char *what = xasprintf("manifest %s:%s", p->ref->path, tag_or_digest);
    cleanup_free char *ctype = NULL;
    if (reg_client_get_mem(p->c, path, MT_ACCEPT, MANIFEST_MAX, what, body, &ctype, err) < 0)
        return NULL;
    *digest = sha256_hex(body->buf ? body->buf : "", body->len);
    if (strncmp(tag_or_digest, "sha256:", 7) == 0 && strcmp(*digest, tag_or_digest) != 0) {
        err_set(err, 0, "%s: digest mismatch: the registry sent %s", what, *digest);
        return NULL;
    }
    json_object *j = jsonx_parse(strbuf_str(body), body->len, what, err);
    if (!j)
        return NULL;
    *kind = manifest_kind(ctype, j);
    if (*kind == MKIND_OTHER || !json_object_is_type(j, json_type_object)) {
        err_set(err, 0, "%s: unsupported manifest type '%s' (OCI or Docker schema 2 only)", what,
                ctype ? ctype : "?");
        json_object_put(j);
        return NULL;
    }
    return j;
}

static bool
platform_matches(struct pull *p, json_object *plat)
{
    const char *os = "", *arch = "", *variant = "";
    jsonx_get_str(plat, "os", &os);
    jsonx_get_str(plat, "architecture", &arch);
    jsonx_get_str(plat, "variant", &variant);
    if (strcmp(os, p->os) != 0 || strcmp(arch, p->arch) != 0)
        return false;
    if (!p->variant || strcmp(variant, p->variant) == 0)
        return true;
    return strcmp(arch, "arm64") == 0 && strcmp(p->variant, "v8") == 0 && !*variant;
}

/* The index's entry for the platform: its digest (malloc'd), or an error listing what it has. */
static char *
index_pick(struct pull *p, json_object *idx, struct err **err)
{
    json_object *ms = jsonx_get_array(idx, "manifests");
    struct strbuf have = STRBUF_INIT;
    size_t n = ms ? json_object_array_length(ms) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *m = json_object_array_get_idx(ms, i), *plat = jsonx_get_obj(m, "platform");
        struct desc d;
        if (!plat || desc_read(m, "index entry", &d, NULL) < 0)
            continue;
        if (platform_matches(p, plat)) {
            strbuf_done(&have);
            return xstrdup(d.digest);
        }
        const char *os = "?", *arch = "?", *variant = NULL;
        jsonx_get_str(plat, "os", &os);
        jsonx_get_str(plat, "architecture", &arch);
        jsonx_get_str(plat, "variant", &variant);
        if (have.len < 400)
            strbuf_printf(&have, "%s%s/%s%s%s", have.len ? ", " : "", os, arch, variant ? "/" : "",
                          variant ? variant : "");
    }
    err_set(err, 0, "%s: no image for %s/%s%s%s in the index (it has: %s)", p->ref->path, p->os,
            p->arch, p->variant ? "/" : "", p->variant ? p->variant : "",
            have.len ? strbuf_str(&have) : "nothing");
    strbuf_done(&have);
    return NULL;
}

/* The config's rootfs.diff_ids (a new reference), read from the checked blob. */
static json_object *
config_diff_ids(struct pull *p, const char *digest, struct err **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (fileio_read_all_at(p->dirfd, digest + 7, MANIFEST_MAX, &text, &len, err) < 0)
        return NULL;
    cleanup_json json_object *cfg = jsonx_parse(text, len, "image config", err);
    if (!cfg)
        return NULL;
    json_object *ids = jsonx_get_array(jsonx_get_obj(cfg, "rootfs"), "diff_ids");
    if (!ids) {
        err_set(err, 0, "%s: image config has no rootfs.diff_ids", p->ref->path);
        return NULL;
    }
    return json_object_get(ids);
}

/* The manifest's config and layers, each fetched and checked. */
static int
manifest_fetch_blobs(struct pull *p, json_object *m, struct err **err)
{
    struct desc d;
    int64_t sv = 0;
    if (!jsonx_get_int64(m, "schemaVersion", &sv) || sv != 2)
        return err_set(err, 0, "%s: manifest schemaVersion is not 2", p->ref->path);
    if (desc_read(jsonx_get_obj(m, "config"), "manifest config", &d, err) < 0 ||
        blob_fetch(p, &d, "config", NULL, err) < 0)
        return -1;
    cleanup_json json_object *diff_ids = config_diff_ids(p, d.digest, err);
    if (!diff_ids)
        return -1;
    json_object *layers = jsonx_get_array(m, "layers");
    if (!layers)
        return err_set(err, 0, "%s: manifest has no layers array", p->ref->path);
    size_t n = json_object_array_length(layers);
    if (n != json_object_array_length(diff_ids))
        return err_set(err, 0, "%s: %zu layers but %zu diff_ids in the config", p->ref->path, n,
                       json_object_array_length(diff_ids));
    for (size_t i = 0; i < n; i++) {
        char what[48];
        const char *diff_id = json_object_get_string(json_object_array_get_idx(diff_ids, i));
        snprintf(what, sizeof(what), "manifest layer %zu", i + 1);
        if (desc_read(json_object_array_get_idx(layers, i), what, &d, err) < 0 ||
            blob_fetch(p, &d, "layer", diff_id && image_digest_valid(diff_id) ? diff_id : NULL,
                       err) < 0)
            return -1;
    }
    return 0;
}

/* oci-layout and index.json naming the manifest (ref name annotation: the tag). */
static int
layout_write(struct pull *p, const char *dir, const char *mt, const char *digest, size_t size,
             struct err **err)
{
    cleanup_free char *f = xasprintf("%s/oci-layout", dir);
    const char *v = "{\"imageLayoutVersion\":\"1.0.0\"}\n";
    if (fileio_write_atomic(f, v, strlen(v), 0644, err) < 0)
        return -1;
    cleanup_json json_object *idx = json_object_new_object();
    json_object *ms = json_object_new_array(), *d = json_object_new_object();
    json_object_object_add(idx, "schemaVersion", json_object_new_int(2));
    json_object_object_add(d, "mediaType", json_object_new_string(mt));
    json_object_object_add(d, "digest", json_object_new_string(digest));
    json_object_object_add(d, "size", json_object_new_int64((int64_t)size));
    if (p->ref->tag) {
        json_object *an = jsonx_child_obj(d, "annotations");
        json_object_object_add(an, "org.opencontainers.image.ref.name",
                               json_object_new_string(p->ref->tag));
    }
    json_object_array_add(ms, d);
    json_object_object_add(idx, "manifests", ms);
    free(f);
    f = xasprintf("%s/index.json", dir);
    return jsonx_save_file(f, idx, false, err);
}

/* Resolve ref to one image manifest (through an index when there is one) and store it. */
static int
pull_manifest(struct pull *p, const char *dir, char **digest, struct err **err)
{
    struct strbuf body = STRBUF_INIT;
    enum mkind kind = MKIND_OTHER;
    cleanup_json json_object *m =
        manifest_get(p, p->ref->digest ? p->ref->digest : p->ref->tag, &body, &kind, digest, err);
    if (m && kind == MKIND_INDEX) {
        cleanup_free char *pick = index_pick(p, m, err);
        json_object_put(m);
        m = NULL;
        free(*digest);
        *digest = NULL;
        if (pick)
            m = manifest_get(p, pick, &body, &kind, digest, err);
        if (m && kind != MKIND_MANIFEST) {
            err_set(err, 0, "%s: an index entry is not an image manifest", p->ref->path);
            json_object_put(steal_pointer(&m));
        }
    }
    int rc = -1;
    const char *mt = NULL;
    if (m && !jsonx_get_str(m, "mediaType", &mt))
        mt = MT_OCI_MANIFEST;
    if (m && fileio_write_atomic_at(p->dirfd, *digest + 7, body.buf, body.len, 0644, err) == 0 &&
        manifest_fetch_blobs(p, m, err) == 0)
        rc = layout_write(p, dir, mt, *digest, body.len, err);
    strbuf_done(&body);
    return rc;
}

int
reg_pull_cache_lock(const char *dir, struct err **err)
{
    cleanup_free char *lock = xasprintf("%s/.lock", dir);
    /* A pull that held the lock may have removed the directory after its import: the lock
     * counts only while its file is still the one at that path. */
    for (int tries = 0;; tries++) {
        struct stat a, b;
        if (fileio_mkdir_p(dir, 0700, err) < 0)
            return -1;
        int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0 || flock(fd, LOCK_EX) < 0) {
            err_set(err, errno, "lock the pull cache '%s'", lock);
            if (fd >= 0)
                close(fd);
            return -1;
        }
        if ((fstat(fd, &a) == 0 && stat(lock, &b) == 0 && a.st_ino == b.st_ino) || tries == 10)
            return fd;
        close(fd);
    }
}

static int
pull_open_dir(struct pull *p, const char *dir, struct err **err)
{
    cleanup_free char *blobs = xasprintf("%s/blobs/sha256", dir);
    if (fileio_mkdir_p(blobs, 0700, err) < 0)
        return -1;
    p->dirfd = open(blobs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->dirfd < 0)
        return err_set(err, errno, "open '%s'", blobs);
    return 0;
}

int
reg_pull(const struct reg_ref *ref, const struct reg_opts *o, const char *layout_dir,
         char **manifest_digest, struct err **err)
{
    struct pull p = {.ref = ref, .o = o, .dirfd = -1};
    int rc = reg_dl_load(err);
    if (rc < 0)
        return -1;
    if (o->platform)
        rc = reg_platform_parse(o->platform, &p.os, &p.arch, &p.variant, err);
    else
        host_platform(&p.os, &p.arch, &p.variant), rc = 0;
    if (rc == 0)
        rc = pull_open_dir(&p, layout_dir, err);
    if (rc == 0) {
        p.c = reg_client_open(reg_ref_api_host(ref), ref->path, o, err);
        rc = p.c ? pull_manifest(&p, layout_dir, manifest_digest, err) : -1;
    }
    if (rc < 0) {
        char *name = reg_ref_format(ref);
        err_wrap(err, "pull %s", name);
        free(name);
    }
    reg_client_free(p.c);
    if (p.dirfd >= 0)
        close(p.dirfd);
    free(p.os);
    free(p.arch);
    free(p.variant);
    return rc;
}

char *
reg_pull_cache_dir(const struct reg_ref *ref)
{
    cleanup_free char *name = reg_ref_format(ref);
    cleanup_free char *h = sha256_hex(name, strlen(name));
    return xasprintf("%s/image-pull/%.32s", ctr_lib_dir(), h + 7);
}

int
reg_pull_cache_remove(const char *dir)
{
    return ctr_rm_rf(dir);
}

int
reg_check_login(const char *host, const struct reg_opts *o, struct err **err)
{
    const char *api = strcmp(host, "docker.io") == 0 ? "registry-1.docker.io" : host;
    struct reg_client *c = reg_client_open(api, NULL, o, err);
    reg_client_free(c);
    return c ? 0 : -1;
}
