/* SPDX-License-Identifier: MIT */
/* Cloud images, the pure part (no libvirt): the image probe, the cloud options' checks, the
 * NoCloud seed's content. cloud.c puts them into the pool on the connection's worker. */
#include "vm/vm.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/figs.h"
#include "common/fileio.h"
#include "common/strbuf.h"
#include "common/units.h"
#include "common/xalloc.h"

int
vm_image_probe(const char *path, const char **fmt, uint64_t *vsize, struct err **err)
{
    cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return err_set(err, errno, "--image '%s'", path);
    struct stat st;
    if (fstat(fd, &st) < 0)
        return err_set(err, errno, "--image '%s'", path);
    if (!S_ISREG(st.st_mode))
        return err_set(err, 0, "--image '%s': not a regular file", path);
    unsigned char h[512] = {0};
    ssize_t n = pread(fd, h, sizeof(h), 0);
    uint64_t boff;
    uint32_t blen;
    if (n >= 32 && figs_qcow2_header(h, (size_t)n, vsize, &boff, &blen)) {
        *fmt = "qcow2";
    } else if (n == 512 && h[510] == 0x55 && h[511] == 0xaa) {
        *fmt = "raw";
        *vsize = (uint64_t)st.st_size;
    } else {
        return err_set(err, 0,
                       "--image '%s': not a disk image (neither qcow2 nor a raw disk with a "
                       "partition table)",
                       path);
    }
    if (*vsize == 0 || *vsize > VM_MAX_DISK_BYTES)
        return err_set(err, 0, "--image '%s': its virtual size %llu bytes is not between 1 and 64T",
                       path, (unsigned long long)*vsize);
    /* (--disk-size above 64T is refused by vm_create_check) */
    return 0;
}

