/* SPDX-License-Identifier: MIT */
/* Capability names, the OCI JSON form, and applying the sets in a real child process. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "ctr/security/caps.h"

static void
test_names_accept_prefix_and_any_case(void **state)
{
    (void)state;
    assert_int_equal(caps_from_name("CAP_SYS_ADMIN", NULL), 21);
    assert_int_equal(caps_from_name("sys_admin", NULL), 21);
    assert_int_equal(caps_from_name("Net_Raw", NULL), 13);
    assert_int_equal(caps_from_name("cap_chown", NULL), 0);
    assert_int_equal(caps_from_name("CHECKPOINT_RESTORE", NULL), 40);
    assert_string_equal(caps_name(29), "CAP_AUDIT_WRITE");
    assert_null(caps_name(41));
}

static void
test_unknown_name_is_one_line_error(void **state)
{
    (void)state;
    struct err *e = NULL;
    assert_int_equal(caps_from_name("CAP_BOGUS", &e), -1);
    assert_string_equal(err_msg(e), "unknown capability 'CAP_BOGUS'");
    err_free(e);
    e = NULL;
    assert_int_equal(caps_from_name("", &e), -1);
    assert_string_equal(err_msg(e), "unknown capability ''");
    err_free(e);
}

static void
test_docker_default_is_fourteen_caps(void **state)
{
    (void)state;
    json_object *arr = caps_to_json(CAPS_DOCKER_DEFAULT);
    assert_int_equal(json_object_array_length(arr), 14);
    assert_string_equal(json_object_get_string(json_object_array_get_idx(arr, 0)), "CAP_CHOWN");
    uint64_t back = 0;
    assert_int_equal(caps_mask_from_json(arr, "x", &back, NULL), 0);
    assert_true(back == CAPS_DOCKER_DEFAULT);
    json_object_put(arr);
}

static void
test_config_rejects_bad_entries(void **state)
{
    (void)state;
    struct caps_set set;
    struct err *e = NULL;
    json_object *o = json_tokener_parse("{\"bounding\": [\"CAP_CHOWN\", \"CAP_NOPE\"]}");
    assert_int_equal(caps_from_config(o, &set, &e), -1);
    assert_non_null(strstr(err_msg(e), "process.capabilities.bounding"));
    assert_non_null(strstr(err_msg(e), "'CAP_NOPE'"));
    json_object_put(o);
    err_free(e);
    e = NULL;
    o = json_tokener_parse("{\"effective\": \"CAP_CHOWN\"}");
    assert_int_equal(caps_from_config(o, &set, &e), -1);
    assert_non_null(strstr(err_msg(e), "expected an array"));
    json_object_put(o);
    err_free(e);
}

static void
test_config_round_trip(void **state)
{
    (void)state;
    struct caps_set in = {.bounding = CAPS_DOCKER_DEFAULT, .effective = 1, .ambient = 1 << 5};
    struct caps_set out;
    json_object *process = json_object_new_object();
    assert_int_equal(caps_to_config(process, &in, NULL), 0);
    json_object *caps = NULL;
    assert_true(json_object_object_get_ex(process, "capabilities", &caps));
    assert_int_equal(caps_from_config(caps, &out, NULL), 0);
    assert_memory_equal(&in, &out, sizeof(in));
    json_object_put(process);
}

static char *
status_field(const char *name, char *buf, size_t size)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    buf[0] = '\0';
    while (f && fgets(line, sizeof(line), f)) {
        if (strncmp(line, name, strlen(name)) == 0 && line[strlen(name)] == ':') {
            snprintf(buf, size, "%s", line + strlen(name) + 2);
            buf[strcspn(buf, "\n")] = '\0';
        }
    }
    if (f)
        fclose(f);
    return buf;
}

/* Child exit codes: 0 = the sets are exactly the Docker defaults. */
static int
child_apply_default(void)
{
    struct caps_set set = {.bounding = CAPS_DOCKER_DEFAULT & caps_all(),
                           .effective = CAPS_DOCKER_DEFAULT,
                           .permitted = CAPS_DOCKER_DEFAULT};
    char b[64];
    if (caps_apply(&set, NULL) < 0)
        return 2;
    if (strcmp(status_field("CapEff", b, sizeof(b)), "00000000a80425fb") != 0)
        return 3;
    if (strcmp(status_field("CapPrm", b, sizeof(b)), "00000000a80425fb") != 0)
        return 4;
    if (strcmp(status_field("CapBnd", b, sizeof(b)), "00000000a80425fb") != 0)
        return 5;
    if (strcmp(status_field("CapInh", b, sizeof(b)), "0000000000000000") != 0 ||
        strcmp(status_field("CapAmb", b, sizeof(b)), "0000000000000000") != 0)
        return 6;
    /* CAP_SYS_ADMIN is gone for good: raising it again must fail. */
    set.effective |= UINT64_C(1) << 21;
    return caps_apply(&set, NULL) == 0 ? 7 : 0;
}

static void
test_apply_sets_docker_default_for_real(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child_apply_default());
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_accept_prefix_and_any_case),
        cmocka_unit_test(test_unknown_name_is_one_line_error),
        cmocka_unit_test(test_docker_default_is_fourteen_caps),
        cmocka_unit_test(test_config_rejects_bad_entries),
        cmocka_unit_test(test_config_round_trip),
        cmocka_unit_test(test_apply_sets_docker_default_for_real),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
