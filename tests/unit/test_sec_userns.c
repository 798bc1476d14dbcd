/* SPDX-License-Identifier: MIT */
/* /etc/subuid-style parsing and the user namespace sections written into config.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "ctr/security/userns.h"

static char path[] = "/tmp/berth-subid.XXXXXX";

static void
write_file(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int
setup(void **state)
{
    (void)state;
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

static void
test_finds_by_name_and_by_uid(void **state)
{
    (void)state;
    struct userns_range r;
    write_file("# comment\n\nalice:100000:65536\n1001:200000:1000\nroot:300000:5\n");
    assert_int_equal(userns_subid_find(path, "alice", 1000, &r, NULL), 1);
    assert_int_equal(r.start, 100000);
    assert_int_equal(r.size, 65536);
    assert_int_equal(userns_subid_find(path, "bob", 1001, &r, NULL), 1);
    assert_int_equal(r.start, 200000);
    assert_int_equal(r.size, 1000);
    assert_int_equal(userns_subid_find(path, "carol", 1002, &r, NULL), 0);
    assert_int_equal(userns_subid_find("/nonexistent/subuid", "root", 0, &r, NULL), 0);
}

static void
test_malformed_line_names_file_and_line(void **state)
{
    (void)state;
    struct userns_range r;
    struct err *e = NULL;
    write_file("alice:100000:65536\nbroken-line\n");
    assert_int_equal(userns_subid_find(path, "zed", 5, &r, &e), -1);
    char want[128];
    snprintf(want, sizeof(want), "%s:2: malformed line 'broken-line'", path);
    assert_non_null(strstr(err_msg(e), want));
    err_free(e);
    e = NULL;
    write_file("alice:4294967295:10\n");
    assert_int_equal(userns_subid_find(path, "alice", 5, &r, &e), -1);
    err_free(e);
    e = NULL;
    write_file("alice:10:0\n");
    assert_int_equal(userns_subid_find(path, "alice", 5, &r, &e), -1);
    err_free(e);
}

static void
test_rootless_default_maps_caller(void **state)
{
    (void)state;
    json_object *c = json_object_new_object();
    assert_int_equal(userns_rootless_defaults(c, NULL), 0);
    if (geteuid() == 0) {
        assert_false(userns_config_has(c)); /* root: no user namespace unless asked */
    } else {
        char want[96];
        snprintf(want, sizeof(want), "[{\"containerID\":0,\"hostID\":%u,\"size\":1}]",
                 (unsigned)geteuid());
        json_object *l = NULL, *m = NULL;
        assert_true(json_object_object_get_ex(c, "linux", &l));
        assert_true(json_object_object_get_ex(l, "uidMappings", &m));
        assert_string_equal(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN), want);
        assert_true(userns_config_has(c));
    }
    json_object_put(c);
}

/* root:START:COUNT of the file, or nothing: the default when no one else holds its ids. */
static void
test_root_range_own_or_default(void **state)
{
    (void)state;
    struct userns_range r = {0, 0};
    write_file("alice:300000:65536\nroot:200000:70000\n");
    assert_int_equal(userns_root_range(path, &r, NULL), 0);
    assert_int_equal(r.start, 200000);
    assert_int_equal(r.size, 70000);
    write_file("alice:300000:65536\n");
    assert_int_equal(userns_root_range(path, &r, NULL), 0);
    assert_int_equal(r.start, USERNS_DEFAULT_START);
    assert_int_equal(r.size, USERNS_DEFAULT_SIZE);
    assert_int_equal(userns_root_range("/nonexistent/subuid", &r, NULL), 0);
    assert_int_equal(r.start, USERNS_DEFAULT_START);
}

static void
expect_refused(const char *text, const char *want)
{
    struct userns_range r = {7, 7};
    struct err *e = NULL;
    write_file(text);
    assert_int_equal(userns_root_range(path, &r, &e), -1);
    if (!strstr(err_msg(e), want))
        fail_msg("message '%s' lacks '%s'", err_msg(e), want);
    assert_null(strchr(err_msg(e), '\n'));
    assert_int_equal(r.start, 7); /* not touched */
    err_free(e);
}

static void
test_root_range_refusals(void **state)
{
    (void)state;
    expect_refused("root:100000:1000\n", "(100000:1000) has 1000 ids; a container needs at "
                                         "least 65536");
    expect_refused("root:0:65536\n", "starts at host id 0");
    expect_refused("bob:1:2\nalice:165535:10\n",
                   "has no range for root, and the default 100000:65536 overlaps "
                   "'alice:165535:10'");
    expect_refused("root:100000\n", "malformed line 'root:100000'");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_by_name_and_by_uid),
        cmocka_unit_test(test_malformed_line_names_file_and_line),
        cmocka_unit_test(test_rootless_default_maps_caller),
        cmocka_unit_test(test_root_range_own_or_default),
        cmocka_unit_test(test_root_range_refusals),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
