/* SPDX-License-Identifier: MIT */
/* Image references: docker's grammar, podman's short names resolved to docker.io. */
#include "ctr/image/registry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "ctr/image/image.h"

#define REF_NAME_MAX 255
#define REF_TAG_MAX 128

static bool
is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+)[a-z0-9]+)* */
static bool
component_ok(const char *s, size_t n)
{
    if (n == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[n - 1]))
        return false;
    for (size_t i = 1; i < n; i++) {
        if (is_lower_alnum(s[i]))
            continue;
        if (s[i] == '-')
            continue; /* any run of '-' */
        if (!is_lower_alnum(s[i - 1]))
            return false; /* '.' and '_' come after a letter or digit */
        if (s[i] == '.' && is_lower_alnum(s[i + 1]))
            continue;
        if (s[i] == '_' && (is_lower_alnum(s[i + 1]) ||
                            (s[i + 1] == '_' && i + 2 < n && is_lower_alnum(s[i + 2])))) {
            if (s[i + 1] == '_')
                i++;
            continue;
        }
        return false;
    }
    return true;
}

/* A registry host: DNS labels ([A-Za-z0-9-], '.' between), or [IPv6]; an optional :port. */
static bool
domain_ok(const char *s, size_t n)
{
    size_t i = 0;
    if (n && s[0] == '[') {
        while (i < n && s[i] != ']') {
            if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '[' && s[i] != '.')
                return false;
            i++;
        }
        if (i == n || i < 3)
            return false;
        i++;
    } else {
        size_t label = 0;
        for (; i < n && s[i] != ':'; i++) {
            if (isalnum((unsigned char)s[i]))
                label++;
            else if (s[i] == '-' && label > 0)
                label++;
            else if (s[i] == '.' && label > 0 && s[i - 1] != '-')
                label = 0;
            else
                return false;
        }
        if (label == 0 || s[i - 1] == '-')
            return false;
    }
    if (i == n)
        return true;
    if (s[i] != ':' || i + 1 == n || n - i - 1 > 5)
        return false;
    for (i++; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static bool
tag_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > REF_TAG_MAX || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
            return false;
    return true;
}

/* The first component is a registry when it has a '.' or a ':' or is "localhost" (docker). */
static bool
looks_like_domain(const char *s, size_t n)
{
    return memchr(s, '.', n) || memchr(s, ':', n) || (n == 9 && memcmp(s, "localhost", 9) == 0) ||
           (n && s[0] == '[');
}

static int
ref_fail(struct err **err, const char *s, const char *why)
{
    char q[96];
    size_t n = strlen(s);
    snprintf(q, sizeof(q), "%.*s%s", (int)(n > 80 ? 80 : n), s, n > 80 ? "..." : "");
    for (char *p = q; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return err_set(err, 0, "invalid image reference '%s': %s", q, why);
}

/* Split off "@digest" and ":tag" (a ':' after the last '/'), then check each part. */
static int
ref_split(char *w, const char *s, struct reg_ref *r, struct err **err)
{
    char *at = strchr(w, '@');
    if (at) {
        *at = '\0';
        if (!image_digest_valid(at + 1))
            return ref_fail(err, s,
                            strncmp(at + 1, "sha256:", 7) == 0
                                ? "a sha256 digest is 64 lowercase hex digits"
                                : "the digest must be sha256:<64 hex digits>");
        r->digest = xstrdup(at + 1);
    }
    char *slash = strrchr(w, '/');
    char *colon = strrchr(slash ? slash : w, ':');
    if (colon) {
        *colon = '\0';
        if (!tag_ok(colon + 1))
            return ref_fail(err, s,
                            "a tag is 1-128 of [A-Za-z0-9_.-], not starting with '.' "
                            "or '-'");
        r->tag = xstrdup(colon + 1);
    }
    return 0;
}

static int
ref_name(const char *w, const char *s, struct reg_ref *r, struct err **err)
{
    const char *slash = strchr(w, '/');
    const char *path = w;
    if (slash && looks_like_domain(w, (size_t)(slash - w))) {
        if (!domain_ok(w, (size_t)(slash - w)))
            return ref_fail(err, s, "the registry is not a valid host[:port]");
        r->domain = xstrndup(w, (size_t)(slash - w));
        path = slash + 1;
    } else {
        r->domain = xstrdup("docker.io");
    }
    if (strcmp(r->domain, "index.docker.io") == 0) {
        free(r->domain);
        r->domain = xstrdup("docker.io");
    }
    if (!*path)
        return ref_fail(err, s, "no repository name");
    for (const char *c = path;;) {
        const char *e = strchr(c, '/');
        size_t n = e ? (size_t)(e - c) : strlen(c);
        for (size_t i = 0; i < n; i++)
            if (isupper((unsigned char)c[i]))
                return ref_fail(err, s, "repository names must be lowercase");
        if (!component_ok(c, n))
            return ref_fail(err, s,
                            "a name component is [a-z0-9] words joined by '.', '_', "
                            "'__' or '-'");
        if (!e)
            break;
        c = e + 1;
    }
    if (strcmp(r->domain, "docker.io") == 0 && !strchr(path, '/'))
        r->path = xasprintf("library/%s", path);
    else
        r->path = xstrdup(path);
    if (strlen(r->domain) + 1 + strlen(r->path) > REF_NAME_MAX)
        return ref_fail(err, s, "the name is longer than 255 characters");
    return 0;
}

int
reg_ref_parse(const char *s, struct reg_ref *out, struct err **err)
{
    struct reg_ref r = {0};
    if (!s || !*s)
        return err_set(err, 0, "invalid image reference '': empty");
    if (strlen(s) > 1024)
        return ref_fail(err, s, "longer than 1024 characters");
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
            return ref_fail(err, s, "spaces, control and non-ASCII characters are not allowed");
    if (strstr(s, "://"))
        return ref_fail(err, s, "give the registry without a scheme (host[:port]/name)");
    cleanup_free char *w = xstrdup(s);
    if (ref_split(w, s, &r, err) < 0 || ref_name(w, s, &r, err) < 0) {
        reg_ref_done(&r);
        return -1;
    }
    if (!r.tag && !r.digest)
        r.tag = xstrdup("latest");
    *out = r;
    return 0;
}

void
reg_ref_done(struct reg_ref *r)
{
    free(r->domain);
    free(r->path);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof(*r));
}

char *
reg_ref_format(const struct reg_ref *r)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_printf(&sb, "%s/%s", r->domain, r->path);
    if (r->tag)
        strbuf_printf(&sb, ":%s", r->tag);
    if (r->digest)
        strbuf_printf(&sb, "@%s", r->digest);
    return strbuf_steal(&sb);
}

const char *
reg_ref_api_host(const struct reg_ref *r)
{
    return strcmp(r->domain, "docker.io") == 0 ? "registry-1.docker.io" : r->domain;
}
