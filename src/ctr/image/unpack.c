/* SPDX-License-Identifier: MIT */
/*
 * Unpacking layers (libarchive): one pass over the blob computes its digest (the bytes read) and
 * its diff-id (the tar after decompression, which an outer raw reader feeds to the tar reader),
 * and writes the entries with libarchive's secure extraction (no "..", no absolute names, nothing
 * through a symlink) relative to the layer directory. OCI whiteouts become overlayfs ones.
 */
#include "ctr/image/image_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/store/store.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

struct layer_src {
    int fd;
    struct image_hash blob, diff;
    struct archive *outer;
    char buf[1 << 17];
};

static ssize_t
outer_read(struct archive *a, void *p, const void **out)
{
    struct layer_src *s = p;
    ssize_t r;
    do
        r = read(s->fd, s->buf, sizeof(s->buf));
    while (r < 0 && errno == EINTR);
    if (r < 0) {
        archive_set_error(a, errno, "read the layer");
        return -1;
    }
    image_hash_update(&s->blob, s->buf, (size_t)r);
    *out = s->buf;
    return r;
}

/* The uncompressed tar, as the outer reader decompresses it. */
static ssize_t
inner_read(struct archive *a, void *p, const void **out)
{
    struct layer_src *s = p;
    static char buf[1 << 17];
    la_ssize_t r = archive_read_data(s->outer, buf, sizeof(buf));
    if (r < 0) {
        archive_set_error(a, archive_errno(s->outer), "%s", archive_error_string(s->outer));
        return -1;
    }
    image_hash_update(&s->diff, buf, (size_t)r);
    *out = buf;
    return r;
}

/* "./a/b" -> "a/b"; NULL for names that leave the layer (absolute, ".."). */
static const char *
entry_rel(const char *path)
{
    while (path[0] == '.' && path[1] == '/')
        path += 2;
    if (path[0] == '/')
        return NULL;
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return NULL;
        p += n;
        p += strspn(p, "/");
    }
    return path;
}

/* The directory dir (relative to dfd) made as needed, each component opened without following a
 * symlink. An fd, -1 with errno. */
