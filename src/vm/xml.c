/* SPDX-License-Identifier: MIT */
/* Domain XML: checking create options, generating the XML, and reading libvirt's XML back. */
#include "vm/vm.h"
#include "vm/vm_impl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "common/units.h"

void
vm_create_opts_init(struct vm_create_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->vcpus = 1;
    o->graphics = VM_GRAPHICS_NONE;
    o->machine = VM_MACHINE_Q35;
}

int
vm_name_check(const char *name, struct err **err)
{
    if (!name || !*name)
        return err_set(err, 0, "empty domain name");
    size_t n = strlen(name);
    if (n > 64)
        return err_set(err, 0, "invalid name '%.64s...': longer than 64 characters", name);
    if (name[0] == '.' || name[0] == '-')
        return err_set(err, 0, "invalid name '%s': must not start with '%c'", name, name[0]);
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)name[i];
        if (!isalnum(ch) && !strchr("._-+", ch))
            return err_set(err, 0,
                           "invalid name '%s': only letters, digits, '.', '_', '-' and '+' "
                           "are allowed",
                           name);
    }
    return 0;
}

static int
check_file(const char *opt, const char *path, bool must_exist, struct err **err)
{
    if (!*path)
        return err_set(err, 0, "%s: empty path", opt);
    if (path[0] != '/')
        return err_set(err, 0, "%s '%s': the path must be absolute", opt, path);
    if (must_exist && access(path, R_OK) != 0)
        return err_set(err, errno, "%s '%s'", opt, path);
    struct stat st;
    if (must_exist && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return err_set(err, 0, "%s '%s': is a directory, not an image file", opt, path);
    return 0;
}

static int
check_sources(const struct vm_create_opts *o, bool files, struct err **err)
{
    char a[16];
    if (!o->disk && !o->disk_size_bytes && !o->iso && !o->kernel && !o->image)
        return err_set(err, 0,
                       "nothing to boot: give --image, --disk, --disk-size, --iso or --kernel");
    if (o->disk && o->disk_size_bytes)
        return err_set(err, 0, "--disk and --disk-size cannot be used together");
    if (o->pool && !o->disk_size_bytes && !o->image)
        return err_set(err, 0, "--pool '%s' needs --disk-size or --image", o->pool);
    if ((o->initrd || o->cmdline) && !o->kernel)
        return err_set(err, 0, "%s needs --kernel", o->initrd ? "--initrd" : "--cmdline");
    if (o->disk && check_file("--disk", o->disk, files, err) < 0)
        return -1;
    if (o->iso && check_file("--iso", o->iso, files, err) < 0)
        return -1;
    if (o->kernel && check_file("--kernel", o->kernel, files, err) < 0)
        return -1;
    if (o->initrd && check_file("--initrd", o->initrd, files, err) < 0)
        return -1;
    if (o->disk_size_bytes > VM_MAX_DISK_BYTES)
        return err_set(err, 0, "--disk-size %s: must be at most 64T",
                       units_format_size(o->disk_size_bytes, a, sizeof(a)));
    if (o->disk_size_bytes && o->disk_size_bytes < (1ull << 20))
        return err_set(err, 0, "--disk-size %llu bytes: must be at least 1M",
                       (unsigned long long)o->disk_size_bytes);
    return 0;
}

int
vm_create_check(const struct vm_create_opts *o, const struct vm_host_limits *lim, struct err **err)
{
    if (vm_name_check(o->name, err) < 0)
        return -1;
    unsigned maxv = lim && lim->max_vcpus ? lim->max_vcpus : VM_MAX_VCPUS;
    if (o->vcpus < 1 || o->vcpus > maxv)
        return err_set(err, 0, "--vcpus %u: must be between 1 and %u", o->vcpus, maxv);
    char a[16], b[16];
    if (o->mem_bytes == 0)
        return err_set(err, 0, "--memory is required (e.g. --memory 512M)");
    if (o->mem_bytes < VM_MIN_MEM_BYTES)
        return err_set(err, 0, "--memory %s: must be at least %s",
                       units_format_size(o->mem_bytes, a, sizeof(a)),
                       units_format_size(VM_MIN_MEM_BYTES, b, sizeof(b)));
    if (lim && lim->mem_total_bytes && o->mem_bytes > lim->mem_total_bytes)
        return err_set(err, 0, "--memory %s: more than the host's %s",
                       units_format_size(o->mem_bytes, a, sizeof(a)),
                       units_format_size(lim->mem_total_bytes, b, sizeof(b)));
    if (o->network && !*o->network)
        return err_set(err, 0, "--network: empty name (use 'none' for no network)");
    if ((unsigned)o->graphics >= VM_GRAPHICS_COUNT || (unsigned)o->machine >= VM_MACHINE_COUNT)
        return err_set(err, 0, "bad graphics or machine value");
    if (o->virt_type && strcmp(o->virt_type, "kvm") != 0 && strcmp(o->virt_type, "qemu") != 0)
        return err_set(err, 0, "--virt-type '%s': use kvm or qemu", o->virt_type);
    if (o->cpu) {
        size_t n = strlen(o->cpu);
        bool ok = n > 0 && n <= 64 && isalnum((unsigned char)o->cpu[0]);
        for (size_t i = 0; ok && i < n; i++)
            ok = isalnum((unsigned char)o->cpu[i]) || strchr("._-", o->cpu[i]);
        if (!ok)
            return err_set(err, 0,
                           "--cpu '%s': use host-passthrough, host-model or a CPU model name "
                           "(letters, digits, '.', '_', '-')",
                           o->cpu);
    }
    return check_sources(o, lim && lim->check_files, err);
}

void
vm_xml_escape(struct strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        unsigned char ch = (unsigned char)*s;
        switch (ch) {
        case '&':
            strbuf_puts(sb, "&amp;");
            break;
        case '<':
            strbuf_puts(sb, "&lt;");
            break;
        case '>':
            strbuf_puts(sb, "&gt;");
            break;
        case '\'':
            strbuf_puts(sb, "&apos;");
            break;
        case '"':
            strbuf_puts(sb, "&quot;");
            break;
        default:
            if (ch >= 0x20 || ch == '\t' || ch == '\n')
                strbuf_putc(sb, (char)ch);
            break;
        }
    }
}

