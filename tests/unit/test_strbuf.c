/* SPDX-License-Identifier: MIT */
/* Unit tests: the string buffer and its JSON string output for odd names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/json.h"
#include "common/strbuf.h"

static void
append_printf_reset_and_steal(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    assert_string_equal(strbuf_str(&sb), "");
    strbuf_puts(&sb, "abc");
    strbuf_putc(&sb, '-');
    strbuf_printf(&sb, "%d/%s", 42, "x");
    strbuf_add(&sb, "yz\0ignored", 2);
    assert_string_equal(strbuf_str(&sb), "abc-42/xyz");
    assert_int_equal(sb.len, 10);
    for (int i = 0; i < 1000; i++) /* growth keeps contents */
        strbuf_printf(&sb, "%04d", i);
    assert_int_equal(sb.len, 10 + 4000);
    assert_memory_equal(sb.buf + 10 + 4 * 999, "0999", 4);
    strbuf_reset(&sb);
    assert_int_equal(sb.len, 0);
    assert_string_equal(strbuf_str(&sb), "");
    strbuf_puts(&sb, "kept");
    char *s = strbuf_steal(&sb);
    assert_string_equal(s, "kept");
    assert_null(sb.buf);
    assert_int_equal(sb.len, 0);
    free(s);
    s = strbuf_steal(&sb); /* empty: still a real string */
    assert_string_equal(s, "");
    free(s);
    strbuf_done(&sb);
}

/* strbuf_json_str(in) must be a JSON string literal that json-c parses back to want. */
static void
check_json(const char *in, const char *want, const char *want_literal)
{
    struct strbuf sb = STRBUF_INIT;
    strbuf_json_str(&sb, in);
    if (want_literal)
        assert_string_equal(strbuf_str(&sb), want_literal);
    struct err *e = NULL;
    json_object *o = jsonx_parse(sb.buf, sb.len, "literal", &e);
    if (!o)
        fail_msg("output %s does not parse: %s", strbuf_str(&sb), err_msg(e));
    assert_true(json_object_is_type(o, json_type_string));
    assert_int_equal(json_object_get_string_len(o), strlen(want));
    assert_string_equal(json_object_get_string(o), want);
    json_object_put(o);
    strbuf_done(&sb);
}

static void
json_str_escapes_quotes_backslashes_and_controls(void **state)
{
    (void)state;
    check_json("plain", "plain", "\"plain\"");
    check_json("", "", "\"\"");
    check_json("say \"hi\"", "say \"hi\"", "\"say \\\"hi\\\"\"");
    check_json("C:\\dir\\", "C:\\dir\\", "\"C:\\\\dir\\\\\"");
    check_json("line1\nline2\r\n\tend", "line1\nline2\r\n\tend", "\"line1\\nline2\\r\\n\\tend\"");
    check_json("bell\a esc\x1b del\x7f x\x01", "bell\a esc\x1b del\x7f x\x01",
               "\"bell\\u0007 esc\\u001b del\\u007f x\\u0001\"");
    check_json("</script>", "</script>", "\"</script>\"");
}

static void
json_str_keeps_valid_utf8(void **state)
{
    (void)state;
    check_json("café", "café", "\"café\"");
    check_json("日本", "日本", "\"日本\"");
    check_json("ship 🚢 ok", "ship 🚢 ok", "\"ship 🚢 ok\"");
    check_json("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", NULL); /* U+10FFFF, the last code point */
}

static void
json_str_replaces_invalid_utf8_with_fffd(void **state)
{
    (void)state;
    const char *r = "\xef\xbf\xbd"; /* U+FFFD as UTF-8 */
    char want[64];
    check_json("a\xff"
               "b",
               "a\xef\xbf\xbd"
               "b",
               "\"a\\ufffdb\"");
    /* truncated sequence at the end, lone continuation byte, overlong '/', a surrogate */
    snprintf(want, sizeof(want), "x%s", r);
    check_json("x\xc3", want, NULL);
    snprintf(want, sizeof(want), "%sy", r);
    check_json("\x80y", want, NULL);
    snprintf(want, sizeof(want), "%s%s", r, r);
    check_json("\xc0\xaf", want, NULL);
    snprintf(want, sizeof(want), "%s%s%s", r, r, r);
    check_json("\xed\xa0\x80", want, NULL);
    /* above U+10FFFF */
    snprintf(want, sizeof(want), "%s%s%s%s", r, r, r, r);
    check_json("\xf4\x90\x80\x80", want, NULL);
    /* a bad byte does not swallow the valid character after it */
    snprintf(want, sizeof(want), "%sé", r);
    check_json("\xe9\xc3\xa9", want, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(append_printf_reset_and_steal),
        cmocka_unit_test(json_str_escapes_quotes_backslashes_and_controls),
        cmocka_unit_test(json_str_keeps_valid_utf8),
        cmocka_unit_test(json_str_replaces_invalid_utf8_with_fffd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
