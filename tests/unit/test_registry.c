/* SPDX-License-Identifier: MIT */
/* Unit tests: image references, auth challenges and auth.json (ctr/image/registry). */
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

#include "common/fileio.h"
#include "ctr/image/registry.h"

/* s parses to the canonical form want, with that domain. */
static void
ref_ok(const char *s, const char *want, const char *domain)
{
    struct reg_ref r;
    struct err *e = NULL;
    if (reg_ref_parse(s, &r, &e) < 0)
        fail_msg("'%s' was rejected: %s", s, err_msg(e));
    char *f = reg_ref_format(&r);
    assert_string_equal(f, want);
    assert_string_equal(r.domain, domain);
    free(f);
    reg_ref_done(&r);
}

static void
ref_bad(const char *s, const char *why)
{
    struct reg_ref r;
    struct err *e = NULL;
    assert_int_equal(reg_ref_parse(s, &r, &e), -1);
    assert_non_null(e);
    if (!strstr(err_msg(e), why) || !strstr(err_msg(e), "invalid image reference"))
        fail_msg("'%s': message '%s' lacks '%s'", s, err_msg(e), why);
    assert_null(strchr(err_msg(e), '\n'));
    err_free(e);
}

static void
ref_short_names_resolve_like_podman(void **state)
{
    (void)state;
    ref_ok("alpine", "docker.io/library/alpine:latest", "docker.io");
    ref_ok("alpine:3.19", "docker.io/library/alpine:3.19", "docker.io");
    ref_ok("docker.io/alpine", "docker.io/library/alpine:latest", "docker.io");
    ref_ok("index.docker.io/library/alpine", "docker.io/library/alpine:latest", "docker.io");
    ref_ok("user/app:v1", "docker.io/user/app:v1", "docker.io");
    ref_ok("localhost/x", "localhost/x:latest", "localhost");
    ref_ok("localhost:5000/x:tag", "localhost:5000/x:tag", "localhost:5000");
    ref_ok("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000");
    ref_ok("quay.io/podman/hello", "quay.io/podman/hello:latest", "quay.io");
    ref_ok("[::1]:5000/x", "[::1]:5000/x:latest", "[::1]:5000");
    ref_ok("my-reg.example.com/a_b/c__d/e-f.g", "my-reg.example.com/a_b/c__d/e-f.g:latest",
           "my-reg.example.com");
}

static void
ref_digests_keep_the_tag_only_when_given(void **state)
{
    (void)state;
    const char *d = "sha256:0df61f34bfe23e633ccb2185a2cfa0f9dca895179d887b75cf0b6f0f61aec047";
    char in[256], want[256];
    snprintf(in, sizeof(in), "alpine@%s", d);
    snprintf(want, sizeof(want), "docker.io/library/alpine@%s", d);
    ref_ok(in, want, "docker.io");
    snprintf(in, sizeof(in), "localhost:5000/x:v1@%s", d);
    snprintf(want, sizeof(want), "localhost:5000/x:v1@%s", d);
    ref_ok(in, want, "localhost:5000");
}

static void
ref_bad_input_gets_one_line_naming_the_problem(void **state)
{
    (void)state;
    ref_bad("", "empty");
    ref_bad("Alpine", "lowercase");
    ref_bad("docker.io/Library/x", "lowercase");
    ref_bad("https://quay.io/x", "without a scheme");
    ref_bad("a b", "spaces");
    ref_bad("x:", "a tag is");
    ref_bad("x:-bad", "a tag is");
    ref_bad("x@sha256:abc", "64 lowercase hex");
    ref_bad("x@md5:0123", "sha256:<64 hex digits>");
    ref_bad("quay.io/", "no repository name");
    ref_bad("a//b", "a name component");
    ref_bad("a/.b", "a name component");
    ref_bad("x-/y", "a name component");
    ref_bad("bad_host.:5000/x", "not a valid host");
    ref_bad("host.io:99999999/x", "not a valid host");
    ref_bad("host.io:/x", "not a valid host");
    char long_tag[200];
    memset(long_tag, 'a', sizeof(long_tag));
    memcpy(long_tag, "x:", 2);
    long_tag[sizeof(long_tag) - 1] = '\0';
    ref_bad(long_tag, "a tag is");
}

static void
challenge_bearer_and_basic_parse(void **state)
{
    (void)state;
    struct reg_challenge c;
    struct err *e = NULL;
    assert_int_equal(reg_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
                                         "service=\"registry.docker.io\",scope=\"repository:"
                                         "library/alpine:pull\"",
                                         &c, &e),
                     0);
    assert_int_equal(c.scheme, REG_SCHEME_BEARER);
    assert_string_equal(c.realm, "https://auth.docker.io/token");
    assert_string_equal(c.service, "registry.docker.io");
    assert_string_equal(c.scope, "repository:library/alpine:pull");
    reg_challenge_done(&c);
    assert_int_equal(reg_challenge_parse("basic realm=Registry, charset=\"UTF-8\"", &c, &e), 0);
    assert_int_equal(c.scheme, REG_SCHEME_BASIC);
    assert_string_equal(c.realm, "Registry");
    assert_null(c.service);
    reg_challenge_done(&c);
    assert_int_equal(reg_challenge_parse("Bearer realm=\"a\\\"b\"", &c, &e), 0);
    assert_string_equal(c.realm, "a\"b");
    reg_challenge_done(&c);
    assert_null(e);
}