static int
dir_walk(int dfd, const char *dir)
{
    char buf[PATH_MAX];
    ctr_fmt(buf, sizeof(buf), "%s", dir);
    int fd = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
    char *save = NULL;
    for (char *c = strtok_r(buf, "/", &save); c && fd >= 0; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (mkdirat(fd, c, 0755) < 0 && errno != EEXIST) {
            close(fd);
            return -1;
        }
        int n = openat(fd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = n;
    }
    return fd;
}

/* ".wh..wh..opq": the directory is opaque; ".wh.NAME": NAME is deleted (a 0/0 char device). */
static int
whiteout(int dfd, const char *rel, struct err **err)
{
    char dir[PATH_MAX];
    ctr_fmt(dir, sizeof(dir), "%s", rel);
    char *slash = strrchr(dir, '/');
    const char *base = slash ? slash + 1 : dir;
    if (slash)
        *slash = 0;
    cleanup_close int pfd = dir_walk(dfd, slash ? dir : ".");
    if (pfd < 0)
        return err_set(err, errno, "whiteout '%s'", rel);
    if (strcmp(base, WH_OPAQUE) == 0) {
        if (fsetxattr(pfd, "trusted.overlay.opaque", "y", 1, 0) < 0)
            return err_set(err, errno, "opaque directory '%s'", slash ? dir : "/");
        return 0;
    }
    const char *name = base + strlen(WH_PREFIX);
    if (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strchr(name, '/'))
        return err_set(err, 0, "whiteout '%s': invalid name", rel);
    if (unlinkat(pfd, name, 0) < 0 && errno == EISDIR) {
        char p[PATH_MAX];
        ctr_fmt(p, sizeof(p), "%s/%s", slash ? dir : ".", name);
        ctr_rm_rf(p); /* cwd is the layer directory */
    }
    if (mknodat(pfd, name, S_IFCHR | 0, makedev(0, 0)) < 0)
        return err_set(err, errno, "whiteout '%s'", rel);
    return 0;
}

/* Drop trusted.overlay.* xattrs a layer brings: only whiteouts make overlay's own. */
static void
xattr_filter(struct archive_entry *e)
{
    if (archive_entry_xattr_reset(e) == 0)
        return;
    struct {
        char *name;
        void *val;
        size_t len;
    } keep[64];
    size_t n = 0;
    const char *name;
    const void *val;
    size_t len;
    bool drop = false;
    while (archive_entry_xattr_next(e, &name, &val, &len) == ARCHIVE_OK) {
        if (strncmp(name, "trusted.overlay.", 16) == 0 || n == ARRAY_SIZE(keep)) {
            drop = true;
            continue;
        }
        keep[n].name = strdup(name);
        keep[n].val = malloc(len ? len : 1);
        memcpy(keep[n].val, val, len);
        keep[n++].len = len;
    }
    if (drop)
        archive_entry_xattr_clear(e);
    for (size_t i = 0; i < n; i++) {
        if (drop)
            archive_entry_xattr_add_entry(e, keep[i].name, keep[i].val, keep[i].len);
        free(keep[i].name);
        free(keep[i].val);
    }
}

static int
copy_data(struct archive *in, struct archive *out)
{
    const void *buf;
    size_t size;
    la_int64_t off;
    for (;;) {
        int r = archive_read_data_block(in, &buf, &size, &off);
        if (r == ARCHIVE_EOF)
            return ARCHIVE_OK;
        if (r < ARCHIVE_WARN)
            return r;
        if (archive_write_data_block(out, buf, size, off) < ARCHIVE_WARN)
            return ARCHIVE_FATAL;
    }
}

static int
disk_flags(void)
{
    int f = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
            ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
    if (geteuid() == 0)
        f |= ARCHIVE_EXTRACT_OWNER;
    return f;
}

/* One entry of a layer (cwd and dfd: the layer directory). */
static int
layer_entry(struct archive *in, struct archive *out, struct archive_entry *e, int dfd,
            struct err **err)
{
    const char *path = archive_entry_pathname(e);
    const char *rel = path ? entry_rel(path) : NULL;
    if (!rel)
        return err_set(err, 0, "entry '%.200s' leaves the layer: refused", path ? path : "");
    if (!*rel || strcmp(rel, ".") == 0 || strcmp(rel, "./") == 0)
        return 0; /* the layer's root itself */
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)) == 0)
        return whiteout(dfd, rel, err);
    const char *hl = archive_entry_hardlink(e);
    if (hl && !entry_rel(hl))
        return err_set(err, 0, "hardlink '%.200s' to '%.200s' leaves the layer: refused", path, hl);
    archive_entry_set_pathname(e, rel);
    if (hl)
        archive_entry_set_hardlink(e, entry_rel(hl));
    xattr_filter(e);
    int r = archive_write_header(out, e);
    if (r < ARCHIVE_WARN)
        return err_set(err, 0, "entry '%.200s': %s", path, archive_error_string(out));
    if (archive_entry_size(e) > 0 && copy_data(in, out) < ARCHIVE_WARN)
        return err_set(err, 0, "entry '%.200s': %s", path,
                       archive_error_string(in) ? archive_error_string(in)
                                                : archive_error_string(out));
    if (archive_write_finish_entry(out) < ARCHIVE_WARN)
        return err_set(err, 0, "entry '%.200s': %s", path, archive_error_string(out));
    return 0;
}

typedef int entry_fn(struct archive *in, struct archive *out, struct archive_entry *e, int dfd,
                     struct err **err);

/* fn for every entry of in; what reading the archive failed on, named. */
static int
each_entry(struct archive *in, struct archive *out, entry_fn *fn, int dfd, struct err **err)
{
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(in, &e);
        if (r == ARCHIVE_EOF)
            return 0;
        if (r < ARCHIVE_WARN)
            return err_set(err, 0, "read the archive: %s", archive_error_string(in));
        if (fn(in, out, e, dfd, err) < 0)
            return -1;
    }
}

/* Read what is left of the stream so that both digests cover all of it. */
static int
drain(struct layer_src *s, struct archive *inner, struct err **err)
{
    const void *p;
    while (inner_read(inner, s, &p) > 0)
        ;
    char buf[4096];
    for (;;) {
        la_ssize_t r = archive_read_data(s->outer, buf, sizeof(buf));
        if (r < 0)
            return err_set(err, 0, "read the layer: %s", archive_error_string(s->outer));
        if (r == 0)
            return 0;
        image_hash_update(&s->diff, buf, (size_t)r);
    }
}

static int
outer_open(struct layer_src *s, struct err **err)
{
    struct archive_entry *e;
    s->outer = archive_read_new();
    archive_read_support_filter_all(s->outer);
    archive_read_support_format_raw(s->outer);
    if (archive_read_open(s->outer, s, NULL, outer_read, NULL) != ARCHIVE_OK ||
        archive_read_next_header(s->outer, &e) != ARCHIVE_OK)
        return err_set(err, 0, "read the layer: %s", archive_error_string(s->outer));
    return 0;
}

