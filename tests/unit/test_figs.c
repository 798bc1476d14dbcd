/* SPDX-License-Identifier: MIT */
/* VM vs container figures (common/figs.c) over recorded trees: a v1 memory cgroup recorded from a
 * running berth container on a hybrid host, v2 memory.stat files written from the kernel's
 * documented format (with the "kernel" key of 5.18+ and without it), a /proc/<pid>/status of a
 * QEMU process; the text parsers on their own; the VM overhead sum. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <json-c/json.h>
#include <libvirt/libvirt.h>

#include "common/du.h"
#include "common/figs.h"
#include "ctr/figures.h"
#include "unit_data.h"
#include "vm/vm_impl.h"

static const char *
data_dir(const char *sub)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "figs/%s", sub);
    return UNIT_DATA_DIR(rel);
}

static void
init_leaves_everything_unknown(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    assert_int_equal(f.start_req_ns, -1);
    assert_int_equal(f.start_exec_ns, -1);
    assert_int_equal(f.start_first_ns, -1);
    assert_true(f.mem_anon == INST_UNKNOWN && f.mem_file == INST_UNKNOWN);
    assert_true(f.mem_kernel == INST_UNKNOWN && f.mem_total == INST_UNKNOWN);
    assert_true(f.host_rss == INST_UNKNOWN && f.guest_mem == INST_UNKNOWN);
    assert_true(f.mem_overhead == INT64_MIN);
    assert_string_equal(f.kernel, "");
    assert_string_equal(f.isolation, "");
}

static void
v1_tree_split_from_total_keys_and_kmem(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    assert_int_equal(figs_cg_mem_read(data_dir("cgroupfs-v1/memory/berth/rec"), false, &f), 0);
    assert_int_equal(f.mem_anon, 57344);    /* total_rss */
    assert_int_equal(f.mem_file, 12288);    /* total_cache */
    assert_int_equal(f.mem_kernel, 167936); /* memory.kmem.usage_in_bytes */
    assert_int_equal(f.mem_total, 348160);  /* memory.usage_in_bytes */
    /* v1 charges kernel memory to the usage too: the parts fit in the total. */
    assert_true(f.mem_anon + f.mem_file + f.mem_kernel <= f.mem_total);
}

static void
v2_tree_with_kernel_key(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    assert_int_equal(figs_cg_mem_read(data_dir("cgroupfs-v2/berth/new"), true, &f), 0);
    assert_int_equal(f.mem_anon, 1466368);
    assert_int_equal(f.mem_file, 8192000);
    assert_int_equal(f.mem_kernel, 712704);
    assert_int_equal(f.mem_total, 10375168);
    assert_true(f.mem_anon + f.mem_file + f.mem_kernel <= f.mem_total);
}

static void
v2_tree_before_5_18_sums_kernel_parts(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    assert_int_equal(figs_cg_mem_read(data_dir("cgroupfs-v2/berth/old"), true, &f), 0);
    /* kernel_stack + pagetables + percpu + sock + slab */
    assert_int_equal(f.mem_kernel, 49152 + 122880 + 7680 + 4096 + 528384);
    assert_int_equal(f.mem_anon, 1466368);
}

static void
missing_group_reads_nothing(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    assert_int_equal(figs_cg_mem_read(data_dir("cgroupfs-v2/berth/gone"), true, &f), -1);
    assert_true(f.mem_anon == INST_UNKNOWN && f.mem_total == INST_UNKNOWN);
}

static void
parser_matches_whole_keys_only(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    /* "anon_thp" and "file_mapped" are not "anon" and "file"; v1 falls back to rss/cache. */
    figs_memstat_parse(true, "anon_thp 5\nfile_mapped 6\nanon 7\nfile 8\n", NULL, "20\n", &f);
    assert_int_equal(f.mem_anon, 7);
    assert_int_equal(f.mem_file, 8);
    assert_true(f.mem_kernel == INST_UNKNOWN);
    figs_init(&f);
    figs_memstat_parse(false, "rss_huge 1\nrss 2\ncache 3\n", "garbage", NULL, &f);
    assert_int_equal(f.mem_anon, 2);
    assert_int_equal(f.mem_file, 3);
    assert_true(f.mem_kernel == INST_UNKNOWN);
    assert_true(f.mem_total == INST_UNKNOWN);
    figs_init(&f);
    figs_memstat_parse(true, "anon x\nfile\n", NULL, "", &f);
    assert_true(f.mem_anon == INST_UNKNOWN && f.mem_file == INST_UNKNOWN);
}

