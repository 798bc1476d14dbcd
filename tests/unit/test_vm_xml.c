/* SPDX-License-Identifier: MIT */
/* Unit tests: domain XML generation and escaping, create option checks (vm/xml.c); the XML is
 * read back by libvirt's own parser through the test driver. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "common/strbuf.h"
#include "vm/vm.h"
#include "vm/vm_impl.h"

static char *
escaped(const char *s)
{
    struct strbuf sb = STRBUF_INIT;
    vm_xml_escape(&sb, s);
    return strbuf_steal(&sb);
}

static void
test_escape_specials(void **state)
{
    (void)state;
    char *e = escaped("a&b<c>d'e\"f");
    assert_string_equal(e, "a&amp;b&lt;c&gt;d&apos;e&quot;f");
    free(e);
    e = escaped("tab\tnl\nbell\x07"
                "esc\x1b"
                " end");
    assert_string_equal(e, "tab\tnl\nbellesc end"); /* XML 1.0 cannot carry BEL or ESC */
    free(e);
    e = escaped("gr\xc3\xbc\xc3\x9f \xe2\x82\xac"); /* UTF-8 passes through */
    assert_string_equal(e, "gr\xc3\xbc\xc3\x9f \xe2\x82\xac");
    free(e);
}

static void
expect_check_fails(const struct vm_create_opts *o, const struct vm_host_limits *lim,
                   const char *needle)
{
    struct err *e = NULL;
    assert_int_equal(vm_create_check(o, lim, &e), -1);
    if (!strstr(err_msg(e), needle))
        fail_msg("message \"%s\" does not contain \"%s\"", err_msg(e), needle);
    assert_null(strchr(err_msg(e), '\n'));
    err_free(e);
}

static void
base_opts(struct vm_create_opts *o)
{
    vm_create_opts_init(o);
    o->name = "guest-1";
    o->mem_bytes = 256ull << 20;
    o->disk_size_bytes = 1ull << 30;
}

static void
test_check_rejects_bad_input(void **state)
{
    (void)state;
    struct vm_create_opts o;
    struct vm_host_limits lim = {.mem_total_bytes = 4ull << 30, .check_files = true};
    base_opts(&o);
    struct err *e = NULL;
    assert_int_equal(vm_create_check(&o, &lim, &e), 0);
    assert_null(e);

    o.vcpus = 0;
    expect_check_fails(&o, &lim, "--vcpus 0: must be between 1 and 255");
    o.vcpus = 100000;
    expect_check_fails(&o, &lim, "--vcpus 100000");
    base_opts(&o);
    o.mem_bytes = 8ull << 30;
    expect_check_fails(&o, &lim, "--memory 8G: more than the host's 4G");
    o.mem_bytes = 0;
    expect_check_fails(&o, &lim, "--memory is required");
    o.mem_bytes = 1 << 20;
    expect_check_fails(&o, &lim, "must be at least 16M");
    base_opts(&o);
    o.name = "bad/name";
    expect_check_fails(&o, &lim, "invalid name 'bad/name'");
    o.name = "-x";
    expect_check_fails(&o, &lim, "invalid name '-x'");
    o.name = "";
    expect_check_fails(&o, &lim, "empty domain name");
    base_opts(&o);
    o.virt_type = "xen";
    expect_check_fails(&o, &lim, "--virt-type 'xen': use kvm or qemu");
    base_opts(&o);
    o.cpu = "a b";
    expect_check_fails(&o, &lim, "--cpu 'a b': use host-passthrough, host-model or a CPU model");
    o.cpu = "";
    expect_check_fails(&o, &lim, "--cpu ''");
    o.cpu = "-x";
    expect_check_fails(&o, &lim, "--cpu '-x'");
    o.cpu = "x'/><evil";
    expect_check_fails(&o, &lim, "--cpu");
    base_opts(&o);
    o.disk_size_bytes = 0;
    expect_check_fails(&o, &lim, "nothing to boot");
    o.disk = "/nonexistent/disk.img";
    expect_check_fails(&o, &lim, "--disk '/nonexistent/disk.img': No such file or directory");
    o.disk = "/etc";
    expect_check_fails(&o, &lim, "--disk '/etc': is a directory, not an image file");
    o.disk = "relative.img";
    expect_check_fails(&o, &lim, "must be absolute");
    o.disk = NULL;
    o.kernel = "/nonexistent/vmlinuz";
    expect_check_fails(&o, &lim, "--kernel '/nonexistent/vmlinuz'");
    base_opts(&o);
    o.initrd = "/boot/x";
    expect_check_fails(&o, &lim, "--initrd needs --kernel");
    base_opts(&o);
    o.disk = "/etc/hostname";
    expect_check_fails(&o, &lim, "--disk and --disk-size cannot be used together");
}

