/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the network words of the command line (-p, --subnet, --net, names). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr/net/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct err *e = NULL;
    struct net_port p, q;
    if (net_port_parse(s, &p, &e) == 0) {
        /* What parses has a canonical form that parses back to the same port. */
        char buf[48];
        net_port_format(&p, buf, sizeof(buf));
        if (net_port_parse(buf, &q, NULL) != 0 || memcmp(&p, &q, sizeof(p)) != 0)
            abort();
        if (p.host_port == 0 || p.ctr_port == 0 || p.count == 0 || p.count > NET_PORTS_MAX ||
            p.host_port + p.count - 1 > 65535 || p.ctr_port + p.count - 1 > 65535)
            abort();
    } else if (!e || !strstr(err_msg(e), "invalid port '")) {
        abort(); /* every rejection explains itself */
    }
    err_free(e);
    e = NULL;
    struct net_cidr c, d;
    if (net_cidr_parse(s, &c, &e) == 0) {
        char buf[24];
        net_cidr_format(&c, buf, sizeof(buf));
        if (net_cidr_parse(buf, &d, NULL) != 0 || c.addr != d.addr || c.prefix != d.prefix ||
            c.prefix < 8 || c.prefix > 30)
            abort();
        uint32_t ip;
        if (net_ipam_pick(&c, c.addr + 1, NULL, 0, &ip, NULL) != 0 || ip != c.addr + 2)
            abort();
    } else if (!e || !strstr(err_msg(e), "invalid subnet '")) {
        abort();
    }
    err_free(e);
    e = NULL;
    enum net_mode m;
    const char *arg;
    if (net_mode_parse(s, &m, &arg, &e) == 0 && m == NET_MODE_BRIDGE && !arg)
        abort();
    err_free(e);
    free(s);
    return 0;
}
