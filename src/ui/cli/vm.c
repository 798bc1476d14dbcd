/* SPDX-License-Identifier: MIT */
/* `berth vm ...`: libvirt VMs from the command line (argument handling and output). */
#include "ui/frontends.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/units.h"
#include "ui/cli/cli.h"
#include "ui/rawterm.h"
#include "vm/global.h"
#include "vm/vm.h"

#define FALLBACK_URI "test:///default"
#define XML_MAX_BYTES (1u << 20)
#define CONSOLE_LINGER_MS 1000

/* The connections of one command. */
struct vmcli {
    struct provider p[APP_MAX_URIS];
    size_t n;
    enum out_format format;
    const char *cmd;            /* "start", ... for messages */
    const struct app_opts *app; /* for a command that connects after parsing its options */
};

static void
vm_usage(FILE *f)
{
    fprintf(f,
            "usage: berth [-c URI]... vm COMMAND [ARGS]\n"
            "  ls [--format table|json]            domains and connection states\n"
            "  info NAME [--format table|json]     one domain in detail\n"
            "  start|reboot|destroy|suspend|resume NAME\n"
            "  shutdown NAME [-t SECS]             ACPI shutdown; force off after SECS\n"
            "  rm NAME [--remove-storage]          undefine (disk images kept unless asked)\n"
            "  autostart NAME on|off\n"
            "  create NAME --memory SIZE [--vcpus N] (--disk PATH | --disk-size SIZE [--pool P]\n"
            "         | --iso PATH | --kernel K [--initrd I] [--cmdline C])\n"
            "         [--image FILE [--disk-size SIZE] [--cloud-init] [--ssh-key FILE]\n"
            "          [--user-data FILE] [--hostname H]]  a cloud image: overlay + seed\n"
            "         [--network NAME|none] [--graphics none|vnc] [--machine q35|pc]\n"
            "         [--virt-type kvm|qemu] [--cpu host-passthrough|host-model|MODEL]\n"
            "  create --xml FILE                   define from domain XML\n"
            "  snapshot ls|create|revert|rm NAME [SNAP]\n"
            "  console NAME                        serial console; Ctrl-] detaches\n"
            "Default connection: $LIBVIRT_DEFAULT_URI, else qemu:///system.\n"
            "See docs/VMS.md.\n");
}

/* Every usage error of `berth vm` (exit status 2). */
#define vm_bad_usage(...) cli_usage_error(&cli_front_vm, __VA_ARGS__)

/* "berth: vm start 'x': domain not found"; exit status 1. */
static int
vm_fail(const struct vmcli *v, const char *dom, const struct err *e)
{
    if (dom)
        fprintf(stderr, "berth: vm %s '%s': %s\n", v->cmd, dom, err_msg(e));
    else
        fprintf(stderr, "berth: vm %s: %s\n", v->cmd, err_msg(e));
    return 1;
}

/* ---- connections ---- */

static int
vmcli_add(struct vmcli *v, const char *uri, struct err **err)
{
    if (vm_provider_new(uri, &v->p[v->n], err) < 0)
        return -1;
    v->n++;
    return 0;
}

static int
vmcli_open(struct vmcli *v, const struct app_opts *o, struct err **err)
{
    for (size_t i = 0; i < o->n_uris; i++) {
        if (vmcli_add(v, o->uris[i], err) < 0)
            return -1;
    }
    if (o->n_uris)
        return 0;
    const char *env = getenv("LIBVIRT_DEFAULT_URI");
    const char *uri = env && *env ? env : "qemu:///system";
    cleanup_err struct err *pe = NULL;
    if (vm_global_init(&pe) < 0) /* no libvirt on this host: -c would not help */
        return err_set(err, 0, "%s: VM commands need libvirt (containers: berth ctr)", err_msg(pe));
    if (vm_uri_probe(uri, vm_timeout_ms(), &pe) == 0)
        return vmcli_add(v, uri, err);
    /* No fallback to the test driver here: its VMs are not the host's (the dashboard only). */
    return err_set(err, pe ? pe->code : 0,
                   "cannot reach %s (%s); give -c URI (%s is libvirt's "
                   "test hypervisor)",
                   uri, err_msg(pe), FALLBACK_URI);
}

static void
vmcli_close(struct vmcli *v)
{
    for (size_t i = 0; i < v->n; i++)
        v->p[i].ops->close(v->p[i].self);
    v->n = 0;
}

