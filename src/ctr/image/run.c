/* SPDX-License-Identifier: MIT */
/* What a container takes from an image: its layer directories (top first) and the config's
 * process defaults; user names resolved through the image's own /etc/passwd and /etc/group. */
#include "ctr/image/image_impl.h"

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

static char **
str_array(json_object *arr)
{
    if (!arr || !json_object_is_type(arr, json_type_array))
        return NULL;
    size_t n = json_object_array_length(arr);
    char **v = xcalloc(n + 1, sizeof(char *));
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx(arr, i);
        if (json_object_is_type(s, json_type_string))
            v[k++] = xstrdup(json_object_get_string(s));
    }
    return v;
}

static char *
str_dup(json_object *obj, const char *key)
{
    const char *s = NULL;
    return jsonx_get_str(obj, key, &s) && *s ? xstrdup(s) : NULL;
}

static void
strv_free(char **v)
{
    for (char **p = v; p && *p; p++)
        free(*p);
    free(v);
}

int
image_run_load(const char *ref, struct image_run *r, struct err **err)
{
    memset(r, 0, sizeof(*r));
    r->lock_fd = -1;
    cleanup_err struct err *le = NULL;
    r->lock_fd = image_store_lock_shared(&le); /* no store yet: no image either */
    if (image_resolve(ref, r->digest, err) < 0) {
        image_run_done(r);
        return -1;
    }
    char p[PATH_MAX];
    cleanup_free char *mtext = NULL, *ctext = NULL;
    size_t mlen = 0, clen = 0, n = 0;
    struct image_manifest m;
    cleanup_free char(*ids)[IMAGE_DIGEST_LEN + 1] = NULL;
    image_blob_path(p, r->digest);
    if (fileio_read_all(p, IMAGE_JSON_MAX, &mtext, &mlen, err) < 0 ||
        image_parse_manifest(mtext, mlen, &m, err) < 0)
        return err_wrap(err, "image '%s'", ref);
    image_blob_path(p, m.config.digest);
    image_manifest_done(&m);
    if (fileio_read_all(p, IMAGE_JSON_MAX, &ctext, &clen, err) < 0 ||
        image_parse_config(ctext, clen, (size_t)-1, &ids, &n, err) < 0)
        return err_wrap(err, "image '%s'", ref);
    r->layers = xcalloc(n + 1, sizeof(char *));
    r->n_layers = n;
    for (size_t i = 0; i < n; i++) {
        image_layer_path(p, ids[n - 1 - i]); /* top first */
        r->layers[i] = xstrdup(p);
        if (access(p, F_OK) < 0) {
            image_run_done(r);
            return err_set(err, errno, "image '%s': layer '%s'", ref, p);
        }
    }
    cleanup_json json_object *cfg = jsonx_parse(ctext, clen, "image config", err);
    json_object *c = jsonx_get_obj(cfg, "config");
    r->entrypoint = str_array(jsonx_get_array(c, "Entrypoint"));
    r->cmd = str_array(jsonx_get_array(c, "Cmd"));
    r->env = str_array(jsonx_get_array(c, "Env"));
    r->workdir = str_dup(c, "WorkingDir");
    r->user = str_dup(c, "User");
    r->stop_signal = str_dup(c, "StopSignal");
    return 0;
}

void
image_run_done(struct image_run *r)
{
    strv_free(r->layers);
    strv_free(r->entrypoint);
    strv_free(r->cmd);
    strv_free(r->env);
    free(r->workdir);
    free(r->user);
    free(r->stop_signal);
    if (r->lock_fd >= 0)
        close(r->lock_fd);
    memset(r, 0, sizeof(*r));
    r->lock_fd = -1;
}

/* The file rel (e.g. "etc/passwd") of the merged image: the topmost layer that has it. Read
 * without following a symlink out of the layer (a symlinked passwd is not looked at). */
static char *
image_file(const struct image_run *r, const char *rel)
{
    for (size_t i = 0; i < r->n_layers; i++) {
        cleanup_close int dfd = open(r->layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);
        struct stat st;
        if (dfd < 0 || fstatat(dfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (!S_ISREG(st.st_mode))
            return NULL; /* a whiteout or something else: no such file */
        char *text = NULL;
        if (fileio_read_all_at(dfd, rel, 4u << 20, &text, NULL, NULL) == 0)
            return text;
        return NULL;
    }
    return NULL;
}

/* The line "name:x:ID:GID..." of a passwd or group file: its 3rd field (and 4th). */
static bool
db_lookup(char *text, const char *name, unsigned long *id, unsigned long *id2)
{
    for (char *line = text, *next; line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *f[5] = {0};
        size_t k = 0;
        for (char *s = line, *c; k < 5 && s; s = c ? c + 1 : NULL) {
            c = strchr(s, ':');
            if (c)
                *c = 0;
            f[k++] = s;
        }
        if (k >= 3 && strcmp(f[0], name) == 0) {
            char *end;
            *id = strtoul(f[2], &end, 10);
            if (*end || !*f[2])
                return false;
            if (id2 && k >= 4)
                *id2 = strtoul(f[3], NULL, 10);
            return true;
        }
    }
    return false;
}

static bool
numeric(const char *s, unsigned long *out)
{
    char *end;
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 10)
        return false;
    *out = strtoul(s, &end, 10);
    return *out <= UINT32_MAX - 1;
}

int
image_user_resolve(const struct image_run *r, const char *user, uid_t *uid, gid_t *gid,
                   struct err **err)
{
    char u[256];
    ctr_fmt(u, sizeof(u), "%s", user);
    char *g = strchr(u, ':');
    if (g)
        *g++ = 0;
    unsigned long id = 0, gid_v = 0;
    bool have_gid = false;
    if (!numeric(u, &id)) {
        cleanup_free char *pw = image_file(r, "etc/passwd");
        if (!pw || !db_lookup(pw, u, &id, &gid_v))
            return err_set(err, 0, "user '%s' is not in the image's /etc/passwd", u);
        have_gid = true;
    }
    if (g && !numeric(g, &gid_v)) {
        cleanup_free char *gr = image_file(r, "etc/group");
        if (!gr || !db_lookup(gr, g, &gid_v, NULL))
            return err_set(err, 0, "group '%s' is not in the image's /etc/group", g);
    } else if (!g && !have_gid) {
        cleanup_free char *pw = image_file(r, "etc/passwd");
        char name[32];
        unsigned long uid2;
        gid_v = 0;
        for (char *line = pw; line && *line;) { /* the numeric uid's primary group, if listed */
            char *next = strchr(line, '\n');
            if (sscanf(line, "%31[^:]:%*[^:]:%lu:%lu", name, &uid2, &gid_v) == 3 && uid2 == id)
                break;
            gid_v = 0;
            line = next ? next + 1 : NULL;
        }
    }
    *uid = (uid_t)id;
    *gid = (gid_t)gid_v;
    return 0;
}
