/* SPDX-License-Identifier: MIT */
/*
 * A container's network, as its monitor sets it up and tears it down: the annotations written at
 * create (org.berth.net, org.berth.ports), the lease and the published ports (under the
 * networks' lock), the veth pair and eth0 (after it), /etc/hosts and /etc/resolv.conf.
 */
#include "ctr/net/net_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/strbuf.h"
#include "common/trace.h"
#include "common/xalloc.h"
#include "ctr/store/store.h"

#define ANN_NET "org.berth.net"
#define ANN_PORTS "org.berth.ports"

static int
mode_fill(const char *net, struct net_ctr *nc, struct err **err)
{
    const char *arg = NULL;
    if (net_mode_parse(net, &nc->mode, &arg, err) < 0)
        return -1;
    if (nc->mode == NET_MODE_BRIDGE)
        ctr_fmt(nc->net, sizeof(nc->net), "%s", arg);
    if (nc->mode == NET_MODE_CONTAINER)
        ctr_fmt(nc->peer, sizeof(nc->peer), "%s", arg);
    return 0;
}

/* Two published ports that would take the same host port. */
static bool
ports_clash(const struct net_port *a, const struct net_port *b)
{
    return a->proto == b->proto && (a->host_ip == b->host_ip || !a->host_ip || !b->host_ip) &&
           a->host_port < b->host_port + b->count && b->host_port < a->host_port + a->count;
}

static int
ports_fill(const char *const *ports, size_t n, struct net_ctr *nc, struct err **err)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) {
        if (nc->n_ports == NET_PORTS_MAX)
            return err_set(err, 0, "too many published ports (at most %d)", NET_PORTS_MAX);
        struct net_port *p = &nc->ports[nc->n_ports];
        if (net_port_parse(ports[i], p, err) < 0)
            return -1;
        total += p->count;
        if (total > NET_PORTS_MAX)
            return err_set(err, 0, "too many published ports (at most %d)", NET_PORTS_MAX);
        for (size_t k = 0; k < nc->n_ports; k++) {
            if (ports_clash(p, &nc->ports[k]))
                return err_set(err, 0, "port '%s' publishes a host port twice", ports[i]);
        }
        nc->n_ports++;
    }
    return 0;
}

int
net_ctr_from_config(void *cfg, struct net_ctr *nc, struct err **err)
{
    memset(nc, 0, sizeof(*nc));
    json_object *ann = jsonx_get_obj(cfg, "annotations");
    const char *net = NULL, *ports = NULL;
    if (!jsonx_get_str(ann, ANN_NET, &net))
        return 0; /* NET_MODE_NONE: whatever config.json says */
    if (mode_fill(net, nc, err) < 0)
        return -1;
    if (!jsonx_get_str(ann, ANN_PORTS, &ports) || !*ports)
        return 0;
    cleanup_free char *copy = xstrdup(ports);
    const char *v[NET_PORTS_MAX];
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, ",", &save); t && n < NET_PORTS_MAX;
         t = strtok_r(NULL, ",", &save))
        v[n++] = t;
    return ports_fill(v, n, nc, err);
}

/* container:NAME shares that container's namespace: none of its own in config.json. */
static void
drop_netns(json_object *cfg)
{
    json_object *a = jsonx_get_array(jsonx_get_obj(cfg, "linux"), "namespaces");
    for (size_t i = 0; a && i < json_object_array_length(a); i++) {
        const char *t;
        if (jsonx_get_str(json_object_array_get_idx(a, i), "type", &t) &&
            strcmp(t, "network") == 0) {
            json_object_array_del_idx(a, i, 1);
            return;
        }
    }
}

int
net_ctr_annotate(void *cfg, const char *net, const char *const *ports, size_t n_ports,
                 struct err **err)
{
    struct net_ctr nc;
    memset(&nc, 0, sizeof(nc));
    if (!net && n_ports == 0)
        return 0;
    if (mode_fill(net ? net : "none", &nc, err) < 0 || ports_fill(ports, n_ports, &nc, err) < 0)
        return -1;
    if (n_ports && nc.mode != NET_MODE_BRIDGE)
        return err_set(err, 0, "-p needs a network: --net bridge or --net NAME");
    if (nc.mode == NET_MODE_BRIDGE && geteuid() != 0)
        return err_set(err, 0,
                       "--net %s needs root (rootless networking is not supported yet: use --net "
                       "none or host)",
                       net);
    if (nc.mode == NET_MODE_BRIDGE && !net_exists(nc.net))
        return err_set(err, 0, "no such network '%s' (berth net create %s)", nc.net, nc.net);
    if (nc.mode == NET_MODE_CONTAINER && ctr_name_check(nc.peer, err) < 0)
        return -1;
    if (nc.mode == NET_MODE_CONTAINER)
        drop_netns(cfg);
    json_object *ann = jsonx_child_obj(cfg, "annotations");
    json_object_object_add(ann, ANN_NET, json_object_new_string(net ? net : "none"));
    struct strbuf b;
    strbuf_init(&b);
    for (size_t i = 0; i < nc.n_ports; i++) {
        char t[48];
        net_port_format(&nc.ports[i], t, sizeof(t));
        strbuf_printf(&b, "%s%s", i ? "," : "", t);
    }
    if (nc.n_ports)
        json_object_object_add(ann, ANN_PORTS, json_object_new_string(strbuf_str(&b)));
    strbuf_done(&b);
    return 0;
}