static int
connect_ms(void)
{
    int t = vm_timeout_ms();
    return t < 5000 ? 5000 : t;
}

/* Run fn on the connection that has dom: the first where it is not "domain not found". */
typedef int (*dom_fn)(struct vm_provider *vp, const char *dom, void *data, struct err **err);

static int
vmcli_on_dom(struct vmcli *v, const char *dom, dom_fn fn, void *data)
{
    cleanup_err struct err *e = NULL;
    for (size_t i = 0; i < v->n; i++) {
        struct vm_provider *vp = vm_provider_get(&v->p[i]);
        err_freep(&e);
        if (vm_wait_connected(vp, connect_ms(), &e) < 0)
            continue;
        if (fn(vp, dom, data, &e) == 0)
            return 0;
        if (strcmp(err_msg(e), "domain not found") != 0)
            break;
    }
    return vm_fail(v, dom, e);
}

/* ---- ls ---- */

static json_object *
jnum(uint64_t v)
{
    return v == INST_UNKNOWN ? NULL : json_object_new_int64((int64_t)v);
}

static json_object *
jstr(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static void
json_print(json_object *o)
{
    puts(
        json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(o);
}

static json_object *
ls_json_inst(const struct inst *in)
{
    json_object *o = json_object_new_object();
    /* kind, source, id: the names batch and `ctr ls` use; uuid and connection are kept for
     * scripts written before (docs/BATCH.md, "One vocabulary"). */
    json_object_object_add(o, "kind", jstr("vm"));
    json_object_object_add(o, "source", jstr(in->source));
    json_object_object_add(o, "id", jstr(in->id));
    json_object_object_add(o, "name", jstr(in->name));
    json_object_object_add(o, "uuid", jstr(in->id));
    json_object_object_add(o, "connection", jstr(in->source));
    json_object_object_add(o, "state", jstr(inst_state_name(in->state)));
    json_object_object_add(o, "state_reason", jstr(in->state_reason));
    json_object_object_add(o, "vcpus", jnum(in->vcpus));
    json_object_object_add(o, "cpu_ns", jnum(in->cpu_ns));
    json_object_object_add(o, "mem_bytes", jnum(in->mem_bytes));
    json_object_object_add(o, "mem_limit_bytes", jnum(in->mem_limit_bytes));
    json_object_object_add(o, "block_read_bytes", jnum(in->blk_read_bytes));
    json_object_object_add(o, "block_write_bytes", jnum(in->blk_write_bytes));
    json_object_object_add(o, "net_rx_bytes", jnum(in->net_rx_bytes));
    json_object_object_add(o, "net_tx_bytes", jnum(in->net_tx_bytes));
    return o;
}

static void
ls_json(const struct conn_info *ci, size_t nc, const struct inst_list *l)
{
    json_object *root = json_object_new_object(), *conns = json_object_new_array();
    for (size_t i = 0; i < nc; i++) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "uri", jstr(ci[i].uri));
        json_object_object_add(c, "state", jstr(conn_state_name(ci[i].state)));
        json_object_object_add(c, "reason", ci[i].reason[0] ? jstr(ci[i].reason) : NULL);
        json_object_array_add(conns, c);
    }
    json_object *doms = json_object_new_array();
    for (size_t i = 0; i < l->n; i++)
        json_object_array_add(doms, ls_json_inst(&l->v[i]));
    json_object_object_add(root, "connections", conns);
    json_object_object_add(root, "domains", doms);
    json_print(root);
}

static int
name_width(const struct inst_list *l)
{
    int w = 4;
    for (size_t i = 0; i < l->n; i++) {
        int n = (int)strlen(l->v[i].name);
        w = n > w ? n : w;
    }
    return w > 40 ? 40 : w;
}

