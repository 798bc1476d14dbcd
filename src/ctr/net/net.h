/* SPDX-License-Identifier: MIT */
/*
 * Container networks (src/ctr/net/): bridges, veth pairs, addresses (IPAM), NAT and published
 * ports. parse.c reads the user's words (CIDR, -p, --net) and calls nothing; store.c keeps the
 * network files and the leases under one lock; link.c speaks netlink (libnl-route-3); nft.c
 * keeps berth's nftables table (libnftables); attach.c is what the monitor calls. This header is
 * what the rest of berth sees (the monitor, spec.c's checks, ui/cli/net.c); docs/NETWORKS.md.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/err.h"

#define NET_NAME_MAX 32
#define NET_DEFAULT "berth0" /* the network of --net bridge */
#define NET_PORTS_MAX 64     /* published ports per container (a range counts its ports) */

/* ---- parse.c: pure parsers (no I/O), fuzzed ---- */
struct net_cidr {
    uint32_t addr; /* host order, the network's first address */
    unsigned prefix;
};
/* "10.1.2.0/24": prefix 8..30, no host bits set, not loopback/multicast/0.0.0.0. */
int net_cidr_parse(const char *s, struct net_cidr *out, struct err **err);
/* "a.b.c.d" (host order); 0 or -1 (no err: callers word their own message). */
int net_ip_parse(const char *s, uint32_t *out);
void net_ip_format(uint32_t ip, char *buf, size_t len);                /* >= 16 bytes */
void net_cidr_format(const struct net_cidr *c, char *buf, size_t len); /* >= 19 bytes */
bool net_cidr_overlap(const struct net_cidr *a, const struct net_cidr *b);

struct net_port {
    uint32_t host_ip;                    /* host order; 0 = every address of the host */
    uint16_t host_port, ctr_port, count; /* count >= 1: a range host_port..host_port+count-1 */
    uint8_t proto;                       /* IPPROTO_TCP or IPPROTO_UDP */
};
/* "[HOSTIP:]HOSTPORT[-END]:CTRPORT[-END][/tcp|udp]", ports 1..65535, ranges of equal length. */
int net_port_parse(const char *s, struct net_port *out, struct err **err);
/* The canonical form ("127.0.0.1:8080:80/tcp", "8080-8081:80-81/udp"). */
void net_port_format(const struct net_port *p, char *buf, size_t len); /* >= 48 bytes */
/* A network name: [a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}, not none/host/bridge/container:. */
int net_name_check(const char *name, struct err **err);

/* --net values: none, host, bridge (= NET_DEFAULT), container:NAME, or a network NAME. */
enum net_mode { NET_MODE_NONE, NET_MODE_HOST, NET_MODE_BRIDGE, NET_MODE_CONTAINER };
/* mode; *arg = the network (bridge) or the container (container:) name, else NULL. */
int net_mode_parse(const char *s, enum net_mode *mode, const char **arg, struct err **err);

/* IPAM: the lowest address of subnet that is not its network or broadcast address, not gw and
 * not in used[n]; -1 with err naming the subnet when it is full. */
int net_ipam_pick(const struct net_cidr *subnet, uint32_t gw, const uint32_t *used, size_t n,
                  uint32_t *ip, struct err **err);

/* ---- store.c: networks ---- */
struct net_info {
    char name[NET_NAME_MAX + 1];
    char bridge[16];
    struct net_cidr subnet;
    uint32_t gateway;
    size_t n_leases; /* live containers on it */
};
/* Define a network (bridge and NAT made at once); subnet NULL: a free /24 in 10.88-10.99. */
int net_create(const char *name, const char *subnet, struct err **err);
/* Remove a network no live container uses: its bridge, its NAT, its files (the table too when
 * it was the last). */
int net_remove(const char *name, struct err **err);
/* Remove every network no live container uses; *removed counts them. */
int net_prune(size_t *removed, struct err **err);
/* Every network, sorted by name, leases reconciled. *out malloc'd. */
int net_list(struct net_info **out, size_t *n, struct err **err);
/* JSON text (malloc'd): the network and its live leases. */
int net_inspect(const char *name, char **json, struct err **err);
/* The network exists (NET_DEFAULT always does: it is made on first use). */
bool net_exists(const char *name);

/* ---- attach.c: the monitor's side ---- */
/* What a container's network is, from its config.json annotations. */
struct net_ctr {
    enum net_mode mode;
    char net[NET_NAME_MAX + 1]; /* bridge mode: the network */
    char peer[80];              /* container mode: whose network namespace */
    struct net_port ports[NET_PORTS_MAX];
    size_t n_ports;
    /* Filled by net_ctr_attach: */
    uint32_t ip;
    char ports_text[256]; /* "8080->80/tcp, ..." for listings */
};
/* Read the annotations (org.berth.net, org.berth.ports) of a config.json object (json_object *).
 */
int net_ctr_from_config(void *cfg, struct net_ctr *nc, struct err **err);
/* Annotations for create: --net and -p given by the user, checked (unknown network, bad -p). */
int net_ctr_annotate(void *cfg, const char *net, const char *const *ports, size_t n_ports,
                     struct err **err);
/* container:NAME: join that container's network namespace (the calling process's). */
int net_ctr_join(const struct net_ctr *nc, struct err **err);
/* Bridge mode: lease an address, publish the ports, make the veth pair and configure eth0 in the
 * network namespace of pid; write hosts and resolv.conf into run_dfd. Undone on failure. */
int net_ctr_attach(const char *name, const char *hostname, struct net_ctr *nc, pid_t pid,
                   int run_dfd, struct err **err);
/* Undo attach: ports, lease, host veth. Harmless when nothing was attached. */
void net_ctr_detach(const char *name, const struct net_ctr *nc);