static bool
hostname_ok(const char *h)
{
    size_t n = strlen(h), label = 0;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i <= n; i++) {
        if (h[i] == '.' || h[i] == '\0') {
            if (label == 0 || label > 63 || h[i - 1] == '-')
                return false;
            label = 0;
        } else if (isalnum((unsigned char)h[i]) || (h[i] == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return true;
}

const char *
vm_cloud_hostname(const struct vm_create_opts *o, char *buf, size_t size)
{
    if (o->hostname) {
        snprintf(buf, size, "%s", o->hostname);
        return buf;
    }
    size_t k = 0;
    for (const char *p = o->name; p && *p && k + 1 < size && k < 63; p++)
        buf[k++] = isalnum((unsigned char)*p) ? *p : '-';
    while (k > 0 && buf[k - 1] == '-')
        k--;
    buf[k] = '\0';
    if (k == 0)
        snprintf(buf, size, "vm");
    return buf;
}

/* authorized_keys text: lines "TYPE BASE64 [comment]" of printable ASCII without quotes or
 * backslashes (they go into YAML double quotes), at least one. */
static int
ssh_key_check(const char *path, const char *text, struct err **err)
{
    size_t keys = 0;
    for (const char *l = text; *l;) {
        const char *e = strchrnul(l, '\n');
        size_t n = (size_t)(e - l);
        while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
            n--;
        if (n && l[0] != '#') {
            if (strncmp(l, "ssh-", 4) != 0 && strncmp(l, "ecdsa-", 6) != 0 &&
                strncmp(l, "sk-", 3) != 0)
                return err_set(err, 0, "--ssh-key '%s': '%.*s' is not an SSH public key line", path,
                               (int)(n > 24 ? 24 : n), l);
            for (size_t i = 0; i < n; i++)
                if (l[i] < 0x20 || l[i] > 0x7e || l[i] == '"' || l[i] == '\\')
                    return err_set(err, 0,
                                   "--ssh-key '%s': a key line holds a character "
                                   "an SSH public key does not",
                                   path);
            keys++;
        }
        l = *e ? e + 1 : e;
    }
    return keys ? 0 : err_set(err, 0, "--ssh-key '%s': no public key in it", path);
}

static int
user_data_check(const char *path, const char *text, size_t len, struct err **err)
{
    if (memchr(text, '\0', len))
        return err_set(err, 0, "--user-data '%s': not a text file", path);
    size_t first = strcspn(text, "\r\n");
    while (first && text[first - 1] == ' ')
        first--;
    if (strncmp(text, "#!", 2) == 0 || (first == 13 && strncmp(text, "#cloud-config", 13) == 0))
        return 0;
    return err_set(err, 0,
                   "--user-data '%s': the first line must be '#cloud-config' (or a '#!' script), "
                   "not '%.*s'",
                   path, (int)(first > 40 ? 40 : first), text);
}

static int
read_checked(const char *opt, const char *path, size_t max, char **out, struct err **err)
{
    size_t len = 0;
    if (fileio_read_all(path, max, out, &len, err) < 0)
        return err_wrap(err, "%s", opt);
    if (strcmp(opt, "--ssh-key") == 0)
        return ssh_key_check(path, *out, err);
    return user_data_check(path, *out, len, err);
}

int
vm_cloud_check(const struct vm_create_opts *o, bool files, struct err **err)
{
    bool ci = o->cloud_init || o->ssh_key || o->user_data || o->hostname;
    if (ci && !o->image)
        return err_set(err, 0,
                       "--cloud-init (and --ssh-key, --user-data, --hostname) needs "
                       "--image");
    if (!o->image)
        return 0;
    if (!*o->image)
        return err_set(err, 0, "--image: empty path");
    if (o->disk)
        return err_set(err, 0, "--image and --disk cannot be used together");
    if (o->hostname && !hostname_ok(o->hostname))
        return err_set(err, 0,
                       "--hostname '%s': not a host name (labels of letters, digits and '-', "
                       "at most 63 each)",
                       o->hostname);
    if (!files)
        return 0;
    const char *fmt;
    uint64_t vsize;
    if (vm_image_probe(o->image, &fmt, &vsize, err) < 0)
        return -1;
    char a[16], b[16];
    if (o->disk_size_bytes && o->disk_size_bytes < vsize)
        return err_set(err, 0, "--disk-size %s: smaller than the image's virtual size %s",
                       units_format_size(o->disk_size_bytes, a, sizeof(a)),
                       units_format_size(vsize, b, sizeof(b)));
    cleanup_free char *key = NULL, *ud = NULL;
    if (o->ssh_key && read_checked("--ssh-key", o->ssh_key, VM_SSH_KEY_MAX, &key, err) < 0)
        return -1;
    if (o->user_data && read_checked("--user-data", o->user_data, VM_USER_DATA_MAX, &ud, err) < 0)
        return -1;
    return 0;
}

/* "  - \"KEY\"\n" for every key line of text. */
static void
put_keys(struct strbuf *sb, const char *text)
{
    for (const char *l = text; l && *l;) {
        const char *e = strchrnul(l, '\n');
        size_t n = (size_t)(e - l);
        while (n && (l[n - 1] == '\r' || l[n - 1] == ' '))
            n--;
        if (n && l[0] != '#')
            strbuf_printf(sb, "  - \"%.*s\"\n", (int)n, l);
        l = *e ? e + 1 : e;
    }
}

int
vm_cloud_seed_build(const struct vm_create_opts *o, const char *instance_id,
                    struct vm_cloud_seed *out, struct err **err)
{
    memset(out, 0, sizeof(*out));
    cleanup_free char *key = NULL, *ud = NULL;
    if (o->ssh_key && read_checked("--ssh-key", o->ssh_key, VM_SSH_KEY_MAX, &key, err) < 0)
        return -1;
    if (o->user_data && read_checked("--user-data", o->user_data, VM_USER_DATA_MAX, &ud, err) < 0)
        return -1;
    char host[256];
    vm_cloud_hostname(o, host, sizeof(host));
    struct strbuf md = STRBUF_INIT;
    strbuf_printf(&md, "instance-id: %s\nlocal-hostname: %s\n", instance_id, host);
    if (key) {
        strbuf_puts(&md, "public-keys:\n");
        put_keys(&md, key);
    }
    out->meta_data = strbuf_steal(&md);
    if (ud) {
        out->user_data = steal_pointer(&ud);
    } else {
        struct strbuf u = STRBUF_INIT;
        strbuf_printf(&u, "#cloud-config\nhostname: %s\n", host);
        if (key) {
            strbuf_puts(&u, "ssh_authorized_keys:\n");
            put_keys(&u, key);
        }
        out->user_data = strbuf_steal(&u);
    }
    out->network_config = xstrdup("version: 2\nethernets:\n  all:\n    match:\n      name: \"e*\"\n"
                                  "    dhcp4: true\n");
    return 0;
}

void
vm_cloud_seed_done(struct vm_cloud_seed *s)
{
    free(s->meta_data);
    free(s->user_data);
    free(s->network_config);
    memset(s, 0, sizeof(*s));
}