/* Append fmt with every %s argument XML-escaped (only %s is supported). */
static void
xml_put(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            vm_xml_escape(sb, va_arg(ap, const char *));
            p++;
        } else {
            strbuf_putc(sb, *p);
        }
    }
    va_end(ap);
}

static void
xml_os(const struct vm_create_opts *o, struct strbuf *sb)
{
    xml_put(sb, "  <os>\n    <type arch='x86_64' machine='%s'>hvm</type>\n",
            o->machine == VM_MACHINE_PC ? "pc" : "q35");
    if (o->kernel) {
        xml_put(sb, "    <kernel>%s</kernel>\n", o->kernel);
        if (o->initrd)
            xml_put(sb, "    <initrd>%s</initrd>\n", o->initrd);
        if (o->cmdline)
            xml_put(sb, "    <cmdline>%s</cmdline>\n", o->cmdline);
    }
    if (o->iso)
        strbuf_puts(sb, "    <boot dev='cdrom'/>\n");
    strbuf_puts(sb, "    <boot dev='hd'/>\n  </os>\n");
}

static void
xml_devices(const struct vm_create_opts *o, const char *disk_path, const char *disk_format,
            struct strbuf *sb)
{
    strbuf_puts(sb, "  <devices>\n");
    if (disk_path)
        xml_put(sb,
                "    <disk type='file' device='disk'>\n"
                "      <driver name='qemu' type='%s'/>\n"
                "      <source file='%s'/>\n"
                "      <target dev='vda' bus='virtio'/>\n"
                "    </disk>\n",
                disk_format ? disk_format : "raw", disk_path);
    if (o->iso)
        xml_put(sb,
                "    <disk type='file' device='cdrom'>\n"
                "      <driver name='qemu' type='raw'/>\n"
                "      <source file='%s'/>\n"
                "      <target dev='sda' bus='%s'/>\n"
                "      <readonly/>\n"
                "    </disk>\n",
                o->iso, o->machine == VM_MACHINE_PC ? "ide" : "sata");
    /* The seed on virtio-scsi (cloud kernels carry it; Debian's lacks AHCI), unit 0 of controller
     * 0 (its dev name alone would place it on a controller of its own) */
    if (o->seed_iso)
        xml_put(sb,
                "    <controller type='scsi' model='virtio-scsi'/>\n"
                "    <disk type='file' device='cdrom'>\n"
                "      <driver name='qemu' type='raw'/>\n"
                "      <source file='%s'/>\n"
                "      <target dev='sdz' bus='scsi'/>\n"
                "      <readonly/>\n"
                "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
                "    </disk>\n",
                o->seed_iso);
    if (o->network && strcmp(o->network, "none") != 0)
        xml_put(sb,
                "    <interface type='network'>\n"
                "      <source network='%s'/>\n"
                "      <model type='virtio'/>\n"
                "    </interface>\n",
                o->network);
    /* A pty (berth vm console), also logged to a file when vm_create picked one: berth watches
     * it for the guest's first line (the ready figure, docs/VM-VS-CONTAINER.md). */
    strbuf_puts(sb, "    <serial type='pty'>\n");
    if (o->serial_log)
        xml_put(sb, "      <log file='%s' append='off'/>\n", o->serial_log);
    strbuf_puts(sb, "      <target port='0'/>\n    </serial>\n"
                    "    <console type='pty'>\n      <target type='serial' port='0'/>\n"
                    "    </console>\n");
    if (o->graphics == VM_GRAPHICS_VNC)
        strbuf_puts(sb, "    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'/>\n"
                        "    <video>\n      <model type='virtio'/>\n    </video>\n");
    strbuf_puts(sb, "  </devices>\n");
}

