/* SPDX-License-Identifier: MIT */
/* The security defaults written into config.json and the CLI options that change them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/err.h"
#include "ctr/security/caps.h"
#include "ctr/security/security.h"
#include "ctr/security/userns.h"

static json_object *
at(json_object *o, const char *path)
{
    char buf[256], *save = NULL;
    snprintf(buf, sizeof(buf), "%s", path);
    for (char *k = strtok_r(buf, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
        json_object *next = NULL;
        o = json_object_object_get_ex(o, k, &next) ? next : NULL;
    }
    return o;
}

static const char *
text(json_object *o)
{
    return o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : "(absent)";
}

static bool
array_has(json_object *arr, const char *s)
{
    for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
        if (strcmp(json_object_get_string(json_object_array_get_idx(arr, i)), s) == 0)
            return true;
    }
    return false;
}

static uint64_t
mask_of(json_object *config, const char *set)
{
    char path[64];
    uint64_t m = 0;
    snprintf(path, sizeof(path), "process.capabilities.%s", set);
    assert_int_equal(caps_mask_from_json(at(config, path), path, &m, NULL), 0);
    return m;
}

static json_object *
fresh(void)
{
    json_object *c = json_object_new_object();
    assert_int_equal(ctr_security_default_config(c, NULL), 0);
    return c;
}

static void
test_defaults_are_written(void **state)
{
    (void)state;
    json_object *c = fresh();
    assert_true(mask_of(c, "bounding") == CAPS_DOCKER_DEFAULT);
    assert_true(mask_of(c, "effective") == CAPS_DOCKER_DEFAULT);
    assert_true(mask_of(c, "permitted") == CAPS_DOCKER_DEFAULT);
    assert_true(mask_of(c, "inheritable") == 0);
    assert_true(mask_of(c, "ambient") == 0);
    assert_string_equal(text(at(c, "process.noNewPrivileges")), "true");
    static const char *const masked[] = {
        "/proc/kcore",       "/proc/keys",          "/proc/timer_list",
        "/proc/sched_debug", "/proc/latency_stats", "/proc/acpi",
        "/proc/scsi",        "/sys/firmware",       "/sys/devices/virtual/powercap"};
    for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++)
        assert_true(array_has(at(c, "linux.maskedPaths"), masked[i]));
    static const char *const ro[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus",
                                     "/proc/fs"};
    for (size_t i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
        assert_true(array_has(at(c, "linux.readonlyPaths"), ro[i]));
    assert_string_equal(text(at(c, "linux.seccomp.defaultAction")), "\"SCMP_ACT_ERRNO\"");
    assert_string_equal(text(at(c, "annotations.org.berth.seccomp")), "(absent)");
    json_object *ann = NULL;
    assert_true(json_object_object_get_ex(at(c, "annotations"), "org.berth.seccomp", &ann));
    assert_string_equal(json_object_get_string(ann), "default");
    if (geteuid() == 0)
        assert_null(at(c, "linux.uidMappings"));
    json_object_put(c);
}

static void
test_defaults_keep_what_is_there(void **state)
{
    (void)state;
    json_object *c = json_tokener_parse(
        "{\"process\": {\"noNewPrivileges\": false, \"capabilities\": {\"bounding\": "
        "[\"CAP_KILL\"]}}, \"linux\": {\"maskedPaths\": [], \"seccomp\": "
        "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}}}");
    assert_int_equal(ctr_security_default_config(c, NULL), 0);
    assert_string_equal(text(at(c, "process.noNewPrivileges")), "false");
    assert_string_equal(text(at(c, "process.capabilities.bounding")), "[\"CAP_KILL\"]");
    assert_string_equal(text(at(c, "linux.maskedPaths")), "[]");
    assert_string_equal(text(at(c, "linux.seccomp")), "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
    json_object_put(c);
}

static void
test_cap_add_and_drop_change_exactly_that(void **state)
{
    (void)state;
    json_object *c = fresh();
    char *before = strdup(text(at(c, "linux.seccomp")));
    assert_int_equal(ctr_security_cli_option(c, "cap-add", "sys_ptrace", NULL), 0);
    assert_true(mask_of(c, "effective") == (CAPS_DOCKER_DEFAULT | (UINT64_C(1) << 19)));
    assert_true(mask_of(c, "bounding") == (CAPS_DOCKER_DEFAULT | (UINT64_C(1) << 19)));
    assert_true(mask_of(c, "inheritable") == 0);
    /* The default profile follows: ptrace-family calls are now allowed (kcmp appears). */
    assert_string_not_equal(before, text(at(c, "linux.seccomp")));
    assert_non_null(strstr(text(at(c, "linux.seccomp")), "\"kcmp\""));
    assert_int_equal(ctr_security_cli_option(c, "cap-drop", "CAP_NET_RAW", NULL), 0);
    assert_true(mask_of(c, "permitted") ==
                ((CAPS_DOCKER_DEFAULT | (UINT64_C(1) << 19)) & ~(UINT64_C(1) << 13)));
    assert_int_equal(ctr_security_cli_option(c, "cap-drop", "all", NULL), 0);
    assert_true(mask_of(c, "bounding") == 0 && mask_of(c, "effective") == 0);
    assert_int_equal(ctr_security_cli_option(c, "cap-add", "ALL", NULL), 0);
    assert_true(mask_of(c, "bounding") == caps_all());
    assert_non_null(strstr(text(at(c, "linux.seccomp")), "\"mount\""));
    free(before);
    json_object_put(c);
}

