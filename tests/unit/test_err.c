/* SPDX-License-Identifier: MIT */
/* Unit tests: the error object (set, wrap, truncation, NULL handling). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "common/err.h"

static int
fails_with_errno(struct err **err)
{
    return err_set(err, ENOENT, "open '%s'", "/x/y");
}

static void
set_appends_strerror_and_returns_minus_one(void **state)
{
    (void)state;
    cleanup_err struct err *e = NULL;
    assert_int_equal(fails_with_errno(&e), -1);
    assert_int_equal(e->code, ENOENT);
    assert_string_equal(err_msg(e), "open '/x/y': No such file or directory");
    assert_int_equal(err_set(&e, 0, "plain %d", 5), -1); /* replaces */
    assert_int_equal(e->code, 0);
    assert_string_equal(err_msg(e), "plain 5");
}

static void
null_err_pointer_drops_the_error(void **state)
{
    (void)state;
    assert_int_equal(fails_with_errno(NULL), -1);
    assert_int_equal(err_wrap(NULL, "ctx"), -1);
    assert_string_equal(err_msg(NULL), "");
}

static void
wrap_prefixes_context_on_the_way_up(void **state)
{
    (void)state;
    cleanup_err struct err *e = NULL;
    fails_with_errno(&e);
    assert_int_equal(err_wrap(&e, "load container '%s'", "web"), -1);
    assert_int_equal(err_wrap(&e, "start"), -1);
    assert_string_equal(err_msg(e),
                        "start: load container 'web': open '/x/y': No such file or directory");
    assert_int_equal(e->code, ENOENT); /* the cause's code is kept */
    struct err *fresh = NULL;
    err_wrap(&fresh, "only context");
    assert_string_equal(err_msg(fresh), "only context");
    err_free(fresh);
}

static void
long_messages_are_truncated_not_overflowed(void **state)
{
    (void)state;
    char big[3000];
    memset(big, 'a', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    cleanup_err struct err *e = NULL;
    err_set(&e, EIO, "%s", big);
    assert_int_equal(strlen(err_msg(e)), sizeof(e->msg) - 1);
    char ctx[600];
    memset(ctx, 'c', sizeof(ctx) - 1);
    ctx[sizeof(ctx) - 1] = '\0';
    err_wrap(&e, "%s", ctx);
    size_t len = strlen(err_msg(e));
    assert_int_equal(len, sizeof(e->msg) - 1);
    /* the context (itself cut to 511) comes first, then ": ", then the start of the cause */
    assert_int_equal(err_msg(e)[510], 'c');
    assert_memory_equal(err_msg(e) + 511, ": a", 3);
    assert_int_equal(err_msg(e)[len - 1], 'a');
    err_set(&e, 0, "short");
    err_wrap(&e, "%s", ctx);
    assert_int_equal(strlen(err_msg(e)), 511 + 2 + 5);
    assert_string_equal(err_msg(e) + 513, "short");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_appends_strerror_and_returns_minus_one),
        cmocka_unit_test(null_err_pointer_drops_the_error),
        cmocka_unit_test(wrap_prefixes_context_on_the_way_up),
        cmocka_unit_test(long_messages_are_truncated_not_overflowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
