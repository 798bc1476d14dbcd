/* SPDX-License-Identifier: MIT */
/* Registry auth: WWW-Authenticate challenges and the auth.json files podman and docker write. */
#include "ctr/image/registry.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/image/registry_dl.h"

#define AUTH_FILE_MAX (1 << 20)

/* ---- challenges ---- */

static const char *
skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* One auth-param at p: key=token or key="quoted" (\ escapes). Returns the end, NULL if bad. */
static const char *
param_next(const char *p, char **key, char **val)
{
    const char *k = p;
    while (*p && *p != '=' && *p != ',' && *p != ' ')
        p++;
    if (*p != '=' || p == k)
        return NULL;
    *key = xstrndup(k, (size_t)(p - k));
    p++;
    char *v = xmalloc(strlen(p) + 1), *o = v;
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if (*p == '\\' && p[1])
                p++;
            *o++ = *p;
        }
        if (*p != '"') {
            free(v);
            return NULL;
        }
        p++;
    } else {
        while (*p && *p != ',' && *p != ' ' && *p != '\t')
            *o++ = *p++;
    }
    *o = '\0';
    *val = v;
    return p;
}

static void
challenge_set(struct reg_challenge *c, const char *key, char *val)
{
    char **slot = strcasecmp(key, "realm") == 0     ? &c->realm
                  : strcasecmp(key, "service") == 0 ? &c->service
                  : strcasecmp(key, "scope") == 0   ? &c->scope
                                                    : NULL;
    if (slot) {
        free(*slot);
        *slot = val;
    } else {
        free(val);
    }
}

int
reg_challenge_parse(const char *value, struct reg_challenge *out, struct err **err)
{
    struct reg_challenge c = {0};
    const char *p = skip_ws(value);
    if (strncasecmp(p, "Bearer", 6) == 0 && (p[6] == ' ' || !p[6]))
        c.scheme = REG_SCHEME_BEARER, p += 6;
    else if (strncasecmp(p, "Basic", 5) == 0 && (p[5] == ' ' || !p[5]))
        c.scheme = REG_SCHEME_BASIC, p += 5;
    else
        return err_set(err, 0, "registry auth challenge: unsupported scheme in '%.60s'", value);
    for (p = skip_ws(p); *p;) {
        char *key = NULL, *val = NULL;
        const char *e = param_next(p, &key, &val);
        if (!e) {
            free(key);
            reg_challenge_done(&c);
            return err_set(err, 0, "registry auth challenge: malformed parameter at '%.40s'", p);
        }
        challenge_set(&c, key, val);
        free(key);
        p = skip_ws(e);
        if (*p == ',')
            p = skip_ws(p + 1);
    }
    if (c.scheme == REG_SCHEME_BEARER && (!c.realm || !*c.realm)) {
        reg_challenge_done(&c);
        return err_set(err, 0, "registry auth challenge: Bearer without a realm");
    }
    *out = c;
    return 0;
}

void
reg_challenge_done(struct reg_challenge *c)
{
    free(c->realm);
    free(c->service);
    free(c->scope);
    memset(c, 0, sizeof(*c));
}

/* ---- auth.json ---- */

static const char *
home(void)
{
    const char *h = getenv("HOME");
    return h && *h == '/' ? h : "/root";
}

char *
reg_auth_default_file(void)
{
    const char *f = getenv("REGISTRY_AUTH_FILE"), *x = getenv("XDG_RUNTIME_DIR");
    if (f && *f)
        return xstrdup(f);
    if (x && *x == '/')
        return xasprintf("%s/containers/auth.json", x);
    return xasprintf("%s/.config/containers/auth.json", home());
}

/* The key matches host: "host", "https://host", "http://host", "host/..." forms. */
static bool
key_matches(const char *key, const char *host)
{
    if (strncmp(key, "https://", 8) == 0)
        key += 8;
    else if (strncmp(key, "http://", 7) == 0)
        key += 7;
    if (strcmp(host, "docker.io") == 0 &&
        (strncmp(key, "index.docker.io", 15) == 0 || strncmp(key, "registry-1.docker.io", 20) == 0))
        return key[key[0] == 'i' ? 15 : 20] == '\0' || key[key[0] == 'i' ? 15 : 20] == '/';
    size_t n = strlen(host);
    return strncmp(key, host, n) == 0 && (key[n] == '\0' || key[n] == '/');
}

static int
decode_auth(const char *b64, const char *what, char **user, char **pass, struct err **err)
{
    size_t n = strlen(b64);
    if (n == 0 || n % 4 != 0 || n > 8192)
        return err_set(err, 0, "%s: an \"auth\" value is not base64", what);
    cleanup_free unsigned char *out = xmalloc(n / 4 * 3 + 1);
    int len = EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n);
    if (len < 0)
        return err_set(err, 0, "%s: an \"auth\" value is not base64", what);
    while (len > 0 && b64[n - 1] == '=')
        len--, n--; /* EVP_DecodeBlock counts the padding */
    out[len] = '\0';
    char *colon = memchr(out, ':', (size_t)len);
    if (!colon || memchr(out, '\0', (size_t)len))
        return err_set(err, 0, "%s: an \"auth\" value is not base64 of user:password", what);
    *colon = '\0';
    *user = xstrdup((char *)out);
    *pass = xstrdup(colon + 1);
    return 0;
}