void
vm_xml_domain(const struct vm_create_opts *o, const char *virt_type, const char *disk_path,
              const char *disk_format, struct strbuf *sb)
{
    char mem[32], vcpus[16];
    snprintf(mem, sizeof(mem), "%llu", (unsigned long long)(o->mem_bytes / 1024));
    snprintf(vcpus, sizeof(vcpus), "%u", o->vcpus);
    xml_put(sb, "<domain type='%s'>\n  <name>%s</name>\n", virt_type, o->name);
    xml_put(sb,
            "  <memory unit='KiB'>%s</memory>\n  <currentMemory unit='KiB'>%s</currentMemory>\n",
            mem, mem);
    xml_put(sb, "  <vcpu placement='static'>%s</vcpu>\n", vcpus);
    xml_os(o, sb);
    strbuf_puts(sb, "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n");
    if (o->cpu && (strcmp(o->cpu, "host-passthrough") == 0 || strcmp(o->cpu, "host-model") == 0))
        xml_put(sb, "  <cpu mode='%s'/>\n", o->cpu);
    else if (o->cpu)
        xml_put(sb,
                "  <cpu mode='custom' match='exact' check='none'>\n"
                "    <model fallback='forbid'>%s</model>\n  </cpu>\n",
                o->cpu);
    strbuf_puts(sb, "  <clock offset='utc'/>\n  <on_poweroff>destroy</on_poweroff>\n"
                    "  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>\n");
    xml_devices(o, disk_path, disk_format, sb);
    strbuf_puts(sb, "</domain>\n");
}

/* ---- reading libvirt's XML (its output: well-formed, attributes quoted) ---- */

