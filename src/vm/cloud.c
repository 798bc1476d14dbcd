/* SPDX-License-Identifier: MIT */
/* Cloud images on the connection's worker: the shared base volume, the VM's overlay and the seed
 * ISO in a directory pool (the checks and the seed's content: cloud_seed.c). */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/crypto_dl.h"
#include "common/fileio.h"
#include "common/units.h"
#include "common/xalloc.h"

extern char **environ;

/* ---- on the worker: volumes and files in a directory pool ---- */

void
vm_cloud_made_done(struct vm_cloud_made *m)
{
    if (m->overlay)
        virStorageVolFree(m->overlay);
    free(m->base_path);
    free(m->overlay_path);
    free(m->seed_path);
    memset(m, 0, sizeof(*m));
}

void
vm_cloud_rollback(virStoragePoolPtr pool, struct vm_cloud_made *m)
{
    if (m->overlay && virStorageVolDelete(m->overlay, 0) < 0)
        virResetLastError();
    if (m->seed_path)
        unlink(m->seed_path);
    if (m->base_new && m->base_path)
        unlink(m->base_path);
    if (virStoragePoolRefresh(pool, 0) < 0)
        virResetLastError();
    vm_cloud_made_done(m);
}

/* The target directory of a directory pool, malloc'd. */
static char *
pool_dir(virStoragePoolPtr pool, struct err **err)
{
    cleanup_free char *xml = virStoragePoolGetXMLDesc(pool, 0);
    if (!xml) {
        vm_err_libvirt(err, "storage pool description");
        return NULL;
    }
    cleanup_free char *type = vm_xml_attr(xml, "type");
    const char *end = xml + strlen(xml);
    const char *t = vm_xml_find(xml, end, "target");
    char *dir = t ? vm_xml_text(t, end, "path") : NULL;
    if (!type || strcmp(type, "dir") != 0 || !dir) {
        free(dir);
        err_set(err, 0, "--image needs a directory storage pool (this one is of type '%s')",
                type ? type : "?");
        return NULL;
    }
    return dir;
}

/* SHA-256 of the file at fd as 64 hex digits. */
static int
file_sha256(int fd, const char *path, char hex[65], struct err **err)
{
    if (crypto_dl_load(err) < 0)
        return err_wrap(err, "--image");
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(ctx);
        return err_set(err, 0, "SHA-256: libcrypto failed");
    }
    static __thread unsigned char buf[1 << 16];
    ssize_t n;
    off_t off = 0;
    while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
        EVP_DigestUpdate(ctx, buf, (size_t)n);
        off += n;
    }
    unsigned char md[32];
    unsigned mdlen = 0;
    EVP_DigestFinal_ex(ctx, md, &mdlen);
    EVP_MD_CTX_free(ctx);
    /* This runs on the connection's worker, which may still be in a call when the process
     * exits: release libcrypto's per-thread state now rather than at thread exit. */
    OPENSSL_thread_stop();
    if (n < 0)
        return err_set(err, errno, "read '%s'", path);
    for (unsigned i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return 0;
}

/* Copy src into dir/name (read-only, 0444) through a temp file and rename. */
static int
copy_into(int src, const char *dir, const char *name, struct err **err)
{
    cleanup_free char *tmp = xasprintf("%s/.%s.tmp.%d", dir, name, (int)getpid());
    cleanup_free char *dst = xasprintf("%s/%s", dir, name);
    cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0444);
    if (fd < 0)
        return err_set(err, errno, "create '%s'", tmp);
    off_t off = 0;
    ssize_t n;
    while ((n = copy_file_range(src, &off, fd, NULL, 1 << 30, 0)) > 0)
        ;
    if (n < 0 || fsync(fd) < 0 || rename(tmp, dst) < 0) {
        int e = errno;
        unlink(tmp);
        return err_set(err, e, "copy the image to '%s'", dst);
    }
    return 0;
}

/* The base volume for o->image: found by its digest, else copied in. */
static int
base_import(virStoragePoolPtr pool, const char *dir, const char *image, const char *fmt,
            struct vm_cloud_made *m, struct err **err)
{
    cleanup_close int fd = open(image, O_RDONLY | O_CLOEXEC);
    char hex[65];
    if (fd < 0)
        return err_set(err, errno, "--image '%s'", image);
    if (file_sha256(fd, image, hex, err) < 0)
        return -1;
    cleanup_free char *name = xasprintf("berth-base-%s.%s", hex, fmt);
    virStorageVolPtr v = virStorageVolLookupByName(pool, name);
    if (!v) {
        virResetLastError();
        if (copy_into(fd, dir, name, err) < 0)
            return -1;
        m->base_new = true;
    } else {
        virStorageVolFree(v);
    }
    m->base_path = xasprintf("%s/%s", dir, name);
    if (virStoragePoolRefresh(pool, 0) < 0)
        return vm_err_libvirt(err, "refresh the storage pool");
    return 0;
}