static void
ls_table(const struct conn_info *ci, size_t nc, const struct inst_list *l)
{
    for (size_t i = 0; i < nc; i++)
        printf("connection %s: %s%s%s\n", ci[i].uri, conn_state_name(ci[i].state),
               ci[i].reason[0] ? ": " : "", ci[i].reason);
    int w = name_width(l);
    printf("%-*s  %-8s  %-14s  %5s  %7s  %7s  %s\n", w, "NAME", "STATE", "REASON", "VCPUS", "MEM",
           "MAX-MEM", "CONNECTION");
    for (size_t i = 0; i < l->n; i++) {
        const struct inst *in = &l->v[i];
        char vc[24] = "-", mem[16], max[16];
        if (in->vcpus != INST_UNKNOWN)
            snprintf(vc, sizeof(vc), "%llu", (unsigned long long)in->vcpus);
        printf("%-*s  %-8s  %-14s  %5s  %7s  %7s  %s\n", w, in->name, inst_state_name(in->state),
               in->state_reason ? in->state_reason : "-", vc,
               units_format_size(in->mem_bytes, mem, sizeof(mem)),
               units_format_size(in->mem_limit_bytes, max, sizeof(max)), in->source);
    }
}

static int
cmd_ls(struct vmcli *v)
{
    struct inst_list l;
    inst_list_init(&l);
    struct conn_info ci[APP_MAX_URIS];
    size_t nc = 0;
    for (size_t i = 0; i < v->n; i++) { /* all out at once: hung connections wait side by side */
        if (v->p[i].ops->sample_start)
            v->p[i].ops->sample_start(v->p[i].self);
    }
    for (size_t i = 0; i < v->n; i++) {
        cleanup_err struct err *e = NULL; /* sample waits (bounded) for a first connection */
        v->p[i].ops->sample(v->p[i].self, &l, &e);
        nc += v->p[i].ops->conns(v->p[i].self, ci + nc, ARRAY_SIZE(ci) - nc);
    }
    if (v->format == OUT_FORMAT_JSON)
        ls_json(ci, nc, &l);
    else
        ls_table(ci, nc, &l);
    inst_list_done(&l);
    int bad = 0;
    for (size_t i = 0; i < nc; i++)
        bad += ci[i].state != CONN_STATE_CONNECTED || ci[i].reason[0];
    return bad == (int)nc && nc > 0 ? 1 : 0; /* no connection usable at all: fail */
}

/* ---- info ---- */

static void
info_json(const struct vm_info *in, const char *uri)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "kind", jstr("vm"));
    json_object_object_add(o, "source", jstr(uri));
    json_object_object_add(o, "id", jstr(in->uuid));
    json_object_object_add(o, "name", jstr(in->name));
    json_object_object_add(o, "uuid", jstr(in->uuid));
    json_object_object_add(o, "connection", jstr(uri));
    json_object_object_add(o, "state", jstr(inst_state_name(in->state)));
    json_object_object_add(o, "state_reason", jstr(in->state_reason));
    json_object_object_add(o, "virt_type", jstr(in->virt_type));
    json_object_object_add(o, "os_type", jstr(in->os_type));
    json_object_object_add(o, "vcpus", json_object_new_int64(in->vcpus));
    json_object_object_add(o, "max_vcpus", json_object_new_int64(in->max_vcpus));
    json_object_object_add(o, "mem_bytes", jnum(in->mem_bytes));
    json_object_object_add(o, "max_mem_bytes", jnum(in->max_mem_bytes));
    json_object_object_add(o, "mem_limit_bytes", jnum(in->max_mem_bytes));
    json_object_object_add(o, "cpu_ns", jnum(in->cpu_ns));
    json_object_object_add(o, "persistent", json_object_new_boolean(in->persistent));
    json_object_object_add(o, "autostart", json_object_new_boolean(in->autostart));
    json_object_object_add(
        o, "managed_save",
        in->has_managed_save < 0 ? NULL : json_object_new_boolean(in->has_managed_save));
    json_object_object_add(o, "snapshots", json_object_new_int64((int64_t)in->n_snapshots));
    json_object *disks = json_object_new_array();
    for (size_t i = 0; i < in->n_disks; i++) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "target", jstr(in->disks[i].target));
        json_object_object_add(d, "device", jstr(in->disks[i].device));
        json_object_object_add(d, "source", jstr(in->disks[i].source));
        json_object_array_add(disks, d);
    }
    json_object_object_add(o, "disks", disks);
    json_object *nets = json_object_new_array();
    for (size_t i = 0; i < in->n_networks; i++)
        json_object_array_add(nets, jstr(in->networks[i]));
    json_object_object_add(o, "networks", nets);
    json_object_object_add(o, "console_pty", jstr(in->console_pty));
    json_object *addrs = json_object_new_array();
    for (const char *a = in->addresses; a && *a;) { /* "ADDR/PREFIX" separated by spaces */
        size_t n = strcspn(a, " ");
        json_object_array_add(addrs, json_object_new_string_len(a, (int)n));
        a += n + strspn(a + n, " ");
    }
    json_object_object_add(o, "addresses", addrs);
    json_print(o);
}