const char *
vm_xml_find(const char *p, const char *end, const char *tag)
{
    size_t n = strlen(tag);
    while (p && p < end && (p = memchr(p, '<', (size_t)(end - p)))) {
        if ((size_t)(end - p) > n + 1 && strncmp(p + 1, tag, n) == 0 && strchr(" \t\n/>", p[n + 1]))
            return p;
        p++;
    }
    return NULL;
}

const char *
vm_xml_elem_end(const char *elem, const char *end, const char *tag)
{
    const char *gt = memchr(elem, '>', (size_t)(end - elem));
    if (!gt)
        return NULL;
    if (gt > elem && gt[-1] == '/')
        return gt + 1;
    char close[64];
    snprintf(close, sizeof(close), "</%s>", tag);
    const char *c = strstr(gt, close);
    return c && c < end ? c + strlen(close) : NULL;
}

static char *
xml_unescape(const char *s, size_t n)
{
    static const struct {
        const char *ent;
        char ch;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&apos;", '\''}, {"&quot;", '"'}};
    char *out = xmalloc(n + 1), *o = out;
    for (size_t i = 0; i < n;) {
        bool matched = false;
        for (size_t k = 0; s[i] == '&' && !matched && k < ARRAY_SIZE(ents); k++) {
            size_t el = strlen(ents[k].ent);
            if (i + el <= n && strncmp(s + i, ents[k].ent, el) == 0) {
                *o++ = ents[k].ch;
                i += el;
                matched = true;
            }
        }
        if (!matched)
            *o++ = s[i++];
    }
    *o = '\0';
    return out;
}

char *
vm_xml_attr(const char *elem, const char *name)
{
    const char *gt = strchr(elem, '>');
    size_t n = strlen(name);
    for (const char *p = elem; gt && p < gt; p++) {
        if (!isspace((unsigned char)p[0]) || strncmp(p + 1, name, n) != 0 || p[n + 1] != '=')
            continue;
        char q = p[n + 2];
        if (q != '\'' && q != '"')
            continue;
        const char *v = p + n + 3, *e = strchr(v, q);
        if (!e || e > gt)
            return NULL;
        return xml_unescape(v, (size_t)(e - v));
    }
    return NULL;
}

char *
vm_xml_text(const char *p, const char *end, const char *tag)
{
    const char *el = vm_xml_find(p, end, tag);
    if (!el)
        return NULL;
    const char *gt = strchr(el, '>');
    if (!gt || gt[-1] == '/')
        return NULL;
    const char *lt = strchr(gt, '<');
    return lt ? xml_unescape(gt + 1, (size_t)(lt - gt - 1)) : NULL;
}

const char *
vm_start_error_hint(const char *msg)
{
    if (!msg)
        return NULL;
    static const char *const cpu[] = {
        "kvm_buf_set_msrs",
        "failed to set MSR",
        "host doesn't support requested feature",
        "CPU model",
        "guest CPU doesn't match",
        "unsupported configuration: CPU",
        "does not support CPU",
        "host-passthrough",
        "host-model",
        NULL,
    };
    static const char *const accel[] = {
        "Could not access KVM kernel module",
        "failed to initialize kvm",
        "failed to initialize KVM",
        "/dev/kvm",
        "KVM is not available",
        "kvm: ",
        "no accelerator found",
        "domain type 'kvm'",
        "virtualization type 'kvm'",
        "domaintype=kvm",
        NULL,
    };
    for (size_t i = 0; cpu[i]; i++)
        if (strstr(msg, cpu[i]))
            return "QEMU refused the guest CPU model: recreate the VM with --cpu host-model (or "
                   "--cpu qemu64, or --virt-type qemu)";
    for (size_t i = 0; accel[i]; i++)
        if (strstr(msg, accel[i]))
            return "QEMU could not use KVM here: recreate the VM with --virt-type qemu (TCG)";
    if (strstr(msg, "KVM"))
        return "QEMU could not use KVM here: recreate the VM with --virt-type qemu (TCG)";
    return NULL;
}
