/* SPDX-License-Identifier: MIT */
/* Unit tests: the message for a rootfs whose file system cannot be id-mapped (--userns). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ctr/runtime/runtime.h"

/* tmpfs before Linux 6.3 (the case of issue 19): names the version and this kernel. */
static void
tmpfs_names_the_version_and_kernel(void **state)
{
    (void)state;
    char m[512];
    ctr_idmap_unsupported_msg(m, sizeof(m), 0x01021994, "6.1.0-18-amd64");
    assert_string_equal(m, "--userns needs id-mapped mounts on the rootfs's file system (tmpfs "
                           "has them from Linux 6.3; this kernel is 6.1.0-18-amd64): use a rootfs "
                           "on ext4/xfs/btrfs, or run without --userns");
}

static void
no_support_and_unknown_types(void **state)
{
    (void)state;
    char m[512];
    ctr_idmap_unsupported_msg(m, sizeof(m), 0x6969, "6.18.0");
    assert_non_null(strstr(m, "(nfs has none on this kernel, 6.18.0)"));
    ctr_idmap_unsupported_msg(m, sizeof(m), 0x12345678, "5.10.0");
    assert_non_null(strstr(m, "(file system type 0x12345678 has none on this kernel, 5.10.0)"));
    /* a short buffer is cut, not overrun */
    char s[16];
    ctr_idmap_unsupported_msg(s, sizeof(s), 0xEF53, "5.4.0");
    assert_int_equal(strlen(s), sizeof(s) - 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tmpfs_names_the_version_and_kernel),
        cmocka_unit_test(no_support_and_unknown_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