static void
info_table(const struct vm_info *in, const char *uri)
{
    char a[16], b[16];
    printf("Name:        %s\nUUID:        %s\nConnection:  %s\n", in->name, in->uuid, uri);
    printf("State:       %s%s%s%s\n", inst_state_name(in->state), in->state_reason ? " (" : "",
           in->state_reason ? in->state_reason : "", in->state_reason ? ")" : "");
    printf("Type:        %s (%s)\n", in->virt_type ? in->virt_type : "-",
           in->os_type ? in->os_type : "-");
    printf("vCPUs:       %u (max %u)\n", in->vcpus, in->max_vcpus);
    printf("Memory:      %s (max %s)\n", units_format_size(in->mem_bytes, a, sizeof(a)),
           units_format_size(in->max_mem_bytes, b, sizeof(b)));
    if (in->cpu_ns != INST_UNKNOWN)
        printf("CPU time:    %.1f s\n", (double)in->cpu_ns / 1e9);
    printf("Persistent:  %s\nAutostart:   %s\nSnapshots:   %zu\n", in->persistent ? "yes" : "no",
           in->autostart ? "on" : "off", in->n_snapshots);
    for (size_t i = 0; i < in->n_disks; i++)
        printf("Disk:        %s %s %s\n", in->disks[i].target ? in->disks[i].target : "-",
               in->disks[i].device ? in->disks[i].device : "disk",
               in->disks[i].source ? in->disks[i].source : "(empty)");
    for (size_t i = 0; i < in->n_networks; i++)
        printf("Network:     %s\n", in->networks[i]);
    if (in->console_pty)
        printf("Console:     %s\n", in->console_pty);
    if (in->addresses)
        printf("Addresses:   %s\n", in->addresses);
}

static int
do_info(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    const struct vmcli *v = data;
    struct vm_info in;
    if (vm_info_get(vp, dom, &in, err) < 0)
        return -1;
    if (v->format == OUT_FORMAT_JSON)
        info_json(&in, vm_provider_uri(vp));
    else
        info_table(&in, vm_provider_uri(vp));
    vm_info_done(&in);
    return 0;
}

/* ---- simple actions ---- */

static const struct {
    const char *cmd;
    enum inst_action action;
} simple_cmds[] = {
    {"start", INST_ACTION_START},   {"reboot", INST_ACTION_REBOOT}, {"destroy", INST_ACTION_KILL},
    {"suspend", INST_ACTION_PAUSE}, {"resume", INST_ACTION_RESUME},
};

static int
do_act(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    return vm_act(vp, dom, *(enum inst_action *)data, err);
}

struct shutdown_args {
    unsigned timeout_s;
    bool forced;
};

static int
do_shutdown(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    struct shutdown_args *a = data;
    return vm_shutdown_wait(vp, dom, a->timeout_s, &a->forced, err);
}

struct rm_args {
    bool storage;
    size_t removed;
};

static int
do_rm(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    struct rm_args *a = data;
    return vm_remove(vp, dom, a->storage, &a->removed, err);
}

static int
do_autostart(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    return vm_set_autostart(vp, dom, *(bool *)data, err);
}

/* ---- console ---- */

static int
do_console(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    (void)data;
    struct vm_console *con = NULL;
    if (vm_console_open(vp, dom, &con, err) < 0)
        return -1;
    fprintf(stderr, "Connected to the console of '%s' on %s (Ctrl-] detaches)\n", dom,
            vm_provider_uri(vp));
    ui_rawterm_enter();
    enum vm_console_end how = VM_CONSOLE_DETACHED;
    int rc = vm_console_pump(con, STDIN_FILENO, STDOUT_FILENO, CONSOLE_LINGER_MS, &how, err);
    ui_rawterm_leave();
    vm_console_close(con);
    if (rc == 0 && how == VM_CONSOLE_CLOSED)
        fprintf(stderr, "\r\nberth: the console of '%s' closed\n", dom);
    else if (rc == 0)
        fprintf(stderr, "\r\n");
    return rc;
}