int
net_ctr_join(const struct net_ctr *nc, struct err **err)
{
    struct ctr_state st;
    if (ctr_state_load(nc->peer, &st, err) < 0)
        return -1;
    ctr_state_check_live(&st);
    if (st.status != CTR_STATUS_RUNNING && st.status != CTR_STATUS_PAUSED)
        return err_set(err, 0, "--net container:%s: that container is not running", nc->peer);
    char p[64];
    ctr_fmt(p, sizeof(p), "/proc/%d/ns/net", (int)st.pid);
    cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ctr_proc_starttime(st.pid) != st.pid_start)
        return err_set(err, errno, "--net container:%s: its network namespace is gone", nc->peer);
    if (setns(fd, CLONE_NEWNET) < 0)
        return err_set(err, errno, "--net container:%s: join its network namespace", nc->peer);
    return 0;
}

/* The host port is free on the host (nothing listens there): a bind test. */
static int
port_free(const struct net_port *p, struct err **err)
{
    for (unsigned k = 0; k < p->count; k++) {
        bool tcp = p->proto == IPPROTO_TCP;
        cleanup_close int fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
        struct sockaddr_in sa = {.sin_family = AF_INET,
                                 .sin_port = htons((uint16_t)(p->host_port + k)),
                                 .sin_addr.s_addr = htonl(p->host_ip)};
        if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EADDRINUSE)
            return err_set(err, 0, "host port %u/%s is already in use", p->host_port + k,
                           tcp ? "tcp" : "udp");
    }
    return 0;
}

static int
ports_check(const struct net_ctr *nc, const struct net_leases *l, struct err **err)
{
    for (size_t i = 0; i < nc->n_ports; i++) {
        for (size_t j = 0; j < l->n; j++) {
            for (size_t k = 0; k < l->v[j].n_ports; k++) {
                if (ports_clash(&nc->ports[i], &l->v[j].ports[k]))
                    return err_set(err, 0, "host port %u/%s is already published by container '%s'",
                                   nc->ports[i].host_port,
                                   nc->ports[i].proto == IPPROTO_UDP ? "udp" : "tcp", l->v[j].ctr);
            }
        }
        if (port_free(&nc->ports[i], err) < 0)
            return -1;
    }
    return 0;
}

static int
lease_pick(const struct net_def *d, const struct net_leases *l, uint32_t *ip, struct err **err)
{
    cleanup_free uint32_t *used = xcalloc(l->n + 1, sizeof(*used));
    for (size_t i = 0; i < l->n; i++)
        used[i] = l->v[i].ip;
    if (net_ipam_pick(&d->subnet, d->gateway, used, l->n, ip, err) < 0)
        return err_wrap(err, "network '%s'", d->name);
    return 0;
}

/* Under the lock: the network ready, the lease taken, the ports published; *d, *lease out. */
static int
lease_take(const char *name, struct net_ctr *nc, pid_t pid, struct nl_sock *sk, struct net_def *d,
           struct net_lease *lease, struct net_leases *peers, struct err **err)
{
    cleanup_close int lock = netst_lock(err);
    if (lock < 0 || net_ensure(nc->net, d, sk, err) < 0 || net_reconcile(nc->net, peers, err) < 0)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < peers->n; i++) {
        if (strcmp(peers->v[i].ctr, name) != 0)
            peers->v[k++] = peers->v[i];
    }
    peers->n = k;
    memset(lease, 0, sizeof(*lease));
    if (ports_check(nc, peers, err) < 0 || lease_pick(d, peers, &lease->ip, err) < 0)
        return -1;
    ctr_fmt(lease->ctr, sizeof(lease->ctr), "%s", name);
    lease->mon = getpid();
    lease->mon_start = ctr_proc_starttime(lease->mon);
    lease->pid = pid;
    lease->pid_start = ctr_proc_starttime(pid);
    memcpy(lease->ports, nc->ports, sizeof(lease->ports));
    lease->n_ports = nc->n_ports;
    if (nft_ports(lease, true, err) < 0)
        return -1;
    struct net_leases all = {xcalloc(peers->n + 1, sizeof(*all.v)), peers->n + 1};
    if (peers->n) /* peers->v is NULL without a lease file */
        memcpy(all.v, peers->v, peers->n * sizeof(*all.v));
    all.v[peers->n] = *lease;
    int rc = netst_leases_save(nc->net, &all, err);
    netst_leases_done(&all);
    if (rc < 0)
        nft_ports(lease, false, NULL);
    return rc;
}

