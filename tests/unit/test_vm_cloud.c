/* SPDX-License-Identifier: MIT */
/* Unit tests: cloud images (vm/cloud.c): the NoCloud seed's content, the cloud options' checks,
 * the image probe, the host name made from a VM name, and the seed CD-ROM in the domain XML. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/strbuf.h"
#include "vm/vm.h"

static char dir[] = "/tmp/berth-test-vm-cloud.XXXXXX";

static char *
write_file(const char *name, const void *data, size_t len)
{
    char *p = NULL;
    assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    return p;
}

static void
opts(struct vm_create_opts *o)
{
    vm_create_opts_init(o);
    o->name = "web_1.example";
    o->mem_bytes = 256ull << 20;
}

static void
expect_cloud_fails(const struct vm_create_opts *o, bool files, const char *needle)
{
    struct err *e = NULL;
    assert_int_equal(vm_cloud_check(o, files, &e), -1);
    if (!strstr(err_msg(e), needle))
        fail_msg("message \"%s\" does not contain \"%s\"", err_msg(e), needle);
    assert_null(strchr(err_msg(e), '\n'));
    err_free(e);
}

static void
test_seed_default_user_data(void **state)
{
    (void)state;
    const char key[] =
        "# a comment\nssh-ed25519 AAAAC3Nza user@host\r\n\necdsa-sha2-nistp256 AAAAE2 k2\n";
    char *kp = write_file("key.pub", key, sizeof(key) - 1);
    struct vm_create_opts o;
    opts(&o);
    o.image = "/img.qcow2";
    o.ssh_key = kp;
    struct vm_cloud_seed s;
    struct err *e = NULL;
    assert_int_equal(vm_cloud_seed_build(&o, "iid-1", &s, &e), 0);
    assert_string_equal(s.meta_data, "instance-id: iid-1\nlocal-hostname: web-1-example\n"
                                     "public-keys:\n  - \"ssh-ed25519 AAAAC3Nza user@host\"\n"
                                     "  - \"ecdsa-sha2-nistp256 AAAAE2 k2\"\n");
    assert_string_equal(s.user_data,
                        "#cloud-config\nhostname: web-1-example\nssh_authorized_keys:\n"
                        "  - \"ssh-ed25519 AAAAC3Nza user@host\"\n"
                        "  - \"ecdsa-sha2-nistp256 AAAAE2 k2\"\n");
    assert_non_null(strstr(s.network_config, "version: 2\n"));
    assert_non_null(strstr(s.network_config, "dhcp4: true"));
    vm_cloud_seed_done(&s);
    unlink(kp);
    free(kp);
}

static void
test_seed_user_data_as_given(void **state)
{
    (void)state;
    const char ud[] = "#cloud-config\npackages: [htop]\n";
    char *up = write_file("ud", ud, sizeof(ud) - 1);
    struct vm_create_opts o;
    opts(&o);
    o.image = "/img.qcow2";
    o.user_data = up;
    o.hostname = "db.internal";
    struct vm_cloud_seed s;
    struct err *e = NULL;
    assert_int_equal(vm_cloud_seed_build(&o, "iid-2", &s, &e), 0);
    assert_string_equal(s.user_data, ud);
    assert_string_equal(s.meta_data, "instance-id: iid-2\nlocal-hostname: db.internal\n");
    vm_cloud_seed_done(&s);
    unlink(up);
    free(up);
}

static void
test_hostname_from_name(void **state)
{
    (void)state;
    struct vm_create_opts o;
    opts(&o);
    char buf[64];
    assert_string_equal(vm_cloud_hostname(&o, buf, sizeof(buf)), "web-1-example");
    o.name = "a+_";
    assert_string_equal(vm_cloud_hostname(&o, buf, sizeof(buf)), "a");
    o.name = "x123456789012345678901234567890123456789012345678901234567890123456789";
    assert_int_equal(strlen(vm_cloud_hostname(&o, buf, sizeof(buf))), 63);
}

static void
test_cloud_check_options(void **state)
{
    (void)state;
    struct vm_create_opts o;
    opts(&o);
    struct err *e = NULL;
    assert_int_equal(vm_cloud_check(&o, false, &e), 0); /* no --image: nothing to check */
    o.cloud_init = true;
    expect_cloud_fails(&o, false, "needs --image");
    o.cloud_init = false;
    o.ssh_key = "/k";
    expect_cloud_fails(&o, false, "needs --image");
    o.image = "/img.qcow2";
    o.disk = "/d.raw";
    expect_cloud_fails(&o, false, "--image and --disk cannot be used together");
    o.disk = NULL;
    const char *bad[] = {"-a", "a-", "a..b", "a_b", "", "x.-y", NULL};
    for (size_t i = 0; bad[i]; i++) {
        o.hostname = bad[i];
        expect_cloud_fails(&o, false, "not a host name");
    }
    o.hostname = "ok-1.example.org";
    assert_int_equal(vm_cloud_check(&o, false, &e), 0);
    /* --disk-size above 64T: vm_create_check, for --image as for a new volume */
    o.disk_size_bytes = VM_MAX_DISK_BYTES + 1;
    assert_int_equal(vm_create_check(&o, NULL, &e), -1);
    assert_non_null(strstr(err_msg(e), "must be at most 64T"));
    err_free(e);
}