/* ---- snapshots ---- */

static void
snap_print(const struct vmcli *v, const struct vm_snapshot *s, size_t n)
{
    if (v->format == OUT_FORMAT_JSON) {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < n; i++) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "name", jstr(s[i].name));
            json_object_object_add(o, "created",
                                   s[i].created < 0 ? NULL : json_object_new_int64(s[i].created));
            json_object_object_add(o, "state", jstr(s[i].state));
            json_object_object_add(o, "current", json_object_new_boolean(s[i].current));
            json_object_array_add(a, o);
        }
        json_print(a);
        return;
    }
    printf("%-24s  %-20s  %-10s  %s\n", "NAME", "CREATED", "STATE", "CURRENT");
    for (size_t i = 0; i < n; i++) {
        char when[32] = "-";
        time_t t = (time_t)s[i].created;
        struct tm tm;
        if (s[i].created >= 0 && gmtime_r(&t, &tm))
            strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%SZ", &tm);
        printf("%-24s  %-20s  %-10s  %s\n", s[i].name, when, s[i].state ? s[i].state : "-",
               s[i].current ? "yes" : "");
    }
}

struct snap_args {
    const char *sub;
    const char *snap;
    const struct vmcli *v;
};

static int
do_snapshot(struct vm_provider *vp, const char *dom, void *data, struct err **err)
{
    struct snap_args *a = data;
    if (strcmp(a->sub, "ls") == 0) {
        struct vm_snapshot *s = NULL;
        size_t n = 0;
        if (vm_snapshot_list(vp, dom, &s, &n, err) < 0)
            return -1;
        snap_print(a->v, s, n);
        vm_snapshot_list_free(s, n);
        return 0;
    }
    if (strcmp(a->sub, "create") == 0)
        return vm_snapshot_create(vp, dom, a->snap, err);
    if (strcmp(a->sub, "revert") == 0)
        return vm_snapshot_revert(vp, dom, a->snap, err);
    return vm_snapshot_delete(vp, dom, a->snap, err);
}

/* ---- create ---- */

enum {
    OPT_MEMORY = 256,
    OPT_VCPUS,
    OPT_DISK,
    OPT_DISK_SIZE,
    OPT_POOL,
    OPT_ISO,
    OPT_KERNEL,
    OPT_INITRD,
    OPT_CMDLINE,
    OPT_NETWORK,
    OPT_GRAPHICS,
    OPT_MACHINE,
    OPT_VIRT_TYPE,
    OPT_CPU,
    OPT_XML,
    OPT_IMAGE,
    OPT_CLOUD_INIT,
    OPT_SSH_KEY,
    OPT_USER_DATA,
    OPT_HOSTNAME,
};