int
reg_auth_parse(const char *text, size_t len, const char *what, const char *host, char **user,
               char **pass, struct err **err)
{
    if (reg_dl_load(err) < 0)
        return -1;
    cleanup_json json_object *root = jsonx_parse(text, len, what, err);
    if (!root)
        return -1;
    if (!json_object_is_type(root, json_type_object))
        return err_set(err, 0, "%s: not a JSON object", what);
    json_object *auths = jsonx_get_obj(root, "auths");
    if (!auths)
        return 0;
    json_object_object_foreach(auths, key, val)
    {
        const char *b64 = NULL;
        if (!key_matches(key, host))
            continue;
        if (!json_object_is_type(val, json_type_object) || !jsonx_get_str(val, "auth", &b64))
            continue; /* a credential helper entry or an identity token: not ours */
        if (decode_auth(b64, what, user, pass, err) < 0)
            return -1;
        return 1;
    }
    return 0;
}

static int
lookup_file(const char *path, const char *host, char **user, char **pass, struct err **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    struct err *e = NULL;
    if (fileio_read_all(path, AUTH_FILE_MAX, &text, &len, &e) < 0) {
        int code = e ? e->code : 0;
        if (code == ENOENT || code == ENOTDIR) {
            err_free(e);
            return 0;
        }
        if (err)
            *err = e;
        else
            err_free(e);
        return -1;
    }
    return reg_auth_parse(text, len, path, host, user, pass, err);
}

int
reg_auth_lookup(const char *authfile, const char *host, char **user, char **pass, struct err **err)
{
    if (authfile)
        return lookup_file(authfile, host, user, pass, err);
    const char *f = getenv("REGISTRY_AUTH_FILE"), *x = getenv("XDG_RUNTIME_DIR");
    char paths[4][PATH_MAX];
    int n = 0;
    if (f && *f)
        snprintf(paths[n++], PATH_MAX, "%s", f);
    if (x && *x == '/')
        snprintf(paths[n++], PATH_MAX, "%s/containers/auth.json", x);
    snprintf(paths[n++], PATH_MAX, "%s/.config/containers/auth.json", home());
    snprintf(paths[n++], PATH_MAX, "%s/.docker/config.json", home());
    for (int i = 0; i < n; i++) {
        int r = lookup_file(paths[i], host, user, pass, err);
        if (r != 0)
            return r;
    }
    return 0;
}

char *
reg_auth_encode(const char *user, const char *pass)
{
    cleanup_free char *plain = xasprintf("%s:%s", user, pass);
    size_t n = strlen(plain);
    unsigned char *b64 = xmalloc(4 * ((n + 2) / 3) + 1);
    EVP_EncodeBlock(b64, (const unsigned char *)plain, (int)n);
    OPENSSL_cleanse(plain, n);
    return (char *)b64;
}

/* The file's JSON (an empty object when missing) for a change. */
static json_object *
load_for_change(const char *path, struct err **err)
{
    struct stat st;
    if (stat(path, &st) < 0 && errno == ENOENT)
        return json_object_new_object();
    json_object *root = jsonx_load_file(path, AUTH_FILE_MAX, err);
    if (root && !json_object_is_type(root, json_type_object)) {
        json_object_put(root);
        err_set(err, 0, "%s: not a JSON object", path);
        return NULL;
    }
    return root;
}

static int
save(const char *path, json_object *root, struct err **err)
{
    cleanup_free char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        if (fileio_mkdir_p(dir, 0700, err) < 0)
            return -1;
    }
    const char *s = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
    cleanup_free char *text = xasprintf("%s\n", s);
    return fileio_write_atomic(path, text, strlen(text), 0600, err);
}

int
reg_auth_store(const char *path, const char *host, const char *user, const char *pass,
               struct err **err)
{
    if (strchr(user, ':'))
        return err_set(err, 0, "user name '%s' contains ':'", user);
    if (reg_dl_load(err) < 0)
        return -1;
    cleanup_json json_object *root = load_for_change(path, err);
    if (!root)
        return -1;
    cleanup_free char *b64 = reg_auth_encode(user, pass);
    json_object *auths = jsonx_child_obj(root, "auths");
    json_object *entry = json_object_new_object();
    json_object_object_add(entry, "auth", json_object_new_string(b64));
    json_object_object_add(auths, host, entry);
    return save(path, root, err);
}

int
reg_auth_remove(const char *path, const char *host, struct err **err)
{
    struct stat st;
    if (stat(path, &st) < 0 && errno == ENOENT)
        return 0;
    cleanup_json json_object *root = load_for_change(path, err);
    if (!root)
        return -1;
    json_object *auths = jsonx_get_obj(root, "auths");
    if (!auths || !json_object_object_get_ex(auths, host, NULL))
        return 0;
    json_object_object_del(auths, host);
    return save(path, root, err) < 0 ? -1 : 1;
}
