/* SPDX-License-Identifier: MIT */
/* The named-volume store: <lib>/volumes/<name>/{volume.json,_data/}, changed under one lock. */
#include "ctr/volume/volume.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

#define CFG_MAX (4 * 1024 * 1024)

static void
vol_dir(char *out, const char *leaf)
{
    ctr_fmt(out, PATH_MAX, "%s/volumes%s%s", ctr_lib_dir(), leaf ? "/" : "", leaf ? leaf : "");
}

void
vol_data_path(const char *name, char *out)
{
    ctr_fmt(out, PATH_MAX, "%s/volumes/%s/_data", ctr_lib_dir(), name);
}

int
vol_lock(struct err **err)
{
    char p[PATH_MAX];
    if (ctr_dirs_ensure(err) < 0)
        return -1;
    vol_dir(p, NULL);
    if (mkdir(p, 0700) < 0 && errno != EEXIST)
        return err_set(err, errno, "mkdir '%s'", p);
    vol_dir(p, ".lock");
    int fd = open(p, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(err, errno, "open '%s'", p);
    if (ctr_flock_wait(fd) < 0) {
        int e = errno;
        close(fd);
        return err_set(err, e, "lock '%s'", p);
    }
    return fd;
}

static bool
vol_exists(const char *name)
{
    char p[PATH_MAX];
    vol_dir(p, name);
    ctr_fmt(p + strlen(p), PATH_MAX - strlen(p), "/volume.json");
    return access(p, F_OK) == 0;
}

/* Built as ".new-NAME-PID", renamed in: a volume appears whole or not at all. */
static int
vol_create_locked(const char *name, bool exist_ok, struct err **err)
{
    char tmp[PATH_MAX], dst[PATH_MAX], p[PATH_MAX];
    cleanup_json json_object *o = NULL;
    if (vol_exists(name))
        return exist_ok ? 0 : err_set(err, 0, "volume '%s' already exists", name);
    ctr_fmt(tmp, sizeof(tmp), "%s/volumes/.new-%s-%d", ctr_lib_dir(), name, (int)getpid());
    vol_dir(dst, name);
    ctr_rm_rf(tmp);
    ctr_rm_rf(dst); /* a volume directory without volume.json: an interrupted removal */
    if (mkdir(tmp, 0700) < 0)
        return err_set(err, errno, "mkdir '%s'", tmp);
    ctr_fmt(p, sizeof(p), "%s/_data", tmp);
    if (mkdir(p, 0755) < 0) {
        err_set(err, errno, "mkdir '%s'", p);
        goto fail;
    }
    o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "created", json_object_new_int64((int64_t)time(NULL)));
    const char *txt = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
    ctr_fmt(p, sizeof(p), "%s/volume.json", tmp);
    if (fileio_write_atomic(p, txt, strlen(txt), 0600, err) < 0)
        goto fail;
    if (rename(tmp, dst) < 0) {
        err_set(err, errno, "volume '%s' could not be stored", name);
        goto fail;
    }
    return 0;
fail:
    ctr_rm_rf(tmp);
    return -1;
}

int
vol_create(const char *name, bool exist_ok, bool locked, struct err **err)
{
    if (vol_name_check(name, err) < 0)
        return -1;
    cleanup_close int lock = locked ? -1 : vol_lock(err);
    if (!locked && lock < 0)
        return -1;
    return vol_create_locked(name, exist_ok, err);
}

/* Is name in the comma-separated list? */
static bool
list_has(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p && *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && strncmp(p, name, n) == 0)
            return true;
        p += k + (p[k] == ',');
    }
    return false;
}

static void
users_add(struct vol_info *v, const char *ctr)
{
    size_t len = strlen(v->users);
    if (len + strlen(ctr) + 2 < sizeof(v->users))
        ctr_fmt(v->users + len, sizeof(v->users) - len, "%s%s", len ? "," : "", ctr);
    v->n_users++;
}