static void
test_bad_options_give_one_line_errors(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"cap-add", "CAP_FLY", "--cap-add: unknown capability 'CAP_FLY'"},
        {"cap-drop", "", "option '--cap-drop' needs a value"},
        {"seccomp", "/nonexistent/profile.json", "/nonexistent/profile.json"},
        {"frobnicate", "x", "unknown security option '--frobnicate'"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *c = fresh();
        char *before = strdup(text(c));
        struct err *e = NULL;
        assert_int_equal(ctr_security_cli_option(c, cases[i][0], cases[i][1], &e), -1);
        if (!strstr(err_msg(e), cases[i][2]))
            fail_msg("'%s' lacks '%s'", err_msg(e), cases[i][2]);
        assert_null(strchr(err_msg(e), '\n'));
        assert_string_equal(before, text(c)); /* nothing changed */
        free(before);
        err_free(e);
        json_object_put(c);
    }
}

static void
test_seccomp_unconfined_and_file(void **state)
{
    (void)state;
    json_object *c = fresh();
    assert_int_equal(ctr_security_cli_option(c, "seccomp", "unconfined", NULL), 0);
    assert_null(at(c, "linux.seccomp"));
    /* A capability change does not bring the profile back. */
    assert_int_equal(ctr_security_cli_option(c, "cap-add", "SYS_ADMIN", NULL), 0);
    assert_null(at(c, "linux.seccomp"));
    assert_int_equal(ctr_security_default_config(c, NULL), 0);
    assert_null(at(c, "linux.seccomp"));

    char path[] = "/tmp/berth-sec-profile.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *p = "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                    "[\"keyctl\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}";
    assert_int_equal(write(fd, p, strlen(p)), (ssize_t)strlen(p));
    close(fd);
    assert_int_equal(ctr_security_cli_option(c, "seccomp", path, NULL), 0);
    assert_string_equal(text(at(c, "linux.seccomp.defaultAction")), "\"SCMP_ACT_ALLOW\"");
    assert_non_null(strstr(text(at(c, "linux.seccomp.syscalls")), "keyctl"));
    /* A broken file is refused and leaves the previous section in place. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "{\"defaultAction\": 3", 19), 19);
    close(fd);
    struct err *e = NULL;
    assert_int_equal(ctr_security_cli_option(c, "seccomp", path, &e), -1);
    assert_non_null(strstr(err_msg(e), "--seccomp"));
    assert_string_equal(text(at(c, "linux.seccomp.defaultAction")), "\"SCMP_ACT_ALLOW\"");
    err_free(e);
    unlink(path);
    json_object_put(c);
}

static void
test_userns_option_maps_root_to_a_range(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* not root: the caller's own id is mapped (tested in the rootless script) */
    struct userns_range u, g;
    if (userns_root_range("/etc/subuid", &u, NULL) < 0 ||
        userns_root_range("/etc/subgid", &g, NULL) < 0) {
        /* This machine's files refuse --userns (another user holds the default ids): the
         * option says so and adds nothing. */
        json_object *c = fresh();
        struct err *e = NULL;
        assert_int_equal(ctr_security_cli_option(c, "userns", NULL, &e), -1);
        assert_non_null(strstr(err_msg(e), "--userns"));
        assert_null(at(c, "linux.uidMappings"));
        err_free(e);
        json_object_put(c);
        return;
    }
    char want_u[128], want_g[128];
    snprintf(want_u, sizeof(want_u), "[{\"containerID\":0,\"hostID\":%u,\"size\":%u}]", u.start,
             u.size);
    snprintf(want_g, sizeof(want_g), "[{\"containerID\":0,\"hostID\":%u,\"size\":%u}]", g.start,
             g.size);
    json_object *c = fresh();
    assert_int_equal(ctr_security_cli_option(c, "userns", NULL, NULL), 0);
    assert_string_equal(text(at(c, "linux.namespaces")), "[{\"type\":\"user\"}]");
    assert_string_equal(text(at(c, "linux.uidMappings")), want_u);
    assert_string_equal(text(at(c, "linux.gidMappings")), want_g);
    /* Twice is the same, not two user namespaces. */
    assert_int_equal(ctr_security_cli_option(c, "userns", NULL, NULL), 0);
    assert_string_equal(text(at(c, "linux.namespaces")), "[{\"type\":\"user\"}]");
    json_object_put(c);
}

static void
test_from_config_validates(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"{\"linux\": {\"maskedPaths\": [\"proc/kcore\"]}}", "'\"proc\\/kcore\"'"},
        {"{\"linux\": {\"readonlyPaths\": [7]}}", "linux.readonlyPaths[0]"},
        {"{\"linux\": {\"seccomp\": {\"defaultAction\": \"NOPE\"}}}", "'NOPE'"},
        {"{\"process\": {\"capabilities\": {\"ambient\": [\"CAP_X\"]}}}", "'CAP_X'"},
        {"[1]", "expected an object"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        json_object *c = json_tokener_parse(cases[i][0]);
        struct ctr_security *s = NULL;
        struct err *e = NULL;
        assert_int_equal(ctr_security_from_config(c, &s, &e), -1);
        if (!strstr(err_msg(e), cases[i][1]))
            fail_msg("'%s' lacks '%s'", err_msg(e), cases[i][1]);
        err_free(e);
        json_object_put(c);
    }
    json_object *c = fresh();
    struct ctr_security *s = NULL;
    assert_int_equal(ctr_security_from_config(c, &s, NULL), 0);
    ctr_security_free(s);
    json_object_put(c);
}

int
main(void)
{
    setenv("BERTH_SECCOMP_CACHE", "off", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_are_written),
        cmocka_unit_test(test_defaults_keep_what_is_there),
        cmocka_unit_test(test_cap_add_and_drop_change_exactly_that),
        cmocka_unit_test(test_bad_options_give_one_line_errors),
        cmocka_unit_test(test_seccomp_unconfined_and_file),
        cmocka_unit_test(test_userns_option_maps_root_to_a_range),
        cmocka_unit_test(test_from_config_validates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
