/* SPDX-License-Identifier: MIT */
/* The cgroup v2 subtree delegated to a rootless user (src/ctr/cgroup/delegate.c), over trees
 * built in a temporary directory: the highest owned ancestor of the process's own cgroup, never
 * the own cgroup itself, nothing for root, for a v1/hybrid layout or an unreadable file. Runs as
 * root (it chowns the tree to a test uid); skipped otherwise. */
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

#include "ctr/cgroup/cgroup.h"

#define UID 4242

static char root[64];

static void
mk(const char *rel, bool mine)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    assert_int_equal(mkdir(p, 0755), 0);
    if (mine)
        assert_int_equal(chown(p, UID, UID), 0);
}

static void
put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int
deleg(const char *self_text, uid_t uid, char *out)
{
    put("self", self_text);
    char self[128];
    snprintf(self, sizeof(self), "%s/self", root);
    char tree[128];
    snprintf(tree, sizeof(tree), "%s/cg", root);
    return ctr_cgroup_delegated_at(tree, self, uid, out, 256);
}

static int
setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/berth-cgdeleg.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    mk("cg", false);
    put("cg/cgroup.controllers", "cpu memory pids\n");
    /* systemd: user@UID.service delegated, the shell in app.slice/x.scope */
    mk("cg/user.slice", false);
    mk("cg/user.slice/user-4242.slice", false);
    mk("cg/user.slice/user-4242.slice/user@4242.service", true);
    mk("cg/user.slice/user-4242.slice/user@4242.service/app.slice", true);
    mk("cg/user.slice/user-4242.slice/user@4242.service/app.slice/x.scope", true);
    /* a login session: only the process's own cgroup is the user's */
    mk("cg/sess", false);
    mk("cg/sess/leaf", true);
    /* the guest suite's set-up: user-UID delegated, the shell in its leaf "session" */
    mk("cg/user-4242", true);
    mk("cg/user-4242/session", true);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

static void
finds_highest_owned_ancestor(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char out[256];
    assert_int_equal(
        deleg("0::/user.slice/user-4242.slice/user@4242.service/app.slice/x.scope\n", UID, out), 0);
    assert_string_equal(out, "user.slice/user-4242.slice/user@4242.service");
    assert_int_equal(deleg("0::/user-4242/session\n", UID, out), 0);
    assert_string_equal(out, "user-4242");
    /* v1 lines before the unified one are ignored */
    assert_int_equal(deleg("4:memory:/x\n1:name=systemd:/y\n0::/user-4242/session\n", UID, out), 0);
    assert_string_equal(out, "user-4242");
}

static void
none_when_nothing_usable(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    char out[256];
    /* only the own cgroup is the user's: it holds processes, so it cannot be used */
    assert_int_equal(deleg("0::/sess/leaf\n", UID, out), -1);
    assert_string_equal(out, "");
    /* another user owns it */
    assert_int_equal(deleg("0::/user-4242/session\n", UID + 1, out), -1);
    /* root: never delegated (root uses the top of the tree) */
    assert_int_equal(deleg("0::/user-4242/session\n", 0, out), -1);
    /* the root cgroup, a path with "..", no unified line, an empty file */
    assert_int_equal(deleg("0::/\n", UID, out), -1);
    assert_int_equal(deleg("0::/user-4242/../user-4242/session\n", UID, out), -1);
    assert_int_equal(deleg("4:memory:/user-4242/session\n", UID, out), -1);
    assert_int_equal(deleg("", UID, out), -1);
    /* not a pure v2 tree (no cgroup.controllers at the root): v1 and hybrid hosts */
    char p[128];
    snprintf(p, sizeof(p), "%s/cg/cgroup.controllers", root);
    assert_int_equal(unlink(p), 0);
    assert_int_equal(deleg("0::/user-4242/session\n", UID, out), -1);
    put("cg/cgroup.controllers", "cpu memory pids\n");
    /* a missing /proc/self/cgroup */
    snprintf(p, sizeof(p), "%s/cg", root);
    assert_int_equal(ctr_cgroup_delegated_at(p, "/nonexistent/cgroup", UID, out, 256), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_highest_owned_ancestor),
        cmocka_unit_test(none_when_nothing_usable),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
