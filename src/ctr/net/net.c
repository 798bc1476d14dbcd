/* SPDX-License-Identifier: MIT */
/* Networks as the user sees them: create, remove, prune, list, inspect; the lease reconcile and
 * the "make sure it is there" of a start. Every change holds the networks' lock (store.c). */
#include "ctr/net/net_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

int
net_reconcile(const char *net, struct net_leases *l, struct err **err)
{
    if (netst_leases_load(net, l, err) < 0)
        return -1;
    size_t live = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (netst_lease_live(&l->v[i]))
            l->v[live++] = l->v[i];
        else
            nft_ports(&l->v[i], false, NULL); /* a monitor killed before it cleaned up */
    }
    if (live == l->n)
        return 0;
    l->n = live;
    if (netst_leases_save(net, l, err) < 0) {
        netst_leases_done(l);
        return -1;
    }
    return 0;
}

/* Every network's definition (for the NAT rules). */
static int
load_all(struct net_def **out, size_t *n, struct err **err)
{
    char **names = NULL;
    size_t nn = 0;
    *out = NULL;
    *n = 0;
    if (netst_names(&names, &nn, err) < 0)
        return -1;
    *out = xcalloc(nn ? nn : 1, sizeof(**out));
    for (size_t i = 0; i < nn; i++) {
        if (netst_load(names[i], &(*out)[*n], NULL) == 0)
            (*n)++;
    }
    netst_names_free(names, nn);
    return 0;
}

static int
nat_sync(struct err **err)
{
    cleanup_free struct net_def *defs = NULL;
    size_t n = 0;
    if (load_all(&defs, &n, err) < 0)
        return -1;
    return n ? nft_sync(defs, n, err) : nft_drop(err);
}

/* A host route (other than the default) that overlaps c, into what; false when none. */
static bool
host_route_overlap(const struct net_cidr *c, char *what, size_t len)
{
    cleanup_file FILE *f = fopen("/proc/net/route", "re");
    char line[256], ifname[32];
    unsigned dst, gw, flags, refcnt, use, metric, mask;
    while (f && fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%31s %x %x %x %u %u %u %x", ifname, &dst, &gw, &flags, &refcnt, &use,
                   &metric, &mask) != 8 ||
            mask == 0)
            continue;
        struct net_cidr r = {__builtin_bswap32(dst), (unsigned)__builtin_popcount(mask)};
        if (net_cidr_overlap(c, &r)) {
            char t[24];
            net_cidr_format(&r, t, sizeof(t));
            ctr_fmt(what, len, "the host's route to %s (%s)", t, ifname);
            return true;
        }
    }
    return false;
}

static bool
subnet_taken(const struct net_cidr *c, const struct net_def *defs, size_t n, char *what, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        if (net_cidr_overlap(c, &defs[i].subnet)) {
            char t[24];
            net_cidr_format(&defs[i].subnet, t, sizeof(t));
            ctr_fmt(what, len, "network '%s' (%s)", defs[i].name, t);
            return true;
        }
    }
    return host_route_overlap(c, what, len);
}

static int
pick_subnet(const char *subnet, struct net_cidr *c, struct err **err)
{
    cleanup_free struct net_def *defs = NULL;
    size_t n = 0;
    char what[96];
    if (load_all(&defs, &n, err) < 0)
        return -1;
    if (subnet) {
        if (net_cidr_parse(subnet, c, err) < 0)
            return -1;
        if (subnet_taken(c, defs, n, what, sizeof(what)))
            return err_set(err, 0, "subnet '%s' overlaps %s", subnet, what);
        return 0;
    }
    for (uint32_t i = 88 << 8; i < 100 << 8; i++) {
        struct net_cidr t = {(10u << 24) | (i << 8), 24};
        if (!subnet_taken(&t, defs, n, what, sizeof(what))) {
            *c = t;
            return 0;
        }
    }
    return err_set(err, 0, "no free /24 subnet left in 10.88.0.0-10.99.255.0 (give --subnet)");
}

/* Define name, make its bridge and its NAT. Under the lock. */
static int
define(const char *name, const char *subnet, struct net_def *d, struct err **err)
{
    memset(d, 0, sizeof(*d));
    if (pick_subnet(subnet, &d->subnet, err) < 0)
        return -1;
    ctr_fmt(d->name, sizeof(d->name), "%s", name);
    netst_bridge_name(name, d->bridge, sizeof(d->bridge));
    d->gateway = d->subnet.addr + 1;
    if (netst_save(d, err) < 0)
        return -1;
    struct nl_sock *sk = netlink_open(err);
    bool created = false;
    int rc = sk ? netlink_bridge_ensure(sk, d, &created, err) : -1;
    if (rc == 0)
        rc = nat_sync(err);
    if (rc < 0) {
        if (sk)
            netlink_link_del(sk, d->bridge, NULL);
        netst_delete(name, NULL);
        nat_sync(NULL);
    }
    netlink_close(sk);
    return rc < 0 ? err_wrap(err, "network '%s'", name) : 0;
}

int
net_ensure(const char *name, struct net_def *d, struct nl_sock *sk, struct err **err)
{
    cleanup_err struct err *e = NULL;
    int rc = netst_load(name, d, &e);
    if (rc == -2 && strcmp(name, NET_DEFAULT) == 0)
        return define(name, NULL, d, err);
    if (rc < 0)
        return *err = steal_pointer(&e), -1;
    bool created = false;
    if (netlink_bridge_ensure(sk, d, &created, err) < 0)
        return err_wrap(err, "network '%s'", name);
    /* A bridge made now (after a reboot): its NAT too. */
    return created ? nat_sync(err) : 0;
}

