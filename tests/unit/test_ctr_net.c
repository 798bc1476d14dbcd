/* SPDX-License-Identifier: MIT */
/* Unit tests: the network parsers (CIDR, -p, --net, names), IPAM, and the lease file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "ctr/net/net.h"
#include "ctr/net/net_impl.h"
#include "ctr/store/store.h"

static void
cidr_ok(const char *s, const char *canon)
{
    struct net_cidr c;
    struct err *e = NULL;
    if (net_cidr_parse(s, &c, &e) < 0)
        fail_msg("'%s' was rejected: %s", s, err_msg(e));
    char buf[24];
    net_cidr_format(&c, buf, sizeof(buf));
    assert_string_equal(buf, canon);
}

static void
cidr_bad(const char *s, const char *why)
{
    struct net_cidr c;
    struct err *e = NULL;
    assert_int_equal(net_cidr_parse(s, &c, &e), -1);
    assert_non_null(e);
    if (!strstr(err_msg(e), s) || !strstr(err_msg(e), why))
        fail_msg("'%s': message '%s' lacks the value or '%s'", s, err_msg(e), why);
    err_free(e);
}

static void
test_cidr(void **state)
{
    (void)state;
    cidr_ok("10.88.0.0/24", "10.88.0.0/24");
    cidr_ok("192.168.10.4/30", "192.168.10.4/30");
    cidr_ok("172.16.0.0/12", "172.16.0.0/12");
    cidr_bad("10.88.0.1/24", "host bits");
    cidr_bad("10.88.0.0/31", "out of range");
    cidr_bad("10.0.0.0/7", "out of range");
    cidr_bad("10.88.0.0", "A.B.C.D/N");
    cidr_bad("10.88.0/24", "A.B.C.D/N");
    cidr_bad("10.088.0.0/24", "A.B.C.D/N");
    cidr_bad("256.0.0.0/24", "A.B.C.D/N");
    cidr_bad("10.0.0.0/024", "A.B.C.D/N");
    cidr_bad("127.0.0.0/8", "not usable");
    cidr_bad("224.1.0.0/16", "not usable");
    cidr_bad("169.254.0.0/16", "not usable");
    struct net_cidr a = {0x0a580000, 16}, b = {0x0a580100, 24}, c = {0x0a590000, 24};
    assert_true(net_cidr_overlap(&a, &b));
    assert_true(net_cidr_overlap(&b, &a));
    assert_false(net_cidr_overlap(&b, &c));
}

static void
port_ok(const char *s, const char *canon, uint16_t count)
{
    struct net_port p;
    struct err *e = NULL;
    if (net_port_parse(s, &p, &e) < 0)
        fail_msg("'%s' was rejected: %s", s, err_msg(e));
    char buf[48];
    net_port_format(&p, buf, sizeof(buf));
    assert_string_equal(buf, canon);
    assert_int_equal(p.count, count);
    /* The canonical form parses back to itself. */
    struct net_port q;
    assert_int_equal(net_port_parse(buf, &q, NULL), 0);
    assert_memory_equal(&p, &q, sizeof(p));
}

static void
port_bad(const char *s)
{
    struct net_port p;
    struct err *e = NULL;
    assert_int_equal(net_port_parse(s, &p, &e), -1);
    if (!e || !strstr(err_msg(e), "invalid port '"))
        fail_msg("'%s': unclear message '%s'", s, err_msg(e));
    err_free(e);
}

