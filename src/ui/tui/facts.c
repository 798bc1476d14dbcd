/* SPDX-License-Identifier: MIT */
/*
 * The detail pane's facts beyond the model, fetched on the sampling thread: a VM's type, disks,
 * networks and autostart (vm_info_get: one round trip, never on the UI thread); a container's
 * rootfs, limits, last exit and the tail of its log (ctr_inspect, ctr_logs).
 */
#include "ui/tui/tui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/units.h"
#include "ctr/ctr.h"
#include "vm/vm.h"

#define LOG_TAIL 6

static void __attribute__((format(printf, 2, 3))) fact(struct tui_facts *f, const char *fmt, ...)
{
    if (f->n >= TUI_FACT_LINES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->lines[f->n++], TUI_FACT_LEN, fmt, ap);
    va_end(ap);
}

static void
facts_vm(struct provider *p, struct tui_facts *f)
{
    struct vm_provider *vp = vm_provider_get(p);
    struct vm_info info;
    cleanup_err struct err *e = NULL;
    memset(&info, 0, sizeof(info));
    if (!vp || vm_info_get(vp, f->id, &info, &e) < 0) {
        fact(f, "details unavailable: %s", e ? err_msg(e) : "not a libvirt domain");
        return;
    }
    fact(f, "type %s/%s   vCPUs %u of %u   autostart %s   persistent %s   snapshots %zu",
         info.virt_type ? info.virt_type : "-", info.os_type ? info.os_type : "-", info.vcpus,
         info.max_vcpus, info.autostart ? "yes" : "no", info.persistent ? "yes" : "no",
         info.n_snapshots);
    for (size_t i = 0; i < info.n_disks; i++)
        fact(f, "%s %s: %s", info.disks[i].device ? info.disks[i].device : "disk",
             info.disks[i].target ? info.disks[i].target : "?",
             info.disks[i].source ? info.disks[i].source : "(empty)");
    for (size_t i = 0; i < info.n_networks; i++)
        fact(f, "network: %s", info.networks[i] ? info.networks[i] : "?");
    if (info.n_disks == 0)
        fact(f, "no disks");
    if (info.console_pty)
        fact(f, "serial console %s", info.console_pty);
    vm_info_done(&info);
}

/* One limit as a person reads it: "64M", "0.5", "2048", or "unlimited" (null). */
static void
facts_limit_value(const char *key, json_object *v, char *buf, size_t len)
{
    if (!v) {
        snprintf(buf, len, "unlimited");
    } else if (strstr(key, "bytes") && json_object_is_type(v, json_type_int)) {
        int64_t b = json_object_get_int64(v);
        units_format_size(b < 0 ? 0 : (uint64_t)b, buf, len);
    } else if (json_object_is_type(v, json_type_double)) {
        snprintf(buf, len, "%g", json_object_get_double(v));
    } else {
        snprintf(buf, len, "%s", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
    }
}

/* The inspect document's limits as "memory 64M, cpus 0.5, pids 2048" (a null is "unlimited";
 * a key's "_bytes" suffix is dropped), not as raw JSON. */
static void
facts_limits(json_object *lim, char *out, size_t len)
{
    size_t o = 0;
    out[0] = '\0';
    if (!lim || !json_object_is_type(lim, json_type_object)) {
        snprintf(out, len, "none");
        return;
    }
    json_object_object_foreach(lim, key, val)
    {
        char name[64], v[64];
        snprintf(name, sizeof(name), "%s", key);
        char *suffix = strstr(name, "_bytes");
        if (suffix && suffix[6] == '\0')
            *suffix = '\0';
        facts_limit_value(key, val, v, sizeof(v));
        if (o < len)
            o += (size_t)snprintf(out + o, len - o, "%s%s %s", o ? ", " : "", name, v);
    }
    if (!out[0])
        snprintf(out, len, "none");
}

static void
facts_ctr_inspect(struct tui_facts *f)
{
    cleanup_free char *text = NULL;
    cleanup_err struct err *e = NULL;
    if (ctr_inspect(f->id, &text, &e) < 0) {
        fact(f, "details unavailable: %s", err_msg(e));
        return;
    }
    cleanup_json json_object *o = jsonx_parse(text, strlen(text), "inspect", &e);
    if (!o)
        return;
    const char *rootfs = "-";
    int64_t code = -1;
    bool oom = false;
    jsonx_get_str(o, "rootfs", &rootfs);
    jsonx_get_int64(o, "exit_code", &code);
    jsonx_get_bool(o, "oom_killed", &oom);
    fact(f, "rootfs %s", rootfs);
    char lims[TUI_FACT_LEN];
    facts_limits(jsonx_get_obj(o, "limits"), lims, sizeof(lims));
    fact(f, "limits %s", lims);
    if (code >= 0)
        fact(f, "last exit %lld%s", (long long)code, oom ? " (OOM-killed)" : "");
    else if (oom)
        fact(f, "OOM-killed");
}

/* The last lines of the container's log, through a memfd. */
static void
facts_ctr_log(struct tui_facts *f)
{
    cleanup_close int fd = memfd_create("berth-log-tail", MFD_CLOEXEC);
    cleanup_err struct err *e = NULL;
    if (fd < 0 || ctr_logs(f->id, LOG_TAIL, false, fd, &e) < 0)
        return;
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n <= 0) {
        fact(f, "log: (no output yet)");
        return;
    }
    buf[n] = '\0';
    fact(f, "log (last %d lines):", LOG_TAIL);
    char *save = NULL;
    for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        fact(f, "  %s", l);
}

void
tui_facts_fetch(struct app *app, struct tui_facts *f)
{
    f->n = 0;
    struct inst probe = {.kind = f->kind, .source = f->source, .id = f->id};
    struct provider *p = app_provider_for(app, &probe);
    if (!p)
        return;
    if (f->kind == INST_KIND_VM) {
        facts_vm(p, f);
        return;
    }
    facts_ctr_inspect(f);
    facts_ctr_log(f);
}
