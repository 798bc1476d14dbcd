/* SPDX-License-Identifier: MIT */
/*
 * berth's nftables table through libnftables, one transaction per call: NAT chains, a masquerade
 * per network, and two maps of published ports that the DNAT rules look up (a container's ports
 * are map elements: added and deleted without touching the rules).
 */
#include "ctr/net/net_impl.h"
#include "ctr/net/net_dl.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strbuf.h"
#include "ctr/store/store.h"

static int
nft_run(const char *cmds, struct err **err)
{
    if (netdl_nft(err) < 0)
        return -1;
    struct nft_ctx *ctx = netdl.nft_ctx_new(NFT_CTX_DEFAULT);
    if (!ctx)
        return err_set(err, ENOMEM, "nftables context");
    netdl.nft_ctx_buffer_output(ctx);
    netdl.nft_ctx_buffer_error(ctx);
    int rc = netdl.nft_run_cmd_from_buffer(ctx, cmds);
    if (rc != 0) {
        const char *e = netdl.nft_ctx_get_error_buffer(ctx);
        size_t len = e ? strcspn(e, "\n") : 0;
        err_set(err, 0, "nftables: %.*s", (int)len, e && len ? e : "the transaction failed");
    }
    netdl.nft_ctx_free(ctx);
    return rc != 0 ? -1 : 0;
}

/* Forwarding on: containers' traffic leaves through the host (masquerade). */
static void
ip_forward(void)
{
    cleanup_close int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
    if (fd >= 0 && write(fd, "1", 1) != 1) {
        /* containers reach the host and each other still */
    }
}

int
nft_sync(const struct net_def *defs, size_t n, struct err **err)
{
    const char *t = netst_table();
    struct strbuf b;
    strbuf_init(&b);
    strbuf_printf(&b,
                  "add table ip %s\n"
                  "add chain ip %s pre { type nat hook prerouting priority dstnat; }\n"
                  "add chain ip %s out { type nat hook output priority -100; }\n"
                  "add chain ip %s post { type nat hook postrouting priority srcnat; }\n"
                  "add map ip %s pany { type inet_proto . inet_service : "
                  "ipv4_addr . inet_service; }\n"
                  "add map ip %s pip { type ipv4_addr . inet_proto . inet_service : "
                  "ipv4_addr . inet_service; }\n"
                  "add chain ip %s isolate { type filter hook forward priority filter; }\n"
                  "flush chain ip %s pre\nflush chain ip %s out\nflush chain ip %s post\n"
                  "flush chain ip %s isolate\n",
                  t, t, t, t, t, t, t, t, t, t, t);
    static const char *const hooks[] = {"pre", "out"};
    for (size_t i = 0; i < 2; i++)
        strbuf_printf(&b,
                      "add rule ip %s %s fib daddr type local dnat ip to "
                      "ip daddr . meta l4proto . th dport map @pip\n"
                      "add rule ip %s %s fib daddr type local dnat ip to "
                      "meta l4proto . th dport map @pany\n",
                      t, hooks[i], t, hooks[i]);
    /* Networks are isolated: nothing is forwarded from one berth bridge to another. */
    struct strbuf all;
    strbuf_init(&all);
    for (size_t i = 0; i < n; i++)
        strbuf_printf(&all, "%s\"%s\"", i ? ", " : "", defs[i].bridge);
    for (size_t i = 0; n > 1 && i < n; i++)
        strbuf_printf(
            &b, "add rule ip %s isolate iifname \"%s\" oifname != \"%s\" oifname { %s } drop\n", t,
            defs[i].bridge, defs[i].bridge, strbuf_str(&all));
    strbuf_done(&all);
    for (size_t i = 0; i < n; i++) {
        char sub[24];
        net_cidr_format(&defs[i].subnet, sub, sizeof(sub));
        strbuf_printf(&b,
                      "add rule ip %s post ip saddr %s ip daddr != %s masquerade\n"
                      "add rule ip %s post oifname \"%s\" ip saddr 127.0.0.0/8 masquerade\n",
                      t, sub, sub, t, defs[i].bridge);
    }
    int rc = nft_run(strbuf_str(&b), err);
    strbuf_done(&b);
    if (rc == 0)
        ip_forward();
    return rc;
}

int
nft_drop(struct err **err)
{
    char cmd[64];
    ctr_fmt(cmd, sizeof(cmd), "delete table ip %s\n", netst_table());
    cleanup_err struct err *e = NULL;
    if (nft_run(cmd, &e) < 0 && !strstr(err_msg(e), "No such file"))
        return *err = steal_pointer(&e), -1;
    return 0;
}

static void
port_elements(struct strbuf *b, const char *verb, const struct net_lease *l)
{
    char cip[16], hip[16];
    net_ip_format(l->ip, cip, sizeof(cip));
    for (size_t i = 0; i < l->n_ports; i++) {
        const struct net_port *p = &l->ports[i];
        const char *proto = p->proto == IPPROTO_UDP ? "udp" : "tcp";
        net_ip_format(p->host_ip, hip, sizeof(hip));
        for (unsigned k = 0; k < p->count; k++) {
            if (p->host_ip)
                strbuf_printf(b, "%s element ip %s pip { %s . %s . %u : %s . %u }\n", verb,
                              netst_table(), hip, proto, p->host_port + k, cip, p->ctr_port + k);
            else
                strbuf_printf(b, "%s element ip %s pany { %s . %u : %s . %u }\n", verb,
                              netst_table(), proto, p->host_port + k, cip, p->ctr_port + k);
        }
    }
}

int
nft_ports(const struct net_lease *l, bool add, struct err **err)
{
    if (l->n_ports == 0)
        return 0;
    struct strbuf b;
    strbuf_init(&b);
    port_elements(&b, add ? "add" : "delete", l);
    int rc = nft_run(strbuf_str(&b), add ? err : NULL);
    if (rc < 0 && !add) {
        /* Some were gone already (a table flushed by hand): delete the others one by one. */
        cleanup_free char *s = strbuf_steal(&b);
        char *save = NULL;
        for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            nft_run(line, NULL);
        rc = 0;
    }
    strbuf_done(&b);
    return rc;
}