/* /etc/hosts (this container and those already on its network) and /etc/resolv.conf (the
 * host's, without nameservers on its loopback: unreachable from the container). */
static int
etc_files(int dfd, const char *name, const char *hostname, uint32_t ip,
          const struct net_leases *peers, struct err **err)
{
    struct strbuf b;
    char t[16];
    strbuf_init(&b);
    net_ip_format(ip, t, sizeof(t));
    strbuf_printf(&b, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n");
    strbuf_printf(&b, "%s\t%s%s%s\n", t, hostname, strcmp(hostname, name) ? " " : "",
                  strcmp(hostname, name) ? name : "");
    for (size_t i = 0; i < peers->n; i++) {
        net_ip_format(peers->v[i].ip, t, sizeof(t));
        strbuf_printf(&b, "%s\t%s\n", t, peers->v[i].ctr);
    }
    int rc = ctr_write_runtime_at(dfd, "hosts", strbuf_str(&b), strlen(strbuf_str(&b)), 0644, err);
    strbuf_reset(&b);
    cleanup_free char *host = NULL;
    fileio_read_all("/etc/resolv.conf", 65536, &host, NULL, NULL);
    char *save = NULL;
    for (char *line = host ? strtok_r(host, "\n", &save) : NULL; line;
         line = strtok_r(NULL, "\n", &save)) {
        char ns[64];
        if (sscanf(line, " nameserver %63s", ns) == 1 &&
            (strncmp(ns, "127.", 4) == 0 || strcmp(ns, "::1") == 0))
            continue;
        strbuf_printf(&b, "%s\n", line);
    }
    if (rc == 0)
        rc = ctr_write_runtime_at(dfd, "resolv.conf", strbuf_str(&b), strlen(strbuf_str(&b)), 0644,
                                  err);
    strbuf_done(&b);
    return rc;
}

static void
ports_text(struct net_ctr *nc)
{
    size_t len = 0;
    nc->ports_text[0] = 0;
    for (size_t i = 0; i < nc->n_ports && len < sizeof(nc->ports_text); i++) {
        const struct net_port *p = &nc->ports[i];
        char hip[20] = "";
        if (p->host_ip) {
            net_ip_format(p->host_ip, hip, sizeof(hip) - 1);
            strcat(hip, ":");
        }
        len += (size_t)snprintf(nc->ports_text + len, sizeof(nc->ports_text) - len, "%s%s%u->%u/%s",
                                i ? "," : "", hip, p->host_port, p->ctr_port,
                                p->proto == IPPROTO_UDP ? "udp" : "tcp");
    }
}

int
net_ctr_attach(const char *name, const char *hostname, struct net_ctr *nc, pid_t pid, int run_dfd,
               struct err **err)
{
    struct nl_sock *sk = netlink_open(err);
    if (!sk)
        return -1;
    struct net_def d;
    struct net_lease lease;
    struct net_leases peers = {0};
    char veth[16];
    netst_veth_name(name, veth, sizeof(veth));
    int rc = lease_take(name, nc, pid, sk, &d, &lease, &peers, err);
    trace_mark("net: leased");
    if (rc == 0) {
        nc->ip = lease.ip;
        rc = netlink_veth_add(sk, veth, d.bridge, pid, err);
        trace_mark("net: veth");
        if (rc == 0)
            rc = netlink_ctr_configure(pid, lease.ip, d.subnet.prefix, d.gateway, err);
        trace_mark("net: eth0");
        if (rc < 0)
            err_wrap(err, "network '%s'", nc->net);
        if (rc == 0)
            rc = etc_files(run_dfd, name, hostname, lease.ip, &peers, err);
        if (rc < 0)
            net_ctr_detach(name, nc);
    }
    netst_leases_done(&peers);
    netlink_close(sk);
    if (rc == 0)
        ports_text(nc);
    return rc;
}

void
net_ctr_detach(const char *name, const struct net_ctr *nc)
{
    if (nc->mode != NET_MODE_BRIDGE)
        return;
    char veth[16];
    netst_veth_name(name, veth, sizeof(veth));
    struct nl_sock *sk = netlink_open(NULL);
    if (sk)
        netlink_link_del(sk, veth, NULL);
    netlink_close(sk);
    cleanup_close int lock = netst_lock(NULL);
    struct net_leases l = {0};
    if (lock < 0 || netst_leases_load(nc->net, &l, NULL) < 0)
        return;
    size_t k = 0;
    pid_t self = getpid();
    for (size_t i = 0; i < l.n; i++) {
        if (strcmp(l.v[i].ctr, name) == 0 && l.v[i].mon == self)
            nft_ports(&l.v[i], false, NULL);
        else
            l.v[k++] = l.v[i];
    }
    if (k != l.n) {
        l.n = k;
        netst_leases_save(nc->net, &l, NULL);
    }
    netst_leases_done(&l);
}
