/* SPDX-License-Identifier: MIT */
/* Links, addresses and routes through libnl-route-3: the bridge, the veth pair, eth0 inside. */
#include "ctr/net/net_impl.h"
#include "ctr/net/net_dl.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "ctr/store/store.h"

static int
nl_fail(struct err **err, int rc, const char *what, const char *name)
{
    return err_set(err, 0, "%s '%s': %s", what, name, netdl.nl_geterror(rc));
}

struct nl_sock *
netlink_open(struct err **err)
{
    if (netdl_netlink(err) < 0)
        return NULL;
    struct nl_sock *sk = netdl.nl_socket_alloc();
    if (!sk)
        return err_set(err, ENOMEM, "netlink socket"), NULL;
    int rc = netdl.nl_connect(sk, NETLINK_ROUTE);
    if (rc < 0) {
        netdl.nl_socket_free(sk);
        return err_set(err, 0, "netlink: %s", netdl.nl_geterror(rc)), NULL;
    }
    return sk;
}

void
netlink_close(struct nl_sock *sk)
{
    if (sk)
        netdl.nl_socket_free(sk);
}

static int
link_index(struct nl_sock *sk, const char *name)
{
    struct rtnl_link *l = NULL;
    if (netdl.rtnl_link_get_kernel(sk, 0, name, &l) < 0)
        return 0;
    int idx = netdl.rtnl_link_get_ifindex(l);
    netdl.rtnl_link_put(l);
    return idx;
}

static int
addr_add(struct nl_sock *sk, int idx, uint32_t ip, unsigned prefix, const char *ifname,
         struct err **err)
{
    char text[24], ipt[16];
    net_ip_format(ip, ipt, sizeof(ipt));
    ctr_fmt(text, sizeof(text), "%s/%u", ipt, prefix);
    struct nl_addr *local = NULL;
    int rc = netdl.nl_addr_parse(text, AF_INET, &local);
    if (rc < 0)
        return nl_fail(err, rc, "address", text);
    struct rtnl_addr *a = netdl.rtnl_addr_alloc();
    netdl.rtnl_addr_set_ifindex(a, idx);
    netdl.rtnl_addr_set_local(a, local);
    rc = netdl.rtnl_addr_add(sk, a, 0);
    netdl.rtnl_addr_put(a);
    netdl.nl_addr_put(local);
    if (rc < 0 && rc != -NLE_EXIST)
        return nl_fail(err, rc, "add an address to", ifname);
    return 0;
}

static int
link_up(struct nl_sock *sk, const char *name, struct err **err)
{
    struct rtnl_link *l = NULL;
    int rc = netdl.rtnl_link_get_kernel(sk, 0, name, &l);
    if (rc < 0)
        return nl_fail(err, rc, "find link", name);
    struct rtnl_link *ch = netdl.rtnl_link_alloc();
    netdl.rtnl_link_set_flags(ch, IFF_UP);
    rc = netdl.rtnl_link_change(sk, l, ch, 0);
    netdl.rtnl_link_put(ch);
    netdl.rtnl_link_put(l);
    if (rc < 0)
        return nl_fail(err, rc, "set up link", name);
    return 0;
}

/* 127.0.0.1 may leave through the bridge once DNAT'd (published ports reached on localhost). */
static void
route_localnet(const char *bridge)
{
    char p[96];
    ctr_fmt(p, sizeof(p), "/proc/sys/net/ipv4/conf/%s/route_localnet", bridge);
    cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
    if (fd >= 0 && write(fd, "1", 1) != 1) {
        /* published ports stay reachable on the host's other addresses */
    }
}

int
netlink_bridge_ensure(struct nl_sock *sk, const struct net_def *d, bool *created, struct err **err)
{
    *created = false;
    if (link_index(sk, d->bridge) > 0)
        return 0;
    struct rtnl_link *br = netdl.rtnl_link_bridge_alloc();
    netdl.rtnl_link_set_name(br, d->bridge);
    int rc = netdl.rtnl_link_add(sk, br, NLM_F_CREATE | NLM_F_EXCL);
    netdl.rtnl_link_put(br);
    if (rc < 0 && rc != -NLE_EXIST)
        return nl_fail(err, rc, "create bridge", d->bridge);
    int idx = link_index(sk, d->bridge);
    if (idx <= 0)
        return err_set(err, 0, "bridge '%s' vanished after its creation", d->bridge);
    *created = rc == 0;
    if (addr_add(sk, idx, d->gateway, d->subnet.prefix, d->bridge, err) < 0 ||
        link_up(sk, d->bridge, err) < 0)
        return -1;
    route_localnet(d->bridge);
    return 0;
}