static int
overlay_create(virStoragePoolPtr pool, const struct vm_create_opts *o, const char *fmt,
               uint64_t size, struct vm_cloud_made *m, struct err **err)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_puts(&sb, "<volume><name>");
    vm_xml_escape(&sb, o->name);
    strbuf_printf(&sb,
                  ".qcow2</name><capacity unit='bytes'>%llu</capacity>"
                  "<target><format type='qcow2'/></target><backingStore><path>",
                  (unsigned long long)size);
    vm_xml_escape(&sb, m->base_path);
    strbuf_printf(&sb, "</path><format type='%s'/></backingStore></volume>", fmt);
    m->overlay = virStorageVolCreateXML(pool, strbuf_str(&sb), 0);
    strbuf_done(&sb);
    if (!m->overlay)
        return vm_err_libvirt(err, "create the overlay volume '%s.qcow2'", o->name);
    if (!(m->overlay_path = virStorageVolGetPath(m->overlay)))
        return vm_err_libvirt(err, "overlay volume path");
    return 0;
}

/* Write the seed's files into dir (a private temp directory). */
static int
seed_files(const char *dir, const struct vm_cloud_seed *s, struct err **err)
{
    const char *names[] = {"meta-data", "user-data", "network-config"};
    const char *data[] = {s->meta_data, s->user_data, s->network_config};
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        cleanup_free char *p = xasprintf("%s/%s", dir, names[i]);
        if (fileio_write_atomic(p, data[i], strlen(data[i]), 0644, err) < 0)
            return -1;
    }
    return 0;
}

/* genisoimage -volid cidata (Joliet + Rock Ridge) of dir's three files into out. */
static int
seed_iso_write(const char *dir, const char *out, struct err **err)
{
    cleanup_free char *md = xasprintf("%s/meta-data", dir), *ud = xasprintf("%s/user-data", dir),
                      *nc = xasprintf("%s/network-config", dir),
                      *log = xasprintf("%s/genisoimage.log", dir);
    char a0[] = "genisoimage", a1[] = "-quiet", a2[] = "-output", a4[] = "-volid", a5[] = "cidata",
         a6[] = "-joliet", a7[] = "-rock";
    cleanup_free char *o = xstrdup(out);
    char *argv[] = {a0, a1, a2, o, a4, a5, a6, a7, md, ud, nc, NULL};
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int rc = posix_spawnp(&pid, "genisoimage", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0)
        return err_set(err, rc, "--cloud-init needs genisoimage (Debian package genisoimage)");
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    cleanup_free char *msg = NULL;
    if (fileio_read_all(log, 4096, &msg, NULL, NULL) == 0)
        msg[strcspn(msg, "\n")] = '\0';
    return err_set(err, 0, "genisoimage failed for '%s': %s", out, msg && *msg ? msg : "?");
}

static int
seed_make(const struct vm_create_opts *o, const char *dir, struct vm_cloud_made *m,
          struct err **err)
{
    char iid[160];
    snprintf(iid, sizeof(iid), "iid-berth-%s-%llx", o->name, (unsigned long long)time(NULL));
    struct vm_cloud_seed s;
    if (vm_cloud_seed_build(o, iid, &s, err) < 0)
        return -1;
    char tmpl[] = "/tmp/berth-seed.XXXXXX";
    int rc = -1;
    cleanup_free char *out = xasprintf("%s/%s.cidata.iso", dir, o->name);
    if (access(out, F_OK) == 0) {
        err_set(err, 0, "'%s' already exists in the storage pool", out);
    } else if (!mkdtemp(tmpl)) {
        err_set(err, errno, "mkdtemp '%s'", tmpl);
    } else {
        if (seed_files(tmpl, &s, err) == 0 && seed_iso_write(tmpl, out, err) == 0) {
            m->seed_path = steal_pointer(&out);
            chmod(m->seed_path, 0644);
            rc = 0;
        } else {
            unlink(out); /* a partial ISO of a failed genisoimage */
        }
        const char *names[] = {"meta-data", "user-data", "network-config", "genisoimage.log"};
        for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
            cleanup_free char *p = xasprintf("%s/%s", tmpl, names[i]);
            unlink(p);
        }
        rmdir(tmpl);
    }
    vm_cloud_seed_done(&s);
    return rc;
}

int
vm_cloud_prepare(virStoragePoolPtr pool, const struct vm_create_opts *o, struct vm_cloud_made *m,
                 struct err **err)
{
    memset(m, 0, sizeof(*m));
    const char *fmt;
    uint64_t vsize;
    cleanup_free char *dir = pool_dir(pool, err);
    if (!dir || vm_image_probe(o->image, &fmt, &vsize, err) < 0)
        return -1;
    if (base_import(pool, dir, o->image, fmt, m, err) < 0 ||
        overlay_create(pool, o, fmt, o->disk_size_bytes ? o->disk_size_bytes : vsize, m, err) < 0)
        goto fail;
    if ((o->cloud_init || o->ssh_key || o->user_data || o->hostname) &&
        seed_make(o, dir, m, err) < 0)
        goto fail;
    if (virStoragePoolRefresh(pool, 0) < 0)
        virResetLastError();
    return 0;
fail:
    vm_cloud_rollback(pool, m);
    return -1;
}