static void
challenge_bad_input_is_an_error(void **state)
{
    (void)state;
    const char *bad[] = {"Negotiate abc",    "",          "Bearer",       "Bearer realm=\"open",
                         "Bearer service=x", "Bearer =x", "Bearerrealm=x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct reg_challenge c;
        struct err *e = NULL;
        if (reg_challenge_parse(bad[i], &c, &e) == 0)
            fail_msg("'%s' was accepted", bad[i]);
        assert_non_null(e);
        err_free(e);
    }
}

static void
auth_json_lookup_matches_the_forms_podman_and_docker_write(void **state)
{
    (void)state;
    /* dXNlcjpwYTpzcw== is "user:pa:ss" (the password may hold ':') */
    const char *j = "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dXNlcjpwYTpzcw==\"},"
                    "\"localhost:5000\":{\"auth\":\"YTpi\"},"
                    "\"quay.io/org\":{\"auth\":\"cTpx\"},"
                    "\"helper.io\":{\"identitytoken\":\"x\"}},\"credHelpers\":{}}";
    struct {
        const char *host, *user, *pass;
    } cases[] = {{"docker.io", "user", "pa:ss"},
                 {"localhost:5000", "a", "b"},
                 {"quay.io", "q", "q"},
                 {"localhost", NULL, NULL},
                 {"helper.io", NULL, NULL}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *u = NULL, *p = NULL;
        struct err *e = NULL;
        int rc = reg_auth_parse(j, strlen(j), "auth.json", cases[i].host, &u, &p, &e);
        assert_int_equal(rc, cases[i].user ? 1 : 0);
        if (cases[i].user) {
            assert_string_equal(u, cases[i].user);
            assert_string_equal(p, cases[i].pass);
        }
        free(u);
        free(p);
    }
}

static void
auth_json_corrupt_is_an_error_naming_the_file(void **state)
{
    (void)state;
    const char *bad[] = {"{", "[]", "{\"auths\":{\"h\":{\"auth\":\"!!!!\"}}}",
                         "{\"auths\":{\"h\":{\"auth\":\"bm9jb2xvbg==\"}}}"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *u = NULL, *p = NULL;
        struct err *e = NULL;
        assert_int_equal(reg_auth_parse(bad[i], strlen(bad[i]), "my.json", "h", &u, &p, &e), -1);
        assert_non_null(strstr(err_msg(e), "my.json"));
        err_free(e);
    }
}

static void
auth_store_and_remove_keep_other_entries_0600(void **state)
{
    (void)state;
    char dir[] = "/tmp/berth-test-auth.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/sub/auth.json", dir);
    struct err *e = NULL;
    assert_int_equal(reg_auth_store(path, "a.io", "u1", "p1", &e), 0);
    assert_int_equal(reg_auth_store(path, "b.io:5000", "u2", "p:2", &e), 0);
    assert_int_equal(reg_auth_store(path, "a.io", "u3", "p3", &e), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *u = NULL, *p = NULL;
    assert_int_equal(reg_auth_lookup(path, "a.io", &u, &p, &e), 1);
    assert_string_equal(u, "u3");
    assert_string_equal(p, "p3");
    free(u), free(p);
    assert_int_equal(reg_auth_remove(path, "a.io", &e), 1);
    assert_int_equal(reg_auth_remove(path, "a.io", &e), 0);
    assert_int_equal(reg_auth_lookup(path, "b.io:5000", &u, &p, &e), 1);
    assert_string_equal(p, "p:2");
    free(u), free(p);
    assert_int_equal(reg_auth_store(path, "c.io", "bad:user", "x", &e), -1);
    err_free(e);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void
platform_parse_accepts_os_arch_variant(void **state)
{
    (void)state;
    char *os, *arch, *variant;
    struct err *e = NULL;
    assert_int_equal(reg_platform_parse("linux/arm64/v8", &os, &arch, &variant, &e), 0);
    assert_string_equal(os, "linux");
    assert_string_equal(arch, "arm64");
    assert_string_equal(variant, "v8");
    free(os), free(arch), free(variant);
    assert_int_equal(reg_platform_parse("linux/amd64", &os, &arch, &variant, &e), 0);
    assert_null(variant);
    free(os), free(arch);
    const char *bad[] = {"linux", "/amd64", "linux/", "linux//v7", "a/b/c/d", "linux/arm/"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(reg_platform_parse(bad[i], &os, &arch, &variant, &e), -1);
        assert_non_null(strstr(err_msg(e), "invalid platform"));
        err_free(e);
        e = NULL;
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ref_short_names_resolve_like_podman),
        cmocka_unit_test(ref_digests_keep_the_tag_only_when_given),
        cmocka_unit_test(ref_bad_input_gets_one_line_naming_the_problem),
        cmocka_unit_test(challenge_bearer_and_basic_parse),
        cmocka_unit_test(challenge_bad_input_is_an_error),
        cmocka_unit_test(auth_json_lookup_matches_the_forms_podman_and_docker_write),
        cmocka_unit_test(auth_json_corrupt_is_an_error_naming_the_file),
        cmocka_unit_test(auth_store_and_remove_keep_other_entries_0600),
        cmocka_unit_test(platform_parse_accepts_os_arch_variant),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
