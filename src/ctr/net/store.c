/* SPDX-License-Identifier: MIT */
/* Network files: definitions ($lib/networks/NAME.json), leases ($run/networks/NAME.leases), the
 * lock ($lib/networks/.lock), and the names berth gives to links and its nftables table. */
#include "ctr/net/net_impl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

#define NET_FILE_MAX (1024 * 1024)

static void
lib_path(char *buf, const char *leaf)
{
    ctr_fmt(buf, PATH_MAX, "%s/networks%s%s", ctr_lib_dir(), leaf ? "/" : "", leaf ? leaf : "");
}

static void
run_path(char *buf, const char *leaf)
{
    ctr_fmt(buf, PATH_MAX, "%s/networks%s%s", ctr_run_dir(), leaf ? "/" : "", leaf ? leaf : "");
}

int
netst_lock(struct err **err)
{
    char p[PATH_MAX];
    if (ctr_dirs_ensure(err) < 0)
        return -1;
    lib_path(p, NULL);
    if (fileio_mkdir_p(p, 0700, err) < 0)
        return -1;
    run_path(p, NULL);
    if (fileio_mkdir_p(p, 0700, err) < 0)
        return -1;
    lib_path(p, ".lock");
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return err_set(err, errno, "open '%s'", p);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            return err_set(err, e, "lock '%s'", p);
        }
    }
    return fd;
}

static uint32_t
fnv(const char *a, const char *b)
{
    uint32_t h = 2166136261u;
    for (const char *c = a; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    h = (h ^ '/') * 16777619u;
    for (const char *c = b; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    return h;
}

void
netst_bridge_name(const char *net, char *buf, size_t len)
{
    if (strcmp(ctr_cgroup_parent(), "berth") == 0 && strcmp(net, NET_DEFAULT) == 0)
        ctr_fmt(buf, len, "%s", NET_DEFAULT);
    else
        ctr_fmt(buf, len, "bb%08x", fnv(ctr_cgroup_parent(), net));
}

void
netst_veth_name(const char *ctr, char *buf, size_t len)
{
    ctr_fmt(buf, len, "bv%08x", fnv(ctr_cgroup_parent(), ctr));
}

const char *
netst_table(void)
{
    static char t[32];
    if (!t[0]) {
        ctr_fmt(t, sizeof(t), "%s", ctr_cgroup_parent());
        for (char *c = t; *c; c++)
            *c = *c == '-' ? '_' : *c;
    }
    return t;
}

int
netst_load(const char *name, struct net_def *d, struct err **err)
{
    char p[PATH_MAX], leaf[NET_NAME_MAX + 8];
    ctr_fmt(leaf, sizeof(leaf), "%s.json", name);
    lib_path(p, leaf);
    if (access(p, F_OK) < 0 && errno == ENOENT)
        return err_set(err, 0, "no such network '%s'", name), -2;
    cleanup_json json_object *o = jsonx_load_file(p, NET_FILE_MAX, err);
    if (!o)
        return -1;
    const char *sub = NULL, *gw = NULL, *br = NULL;
    memset(d, 0, sizeof(*d));
    if (!jsonx_get_str(o, "subnet", &sub) || !jsonx_get_str(o, "gateway", &gw) ||
        !jsonx_get_str(o, "bridge", &br) || net_cidr_parse(sub, &d->subnet, NULL) < 0 ||
        net_ip_parse(gw, &d->gateway) < 0 || strlen(br) >= sizeof(d->bridge))
        return err_set(err, 0, "network '%s': corrupt file '%s'", name, p);
    ctr_fmt(d->name, sizeof(d->name), "%s", name);
    ctr_fmt(d->bridge, sizeof(d->bridge), "%s", br);
    return 0;
}

int
netst_save(const struct net_def *d, struct err **err)
{
    char p[PATH_MAX], leaf[NET_NAME_MAX + 8], sub[24], gw[16];
    ctr_fmt(leaf, sizeof(leaf), "%s.json", d->name);
    lib_path(p, leaf);
    net_cidr_format(&d->subnet, sub, sizeof(sub));
    net_ip_format(d->gateway, gw, sizeof(gw));
    cleanup_json json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(d->name));
    json_object_object_add(o, "bridge", json_object_new_string(d->bridge));
    json_object_object_add(o, "subnet", json_object_new_string(sub));
    json_object_object_add(o, "gateway", json_object_new_string(gw));
    return jsonx_save_file(p, o, true, err);
}

int
netst_delete(const char *name, struct err **err)
{
    char p[PATH_MAX], leaf[NET_NAME_MAX + 12];
    ctr_fmt(leaf, sizeof(leaf), "%s.leases", name);
    run_path(p, leaf);
    unlink(p);
    ctr_fmt(leaf, sizeof(leaf), "%s.json", name);
    lib_path(p, leaf);
    if (unlink(p) < 0 && errno != ENOENT)
        return err_set(err, errno, "remove '%s'", p);
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
netst_names(char ***names, size_t *n, struct err **err)
{
    char p[PATH_MAX];
    lib_path(p, NULL);
    *names = NULL;
    *n = 0;
    cleanup_dir DIR *d = opendir(p);
    if (!d && errno == ENOENT)
        return 0;
    if (!d)
        return err_set(err, errno, "open '%s'", p);
    size_t cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            *names = xrealloc(*names, cap * sizeof(char *));
        }
        (*names)[(*n)++] = xstrndup(de->d_name, len - 5);
    }
    if (*n)
        qsort(*names, *n, sizeof(char *), cmp_str);
    return 0;
}

