/* SPDX-License-Identifier: MIT */
/* The new-container form splits its command as sh would: quotes and backslashes (issue 16:
 * `/bin/sh -c 'while :; do ...'` became the arguments `'while`, `:;`, ...). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"
#include "ui/tui/shellwords.h"

static void
check(const char *in, int n, const char *const *want)
{
    char buf[512];
    char *argv[16];
    int got = shellwords_split(in, buf, sizeof(buf), argv, 16, NULL);
    if (got != n)
        fail_msg("'%s': %d words, want %d", in, got, n);
    for (int i = 0; i < n; i++) {
        if (strcmp(argv[i], want[i]) != 0)
            fail_msg("'%s': word %d is '%s', want '%s'", in, i, argv[i], want[i]);
    }
}

#define CHECK(in, ...)                                                                             \
    do {                                                                                           \
        static const char *const w_[] = {__VA_ARGS__};                                             \
        check(in, (int)(sizeof(w_) / sizeof(w_[0])), w_);                                          \
    } while (0)

static void
single_quotes_keep_a_script_whole(void **state)
{
    (void)state;
    CHECK("/bin/sh -c 'while :; do echo hi; sleep 1; done'", "/bin/sh", "-c",
          "while :; do echo hi; sleep 1; done");
    CHECK("echo 'a \"b\" \\c'", "echo", "a \"b\" \\c");
    CHECK("a'b c'd", "ab cd");
    CHECK("''", "");
    CHECK("x '' y", "x", "", "y");
}

static void
double_quotes_and_backslashes(void **state)
{
    (void)state;
    CHECK("echo \"a  b\" c", "echo", "a  b", "c");
    CHECK("echo \"\\$HOME \\\" \\\\ \\n\"", "echo", "$HOME \" \\ \\n");
    CHECK("a\\ b c", "a b", "c");
    CHECK("\\'x", "'x");
    CHECK("  lead   and\ttabs  ", "lead", "and", "tabs");
    CHECK("sleep infinity", "sleep", "infinity");
}

static void
empty_and_bad_input(void **state)
{
    (void)state;
    char buf[64];
    char *argv[4];
    assert_int_equal(shellwords_split("", buf, sizeof(buf), argv, 4, NULL), 0);
    assert_int_equal(shellwords_split("   ", buf, sizeof(buf), argv, 4, NULL), 0);
    struct err *e = NULL;
    assert_int_equal(shellwords_split("sh -c 'echo", buf, sizeof(buf), argv, 4, &e), -1);
    assert_non_null(strstr(err_msg(e), "unterminated '"));
    err_free(e);
    e = NULL;
    assert_int_equal(shellwords_split("echo \"x", buf, sizeof(buf), argv, 4, &e), -1);
    assert_non_null(strstr(err_msg(e), "unterminated \""));
    err_free(e);
    e = NULL;
    assert_int_equal(shellwords_split("echo x\\", buf, sizeof(buf), argv, 4, &e), -1);
    assert_non_null(strstr(err_msg(e), "backslash"));
    err_free(e);
    e = NULL;
    assert_int_equal(shellwords_split("a b c d e", buf, sizeof(buf), argv, 4, &e), -1);
    assert_non_null(strstr(err_msg(e), "too many words"));
    err_free(e);
    e = NULL;
    assert_int_equal(shellwords_split("aaaaaaaaaaaaaaaa", buf, 8, argv, 4, &e), -1);
    assert_non_null(strstr(err_msg(e), "too long"));
    err_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(single_quotes_keep_a_script_whole),
        cmocka_unit_test(double_quotes_and_backslashes),
        cmocka_unit_test(empty_and_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
