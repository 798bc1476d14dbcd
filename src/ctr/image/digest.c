/* SPDX-License-Identifier: MIT */
/* SHA-256 digests (libcrypto), the store's paths, its lock and its scratch directory. */
#include "ctr/image/image_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "ctr/store/store.h"

void
image_hash_init(struct image_hash *h)
{
    h->ctx = EVP_MD_CTX_new();
    h->size = 0;
    if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1)
        abort(); /* out of memory: as xmalloc */
}

void
image_hash_update(struct image_hash *h, const void *buf, size_t len)
{
    EVP_DigestUpdate(h->ctx, buf, len);
    h->size += len;
}

void
image_hash_final(struct image_hash *h, char *out)
{
    unsigned char md[32];
    unsigned int n = 0;
    EVP_DigestFinal_ex(h->ctx, md, &n);
    strcpy(out, "sha256:");
    for (unsigned i = 0; i < 32; i++)
        sprintf(out + 7 + 2 * i, "%02x", md[i]);
    image_hash_done(h);
}

void
image_hash_done(struct image_hash *h)
{
    EVP_MD_CTX_free(h->ctx);
    h->ctx = NULL;
}

void
image_digest_buf(const void *buf, size_t len, char *out)
{
    struct image_hash h;
    image_hash_init(&h);
    image_hash_update(&h, buf, len);
    image_hash_final(&h, out);
}

int
image_digest_file(int dirfd, const char *path, char *out, uint64_t *size, struct err **err)
{
    cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "open '%s'", path);
    static char buf[1 << 16];
    struct image_hash h;
    image_hash_init(&h);
    for (;;) {
        ssize_t r = read(fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            image_hash_done(&h);
            return err_set(err, errno, "read '%s'", path);
        }
        if (r == 0)
            break;
        image_hash_update(&h, buf, (size_t)r);
    }
    if (size)
        *size = h.size;
    image_hash_final(&h, out);
    return 0;
}

bool
image_digest_valid(const char *d)
{
    if (!d || strncmp(d, "sha256:", 7) != 0 || strlen(d) != IMAGE_DIGEST_LEN)
        return false;
    return strspn(d + 7, "0123456789abcdef") == 64;
}

const char *
image_store_dir(void)
{
    static char dir[PATH_MAX];
    if (!dir[0])
        ctr_fmt(dir, sizeof(dir), "%s/images", ctr_lib_dir());
    return dir;
}

void
image_blob_path(char *buf, const char *digest)
{
    ctr_fmt(buf, PATH_MAX, "%s/blobs/sha256/%s", image_store_dir(), digest + 7);
}

void
image_layer_path(char *buf, const char *diff_id)
{
    ctr_fmt(buf, PATH_MAX, "%s/layers/%s", image_store_dir(), diff_id + 7);
}

/* tmp/<pid>-...: removed when that pid is gone (an import killed half-way). */
static void
sweep_tmp(const char *tmp)
{
    cleanup_dir DIR *d = opendir(tmp);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (de->d_name[0] == '.' || *end != '-' || pid <= 0)
            continue;
        if (pid != getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH) {
            char p[PATH_MAX];
            ctr_fmt(p, sizeof(p), "%s/%s", tmp, de->d_name);
            ctr_rm_rf(p);
        }
    }
}

int
image_store_lock(struct err **err)
{
    char p[PATH_MAX];
    static const char *const dirs[] = {"blobs/sha256", "layers", "tmp"};
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        ctr_fmt(p, sizeof(p), "%s/%s", image_store_dir(), dirs[i]);
        if (fileio_mkdir_p(p, 0700, err) < 0)
            return err_wrap(err, "image store");
    }
    ctr_fmt(p, sizeof(p), "%s/lock", image_store_dir());
    int fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, errno, "image store lock '%s'", p);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return err_set(err, e, "lock the image store");
        }
    }
    ctr_fmt(p, sizeof(p), "%s/tmp", image_store_dir());
    sweep_tmp(p);
    return fd;
}

int
image_store_lock_shared(struct err **err)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/lock", image_store_dir());
    int fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "image store lock '%s'", p);
    while (flock(fd, LOCK_SH) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return err_set(err, e, "lock the image store");
        }
    }
    return fd;
}

int
image_tmp_dir(char *buf, const char *what, struct err **err)
{
    static unsigned n;
    ctr_fmt(buf, PATH_MAX, "%s/tmp/%d-%s-%u", image_store_dir(), (int)getpid(), what, n++);
    ctr_rm_rf(buf);
    if (mkdir(buf, 0700) < 0)
        return err_set(err, errno, "mkdir '%s'", buf);
    return 0;
}
