/* SPDX-License-Identifier: MIT */
/* The -v and --tmpfs option parsers: text in, struct vol_mount out; no file system touched. */
#include "ctr/volume/volume.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"

/* A control character would break the one-line error that quotes the value: refused first. */
static int
no_controls(const char *arg, struct err **err)
{
    for (const unsigned char *p = (const unsigned char *)arg; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return err_set(err, 0, "a control character (0x%02x) at position %zu", *p,
                           (size_t)(p - (const unsigned char *)arg) + 1);
    }
    return 0;
}

int
vol_name_check(const char *name, struct err **err)
{
    size_t n = strlen(name);
    if (no_controls(name, err) < 0)
        return err_wrap(err, "invalid volume name");
    if (n == 0 || n > VOL_NAME_MAX)
        return err_set(err, 0, "invalid volume name '%s' (1 to %d characters)", name, VOL_NAME_MAX);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && (i == 0 || (c != '_' && c != '.' && c != '-')))
            return err_set(err, 0,
                           "invalid volume name '%s': character %zu (use "
                           "[a-zA-Z0-9][a-zA-Z0-9_.-]*)",
                           name, i + 1);
    }
    return 0;
}

/* dest under (or equal to) top? */
static bool
path_under(const char *dest, const char *top)
{
    size_t n = strlen(top);
    return strncmp(dest, top, n) == 0 && (dest[n] == '\0' || dest[n] == '/');
}

int
vol_dest_check(const char *dest, char *out, struct err **err)
{
    if (dest[0] != '/')
        return err_set(err, 0, "destination '%s' must be an absolute path", dest);
    size_t len = 0;
    for (const char *p = dest; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0)
            break;
        if ((n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
            return err_set(err, 0, "destination '%s' must not contain '.' or '..'", dest);
        if (len + n + 2 > PATH_MAX)
            return err_set(err, 0, "destination '%.64s...' is too long", dest);
        out[len++] = '/';
        memcpy(out + len, p, n);
        len += n;
        p += n;
    }
    out[len] = '\0';
    if (len == 0)
        return err_set(err, 0, "destination '%s' is the container's root", dest);
    if (path_under(out, "/proc") || path_under(out, "/sys"))
        return err_set(err, 0, "destination '%s' is inside /proc or /sys (refused)", dest);
    return 0;
}

static int
copy_field(char *dst, size_t size, const char *src, size_t n, const char *arg, const char *what,
           struct err **err)
{
    if (n == 0)
        return err_set(err, 0, "'%s': the %s is empty", arg, what);
    if (n >= size)
        return err_set(err, 0, "'%.64s...': the %s is too long", arg, what);
    memcpy(dst, src, n);
    dst[n] = '\0';
    return 0;
}

int
vol_mount_parse(const char *arg, struct vol_mount *m, struct err **err)
{
    char dest[PATH_MAX], opts[16] = "";
    memset(m, 0, sizeof(*m));
    if (no_controls(arg, err) < 0)
        return -1;
    const char *c1 = strchr(arg, ':');
    if (!c1)
        return err_set(err, 0,
                       "'%s': use SOURCE:DEST[:ro|rw] (SOURCE a host path or a volume name)", arg);
    const char *c2 = strchr(c1 + 1, ':');
    size_t dlen = c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (copy_field(m->source, sizeof(m->source), arg, (size_t)(c1 - arg), arg, "source", err) < 0 ||
        copy_field(dest, sizeof(dest), c1 + 1, dlen, arg, "destination", err) < 0)
        return -1;
    if (c2 && copy_field(opts, sizeof(opts), c2 + 1, strlen(c2 + 1), arg, "option", err) < 0)
        return -1;
    if (c2 && strcmp(opts, "ro") != 0 && strcmp(opts, "rw") != 0)
        return err_set(err, 0, "'%s': unknown option '%s' (ro or rw)", arg, opts);
    m->ro = strcmp(opts, "ro") == 0;
    m->kind = m->source[0] == '/' ? VOL_KIND_BIND : VOL_KIND_NAMED;
    if (m->kind == VOL_KIND_NAMED && (m->source[0] == '.' || strchr(m->source, '/')))
        return err_set(err, 0, "'%s': a host path must be absolute ('%s' is relative)", arg,
                       m->source);
    if (m->kind == VOL_KIND_NAMED && vol_name_check(m->source, err) < 0)
        return err_wrap(err, "'%s'", arg);
    if (m->kind == VOL_KIND_BIND && strstr(m->source, "/../"))
        return err_set(err, 0, "'%s': the host path must not contain '..'", arg);
    if (vol_dest_check(dest, m->dest, err) < 0)
        return err_wrap(err, "'%s'", arg);
    return 0;
}

static int
tmpfs_option(const char *arg, const char *o, size_t n, struct vol_mount *m, struct err **err)
{
    char v[64];
    if (n >= sizeof(v))
        return err_set(err, 0, "'%.64s': option too long", arg);
    memcpy(v, o, n);
    v[n] = '\0';
    if (strcmp(v, "ro") == 0 || strcmp(v, "rw") == 0) {
        m->ro = v[1] == 'o';
    } else if (strcmp(v, "exec") == 0 || strcmp(v, "noexec") == 0) {
        m->exec = v[0] == 'e';
    } else if (strncmp(v, "size=", 5) == 0) {
        cleanup_err struct err *e = NULL;
        if (units_parse_size(v + 5, &m->size, &e) < 0 || m->size == 0)
            return err_set(err, 0, "'%s': invalid size '%s' (like 64M or 1G)", arg, v + 5);
    } else if (strncmp(v, "mode=", 5) == 0) {
        char *end;
        errno = 0;
        unsigned long md = strtoul(v + 5, &end, 8);
        if (end == v + 5 || *end || errno || md > 07777 || v[5] == '-')
            return err_set(err, 0, "'%s': invalid mode '%s' (octal, like 1777 or 755)", arg, v + 5);
        m->mode = (unsigned)md;
        m->mode_set = true;
    } else {
        return err_set(err, 0, "'%s': unknown tmpfs option '%s' (size=, mode=, ro, rw, exec)", arg,
                       v);
    }
    return 0;
}

int
vol_tmpfs_parse(const char *arg, struct vol_mount *m, struct err **err)
{
    char dest[PATH_MAX];
    memset(m, 0, sizeof(*m));
    m->kind = VOL_KIND_TMPFS;
    if (no_controls(arg, err) < 0)
        return -1;
    const char *c = strchr(arg, ':');
    size_t dlen = c ? (size_t)(c - arg) : strlen(arg);
    if (copy_field(dest, sizeof(dest), arg, dlen, arg, "destination", err) < 0 ||
        vol_dest_check(dest, m->dest, err) < 0)
        return err_wrap(err, "'%s'", arg);
    if (!c)
        return 0;
    if (!c[1])
        return err_set(err, 0, "'%s': no options after ':'", arg);
    for (const char *o = c + 1; *o;) {
        size_t n = strcspn(o, ",");
        if (n == 0)
            return err_set(err, 0, "'%s': empty option", arg);
        if (tmpfs_option(arg, o, n, m, err) < 0)
            return -1;
        o += n;
        if (*o == ',' && !*++o)
            return err_set(err, 0, "'%s': empty option", arg);
    }
    return 0;
}
