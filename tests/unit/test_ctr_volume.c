/* SPDX-License-Identifier: MIT */
/* Unit tests: the -v and --tmpfs parsers, destination checks, restart policies and back-off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/cleanup.h"
#include "ctr/ctr.h"
#include "ctr/volume/volume.h"

static void
bind_and_named(void **state)
{
    (void)state;
    struct vol_mount m;
    assert_int_equal(vol_mount_parse("/srv/data:/data", &m, NULL), 0);
    assert_int_equal(m.kind, VOL_KIND_BIND);
    assert_string_equal(m.source, "/srv/data");
    assert_string_equal(m.dest, "/data");
    assert_false(m.ro);
    assert_int_equal(vol_mount_parse("/srv:/a//b/:ro", &m, NULL), 0);
    assert_string_equal(m.dest, "/a/b"); /* normalised */
    assert_true(m.ro);
    assert_int_equal(vol_mount_parse("db-1.x:/var/lib/db:rw", &m, NULL), 0);
    assert_int_equal(m.kind, VOL_KIND_NAMED);
    assert_string_equal(m.source, "db-1.x");
    assert_false(m.ro);
}

/* Each refused with one message naming the value. */
static void
mount_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",           "/srv",       ":/d",           "/srv:",
        "./x:/d",     "x/y:/d",     "/srv:d",        "/srv:/a/../b",
        "/srv:/./a",  "/srv:/proc", "/srv:/sys/x",   "/srv:/",
        "/srv:///",   "/srv:/d:rx", "/srv:/d:",      "-n:/d",
        "/a/../b:/d", "n!:/d",      "/srv:/d:ro:rw",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cleanup_err struct err *e = NULL;
        struct vol_mount m;
        if (vol_mount_parse(bad[i], &m, &e) == 0)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(e);
        assert_null(strchr(err_msg(e), '\n'));
    }
    /* /proc-like names that are not /proc are fine */
    struct vol_mount m;
    assert_int_equal(vol_mount_parse("/srv:/procfoo", &m, NULL), 0);
    assert_int_equal(vol_mount_parse("/srv:/system", &m, NULL), 0);
}

static void
long_values(void **state)
{
    (void)state;
    char big[PATH_MAX + 64];
    memset(big, 'a', sizeof(big) - 1);
    big[0] = '/';
    big[sizeof(big) - 1] = '\0';
    big[10] = ':';
    big[11] = '/';
    struct vol_mount m;
    assert_int_equal(vol_mount_parse(big, &m, NULL), -1);
    char name[80];
    memset(name, 'n', sizeof(name));
    snprintf(name + 65, sizeof(name) - 65, ":/d");
    assert_int_equal(vol_mount_parse(name, &m, NULL), -1); /* a name over 64 characters */
}

static void
tmpfs_options(void **state)
{
    (void)state;
    struct vol_mount m;
    assert_int_equal(vol_tmpfs_parse("/run/x", &m, NULL), 0);
    assert_int_equal(m.kind, VOL_KIND_TMPFS);
    assert_int_equal(m.size, 0);
    assert_false(m.mode_set);
    assert_false(m.exec);
    assert_int_equal(vol_tmpfs_parse("/t:size=64M,mode=0700,exec,ro", &m, NULL), 0);
    assert_int_equal(m.size, 64ull << 20);
    assert_int_equal(m.mode, 0700);
    assert_true(m.mode_set);
    assert_true(m.exec);
    assert_true(m.ro);
    static const char *const bad[] = {
        "",          "t",          "/proc/x",       "/t:",     "/t:size=",  "/t:size=0",
        "/t:mode=8", "/t:mode=-1", "/t:mode=17777", "/t:suid", "/t:ro,,rw", "/t:ro,"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (vol_tmpfs_parse(bad[i], &m, NULL) == 0)
            fail_msg("'%s' was accepted", bad[i]);
    }
}

static void
restart_policies(void **state)
{
    (void)state;
    struct ctr_restart_policy p;
    char buf[32];
    assert_int_equal(ctr_restart_parse("on-failure:3", &p, NULL), 0);
    assert_int_equal(p.mode, CTR_RESTART_ON_FAILURE);
    assert_int_equal(p.max, 3);
    ctr_restart_format(&p, buf, sizeof(buf));
    assert_string_equal(buf, "on-failure:3");
    assert_true(ctr_restart_wanted(&p, 1, 2));
    assert_false(ctr_restart_wanted(&p, 1, 3)); /* three done */
    assert_false(ctr_restart_wanted(&p, 0, 0)); /* a clean exit */
    assert_int_equal(ctr_restart_parse("on-failure", &p, NULL), 0);
    assert_true(ctr_restart_wanted(&p, 137, 1000));
    assert_int_equal(ctr_restart_parse("unless-stopped", &p, NULL), 0);
    assert_true(ctr_restart_wanted(&p, 0, 5));
    assert_int_equal(ctr_restart_parse("no", &p, NULL), 0);
    assert_false(ctr_restart_wanted(&p, 1, 0));
    static const char *const bad[] = {"",
                                      "yes",
                                      "always:1",
                                      "on-failure:",
                                      "on-failure:0",
                                      "on-failure:-1",
                                      "on-failure:1x",
                                      "no:2",
                                      "on-failure:99999999999"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (ctr_restart_parse(bad[i], &p, NULL) == 0)
            fail_msg("'%s' was accepted", bad[i]);
    }
}

static void
backoff_doubles_and_caps(void **state)
{
    (void)state;
    assert_int_equal(ctr_restart_backoff_ms(0), 100);
    assert_int_equal(ctr_restart_backoff_ms(1), 200);
    assert_int_equal(ctr_restart_backoff_ms(5), 3200);
    assert_int_equal(ctr_restart_backoff_ms(9), 30000);
    assert_int_equal(ctr_restart_backoff_ms(4000000000u), 30000);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bind_and_named),   cmocka_unit_test(mount_refusals),
        cmocka_unit_test(long_values),      cmocka_unit_test(tmpfs_options),
        cmocka_unit_test(restart_policies), cmocka_unit_test(backoff_doubles_and_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
