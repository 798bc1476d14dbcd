/* SPDX-License-Identifier: MIT */
/* The parts of src/ctr/net/ that only its own files call: files, netlink, nftables. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ctr/net/net.h"

/* ---- store.c: $lib/networks/NAME.json, $run/networks/NAME.leases, one lock for both ---- */
struct net_def {
    char name[NET_NAME_MAX + 1];
    char bridge[16];
    struct net_cidr subnet;
    uint32_t gateway;
};
struct net_lease {
    uint32_t ip;
    char ctr[65];
    pid_t mon, pid; /* the monitor and the init: the lease lives while either does */
    uint64_t mon_start, pid_start;
    struct net_port ports[NET_PORTS_MAX];
    size_t n_ports;
};
struct net_leases {
    struct net_lease *v;
    size_t n;
};
/* The exclusive lock of every network of this state root (blocks); the fd. */
int netst_lock(struct err **err);
/* Missing: -2 with err "no such network". */
int netst_load(const char *name, struct net_def *d, struct err **err);
int netst_save(const struct net_def *d, struct err **err);
int netst_delete(const char *name, struct err **err);
/* Names of the defined networks, sorted; *names malloc'd (each too). */
int netst_names(char ***names, size_t *n, struct err **err);
void netst_names_free(char **names, size_t n);
int netst_leases_load(const char *net, struct net_leases *l, struct err **err);
int netst_leases_save(const char *net, const struct net_leases *l, struct err **err);
void netst_leases_done(struct net_leases *l);
bool netst_lease_live(const struct net_lease *l);
/* Interface names of this state root: the bridge of a network, the host end of a container's
 * veth ("berth0" for the default network of the default root, else hashed names). */
void netst_bridge_name(const char *net, char *buf, size_t len);
void netst_veth_name(const char *ctr, char *buf, size_t len);
/* berth's nftables table of this state root ("berth", or "berth_<hash>" under $BERTH_ROOT). */
const char *netst_table(void);

/* ---- link.c: netlink (libnl-route-3) ---- */
struct nl_sock;
struct nl_sock *netlink_open(struct err **err);
void netlink_close(struct nl_sock *sk);
/* The bridge with gw/prefix, up, route_localnet on; *created when it was made now. */
int netlink_bridge_ensure(struct nl_sock *sk, const struct net_def *d, bool *created,
                          struct err **err);
/* Delete a link by name; 0 also when there is none. */
int netlink_link_del(struct nl_sock *sk, const char *ifname, struct err **err);
/* A veth pair: host end (on bridge, up), the other end "eth0" in the netns of pid. */
int netlink_veth_add(struct nl_sock *sk, const char *host, const char *bridge, pid_t pid,
                     struct err **err);
/* Inside the netns of pid: eth0 gets ip/prefix, lo and eth0 go up, default route via gw. */
int netlink_ctr_configure(pid_t pid, uint32_t ip, unsigned prefix, uint32_t gw, struct err **err);

/* ---- nft.c: berth's table (libnftables), one transaction per call ---- */
/* The table, its chains and maps, a masquerade per network in defs; idempotent. */
int nft_sync(const struct net_def *defs, size_t n, struct err **err);
/* Delete the table (no network left). */
int nft_drop(struct err **err);
/* Add (add = true) or delete the port map elements of lease l. Deleting ignores missing ones. */
int nft_ports(const struct net_lease *l, bool add, struct err **err);

/* ---- net.c ---- */
/* The live leases of net into *l (dead ones dropped, their ports unpublished). Under the lock. */
int net_reconcile(const char *net, struct net_leases *l, struct err **err);
/* The network ready for a container: defined (NET_DEFAULT on first use), its bridge up (remade
 * after a reboot, with its NAT). Under the lock. */
int net_ensure(const char *name, struct net_def *d, struct nl_sock *sk, struct err **err);