int
netlink_link_del(struct nl_sock *sk, const char *ifname, struct err **err)
{
    struct rtnl_link *l = netdl.rtnl_link_alloc();
    netdl.rtnl_link_set_name(l, ifname);
    int rc = netdl.rtnl_link_delete(sk, l);
    netdl.rtnl_link_put(l);
    if (rc < 0 && rc != -NLE_NODEV && rc != -NLE_OBJ_NOTFOUND)
        return nl_fail(err, rc, "delete link", ifname);
    return 0;
}

int
netlink_veth_add(struct nl_sock *sk, const char *host, const char *bridge, pid_t pid,
                 struct err **err)
{
    int bidx = link_index(sk, bridge);
    if (bidx <= 0)
        return err_set(err, 0, "bridge '%s' is missing", bridge);
    /* A container restarted at once: its old pair may outlive the old network namespace. */
    netlink_link_del(sk, host, NULL);
    struct rtnl_link *veth = netdl.rtnl_link_veth_alloc();
    if (!veth)
        return err_set(err, ENOMEM, "veth");
    netdl.rtnl_link_set_name(veth, host);
    netdl.rtnl_link_set_master(veth, bidx);
    netdl.rtnl_link_set_flags(veth, IFF_UP);
    struct rtnl_link *peer = netdl.rtnl_link_veth_get_peer(veth);
    netdl.rtnl_link_set_name(peer, "eth0");
    netdl.rtnl_link_set_ns_pid(peer, pid);
    netdl.rtnl_link_put(peer);
    int rc = netdl.rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
    netdl.rtnl_link_veth_release(veth);
    if (rc < 0)
        return nl_fail(err, rc, "create veth pair", host);
    return 0;
}

static int
default_route(struct nl_sock *sk, int idx, uint32_t gw, struct err **err)
{
    char gwt[16];
    net_ip_format(gw, gwt, sizeof(gwt));
    struct nl_addr *dst = NULL, *via = NULL;
    if (netdl.nl_addr_parse("0.0.0.0/0", AF_INET, &dst) < 0 ||
        netdl.nl_addr_parse(gwt, AF_INET, &via) < 0) {
        netdl.nl_addr_put(dst);
        return err_set(err, 0, "route via '%s'", gwt);
    }
    struct rtnl_route *r = netdl.rtnl_route_alloc();
    netdl.rtnl_route_set_family(r, AF_INET);
    netdl.rtnl_route_set_dst(r, dst);
    struct rtnl_nexthop *nh = netdl.rtnl_route_nh_alloc();
    netdl.rtnl_route_nh_set_ifindex(nh, idx);
    netdl.rtnl_route_nh_set_gateway(nh, via);
    netdl.rtnl_route_add_nexthop(r, nh);
    int rc = netdl.rtnl_route_add(sk, r, NLM_F_CREATE);
    netdl.rtnl_route_put(r);
    netdl.nl_addr_put(dst);
    netdl.nl_addr_put(via);
    if (rc < 0 && rc != -NLE_EXIST)
        return nl_fail(err, rc, "default route via", gwt);
    return 0;
}

static int
configure_inside(uint32_t ip, unsigned prefix, uint32_t gw, struct err **err)
{
    struct nl_sock *sk = netlink_open(err);
    if (!sk)
        return -1;
    int idx = link_index(sk, "eth0"), rc = -1;
    if (idx <= 0)
        err_set(err, 0, "eth0 is missing in the container");
    else if (addr_add(sk, idx, ip, prefix, "eth0", err) == 0 && link_up(sk, "lo", err) == 0 &&
             link_up(sk, "eth0", err) == 0 && default_route(sk, idx, gw, err) == 0)
        rc = 0;
    netlink_close(sk);
    return rc;
}

int
netlink_ctr_configure(pid_t pid, uint32_t ip, unsigned prefix, uint32_t gw, struct err **err)
{
    char p[64];
    ctr_fmt(p, sizeof(p), "/proc/%d/ns/net", (int)pid);
    cleanup_close int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    cleanup_close int target = open(p, O_RDONLY | O_CLOEXEC);
    if (self < 0 || target < 0)
        return err_set(err, errno, "open the container's network namespace");
    if (setns(target, CLONE_NEWNET) < 0)
        return err_set(err, errno, "enter the container's network namespace");
    int rc = configure_inside(ip, prefix, gw, err);
    if (setns(self, CLONE_NEWNET) < 0)
        return err_set(err, errno, "return to the host's network namespace");
    return rc;
}
