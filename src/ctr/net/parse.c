/* SPDX-License-Identifier: MIT */
/* The words of networking: CIDR, addresses, -p, --net, network names. No I/O (fuzzed). */
#include "ctr/net/net.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A decimal number of at most 5 digits, no sign, no leading zeros but "0"; -1 otherwise. */
static long
num(const char *s, size_t len)
{
    if (len == 0 || len > 5 || (len > 1 && s[0] == '0'))
        return -1;
    long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int
ip_parse_n(const char *s, size_t len, uint32_t *out)
{
    uint32_t ip = 0;
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        size_t j = i;
        while (j < len && s[j] != '.')
            j++;
        long v = num(s + i, j - i);
        if (v < 0 || v > 255 || (part < 3 && j == len) || (part == 3 && j != len))
            return -1;
        ip = ip << 8 | (uint32_t)v;
        i = j + 1;
    }
    *out = ip;
    return 0;
}

int
net_ip_parse(const char *s, uint32_t *out)
{
    return ip_parse_n(s, strlen(s), out);
}

void
net_ip_format(uint32_t ip, char *buf, size_t len)
{
    snprintf(buf, len, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

void
net_cidr_format(const struct net_cidr *c, char *buf, size_t len)
{
    char ip[16];
    net_ip_format(c->addr, ip, sizeof(ip));
    snprintf(buf, len, "%s/%u", ip, c->prefix);
}

static uint32_t
mask_of(unsigned prefix)
{
    return prefix == 0 ? 0 : ~0u << (32 - prefix);
}

bool
net_cidr_overlap(const struct net_cidr *a, const struct net_cidr *b)
{
    uint32_t m = mask_of(a->prefix < b->prefix ? a->prefix : b->prefix);
    return (a->addr & m) == (b->addr & m);
}

int
net_cidr_parse(const char *s, struct net_cidr *out, struct err **err)
{
    const char *slash = strchr(s, '/');
    uint32_t ip;
    long prefix = slash ? num(slash + 1, strlen(slash + 1)) : -1;
    if (!slash || ip_parse_n(s, (size_t)(slash - s), &ip) < 0 || prefix < 0)
        return err_set(err, 0, "invalid subnet '%s' (use A.B.C.D/N, like 10.89.1.0/24)", s);
    if (prefix < 8 || prefix > 30)
        return err_set(err, 0, "invalid subnet '%s': prefix /%ld out of range (/8 to /30)", s,
                       prefix);
    if (ip & ~mask_of((unsigned)prefix))
        return err_set(
            err, 0, "invalid subnet '%s': host bits are set (the network is %u.%u.%u.%u/%ld)", s,
            (ip & mask_of((unsigned)prefix)) >> 24, ((ip & mask_of((unsigned)prefix)) >> 16) & 255,
            ((ip & mask_of((unsigned)prefix)) >> 8) & 255, ip & mask_of((unsigned)prefix) & 255,
            prefix);
    unsigned first = ip >> 24;
    if (first == 0 || first == 127 || first >= 224 || (ip >> 16) == 0xa9fe)
        return err_set(err, 0,
                       "invalid subnet '%s': not usable for containers (zero, loopback, "
                       "link-local, multicast or reserved)",
                       s);
    out->addr = ip;
    out->prefix = (unsigned)prefix;
    return 0;
}

/* "N" or "N-M" (1..65535, N <= M). */
static int
port_range(const char *s, size_t len, uint16_t *start, uint16_t *count)
{
    const char *dash = memchr(s, '-', len);
    size_t l1 = dash ? (size_t)(dash - s) : len;
    long a = num(s, l1), b = dash ? num(dash + 1, len - l1 - 1) : a;
    if (a < 1 || a > 65535 || b < 1 || b > 65535 || b < a)
        return -1;
    *start = (uint16_t)a;
    *count = (uint16_t)(b - a + 1);
    return 0;
}

int
net_port_parse(const char *s, struct net_port *out, struct err **err)
{
    static const char usage[] = "use [HOSTIP:]HOSTPORT:CTRPORT[/tcp|udp], ports 1 to 65535";
    memset(out, 0, sizeof(*out));
    out->proto = IPPROTO_TCP;
    size_t len = strlen(s);
    const char *sl = strchr(s, '/');
    if (sl) {
        if (strcmp(sl + 1, "tcp") == 0)
            out->proto = IPPROTO_TCP;
        else if (strcmp(sl + 1, "udp") == 0)
            out->proto = IPPROTO_UDP;
        else
            return err_set(err, 0, "invalid port '%s': protocol must be tcp or udp", s);
        len = (size_t)(sl - s);
    }
    const char *c2 = NULL, *c1 = memchr(s, ':', len);
    if (c1)
        c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
    if (!c1 || (c2 && memchr(c2 + 1, ':', len - (size_t)(c2 + 1 - s))))
        return err_set(err, 0, "invalid port '%s' (%s)", s, usage);
    const char *hp = s;
    if (c2) {
        if (ip_parse_n(s, (size_t)(c1 - s), &out->host_ip) < 0)
            return err_set(err, 0, "invalid port '%s': host address '%.*s' is not an IPv4 address",
                           s, (int)(c1 - s), s);
        hp = c1 + 1;
        c1 = c2;
    }
    uint16_t hc, cc;
    if (port_range(hp, (size_t)(c1 - hp), &out->host_port, &hc) < 0 ||
        port_range(c1 + 1, len - (size_t)(c1 + 1 - s), &out->ctr_port, &cc) < 0)
        return err_set(err, 0, "invalid port '%s' (%s)", s, usage);
    if (hc != cc)
        return err_set(err, 0, "invalid port '%s': the two ranges differ in length", s);
    if (hc > NET_PORTS_MAX)
        return err_set(err, 0, "invalid port '%s': a range of at most %d ports", s, NET_PORTS_MAX);
    out->count = hc;
    return 0;
}

void
net_port_format(const struct net_port *p, char *buf, size_t len)
{
    char ip[20] = "", hr[16], cr[16];
    if (p->host_ip) {
        net_ip_format(p->host_ip, ip, sizeof(ip) - 1);
        strcat(ip, ":");
    }
    if (p->count > 1) {
        snprintf(hr, sizeof(hr), "%u-%u", p->host_port, p->host_port + p->count - 1u);
        snprintf(cr, sizeof(cr), "%u-%u", p->ctr_port, p->ctr_port + p->count - 1u);
    } else {
        snprintf(hr, sizeof(hr), "%u", p->host_port);
        snprintf(cr, sizeof(cr), "%u", p->ctr_port);
    }
    snprintf(buf, len, "%s%s:%s/%s", ip, hr, cr, p->proto == IPPROTO_UDP ? "udp" : "tcp");
}

int
net_name_check(const char *name, struct err **err)
{
    size_t n = strlen(name);
    bool ok = n >= 1 && n <= NET_NAME_MAX &&
              ((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') ||
               (name[0] >= '0' && name[0] <= '9'));
    for (size_t i = 1; ok && i < n; i++) {
        char c = name[i];
        ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '.' || c == '-';
    }
    if (!ok)
        return err_set(err, 0,
                       "invalid network name '%s' (use [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most %d "
                       "characters)",
                       name, NET_NAME_MAX);
    if (strcmp(name, "none") == 0 || strcmp(name, "host") == 0 || strcmp(name, "bridge") == 0)
        return err_set(err, 0, "invalid network name '%s': reserved", name);
    return 0;
}

int
net_mode_parse(const char *s, enum net_mode *mode, const char **arg, struct err **err)
{
    *arg = NULL;
    if (strcmp(s, "none") == 0) {
        *mode = NET_MODE_NONE;
        return 0;
    }
    if (strcmp(s, "host") == 0) {
        *mode = NET_MODE_HOST;
        return 0;
    }
    if (strcmp(s, "bridge") == 0) {
        *mode = NET_MODE_BRIDGE;
        *arg = NET_DEFAULT;
        return 0;
    }
    if (strncmp(s, "container:", 10) == 0) {
        *mode = NET_MODE_CONTAINER;
        *arg = s + 10;
        if (!**arg)
            return err_set(err, 0, "invalid network mode '%s': container:NAME needs a name", s);
        return 0;
    }
    if (net_name_check(s, NULL) < 0)
        return err_set(err, 0,
                       "invalid network mode '%s' (none, host, bridge, container:NAME or a "
                       "network name)",
                       s);
    *mode = NET_MODE_BRIDGE;
    *arg = s;
    return 0;
}

int
net_ipam_pick(const struct net_cidr *subnet, uint32_t gw, const uint32_t *used, size_t n,
              uint32_t *ip, struct err **err)
{
    uint32_t last = subnet->addr + (uint32_t)((1ull << (32 - subnet->prefix)) - 2);
    for (uint32_t a = subnet->addr + 1; a <= last; a++) {
        bool taken = a == gw;
        for (size_t i = 0; !taken && i < n; i++)
            taken = used[i] == a;
        if (!taken) {
            *ip = a;
            return 0;
        }
    }
    char sub[24];
    net_cidr_format(subnet, sub, sizeof(sub));
    return err_set(err, 0, "no free address left in %s (%zu in use)", sub, n);
}