static const struct option create_opts[] = {
    {"memory", required_argument, NULL, OPT_MEMORY},
    {"vcpus", required_argument, NULL, OPT_VCPUS},
    {"disk", required_argument, NULL, OPT_DISK},
    {"disk-size", required_argument, NULL, OPT_DISK_SIZE},
    {"pool", required_argument, NULL, OPT_POOL},
    {"iso", required_argument, NULL, OPT_ISO},
    {"kernel", required_argument, NULL, OPT_KERNEL},
    {"initrd", required_argument, NULL, OPT_INITRD},
    {"cmdline", required_argument, NULL, OPT_CMDLINE},
    {"network", required_argument, NULL, OPT_NETWORK},
    {"graphics", required_argument, NULL, OPT_GRAPHICS},
    {"machine", required_argument, NULL, OPT_MACHINE},
    {"virt-type", required_argument, NULL, OPT_VIRT_TYPE},
    {"cpu", required_argument, NULL, OPT_CPU},
    {"xml", required_argument, NULL, OPT_XML},
    {"image", required_argument, NULL, OPT_IMAGE},
    {"cloud-init", no_argument, NULL, OPT_CLOUD_INIT},
    {"ssh-key", required_argument, NULL, OPT_SSH_KEY},
    {"user-data", required_argument, NULL, OPT_USER_DATA},
    {"hostname", required_argument, NULL, OPT_HOSTNAME},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
create_enum(const char *opt, const char *val, const char *a, const char *b, int *out)
{
    if (strcmp(val, a) == 0 || strcmp(val, b) == 0) {
        *out = strcmp(val, a) == 0 ? 0 : 1;
        return 0;
    }
    return vm_bad_usage("%s '%s': use %s or %s", opt, val, a, b);
}

/* One create option into o; 0, or an exit status. */
static int
create_opt(int c, const char *arg, struct vm_create_opts *o, const char **xml)
{
    cleanup_err struct err *e = NULL;
    uint64_t n = 0;
    int k = 0;
    switch (c) {
    case OPT_MEMORY:
        return units_parse_size(arg, &o->mem_bytes, &e) < 0
                   ? vm_bad_usage("--memory: %s", err_msg(e))
                   : 0;
    case OPT_VCPUS:
        if (units_parse_u64(arg, 0, UINT32_MAX, "--vcpus", &n, &e) < 0)
            return vm_bad_usage("%s", err_msg(e));
        o->vcpus = (unsigned)n;
        return 0;
    case OPT_DISK_SIZE:
        return units_parse_size(arg, &o->disk_size_bytes, &e) < 0
                   ? vm_bad_usage("--disk-size: %s", err_msg(e))
                   : 0;
    case OPT_GRAPHICS:
        if (create_enum("--graphics", arg, "none", "vnc", &k) != 0)
            return 2;
        o->graphics = k ? VM_GRAPHICS_VNC : VM_GRAPHICS_NONE;
        return 0;
    case OPT_MACHINE:
        if (create_enum("--machine", arg, "q35", "pc", &k) != 0)
            return 2;
        o->machine = k ? VM_MACHINE_PC : VM_MACHINE_Q35;
        return 0;
    case OPT_VIRT_TYPE:
        if (create_enum("--virt-type", arg, "kvm", "qemu", &k) != 0)
            return 2;
        o->virt_type = k ? "qemu" : "kvm";
        return 0;
    case OPT_CPU:
        o->cpu = arg;
        return 0;
    case OPT_DISK:
        o->disk = arg;
        return 0;
    case OPT_POOL:
        o->pool = arg;
        return 0;
    case OPT_ISO:
        o->iso = arg;
        return 0;
    case OPT_KERNEL:
        o->kernel = arg;
        return 0;
    case OPT_INITRD:
        o->initrd = arg;
        return 0;
    case OPT_CMDLINE:
        o->cmdline = arg;
        return 0;
    case OPT_NETWORK:
        o->network = arg;
        return 0;
    case OPT_XML:
        *xml = arg;
        return 0;
    case OPT_IMAGE:
        o->image = arg;
        return 0;
    case OPT_CLOUD_INIT:
        o->cloud_init = true;
        return 0;
    case OPT_SSH_KEY:
        o->ssh_key = arg;
        return 0;
    case OPT_USER_DATA:
        o->user_data = arg;
        return 0;
    case OPT_HOSTNAME:
        o->hostname = arg;
        return 0;
    default:
        return 2;
    }
}

static int
cmd_create(struct vmcli *v, int argc, char **argv)
{
    struct vm_create_opts o;
    vm_create_opts_init(&o);
    const char *xml = NULL;
    int c, rc;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", create_opts, NULL)) != -1) {
        if (c == 'h') {
            vm_usage(stdout);
            return 0;
        }
        if (c == ':' || c == '?')
            return cli_opt_error(&cli_front_vm, "create", c, argv);
        if ((rc = create_opt(c, optarg, &o, &xml)) != 0)
            return rc;
    }
    int npos = argc - optind;
    if (xml && npos > 0)
        return vm_bad_usage("create --xml takes no NAME (the XML names the domain): '%s'",
                            argv[optind]);
    if (!xml && npos != 1)
        return vm_bad_usage("%s", npos ? "create: one NAME only" : "create needs a NAME");
    cleanup_err struct err *e = NULL;
    if (vmcli_open(v, v->app, &e) < 0) /* only now: a usage error needs no libvirt */
        return vm_fail(v, NULL, e);
    struct vm_provider *vp = vm_provider_get(&v->p[0]);
    if (vm_wait_connected(vp, connect_ms(), &e) < 0)
        return vm_fail(v, xml ? NULL : argv[optind], e);
    if (xml) {
        cleanup_free char *text = NULL, *name = NULL;
        if (fileio_read_all(xml, XML_MAX_BYTES, &text, NULL, &e) < 0 ||
            vm_define_xml(vp, text, &name, &e) < 0)
            return vm_fail(v, xml, e);
        printf("defined %s from %s\n", name, xml);
        return 0;
    }
    o.name = argv[optind];
    if (vm_create(vp, &o, &e) < 0)
        return vm_fail(v, o.name, e);
    printf("defined %s\n", o.name);
    return 0;
}

