/* SPDX-License-Identifier: MIT */
/*
 * libnl-route-3 and libnftables, loaded with dlopen on first use (dl.c), as src/vm/virt.c does
 * for libvirt: every berth command would otherwise map eight more libraries at exec (+20 ms per
 * command on a loaded machine, docs/BENCHMARKS.md) for the few that touch a network. Calls go
 * through the table: netdl.nl_connect(...). Private to src/ctr/net/.
 */
#pragma once

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <nftables/libnftables.h>

#include "common/err.h"

#define NETDL_NL(X)                                                                                \
    X(nl_socket_alloc)                                                                             \
    X(nl_connect)                                                                                  \
    X(nl_socket_free)                                                                              \
    X(nl_geterror)                                                                                 \
    X(nl_addr_parse)                                                                               \
    X(nl_addr_put)
#define NETDL_ROUTE(X)                                                                             \
    X(rtnl_link_get_kernel)                                                                        \
    X(rtnl_link_get_ifindex)                                                                       \
    X(rtnl_link_put)                                                                               \
    X(rtnl_link_alloc)                                                                             \
    X(rtnl_link_set_flags)                                                                         \
    X(rtnl_link_change)                                                                            \
    X(rtnl_link_set_name)                                                                          \
    X(rtnl_link_add)                                                                               \
    X(rtnl_link_delete)                                                                            \
    X(rtnl_link_set_master)                                                                        \
    X(rtnl_link_set_ns_pid)                                                                        \
    X(rtnl_link_bridge_alloc)                                                                      \
    X(rtnl_link_veth_alloc)                                                                        \
    X(rtnl_link_veth_get_peer)                                                                     \
    X(rtnl_link_veth_release)                                                                      \
    X(rtnl_addr_alloc)                                                                             \
    X(rtnl_addr_set_ifindex)                                                                       \
    X(rtnl_addr_set_local)                                                                         \
    X(rtnl_addr_add)                                                                               \
    X(rtnl_addr_put)                                                                               \
    X(rtnl_route_alloc)                                                                            \
    X(rtnl_route_set_family)                                                                       \
    X(rtnl_route_set_dst)                                                                          \
    X(rtnl_route_nh_alloc)                                                                         \
    X(rtnl_route_nh_set_ifindex)                                                                   \
    X(rtnl_route_nh_set_gateway)                                                                   \
    X(rtnl_route_add_nexthop)                                                                      \
    X(rtnl_route_add)                                                                              \
    X(rtnl_route_put)
#define NETDL_NFT(X)                                                                               \
    X(nft_ctx_new)                                                                                 \
    X(nft_ctx_buffer_output)                                                                       \
    X(nft_ctx_buffer_error)                                                                        \
    X(nft_run_cmd_from_buffer)                                                                     \
    X(nft_ctx_get_error_buffer)                                                                    \
    X(nft_ctx_free)

#define NETDL_FIELD(name) __typeof__(&name) name;
struct netdl {
    NETDL_NL(NETDL_FIELD)
    NETDL_ROUTE(NETDL_FIELD)
    NETDL_NFT(NETDL_FIELD)
};
#undef NETDL_FIELD
extern struct netdl netdl;

/* Load libnl-3 + libnl-route-3 / libnftables once; an error names the library and the package. */
int netdl_netlink(struct err **err);
int netdl_nft(struct err **err);