int
net_create(const char *name, const char *subnet, struct err **err)
{
    if (net_name_check(name, err) < 0)
        return -1;
    struct net_cidr c;
    if (subnet && net_cidr_parse(subnet, &c, err) < 0)
        return -1;
    cleanup_close int lock = netst_lock(err);
    if (lock < 0)
        return -1;
    struct net_def d;
    if (netst_load(name, &d, NULL) == 0)
        return err_set(err, 0, "network '%s' already exists", name);
    return define(name, subnet, &d, err);
}

/* Remove a loaded network whose leases are all dead (under the lock); no NAT sync. */
static int
undefine(const struct net_def *d, struct err **err)
{
    struct net_leases l;
    if (net_reconcile(d->name, &l, err) < 0)
        return -1;
    if (l.n) {
        err_set(err, 0, "network '%s' is in use by container '%s'", d->name, l.v[0].ctr);
        netst_leases_done(&l);
        return -1;
    }
    netst_leases_done(&l);
    struct nl_sock *sk = netlink_open(err);
    if (!sk || netlink_link_del(sk, d->bridge, err) < 0) {
        netlink_close(sk);
        return -1;
    }
    netlink_close(sk);
    return netst_delete(d->name, err);
}

/* name checked, the lock taken (its fd) and name's definition loaded; -1 with err. */
static int
lock_one(const char *name, struct net_def *d, struct err **err)
{
    if (net_name_check(name, err) < 0)
        return -1;
    int lock = netst_lock(err);
    if (lock >= 0 && netst_load(name, d, err) < 0) {
        close(lock);
        return -1;
    }
    return lock;
}

int
net_remove(const char *name, struct err **err)
{
    struct net_def d;
    cleanup_close int lock = lock_one(name, &d, err);
    if (lock < 0 || undefine(&d, err) < 0)
        return -1;
    return nat_sync(err);
}

/* The lock taken (its fd) and every definition loaded; -1 with err. */
static int
lock_all(struct net_def **defs, size_t *n, struct err **err)
{
    int lock = netst_lock(err);
    if (lock >= 0 && load_all(defs, n, err) < 0) {
        close(lock);
        return -1;
    }
    return lock;
}

int
net_prune(size_t *removed, struct err **err)
{
    *removed = 0;
    cleanup_free struct net_def *defs = NULL;
    size_t n = 0;
    cleanup_close int lock = lock_all(&defs, &n, err);
    if (lock < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (undefine(&defs[i], NULL) == 0)
            (*removed)++;
    }
    return nat_sync(err);
}

int
net_list(struct net_info **out, size_t *n, struct err **err)
{
    *out = NULL;
    *n = 0;
    cleanup_free struct net_def *defs = NULL;
    size_t nd = 0;
    cleanup_close int lock = lock_all(&defs, &nd, err);
    if (lock < 0)
        return -1;
    *out = xcalloc(nd ? nd : 1, sizeof(**out));
    for (size_t i = 0; i < nd; i++) {
        struct net_info *ni = &(*out)[i];
        struct net_leases l = {0};
        net_reconcile(defs[i].name, &l, NULL);
        ctr_fmt(ni->name, sizeof(ni->name), "%s", defs[i].name);
        ctr_fmt(ni->bridge, sizeof(ni->bridge), "%s", defs[i].bridge);
        ni->subnet = defs[i].subnet;
        ni->gateway = defs[i].gateway;
        ni->n_leases = l.n;
        netst_leases_done(&l);
    }
    *n = nd;
    return 0;
}

int
net_inspect(const char *name, char **json, struct err **err)
{
    struct net_def d;
    struct net_leases l = {0};
    cleanup_close int lock = lock_one(name, &d, err);
    if (lock < 0 || net_reconcile(name, &l, err) < 0)
        return -1;
    char t[48];
    cleanup_json json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(d.name));
    json_object_object_add(o, "bridge", json_object_new_string(d.bridge));
    net_cidr_format(&d.subnet, t, sizeof(t));
    json_object_object_add(o, "subnet", json_object_new_string(t));
    net_ip_format(d.gateway, t, sizeof(t));
    json_object_object_add(o, "gateway", json_object_new_string(t));
    json_object *a = json_object_new_array();
    for (size_t i = 0; i < l.n; i++) {
        json_object *c = json_object_new_object();
        json_object_object_add(c, "name", json_object_new_string(l.v[i].ctr));
        net_ip_format(l.v[i].ip, t, sizeof(t));
        json_object_object_add(c, "ip", json_object_new_string(t));
        json_object *ports = json_object_new_array();
        for (size_t k = 0; k < l.v[i].n_ports; k++) {
            net_port_format(&l.v[i].ports[k], t, sizeof(t));
            json_object_array_add(ports, json_object_new_string(t));
        }
        json_object_object_add(c, "ports", ports);
        json_object_array_add(a, c);
    }
    json_object_object_add(o, "containers", a);
    netst_leases_done(&l);
    *json = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                          JSON_C_TO_STRING_NOSLASHESCAPE));
    return 0;
}

bool
net_exists(const char *name)
{
    struct net_def d;
    return strcmp(name, NET_DEFAULT) == 0 || netst_load(name, &d, NULL) == 0;
}
