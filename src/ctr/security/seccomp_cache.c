/* SPDX-License-Identifier: MIT */
/* The compiled-filter cache: <dir>/<fnv64 of key>.bpf holding the key, flags and the BPF.
 * The key (canonical section text + libseccomp version + native arch) is stored whole and
 * compared on load, so a hash collision or a stale file can never load the wrong filter. */
#include "ctr/security/seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/store/store.h"

#define CACHE_MAGIC "berth-seccomp-cache 2\n" /* 2: the ENOSYS stub */
#define CACHE_MAX (4u << 20)

bool
seccomp_cache_dir(char *buf, size_t size)
{
    const char *v = getenv("BERTH_SECCOMP_CACHE");
    int n;
    if (v && *v)
        n = strcmp(v, "off") == 0 ? -1 : snprintf(buf, size, "%s", v);
    else /* a dot name: never a container's (names start with a letter or digit) */
        n = snprintf(buf, size, "%s/.seccomp-cache", ctr_run_dir());
    return n > 0 && (size_t)n < size;
}

static char *
cache_key(json_object *oci)
{
    const struct scmp_version *v = seccomp_version();
    const char *text = json_object_to_json_string_ext(oci, JSON_C_TO_STRING_PLAIN);
    char *key = NULL;
    if (asprintf(&key, "%slibseccomp %u.%u.%u\narch %u\n%s", CACHE_MAGIC, v->major, v->minor,
                 v->micro, seccomp_arch_native(), text) < 0)
        return NULL;
    return key;
}

static uint64_t
fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    return h;
}

/* mkdir -p with 0700 directories, then open it only if it is ours and closed to others. */
static int
cache_dir_open(const char *dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            (void)mkdir(path, 0700);
            *p = '/';
        }
    }
    (void)mkdir(path, 0700);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022))) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool
cache_load(int dirfd, const char *name, const char *key, struct seccomp_prog *out)
{
    cleanup_close int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        st.st_size > CACHE_MAX)
        return false;
    size_t klen = strlen(key) + 1, size = (size_t)st.st_size;
    cleanup_free char *buf = malloc(size ? size : 1);
    if (!buf || pread(fd, buf, size, 0) != (ssize_t)size || size < klen + 8 ||
        memcmp(buf, key, klen) != 0)
        return false;
    uint32_t hdr[2];
    memcpy(hdr, buf + klen, sizeof(hdr));
    size_t bytes = size - klen - sizeof(hdr);
    if (hdr[1] == 0 || hdr[1] > BPF_MAXINSNS || bytes != hdr[1] * sizeof(struct sock_filter))
        return false;
    out->insns = malloc(bytes);
    if (!out->insns)
        return false;
    memcpy(out->insns, buf + klen + sizeof(hdr), bytes);
    out->len = hdr[1];
    out->flags = hdr[0];
    return true;
}

/* Best effort: a cache that cannot be written only costs the next start a compile. */
static void
cache_store(int dirfd, const char *name, const char *key, const struct seccomp_prog *p)
{
    char tmp[96];
    snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long)getpid());
    int fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    uint32_t hdr[2] = {p->flags, (uint32_t)p->len};
    bool ok =
        write(fd, key, strlen(key) + 1) == (ssize_t)(strlen(key) + 1) &&
        write(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
        write(fd, p->insns, p->len * sizeof(*p->insns)) == (ssize_t)(p->len * sizeof(*p->insns));
    ok = close(fd) == 0 && ok;
    if (!ok || renameat(dirfd, tmp, dirfd, name) < 0)
        unlinkat(dirfd, tmp, 0);
}

int
seccomp_compile_cached(json_object *oci, const char *cache_dir, struct seccomp_prog *out, bool *hit,
                       struct err **err)
{
    if (hit)
        *hit = false;
    if (!cache_dir || !json_object_is_type(oci, json_type_object))
        return seccomp_compile(oci, out, err);
    cleanup_free char *key = cache_key(oci);
    cleanup_close int dirfd = key ? cache_dir_open(cache_dir) : -1;
    if (dirfd < 0)
        return seccomp_compile(oci, out, err);
    char name[32];
    snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)fnv1a64(key));
    memset(out, 0, sizeof(*out));
    if (cache_load(dirfd, name, key, out)) {
        if (hit)
            *hit = true;
        return 0;
    }
    if (seccomp_compile(oci, out, err) < 0)
        return -1;
    cache_store(dirfd, name, key, out);
    return 0;
}
