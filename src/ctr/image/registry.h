/* SPDX-License-Identifier: MIT */
/*
 * The registry client (src/ctr/image/registry*.c): image references with podman's short-name
 * rules, the OCI distribution API v2 over libcurl (anonymous, bearer-token and basic auth, TLS
 * with per-registry CAs), credentials in the auth.json files podman and docker write, and a pull
 * into an OCI image layout directory with every blob's digest and size checked. Nothing here
 * prints: progress goes to a callback the front end gives.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/* ---- registry_ref.c: image references ---- */
struct reg_ref {
    char *domain; /* "docker.io", "localhost:5000", "127.0.0.1:5000", "[::1]:5000" */
    char *path;   /* "library/alpine", "x" */
    char *tag;    /* "latest" when neither tag nor digest was given; NULL with a digest alone */
    char *digest; /* "sha256:<64 hex>" or NULL */
};

/*
 * Parse s as podman does with short names resolved to docker.io: a first component with a '.'
 * or a ':' or equal to "localhost" is the registry, else docker.io; a one-component name on
 * docker.io gets "library/"; no tag and no digest means ":latest". Errors are one line naming the
 * reference and the problem. On success out owns its strings (reg_ref_done).
 */
int reg_ref_parse(const char *s, struct reg_ref *out, struct err **err);
void reg_ref_done(struct reg_ref *r);
/* "domain/path:tag", "domain/path@digest" or "domain/path:tag@digest" (malloc'd). */
char *reg_ref_format(const struct reg_ref *r);
/* The host to connect to: "registry-1.docker.io" for docker.io, else domain. */
const char *reg_ref_api_host(const struct reg_ref *r);

/* ---- registry_auth.c: challenges and credentials ---- */
enum reg_scheme { REG_SCHEME_NONE, REG_SCHEME_BASIC, REG_SCHEME_BEARER, REG_SCHEME_COUNT };

struct reg_challenge {
    enum reg_scheme scheme;
    char *realm, *service, *scope; /* NULL when absent */
};

/* Parse one WWW-Authenticate value ('Bearer realm="...",service="...",scope="..."' or 'Basic
 * realm="..."'). An unknown scheme or a malformed list is an error naming the problem. */
int reg_challenge_parse(const char *value, struct reg_challenge *out, struct err **err);
void reg_challenge_done(struct reg_challenge *c);

/* The auth files read, first found first: $REGISTRY_AUTH_FILE, ${XDG_RUNTIME_DIR}/containers/
 * auth.json, ~/.config/containers/auth.json, ~/.docker/config.json. The one written by login:
 * $REGISTRY_AUTH_FILE, else ${XDG_RUNTIME_DIR}/containers/auth.json, else the ~/.config one. */
char *reg_auth_default_file(void);

/*
 * Look host up in auth.json text (`{"auths": {"HOST": {"auth": base64("user:pass")}}}`; keys may
 * also be "https://HOST" or "HOST/path"; docker.io also matches "https://index.docker.io/v1/").
 * 1 with *user and *pass (malloc'd) when found, 0 when not, -1 with err for a corrupt file.
 */
int reg_auth_parse(const char *text, size_t len, const char *what, const char *host, char **user,
                   char **pass, struct err **err);
/* The same over the files above (authfile, when not NULL, alone). */
int reg_auth_lookup(const char *authfile, const char *host, char **user, char **pass,
                    struct err **err);
/* base64("user:pass") (malloc'd): auth.json's "auth" and the Basic header's value. */
char *reg_auth_encode(const char *user, const char *pass);
/* Add or replace host's entry in path (made 0600 with its directory 0700 when missing), written
 * atomically; other entries and keys are kept. */
int reg_auth_store(const char *path, const char *host, const char *user, const char *pass,
                   struct err **err);
/* Remove host's entry; 1 when removed, 0 when there was none. */
int reg_auth_remove(const char *path, const char *host, struct err **err);

/* ---- registry.c: the client and the pull ---- */
struct reg_progress {
    const char *digest; /* the blob */
    const char *what;   /* "layer", "config" */
    uint64_t done;      /* bytes present (a resumed blob starts above 0) */
    uint64_t total;
    uint64_t resumed; /* bytes that were already in the cache at the start */
    bool finished;    /* last call for this blob */
    bool skipped;     /* already in the store or the cache: not fetched */
};
typedef void (*reg_progress_fn)(const struct reg_progress *p, void *arg);
/* True when the layer of that diff-id (the config's rootfs.diff_ids entry, "sha256:...") is
 * already in the image store: its blob need not be fetched. */
typedef bool (*reg_have_layer_fn)(const char *diff_id, void *arg);

struct reg_opts {
    int tls_verify;       /* 1 (default), 0 = --tls-verify=false: no verification, http allowed */
    const char *cert_dir; /* NULL: /etc/containers/certs.d; HOST:PORT/ca.crt below it */
    const char *authfile; /* NULL: the default files */
    const char *user;     /* --creds: used instead of the files when set */
    const char *pass;
    const char *platform; /* "os/arch[/variant]" or NULL for the host's */
    reg_progress_fn progress;
    reg_have_layer_fn have_layer;
    void *arg; /* for progress and have_layer */
};

/* Parse "os/arch[/variant]" (e.g. "linux/arm64/v8") into malloc'd parts; NULL variant if none. */
int reg_platform_parse(const char *s, char **os, char **arch, char **variant, struct err **err);

/*
 * Pull ref into the OCI image layout at layout_dir (the caller holds reg_pull_cache_lock) (made if
 * missing; blobs already complete there are kept, a partial blob "<hex>.partial" is resumed with a
 * Range request): the manifest (an index is resolved to the platform), its config and its layers
 * (those have_layer reports stored are not fetched), index.json naming the manifest. Every blob is
 * checked for size and sha256 before it gets its final name. *manifest_digest gets "sha256:..."
 * (malloc'd).
 */
int reg_pull(const struct reg_ref *ref, const struct reg_opts *o, const char *layout_dir,
             char **manifest_digest, struct err **err);

/* The pull cache of ref: <state lib dir>/image-pull/<32 hex of sha256 of its name> (malloc'd).
 * It outlives an interrupted pull (the next one resumes there); removed after an import. */
char *reg_pull_cache_dir(const struct reg_ref *ref);
/* flock the pull cache dir (made if missing) for a pull, its import and the removal: two pulls
 * of one name take turns. The fd (close to release), -1 with err. */
int reg_pull_cache_lock(const char *dir, struct err **err);
/* Remove it (with its lock held); the next holder of the lock sees it gone and makes it anew. */
int reg_pull_cache_remove(const char *dir);

/* GET /v2/ on host with user/pass (login's check): 0 when accepted, -1 with err otherwise. */
int reg_check_login(const char *host, const struct reg_opts *o, struct err **err);