/* ---- dispatch ---- */

/* Options of a domain command: -t SECS, --remove-storage, --format. */
struct dom_opts {
    unsigned timeout_s;
    bool remove_storage;
};

static const struct option dom_long[] = {
    {"timeout", required_argument, NULL, 't'},
    {"remove-storage", no_argument, NULL, 'R'},
    {"format", required_argument, NULL, 'f'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int
dom_opts_parse(struct vmcli *v, int argc, char **argv, struct dom_opts *d)
{
    cleanup_err struct err *e = NULL;
    uint64_t n;
    int c;
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":t:f:h", dom_long, NULL)) != -1) {
        switch (c) {
        case 't':
            if (strcmp(v->cmd, "shutdown") != 0)
                return vm_bad_usage("-t is only for shutdown (in '%s')", v->cmd);
            if (units_parse_u64(optarg, 0, 86400, "timeout", &n, &e) < 0)
                return vm_bad_usage("%s", err_msg(e));
            d->timeout_s = (unsigned)n;
            break;
        case 'R':
            if (strcmp(v->cmd, "rm") != 0)
                return vm_bad_usage("--remove-storage is only for rm (in '%s')", v->cmd);
            d->remove_storage = true;
            break;
        case 'f':
            if (app_parse_format(optarg, &v->format, &e) < 0 || v->format == OUT_FORMAT_CSV)
                return vm_bad_usage("--format '%s': use table or json", optarg);
            break;
        case 'h':
            vm_usage(stdout);
            return 0;
        default:
            return cli_opt_error(&cli_front_vm, v->cmd, c, argv);
        }
    }
    return -1;
}

static int
need_args(const struct vmcli *v, char **pos, int have, int min, int max, const char *what)
{
    if (have >= min && have <= max)
        return -1;
    const char *extra = have > max ? pos[max] : "";
    if (have < min)
        return vm_bad_usage("%s: missing %s", v->cmd, what);
    return vm_bad_usage("%s: unexpected argument '%s' (expected %s)", v->cmd, extra, what);
}

static int
cmd_snapshot(struct vmcli *v, char **pos, int npos)
{
    static const char *const subs[] = {"ls", "create", "revert", "rm"};
    int rc = need_args(v, pos, npos, 2, 3, "snapshot ls|create|revert|rm NAME [SNAP]");
    if (rc >= 0)
        return rc;
    size_t i = 0;
    while (i < ARRAY_SIZE(subs) && strcmp(pos[0], subs[i]) != 0)
        i++;
    if (i == ARRAY_SIZE(subs))
        return vm_bad_usage("snapshot: unknown command '%s' (ls, create, revert, rm)", pos[0]);
    if ((i == 0) != (npos == 2))
        return vm_bad_usage(i == 0 ? "snapshot ls takes NAME only: '%s'"
                                   : "snapshot %s needs NAME and SNAP",
                            i == 0 ? pos[2] : subs[i]);
    struct snap_args a = {subs[i], npos == 3 ? pos[2] : NULL, v};
    return vmcli_on_dom(v, pos[1], do_snapshot, &a);
}

static int
cmd_act(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    (void)d;
    int rc = need_args(v, pos, npos, 1, 1, "NAME");
    if (rc >= 0)
        return rc;
    size_t i = 0;
    while (strcmp(v->cmd, simple_cmds[i].cmd) != 0) /* the table below names only these */
        i++;
    enum inst_action a = simple_cmds[i].action;
    return vmcli_on_dom(v, pos[0], do_act, &a);
}

static int
cmd_shutdown(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    int rc;
    if ((rc = need_args(v, pos, npos, 1, 1, "NAME")) >= 0)
        return rc;
    struct shutdown_args a = {d->timeout_s, false};
    rc = vmcli_on_dom(v, pos[0], do_shutdown, &a);
    if (rc == 0 && a.forced)
        fprintf(stderr, "berth: '%s' did not shut down within %u s; forced off\n", pos[0],
                d->timeout_s);
    return rc;
}

