/* SPDX-License-Identifier: MIT */
/* -v, --tmpfs, --read-only and --restart written into a new config.json (spec.c calls this last,
 * once the hardening options are in, so that a user namespace is known). */
#include "ctr/volume/volume.h"
#include "ctr/volume/volume_spec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

#define VOL_MAX 64

static bool
has_userns(json_object *cfg)
{
    json_object *a = jsonx_get_array(jsonx_get_obj(cfg, "linux"), "namespaces");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        const char *t;
        if (jsonx_get_str(json_object_array_get_idx(a, i), "type", &t) && strcmp(t, "user") == 0)
            return true;
    }
    return false;
}

static void
add_opt(json_object *a, const char *o)
{
    json_object_array_add(a, json_object_new_string(o));
}

static json_object *
mount_json(const struct vol_mount *v, const char *source, bool userns)
{
    json_object *m = json_object_new_object(), *o = json_object_new_array();
    json_object_object_add(m, "destination", json_object_new_string(v->dest));
    json_object_object_add(m, "type",
                           json_object_new_string(v->kind == VOL_KIND_TMPFS ? "tmpfs" : "bind"));
    json_object_object_add(m, "source", json_object_new_string(source));
    if (v->kind != VOL_KIND_TMPFS)
        add_opt(o, "rbind");
    add_opt(o, "nosuid");
    add_opt(o, "nodev");
    add_opt(o, v->ro ? "ro" : "rw");
    if (v->kind == VOL_KIND_TMPFS) {
        char buf[64];
        add_opt(o, v->exec ? "exec" : "noexec");
        ctr_fmt(buf, sizeof(buf), "mode=%o", v->mode_set ? v->mode : 01777);
        add_opt(o, buf);
        if (v->size) {
            ctr_fmt(buf, sizeof(buf), "size=%llu", (unsigned long long)v->size);
            add_opt(o, buf);
        }
    } else {
        add_opt(o, "rprivate");
        if (userns)
            add_opt(o, "ridmap");
    }
    json_object_object_add(m, "options", o);
    return m;
}

/* A bind's host path: exists, and stored resolved (a symlink swapped later changes nothing). */
static int
bind_source(const struct vol_mount *v, char *real, struct err **err)
{
    struct stat st;
    if (stat(v->source, &st) < 0)
        return err_set(err, errno == ENOENT ? 0 : errno, "-v: host path '%s' %s", v->source,
                       errno == ENOENT ? "does not exist" : "cannot be used");
    if (!realpath(v->source, real))
        return err_set(err, errno, "-v: host path '%s'", v->source);
    return 0;
}

static int
parse_all(const struct ctr_create_opts *o, struct vol_mount *v, size_t *n, struct err **err)
{
    *n = 0;
    if (o->n_volumes + o->n_tmpfs > VOL_MAX)
        return err_set(err, 0, "too many volumes (at most %d -v and --tmpfs)", VOL_MAX);
    for (size_t i = 0; i < o->n_volumes; i++) {
        if (vol_mount_parse(o->volumes[i], &v[(*n)++], err) < 0)
            return err_wrap(err, "-v");
    }
    for (size_t i = 0; i < o->n_tmpfs; i++) {
        if (vol_tmpfs_parse(o->tmpfs[i], &v[(*n)++], err) < 0)
            return err_wrap(err, "--tmpfs");
    }
    for (size_t i = 0; i < *n; i++) {
        for (size_t k = 0; k < i; k++) {
            if (strcmp(v[i].dest, v[k].dest) == 0)
                return err_set(err, 0, "two volumes on destination '%s'", v[i].dest);
        }
    }
    return 0;
}

static json_object *
mounts_of(json_object *cfg)
{
    json_object *a = jsonx_get_array(cfg, "mounts");
    if (!a) {
        a = json_object_new_array();
        json_object_object_add(cfg, "mounts", a);
    }
    return a;
}

static int
apply_mounts(json_object *cfg, const struct vol_mount *v, size_t n, struct err **err)
{
    char real[PATH_MAX], names[1024] = "";
    size_t nlen = 0;
    bool userns = has_userns(cfg);
    /* Every check before the first volume is made: a refused option creates nothing. */
    for (size_t i = 0; i < n; i++) {
        if (v[i].kind == VOL_KIND_BIND && bind_source(&v[i], real, err) < 0)
            return -1;
    }
    json_object *a = mounts_of(cfg);
    for (size_t i = 0; i < n; i++) {
        const char *src = "tmpfs";
        if (v[i].kind == VOL_KIND_BIND) {
            if (bind_source(&v[i], real, err) < 0)
                return -1;
            src = real;
        } else if (v[i].kind == VOL_KIND_NAMED) {
            if (vol_create(v[i].source, true, true, err) < 0)
                return -1;
            vol_data_path(v[i].source, real);
            src = real;
            if (nlen + strlen(v[i].source) + 2 < sizeof(names))
                nlen += (size_t)ctr_fmt(names + nlen, sizeof(names) - nlen, "%s%s", nlen ? "," : "",
                                        v[i].source);
        }
        json_object_array_add(a, mount_json(&v[i], src, userns));
    }
    if (nlen)
        json_object_object_add(jsonx_child_obj(cfg, "annotations"), "org.berth.volumes",
                               json_object_new_string(names));
    return 0;
}

int
vol_spec_apply(json_object *cfg, const struct ctr_create_opts *o, struct err **err)
{
    cleanup_free struct vol_mount *v = xcalloc(VOL_MAX, sizeof(*v));
    size_t n;
    if (parse_all(o, v, &n, err) < 0)
        return -1;
    if (o->restart) {
        struct ctr_restart_policy p;
        char buf[32];
        if (ctr_restart_parse(o->restart, &p, err) < 0)
            return -1;
        if (p.mode != CTR_RESTART_NO && o->ephemeral)
            return err_set(err, 0, "--restart %s cannot be combined with --rm", o->restart);
        ctr_restart_format(&p, buf, sizeof(buf));
        json_object_object_add(jsonx_child_obj(cfg, "annotations"), "org.berth.restart",
                               json_object_new_string(buf));
    }
    if (o->read_only)
        json_object_object_add(jsonx_child_obj(cfg, "root"), "readonly",
                               json_object_new_boolean(true));
    return apply_mounts(cfg, v, n, err);
}

bool
vol_spec_wanted(const struct ctr_create_opts *o)
{
    return o->n_volumes || o->n_tmpfs || o->read_only || o->restart;
}

bool
vol_spec_named(const struct ctr_create_opts *o)
{
    for (size_t i = 0; i < o->n_volumes; i++) {
        if (o->volumes[i][0] != '/')
            return true;
    }
    return false;
}