static void
test_ports(void **state)
{
    (void)state;
    port_ok("8080:80", "8080:80/tcp", 1);
    port_ok("53:53/udp", "53:53/udp", 1);
    port_ok("127.0.0.1:18080:80/tcp", "127.0.0.1:18080:80/tcp", 1);
    port_ok("8000-8002:9000-9002", "8000-8002:9000-9002/tcp", 3);
    port_ok("65535:1", "65535:1/tcp", 1);
    const char *bad[] = {"",        "80",         "0:80",         "80:0",        "70000:80",
                         "80:80/x", "a:80",       "1.2.3:80:80",  "1:2:3:4",     "10-12:80-81",
                         "12-10:1", "01:80",      "80:80/tcp/",   "1-100:1-100", ":80",
                         "80:",     "1.2.3.4:80", "999.1.1.1:1:1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        port_bad(bad[i]);
}

static void
test_modes_names(void **state)
{
    (void)state;
    enum net_mode m;
    const char *arg;
    assert_int_equal(net_mode_parse("bridge", &m, &arg, NULL), 0);
    assert_int_equal(m, NET_MODE_BRIDGE);
    assert_string_equal(arg, NET_DEFAULT);
    assert_int_equal(net_mode_parse("container:web", &m, &arg, NULL), 0);
    assert_int_equal(m, NET_MODE_CONTAINER);
    assert_string_equal(arg, "web");
    assert_int_equal(net_mode_parse("mynet", &m, &arg, NULL), 0);
    assert_string_equal(arg, "mynet");
    assert_int_equal(net_mode_parse("host", &m, &arg, NULL), 0);
    assert_int_equal(m, NET_MODE_HOST);
    assert_int_equal(net_mode_parse("container:", &m, &arg, NULL), -1);
    assert_int_equal(net_mode_parse("../x", &m, &arg, NULL), -1);
    assert_int_equal(net_name_check("a.b_c-1", NULL), 0);
    assert_int_equal(net_name_check("../x", NULL), -1);
    assert_int_equal(net_name_check("none", NULL), -1);
    assert_int_equal(net_name_check("", NULL), -1);
}

static void
test_ipam(void **state)
{
    (void)state;
    struct net_cidr s30 = {0x0a010200, 30}; /* 10.1.2.0/30: .1 gateway, .2 the one host */
    uint32_t ip = 0, used[4];
    assert_int_equal(net_ipam_pick(&s30, 0x0a010201, NULL, 0, &ip, NULL), 0);
    assert_int_equal(ip, 0x0a010202);
    used[0] = ip;
    struct err *e = NULL;
    assert_int_equal(net_ipam_pick(&s30, 0x0a010201, used, 1, &ip, &e), -1);
    assert_non_null(strstr(err_msg(e), "no free address left in 10.1.2.0/30"));
    err_free(e);
    /* A freed address is handed out again, lowest first. */
    struct net_cidr s24 = {0x0a020300, 24};
    used[0] = 0x0a020302;
    used[1] = 0x0a020304;
    assert_int_equal(net_ipam_pick(&s24, 0x0a020301, used, 2, &ip, NULL), 0);
    assert_int_equal(ip, 0x0a020303);
    /* Never the broadcast address. */
    struct net_cidr s29 = {0x0a030400, 29};
    uint32_t full[5] = {0x0a030402, 0x0a030403, 0x0a030404, 0x0a030405, 0x0a030406};
    assert_int_equal(net_ipam_pick(&s29, 0x0a030401, full, 5, &ip, NULL), -1);
}

/* Leases round-trip through their file; a lease lives while its monitor (here: us) does. */
static void
test_leases_file(void **state)
{
    (void)state;
    char root[] = "/tmp/berth-unit-net.XXXXXX";
    assert_non_null(mkdtemp(root));
    setenv("BERTH_ROOT", root, 1);
    struct err *e = NULL;
    int lock = netst_lock(&e);
    assert_true(lock >= 0);
    struct net_lease v[2];
    memset(v, 0, sizeof(v));
    v[0].ip = 0x0a000002;
    strcpy(v[0].ctr, "alive");
    v[0].mon = getpid();
    v[0].mon_start = ctr_proc_starttime(getpid());
    assert_int_equal(net_port_parse("8080:80", &v[0].ports[0], NULL), 0);
    v[0].n_ports = 1;
    v[1].ip = 0x0a000003;
    strcpy(v[1].ctr, "gone");
    v[1].mon = getpid();
    v[1].mon_start = 1; /* another process that had our pid */
    struct net_leases l = {v, 2}, back = {0};
    assert_int_equal(netst_leases_save("n1", &l, &e), 0);
    assert_int_equal(netst_leases_load("n1", &back, &e), 0);
    assert_int_equal(back.n, 2);
    assert_int_equal(back.v[0].ip, 0x0a000002);
    assert_string_equal(back.v[1].ctr, "gone");
    assert_int_equal(back.v[0].n_ports, 1);
    assert_int_equal(back.v[0].ports[0].host_port, 8080);
    assert_true(netst_lease_live(&back.v[0]));
    assert_false(netst_lease_live(&back.v[1]));
    netst_leases_done(&back);
    close(lock);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cidr),        cmocka_unit_test(test_ports),
        cmocka_unit_test(test_modes_names), cmocka_unit_test(test_ipam),
        cmocka_unit_test(test_leases_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