static void
test_check_remote_skips_files(void **state)
{
    (void)state;
    struct vm_create_opts o;
    base_opts(&o);
    o.disk_size_bytes = 0;
    o.disk = "/on/the/remote/host.qcow2";
    struct vm_host_limits lim = {0};
    struct err *e = NULL;
    assert_int_equal(vm_create_check(&o, &lim, &e), 0); /* not checked here: not local */
    lim.check_files = true;
    expect_check_fails(&o, &lim, "/on/the/remote/host.qcow2");
}

static void
test_domain_xml_shape(void **state)
{
    (void)state;
    struct vm_create_opts o;
    base_opts(&o);
    o.iso = "/srv/iso/inst.iso";
    o.network = "default";
    o.graphics = VM_GRAPHICS_VNC;
    o.serial_log = "/var/log/libvirt/qemu/guest-1-serial0.log";
    struct strbuf sb = STRBUF_INIT;
    vm_xml_domain(&o, "qemu", "/var/lib/libvirt/images/guest-1.qcow2", "qcow2", &sb);
    const char *x = strbuf_str(&sb);
    /* The pty serial also logged to the file (truncated at each start), read back as berth's
     * ready watcher reads it. */
    assert_non_null(strstr(x, "<serial type='pty'>\n      <log file='/var/log/libvirt/qemu/"
                              "guest-1-serial0.log' append='off'/>\n      <target port='0'/>"));
    bool append = true;
    char *log = vm_serial_log_path(x, &append);
    assert_string_equal(log, "/var/log/libvirt/qemu/guest-1-serial0.log");
    assert_false(append);
    free(log);
    assert_non_null(strstr(x, "<domain type='qemu'>"));
    assert_non_null(strstr(x, "<memory unit='KiB'>262144</memory>"));
    assert_non_null(strstr(x, "machine='q35'"));
    assert_non_null(strstr(x, "<driver name='qemu' type='qcow2'/>"));
    assert_non_null(strstr(x, "<source file='/srv/iso/inst.iso'/>"));
    assert_non_null(strstr(x, "bus='sata'"));
    assert_non_null(strstr(x, "<boot dev='cdrom'/>"));
    assert_non_null(strstr(x, "<source network='default'/>"));
    assert_non_null(strstr(x, "<serial type='pty'>"));
    assert_non_null(strstr(x, "<graphics type='vnc'"));
    assert_null(strstr(x, "<cpu")); /* no --cpu: no <cpu> element (QEMU's default model) */
    strbuf_reset(&sb);
    o.network = "none";
    o.graphics = VM_GRAPHICS_NONE;
    o.machine = VM_MACHINE_PC;
    o.serial_log = NULL;
    vm_xml_domain(&o, "kvm", NULL, NULL, &sb);
    x = strbuf_str(&sb);
    assert_null(strstr(x, "<log")); /* no log file picked: a bare pty */
    assert_null(vm_serial_log_path(x, &append));
    assert_non_null(strstr(x, "<domain type='kvm'>"));
    assert_null(strstr(x, "<cpu")); /* the caller picks the default CPU, not the XML writer */
    assert_non_null(strstr(x, "machine='pc'"));
    assert_non_null(strstr(x, "bus='ide'"));
    assert_null(strstr(x, "<interface"));
    assert_null(strstr(x, "<graphics"));
    assert_non_null(strstr(x, "<console type='pty'>"));
    strbuf_done(&sb);
}

static void
ignore_error(void *data, virErrorPtr e)
{
    (void)data;
    (void)e;
}

/* Odd characters in every free-text value survive libvirt's XML parser unchanged. */
static void
test_domain_xml_cpu(void **state)
{
    (void)state;
    struct vm_create_opts o;
    base_opts(&o);
    struct strbuf sb = STRBUF_INIT;
    o.cpu = "host-passthrough";
    vm_xml_domain(&o, "kvm", NULL, NULL, &sb);
    assert_non_null(strstr(strbuf_str(&sb), "  <cpu mode='host-passthrough'/>\n"));
    strbuf_reset(&sb);
    o.cpu = "host-model";
    vm_xml_domain(&o, "kvm", NULL, NULL, &sb);
    assert_non_null(strstr(strbuf_str(&sb), "  <cpu mode='host-model'/>\n"));
    strbuf_reset(&sb);
    o.cpu = "qemu64";
    vm_xml_domain(&o, "qemu", NULL, NULL, &sb);
    assert_non_null(strstr(strbuf_str(&sb), "<cpu mode='custom' match='exact' check='none'>\n"
                                            "    <model fallback='forbid'>qemu64</model>\n"
                                            "  </cpu>\n"));
    strbuf_done(&sb);
}