/* The containers whose config.json names a volume of v[0..n) get listed in its users. */
static void
scan_users(struct vol_info *v, size_t n)
{
    char p[PATH_MAX];
    ctr_fmt(p, sizeof(p), "%s/containers", ctr_lib_dir());
    cleanup_dir DIR *d = opendir(p);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        ctr_fmt(p, sizeof(p), "%s/containers/%s/config.json", ctr_lib_dir(), de->d_name);
        cleanup_json json_object *cfg = jsonx_load_file(p, CFG_MAX, NULL);
        const char *list = NULL;
        if (!cfg || !jsonx_get_str(jsonx_get_obj(cfg, "annotations"), "org.berth.volumes", &list))
            continue;
        for (size_t i = 0; i < n; i++) {
            if (list_has(list, v[i].name))
                users_add(&v[i], de->d_name);
        }
    }
}

static int
info_load(const char *name, struct vol_info *out, struct err **err)
{
    char p[PATH_MAX];
    memset(out, 0, sizeof(*out));
    vol_dir(p, name);
    ctr_fmt(p + strlen(p), PATH_MAX - strlen(p), "/volume.json");
    cleanup_json json_object *o = jsonx_load_file(p, 65536, err);
    if (!o)
        return -1;
    ctr_fmt(out->name, sizeof(out->name), "%s", name);
    vol_data_path(name, out->path);
    jsonx_get_int64(o, "created", &out->created);
    return 0;
}

int
vol_get(const char *name, struct vol_info *out, struct err **err)
{
    if (vol_name_check(name, err) < 0)
        return -1;
    if (!vol_exists(name))
        return err_set(err, 0, "no such volume '%s'", name);
    if (info_load(name, out, err) < 0)
        return -1;
    scan_users(out, 1);
    return 0;
}

static int
info_cmp(const void *a, const void *b)
{
    return strcmp(((const struct vol_info *)a)->name, ((const struct vol_info *)b)->name);
}

int
vol_list(struct vol_info **out, size_t *n, struct err **err)
{
    char p[PATH_MAX];
    *out = NULL;
    *n = 0;
    vol_dir(p, NULL);
    cleanup_dir DIR *d = opendir(p);
    if (!d)
        return errno == ENOENT ? 0 : err_set(err, errno, "open '%s'", p);
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.' || vol_name_check(de->d_name, NULL) < 0 || !vol_exists(de->d_name))
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof(**out));
        }
        if (info_load(de->d_name, &(*out)[*n], NULL) == 0)
            (*n)++;
    }
    if (*n)
        qsort(*out, *n, sizeof(**out), info_cmp);
    scan_users(*out, *n);
    return 0;
}

/* volume.json goes first: a removal killed half-way leaves no volume, only files to sweep. */
static int
remove_locked(const char *name, struct err **err)
{
    char p[PATH_MAX], q[PATH_MAX];
    vol_dir(p, name);
    ctr_fmt(q, sizeof(q), "%s/volume.json", p);
    if (unlink(q) < 0)
        return err_set(err, errno, "remove volume '%s'", name);
    if (ctr_rm_rf(p) < 0)
        return err_set(err, errno, "remove '%s'", p);
    return 0;
}

int
vol_remove(const char *name, struct err **err)
{
    struct vol_info v;
    cleanup_close int lock = vol_lock(err);
    if (lock < 0 || vol_get(name, &v, err) < 0)
        return -1;
    if (v.n_users)
        return err_set(err, 0, "volume '%s' is in use by container%s %s (remove %s first)", name,
                       v.n_users > 1 ? "s" : "", v.users, v.n_users > 1 ? "them" : "it");
    return remove_locked(name, err);
}

int
vol_prune(size_t *removed, char *names, size_t len, struct err **err)
{
    cleanup_close int lock = vol_lock(err);
    cleanup_free struct vol_info *v = NULL;
    size_t n = 0, used = 0;
    *removed = 0;
    if (names && len)
        names[0] = '\0';
    if (lock < 0 || vol_list(&v, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i].n_users || remove_locked(v[i].name, NULL) < 0)
            continue;
        (*removed)++;
        if (names && used + strlen(v[i].name) + 2 < len)
            used += (size_t)ctr_fmt(names + used, len - used, "%s%s", used ? "," : "", v[i].name);
    }
    return 0;
}