static int
cmd_rm(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    int rc;
    if ((rc = need_args(v, pos, npos, 1, 1, "NAME")) >= 0)
        return rc;
    struct rm_args a = {d->remove_storage, 0};
    rc = vmcli_on_dom(v, pos[0], do_rm, &a);
    if (rc == 0 && d->remove_storage)
        printf("removed %s and %zu disk image%s\n", pos[0], a.removed, a.removed == 1 ? "" : "s");
    return rc;
}

static int
cmd_autostart(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    (void)d;
    int rc;
    if ((rc = need_args(v, pos, npos, 2, 2, "NAME on|off")) >= 0)
        return rc;
    if (strcmp(pos[1], "on") != 0 && strcmp(pos[1], "off") != 0)
        return vm_bad_usage("autostart '%s': use on or off", pos[1]);
    bool on = strcmp(pos[1], "on") == 0;
    return vmcli_on_dom(v, pos[0], do_autostart, &on);
}

static int
cmd_info(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    (void)d;
    int rc = need_args(v, pos, npos, 1, 1, "NAME");
    return rc >= 0 ? rc : vmcli_on_dom(v, pos[0], do_info, v);
}

static int
cmd_console(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    (void)d;
    int rc = need_args(v, pos, npos, 1, 1, "NAME");
    return rc >= 0 ? rc : vmcli_on_dom(v, pos[0], do_console, NULL);
}

static int
cmd_snapshot_dom(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    (void)d;
    return cmd_snapshot(v, pos, npos);
}

static int
cmd_ls_dom(struct vmcli *v, char **pos, int npos, const struct dom_opts *d)
{
    (void)d;
    int rc = need_args(v, pos, npos, 0, 0, "no arguments");
    return rc >= 0 ? rc : cmd_ls(v);
}

static int
cmd_create_dom(struct vmcli *v, char **args, int nargs, const struct dom_opts *d)
{
    (void)d;
    return cmd_create(v, nargs, args);
}

/* `berth vm NAME ...`. A command with own_options parses its whole argument list (argv[0] its
 * name) and opens the connections itself, after its usage checks;
 * name); the others get the positional arguments left after the common options (dom_opts). */
static const struct vm_cmd {
    const char *name;
    int (*run)(struct vmcli *v, char **args, int nargs, const struct dom_opts *d);
    bool own_options;
} commands[] = {
    {"ls", cmd_ls_dom},
    {"info", cmd_info},
    {"start", cmd_act},
    {"reboot", cmd_act},
    {"destroy", cmd_act},
    {"suspend", cmd_act},
    {"resume", cmd_act},
    {"shutdown", cmd_shutdown},
    {"rm", cmd_rm},
    {"autostart", cmd_autostart},
    {"create", cmd_create_dom, true},
    {"snapshot", cmd_snapshot_dom},
    {"console", cmd_console},
};

int
cli_vm_main(const struct app_opts *o, int argc, char **argv)
{
    if (argc < 2)
        return vm_bad_usage("%s", "a command is needed (ls, info, start, ...)");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        vm_usage(stdout);
        return 0;
    }
    if (o->no_vms)
        return vm_bad_usage("%s", "--no-vms leaves no connection for 'vm' commands");
    const struct vm_cmd *c = NULL;
    for (size_t i = 0; i < ARRAY_SIZE(commands) && !c; i++)
        c = strcmp(commands[i].name, argv[1]) == 0 ? &commands[i] : NULL;
    if (!c)
        return vm_bad_usage("unknown command '%s'", argv[1]);
    struct vmcli v = {.format = o->format == OUT_FORMAT_JSON ? OUT_FORMAT_JSON : OUT_FORMAT_TABLE,
                      .cmd = c->name,
                      .app = o};
    int rc;
    struct dom_opts d = {0};
    if (!c->own_options && (rc = dom_opts_parse(&v, argc - 1, argv + 1, &d)) >= 0)
        return rc;
    cleanup_err struct err *e = NULL;
    if (!c->own_options && vmcli_open(&v, o, &e) < 0) {
        vmcli_close(&v);
        return vm_fail(&v, NULL, e);
    }
    if (c->own_options)
        rc = c->run(&v, argv + 1, argc - 1, &d);
    else
        rc = c->run(&v, argv + 1 + optind, argc - 1 - optind, &d);
    vmcli_close(&v);
    return rc;
}