void
netst_names_free(char **names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

static int
lease_from_json(json_object *o, struct net_lease *l)
{
    const char *ip = NULL, *ctr = NULL;
    int64_t mon = 0, pid = 0, ms = 0, ps = 0;
    memset(l, 0, sizeof(*l));
    if (!jsonx_get_str(o, "ip", &ip) || net_ip_parse(ip, &l->ip) < 0 ||
        !jsonx_get_str(o, "container", &ctr) || strlen(ctr) >= sizeof(l->ctr))
        return -1;
    ctr_fmt(l->ctr, sizeof(l->ctr), "%s", ctr);
    jsonx_get_int64(o, "monitor_pid", &mon);
    jsonx_get_int64(o, "monitor_start", &ms);
    jsonx_get_int64(o, "pid", &pid);
    jsonx_get_int64(o, "pid_start", &ps);
    l->mon = (pid_t)mon;
    l->pid = (pid_t)pid;
    l->mon_start = (uint64_t)ms;
    l->pid_start = (uint64_t)ps;
    json_object *ports = jsonx_get_array(o, "ports");
    size_t np = ports ? json_object_array_length(ports) : 0;
    for (size_t i = 0; i < np && l->n_ports < NET_PORTS_MAX; i++) {
        const char *s = json_object_get_string(json_object_array_get_idx(ports, i));
        if (s && net_port_parse(s, &l->ports[l->n_ports], NULL) == 0)
            l->n_ports++;
    }
    return 0;
}

int
netst_leases_load(const char *net, struct net_leases *l, struct err **err)
{
    char p[PATH_MAX], leaf[NET_NAME_MAX + 12];
    ctr_fmt(leaf, sizeof(leaf), "%s.leases", net);
    run_path(p, leaf);
    l->v = NULL;
    l->n = 0;
    if (access(p, F_OK) < 0 && errno == ENOENT)
        return 0;
    cleanup_json json_object *o = jsonx_load_file(p, NET_FILE_MAX, err);
    if (!o)
        return -1;
    json_object *a = jsonx_get_array(o, "leases");
    size_t n = a ? json_object_array_length(a) : 0;
    l->v = xcalloc(n ? n : 1, sizeof(*l->v));
    for (size_t i = 0; i < n; i++) {
        if (lease_from_json(json_object_array_get_idx(a, i), &l->v[l->n]) == 0)
            l->n++;
    }
    return 0;
}

int
netst_leases_save(const char *net, const struct net_leases *l, struct err **err)
{
    char p[PATH_MAX], leaf[NET_NAME_MAX + 12], ip[16], port[48];
    ctr_fmt(leaf, sizeof(leaf), "%s.leases", net);
    run_path(p, leaf);
    cleanup_json json_object *o = json_object_new_object();
    json_object *a = json_object_new_array();
    json_object_object_add(o, "leases", a);
    for (size_t i = 0; i < l->n; i++) {
        const struct net_lease *e = &l->v[i];
        json_object *j = json_object_new_object();
        net_ip_format(e->ip, ip, sizeof(ip));
        json_object_object_add(j, "ip", json_object_new_string(ip));
        json_object_object_add(j, "container", json_object_new_string(e->ctr));
        json_object_object_add(j, "monitor_pid", json_object_new_int64(e->mon));
        json_object_object_add(j, "monitor_start", json_object_new_int64((int64_t)e->mon_start));
        json_object_object_add(j, "pid", json_object_new_int64(e->pid));
        json_object_object_add(j, "pid_start", json_object_new_int64((int64_t)e->pid_start));
        json_object *ports = json_object_new_array();
        for (size_t k = 0; k < e->n_ports; k++) {
            net_port_format(&e->ports[k], port, sizeof(port));
            json_object_array_add(ports, json_object_new_string(port));
        }
        json_object_object_add(j, "ports", ports);
        json_object_array_add(a, j);
    }
    return jsonx_save_file(p, o, true, err);
}

void
netst_leases_done(struct net_leases *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

bool
netst_lease_live(const struct net_lease *l)
{
    return (l->mon > 0 && l->mon_start && ctr_proc_starttime(l->mon) == l->mon_start) ||
           (l->pid > 0 && l->pid_start && ctr_proc_starttime(l->pid) == l->pid_start);
}