static int
unpack_into(struct layer_src *s, int dfd, struct err **err)
{
    struct archive *in = archive_read_new(), *out = archive_write_disk_new();
    archive_read_support_format_tar(in);
    archive_write_disk_set_options(out, disk_flags());
    int rc = -1;
    if (archive_read_open(in, s, NULL, inner_read, NULL) != ARCHIVE_OK)
        err_set(err, 0, "read the layer: %s", archive_error_string(in));
    else if (each_entry(in, out, layer_entry, dfd, err) == 0 && drain(s, in, err) == 0)
        rc = 0;
    if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
        rc = err_set(err, 0, "finish the layer: %s", archive_error_string(out));
    archive_write_free(out);
    archive_read_free(in);
    return rc;
}

int
image_unpack_layer(int fd, const char *dest, char *blob_digest, uint64_t *blob_size, char *diff_id,
                   struct err **err)
{
    struct layer_src *s = calloc(1, sizeof(*s));
    if (!s)
        return err_set(err, ENOMEM, "unpack a layer");
    s->fd = fd;
    image_hash_init(&s->blob);
    image_hash_init(&s->diff);
    cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int dfd = -1;
    int rc = -1;
    if (mkdir(dest, 0755) < 0) {
        err_set(err, errno, "mkdir '%s'", dest);
        goto out;
    }
    dfd = open(dest, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dfd < 0 || fchdir(dfd) < 0) {
        err_set(err, errno, "open '%s'", dest);
        goto out;
    }
    if (outer_open(s, err) == 0 && unpack_into(s, dfd, err) == 0)
        rc = 0;
    if (cwd >= 0 && fchdir(cwd) < 0)
        rc = err_set(err, errno, "back to the working directory");
out:
    if (s->outer)
        archive_read_free(s->outer);
    if (blob_size)
        *blob_size = s->blob.size;
    if (blob_digest)
        image_hash_final(&s->blob, blob_digest);
    image_hash_done(&s->blob);
    image_hash_final(&s->diff, diff_id);
    if (rc < 0 && dfd >= 0)
        ctr_rm_rf(dest);
    free(s);
    return rc;
}

/* ---- archives of images (oci-archive, docker-archive) ---- */

/* One entry of an image archive: only files and directories are read from one. */
static int
image_file_entry(struct archive *in, struct archive *out, struct archive_entry *e, int dfd,
                 struct err **err)
{
    (void)dfd;
    const char *path = archive_entry_pathname(e);
    const char *rel = path ? entry_rel(path) : NULL;
    mode_t type = archive_entry_filetype(e);
    if (!rel)
        return err_set(err, 0, "entry '%.200s' leaves the archive: refused", path ? path : "");
    if ((type != AE_IFREG && type != AE_IFDIR) || archive_entry_hardlink(e) || !*rel)
        return 0;
    archive_entry_set_pathname(e, rel);
    archive_entry_set_perm(e, type == AE_IFDIR ? 0700 : 0600);
    if (archive_write_header(out, e) < ARCHIVE_WARN ||
        (archive_entry_size(e) > 0 && copy_data(in, out) < ARCHIVE_WARN) ||
        archive_write_finish_entry(out) < ARCHIVE_WARN)
        return err_set(err, 0, "entry '%.200s': %s", path,
                       archive_error_string(out) ? archive_error_string(out)
                                                 : archive_error_string(in));
    return 0;
}

int
image_extract_archive(const char *path, const char *dest, struct err **err)
{
    cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "open '%s'", path);
    if (chdir(dest) < 0)
        return err_set(err, errno, "chdir '%s'", dest);
    struct archive *in = archive_read_new(), *out = archive_write_disk_new();
    archive_read_support_filter_all(in);
    archive_read_support_format_tar(in);
    archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                            ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
    int rc = -1;
    if (archive_read_open_fd(in, fd, 1 << 16) != ARCHIVE_OK)
        err_set(err, 0, "read '%s': %s", path, archive_error_string(in));
    else if (each_entry(in, out, image_file_entry, -1, err) < 0)
        err_wrap(err, "archive '%s'", path);
    else
        rc = 0;
    if (archive_write_close(out) != ARCHIVE_OK && rc == 0)
        rc = err_set(err, 0, "archive '%s': %s", path, archive_error_string(out));
    archive_write_free(out);
    archive_read_free(in);
    if (cwd >= 0 && fchdir(cwd) < 0 && rc == 0)
        rc = err_set(err, errno, "back to the working directory");
    return rc;
}