static void
qemu_rss_and_overhead(void **state)
{
    (void)state;
    struct inst_figs f;
    figs_init(&f);
    f.host_rss = figs_proc_rss(data_dir("proc"), 4242);
    assert_int_equal(f.host_rss, 101640ull * 1024);
    figs_vm_overhead(&f);
    assert_true(f.mem_overhead == INT64_MIN); /* guest RAM unknown */
    f.guest_mem = 64ull << 20;
    figs_vm_overhead(&f);
    assert_int_equal(f.mem_overhead, (int64_t)(101640ull * 1024) - (64 << 20));
    f.guest_mem = 128ull << 20; /* the guest has not touched all its RAM yet */
    figs_vm_overhead(&f);
    assert_true(f.mem_overhead < 0);
    assert_true(figs_proc_rss(data_dir("proc"), 4243) == INST_UNKNOWN);
    assert_true(figs_status_rss("Name:\tx\nVmRSS:\n") == INST_UNKNOWN);
}

/* qcow2 headers as QEMU writes them (docs/interop/qcow2.txt): version 3 with a backing file
 * name at 0x68+, without one; not qcow2; damaged fields refused. */
static void
put_be(unsigned char *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char)v;
}

static void
qcow2_header_fields(void **state)
{
    (void)state;
    unsigned char h[104];
    uint64_t vsize = 0, off = 9;
    uint32_t len = 9;
    memset(h, 0, sizeof(h));
    memcpy(h, "QFI\xfb", 4);
    put_be(h + 4, 3, 4);
    put_be(h + 8, 0x70, 8);
    put_be(h + 16, 22, 4);
    put_be(h + 20, 16, 4);
    put_be(h + 24, 64ull << 20, 8);
    assert_true(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
    assert_true(vsize == 64ull << 20 && off == 0x70 && len == 22);
    put_be(h + 8, 0, 8); /* no backing file */
    put_be(h + 16, 0, 4);
    assert_true(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
    assert_true(off == 0 && len == 0);
    assert_false(figs_qcow2_header(h, 31, &vsize, &off, &len)); /* short */
    put_be(h + 8, 0x70, 8);
    put_be(h + 16, 1024, 4); /* longer than QEMU allows */
    assert_false(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
    put_be(h + 16, 0, 4); /* an offset without a length */
    assert_false(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
    put_be(h + 8, 8, 8); /* a name inside the header */
    put_be(h + 16, 4, 4);
    assert_false(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
    put_be(h + 8, 0x70, 8);
    put_be(h + 4, 4, 4); /* an unknown version */
    assert_false(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
    put_be(h + 4, 3, 4);
    h[3] = 0xfa; /* not qcow2 (a raw image) */
    assert_false(figs_qcow2_header(h, sizeof(h), &vsize, &off, &len));
}

/* The serial port's file in domain XML as libvirt gives it: a pty with <log>, a file serial,
 * none, a relative path refused, only the first serial counts. */
static void
serial_log_paths(void **state)
{
    (void)state;
    bool app = true;
    char *p = vm_serial_log_path(
        "<domain><devices><console type='pty'/><serial type='pty'><source path='/dev/pts/3'/>"
        "<log file='/var/log/x&amp;y.log' append='off'/><target port='0'/></serial>"
        "</devices></domain>",
        &app);
    assert_string_equal(p, "/var/log/x&y.log");
    assert_false(app);
    free(p);
    p = vm_serial_log_path("<devices><serial type='file'><source path='/t/s.serial' "
                           "append='on'/></serial><serial type='pty'><log file='/b'/></serial>",
                           &app);
    assert_string_equal(p, "/t/s.serial");
    assert_true(app);
    free(p);
    assert_null(vm_serial_log_path("<devices><serial type='pty'><target port='0'/></serial>"
                                   "<log file='/outside'/></devices>",
                                   &app));
    assert_null(vm_serial_log_path("<serial type='pty'><log file='rel.log'/></serial>", &app));
    assert_null(vm_serial_log_path("<devices><console type='pty'/></devices>", &app));
    assert_null(vm_serial_log_path("<serial type='file'><source path='/x'/>", &app)); /* cut */
}

/* Where vm create logs the serial port: the session's log directory under XDG_CACHE_HOME (made
 * here), none while that directory is missing, none for other URIs (remote, test). */
static void
serial_log_defaults(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/berth-figs-cache.XXXXXX", dir[256], buf[512];
    assert_non_null(mkdtemp(tmpl));
    assert_int_equal(setenv("XDG_CACHE_HOME", tmpl, 1), 0);
    assert_false(vm_serial_log_default("qemu:///session", "d1", buf, sizeof(buf)));
    snprintf(dir, sizeof(dir), "%s/libvirt", tmpl);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, sizeof(dir), "%s/libvirt/qemu", tmpl);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dir, sizeof(dir), "%s/libvirt/qemu/log", tmpl);
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_true(vm_serial_log_default("qemu:///session", "d1", buf, sizeof(buf)));
    snprintf(dir, sizeof(dir), "%s/libvirt/qemu/log/d1-serial0.log", tmpl);
    assert_string_equal(buf, dir);
    char small[16];
    assert_false(vm_serial_log_default("qemu:///session", "d1", small, sizeof(small)));
    assert_false(vm_serial_log_default("test:///default", "d1", buf, sizeof(buf)));
    assert_false(vm_serial_log_default("qemu+ssh://h/system", "d1", buf, sizeof(buf)));
    struct stat st;
    bool sys = stat("/var/log/libvirt/qemu", &st) == 0 && S_ISDIR(st.st_mode);
    assert_int_equal(vm_serial_log_default("qemu:///system", "d1", buf, sizeof(buf)), sys);
    if (sys)
        assert_string_equal(buf, "/var/log/libvirt/qemu/d1-serial0.log");
    const char *subs[] = {"/libvirt/qemu/log", "/libvirt/qemu", "/libvirt", ""};
    for (size_t i = 0; i < 4; i++) {
        snprintf(dir, sizeof(dir), "%s%s", tmpl, subs[i]);
        assert_int_equal(rmdir(dir), 0);
    }
    unsetenv("XDG_CACHE_HOME");
}

/* Devices passed through in domain XML as libvirt gives it: each kind once, in the order of
 * the kinds; a plain disk, a network interface and a mouse are not; no devices: empty. */
static void
xml_devices(void **state)
{
    (void)state;
    char out[512];
    vm_xml_devices(
        "<domain><devices><disk type='file' device='disk'><source file='/i.qcow2'/></disk>"
        "<disk type='block' device='lun'><source dev='/dev/sdg'/></disk>"
        "<interface type='network'><source network='default'/></interface>"
        "<interface type='hostdev'><source><address type='pci' domain='0x0000' bus='0x03' "
        "slot='0x10' function='0x2'/></source></interface>"
        "<hostdev mode='subsystem' type='pci'><source><address domain='0x0001' bus='0x0a' "
        "slot='0x1f' function='0x7'/></source><address type='pci' bus='0x09'/></hostdev>"
        "<hostdev mode='subsystem' type='usb'><source><vendor id='0x1d6b'/><product "
        "id='0x0002'/></source></hostdev>"
        "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address "
        "uuid='c2177883-f1bb-47f0-914d-32a22e3a8804'/></source></hostdev>"
        "<hostdev mode='subsystem' type='scsi_host'><source protocol='vhost' "
        "wwpn='naa.5123456789abcde0'/></hostdev>"
        "<hostdev mode='capabilities' type='misc'><source><char>/dev/input/event3</char></source>"
        "</hostdev>"
        "<input type='mouse' bus='ps2'/><input type='passthrough' bus='virtio'><source "
        "evdev='/dev/input/event1'/></input>"
        "<tpm model='tpm-tis'><backend type='passthrough'><device path='/dev/tpm0'/></backend>"
        "</tpm></devices></domain>",
        out, sizeof(out));
    assert_string_equal(out, "pci 0001:0a:1f.7, usb 1d6b:0002, "
                             "mdev c2177883-f1bb-47f0-914d-32a22e3a8804, "
                             "scsi_host naa.5123456789abcde0, misc /dev/input/event3, "
                             "net pci 0000:03:10.2, lun /dev/sdg, input /dev/input/event1, "
                             "tpm /dev/tpm0");
    vm_xml_devices("<domain><devices><tpm model='tpm-crb'><backend type='emulator'/></tpm>"
                   "<serial type='pty'/></devices></domain>",
                   out, sizeof(out));
    assert_string_equal(out, "");
    vm_xml_devices("<domain><name>x</name></domain>", out, sizeof(out));
    assert_string_equal(out, "");
    vm_xml_devices("<domain><devices><hostdev mode='subsystem' type='pci'>", out, sizeof(out));
    assert_string_equal(out, ""); /* cut off */
}

/* The devices list: ", " between items, ", ..." once an item does not fit, nothing after. */
static void
list_add_cuts(void **state)
{
    (void)state;
    char b[24] = "";
    figs_list_add(b, sizeof(b), "pci 0000:01:00.0");
    assert_string_equal(b, "pci 0000:01:00.0");
    figs_list_add(b, sizeof(b), "usb 1:2");
    assert_string_equal(b, "pci 0000:01:00.0, ...");
    figs_list_add(b, sizeof(b), "a");
    assert_string_equal(b, "pci 0000:01:00.0, ...");
    char c[8] = "";
    figs_list_add(c, sizeof(c), "longer than eight");
    assert_string_equal(c, "...");
    figs_list_add(c, sizeof(c), "a");
    assert_string_equal(c, "...");
    struct inst_figs f;
    figs_init(&f);
    figs_devices_put(&f, "");
    assert_string_equal(f.isolation, "devices none");
    snprintf(f.isolation, sizeof(f.isolation), "hypervisor qemu");
    figs_devices_put(&f, "pci 0000:01:00.0");
    assert_string_equal(f.isolation, "hypervisor qemu; devices pci 0000:01:00.0");
}

/* A container's devices fact from its config.json: linux.devices beyond the default set, bind
 * mounts of host device nodes (not of /dev's directories); "none" without either. */
static void
ctr_devices(void **state)
{
    (void)state;
    struct ctr_spec s;
    struct inst_figs f;
    memset(&s, 0, sizeof(s));
    figs_init(&f);
    s.json = json_tokener_parse("{\"linux\":{\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\"},"
                                "{\"path\":\"/dev/fuse\",\"type\":\"c\"},{\"path\":\"/dev/tty\"}]},"
                                "\"mounts\":[{\"destination\":\"/proc\",\"source\":\"proc\"},"
                                "{\"destination\":\"/dev/shm\",\"source\":\"/dev/shm\"},"
                                "{\"destination\":\"/p\",\"source\":\"/dev/pts/3\"},"
                                "{\"destination\":\"/k\",\"source\":\"/dev/kvm\"}]}");
    assert_non_null(s.json);
    ctr_figs_isolation(&s, "v2", &f);
    const char *d = strstr(f.isolation, "; devices ");
    assert_non_null(d);
    assert_string_equal(d, "; devices /dev/fuse, bind /dev/kvm");
    json_object_put(s.json);
    s.json = json_tokener_parse("{\"linux\":{}}");
    ctr_figs_isolation(&s, "", &f);
    d = strstr(f.isolation, "; devices ");
    assert_non_null(d);
    assert_string_equal(d, "; devices none");
    json_object_put(s.json);
}

/* du_paths over a tree made here: a 64 KiB file, a hard link to it (counted once), a
 * subdirectory, a symbolic link (its own blocks, not its target's); missing paths are skipped,
 * all missing is unknown; the async slot reaches the same sum. */
static uint64_t
blocks_of(const char *path)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    return (uint64_t)st.st_blocks * 512;
}

static void
du_counts_blocks_links_once(void **state)
{
    (void)state;
    char top[] = "/tmp/berth-du-XXXXXX", p[256], q[256], sub[256], ln[256];
    assert_non_null(mkdtemp(top));
    snprintf(sub, sizeof(sub), "%s/sub", top);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(p, sizeof(p), "%s/sub/data", top);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    for (int i = 0; i < 64 * 1024; i++)
        fputc(i * 7 + 1, fp);
    fclose(fp);
    snprintf(q, sizeof(q), "%s/hard", top);
    assert_int_equal(link(p, q), 0);
    snprintf(ln, sizeof(ln), "%s/sym", top);
    assert_int_equal(symlink("/usr", ln), 0);
    uint64_t want = blocks_of(top) + blocks_of(sub) + blocks_of(p) + blocks_of(ln);
    assert_true(blocks_of(p) >= 64 * 1024);
    assert_true(du_paths(top) == want);
    char two[600];
    snprintf(two, sizeof(two), "/nonexistent-berth:%s", top);
    assert_true(du_paths(two) == want);
    assert_true(du_paths("/nonexistent-berth") == INST_UNKNOWN);

    struct du_slot *s = du_slot_new(top);
    assert_true(du_slot_bytes(s) == INST_UNKNOWN);
    du_slot_request(s);
    for (int i = 0; i < 2000 && du_slot_bytes(s) == INST_UNKNOWN; i++)
        usleep(5000);
    assert_true(du_slot_bytes(s) == want);
    du_slot_put(s);

    unlink(ln);
    unlink(q);
    unlink(p);
    rmdir(sub);
    rmdir(top);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(init_leaves_everything_unknown),
        cmocka_unit_test(v1_tree_split_from_total_keys_and_kmem),
        cmocka_unit_test(v2_tree_with_kernel_key),
        cmocka_unit_test(v2_tree_before_5_18_sums_kernel_parts),
        cmocka_unit_test(missing_group_reads_nothing),
        cmocka_unit_test(parser_matches_whole_keys_only),
        cmocka_unit_test(qemu_rss_and_overhead),
        cmocka_unit_test(du_counts_blocks_links_once),
        cmocka_unit_test(qcow2_header_fields),
        cmocka_unit_test(serial_log_paths),
        cmocka_unit_test(serial_log_defaults),
        cmocka_unit_test(xml_devices),
        cmocka_unit_test(list_add_cuts),
        cmocka_unit_test(ctr_devices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