static void
test_check_files(void **state)
{
    (void)state;
    unsigned char q[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 3};
    q[24 + 4] = 0x40; /* virtual size 0x40000000 = 1G, big-endian */
    char *img = write_file("img.qcow2", q, sizeof(q));
    char *txt = write_file("img.txt", "hello\n", 6);
    char *ud = write_file("ud", "#include http://x\n", 18);
    char *key = write_file("key", "ssh-rsa AAA \"quoted\"\n", 21);
    const char *fmt = NULL;
    uint64_t vs = 0;
    struct err *e = NULL;
    assert_int_equal(vm_image_probe(img, &fmt, &vs, &e), 0);
    assert_string_equal(fmt, "qcow2");
    assert_int_equal(vs, 1ull << 30);
    struct vm_create_opts o;
    opts(&o);
    o.image = txt;
    expect_cloud_fails(&o, true, "not a disk image");
    o.image = img;
    o.disk_size_bytes = 512ull << 20;
    expect_cloud_fails(&o, true, "smaller than the image's virtual size 1G");
    o.disk_size_bytes = 0;
    o.user_data = ud;
    expect_cloud_fails(&o, true, "the first line must be '#cloud-config'");
    o.user_data = NULL;
    o.ssh_key = key;
    expect_cloud_fails(&o, true, "a character an SSH public key does not");
    o.ssh_key = NULL;
    assert_int_equal(vm_cloud_check(&o, true, &e), 0);
    char *files[] = {img, txt, ud, key};
    for (size_t i = 0; i < 4; i++) {
        unlink(files[i]);
        free(files[i]);
    }
}

static void
test_seed_in_domain_xml(void **state)
{
    (void)state;
    struct vm_create_opts o;
    opts(&o);
    o.seed_iso = "/pool/web.cidata.iso";
    struct strbuf sb = STRBUF_INIT;
    vm_xml_domain(&o, "qemu", "/pool/web.qcow2", "qcow2", &sb);
    const char *x = strbuf_str(&sb);
    assert_non_null(strstr(x, "<controller type='scsi' model='virtio-scsi'/>"));
    assert_non_null(strstr(x, "<source file='/pool/web.cidata.iso'/>"));
    assert_non_null(strstr(x, "<target dev='sdz' bus='scsi'/>"));
    assert_non_null(
        strstr(x, "<address type='drive' controller='0' bus='0' target='0' unit='0'/>"));
    strbuf_done(&sb);
}

int
main(void)
{
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_seed_default_user_data),
        cmocka_unit_test(test_seed_user_data_as_given),
        cmocka_unit_test(test_hostname_from_name),
        cmocka_unit_test(test_cloud_check_options),
        cmocka_unit_test(test_check_files),
        cmocka_unit_test(test_seed_in_domain_xml),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