static void
test_start_error_hint(void **state)
{
    (void)state;
    const char *msr =
        "internal error: process exited while connecting to monitor: qemu-system-x86_64: "
        "../../target/i386/kvm/kvm.c:2893: kvm_buf_set_msrs: Assertion `ret == "
        "cpu->kvm_msr_buf->nmsrs' "
        "failed. error: failed to set MSR 0x10a to 0x69";
    const char *h = vm_start_error_hint(msr);
    assert_non_null(h);
    assert_non_null(strstr(h, "CPU model"));
    assert_non_null(strstr(h, "--cpu host-model"));
    assert_null(strchr(h, '\n'));
    h = vm_start_error_hint("unsupported configuration: host doesn't support requested feature: "
                            "CPUID.80000001H:ECX.svm [bit 2]");
    assert_non_null(h);
    assert_non_null(strstr(h, "--cpu"));
    h = vm_start_error_hint("internal error: qemu unexpectedly closed the monitor: Could not "
                            "access KVM kernel module: Permission denied");
    assert_non_null(h);
    assert_non_null(strstr(h, "--virt-type qemu"));
    assert_null(strstr(h, "--cpu"));
    h = vm_start_error_hint("invalid argument: could not find capabilities for domaintype=kvm");
    assert_non_null(h);
    assert_non_null(strstr(h, "--virt-type qemu"));
    assert_null(vm_start_error_hint("Cannot access storage file '/x.qcow2': No such file"));
    assert_null(vm_start_error_hint("Requested operation is not valid: domain is already running"));
    assert_null(vm_start_error_hint(NULL));
}

static void
test_domain_xml_round_trip(void **state)
{
    (void)state;
    virSetErrorFunc(NULL, ignore_error);
    struct vm_create_opts o;
    vm_create_opts_init(&o);
    o.name = "odd.name_1+x";
    o.mem_bytes = 64ull << 20;
    o.kernel = "/boot/vm'linuz&<1>";
    o.initrd = "/boot/\"initrd\".img";
    o.cmdline = "console=ttyS0 a=\"b c\" x<y>z & 'q' \xc3\xa9";
    struct strbuf sb = STRBUF_INIT;
    vm_xml_domain(&o, "test", "/img/it's & <disk>.raw", "raw", &sb);
    virConnectPtr c = virConnectOpen("test:///default");
    assert_non_null(c);
    virDomainPtr d = virDomainDefineXML(c, strbuf_str(&sb));
    if (!d)
        fail_msg("libvirt refused the XML: %s\n%s", virGetLastErrorMessage(), strbuf_str(&sb));
    assert_string_equal(virDomainGetName(d), o.name);
    char *xml = virDomainGetXMLDesc(d, 0);
    assert_non_null(xml);
    /* libvirt parsed our escaping into the original strings: read them back from its XML */
    const char *end = xml + strlen(xml);
    char *v = vm_xml_text(xml, end, "cmdline");
    assert_non_null(v);
    assert_string_equal(v, o.cmdline);
    free(v);
    v = vm_xml_text(xml, end, "kernel");
    assert_string_equal(v, o.kernel);
    free(v);
    v = vm_xml_text(xml, end, "initrd");
    assert_string_equal(v, o.initrd);
    free(v);
    const char *src = vm_xml_find(vm_xml_find(xml, end, "disk"), end, "source");
    assert_non_null(src);
    v = vm_xml_attr(src, "file");
    assert_string_equal(v, "/img/it's & <disk>.raw");
    free(v);
    free(xml);
    virDomainUndefine(d);
    virDomainFree(d);
    virConnectClose(c);
    strbuf_done(&sb);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape_specials),
        cmocka_unit_test(test_check_rejects_bad_input),
        cmocka_unit_test(test_check_remote_skips_files),
        cmocka_unit_test(test_domain_xml_shape),
        cmocka_unit_test(test_domain_xml_round_trip),
        cmocka_unit_test(test_domain_xml_cpu),
        cmocka_unit_test(test_start_error_hint),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
