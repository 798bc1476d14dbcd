/* SPDX-License-Identifier: MIT */
/* Batch output formats: JSON Lines survive odd names; unknown figures are null, never 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "ui/batch/format.h"

static const char *const odd_names[] = {
    "plain",
    "with \"quotes\"",
    "back\\slash",
    "new\nline",
    "tab\there",
    "ctl\x01\x1f",
    "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3",
    "comma,in,name",
};

static void
fill_host(struct host_sample *h)
{
    memset(h, 0, sizeof(*h));
    h->ncpu = 2;
    h->cpu_pct = 12.5;
    h->mem_total_bytes = 1000;
    h->mem_used_bytes = 400;
    h->load1 = 0.5;
}

static void
json_roundtrips_odd_names(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    for (size_t i = 0; i < sizeof(odd_names) / sizeof(odd_names[0]); i++) {
        struct inst *in =
            inst_list_add(&l, INST_KIND_CONTAINER, "local", odd_names[i], odd_names[i]);
        in->state = INST_STATE_RUNNING;
    }
    struct host_sample h;
    fill_host(&h);
    struct conn_info c = {.uri = "test:///default", .state = CONN_STATE_CONNECTED};
    struct batch_fmt f = {.format = OUT_FORMAT_JSON};
    struct strbuf sb = STRBUF_INIT;
    batch_fmt_sample(&f, &sb, 1700000000123456789LL, &h, &c, 1, &l);
    assert_int_equal(sb.buf[sb.len - 1], '\n');
    assert_null(memchr(sb.buf, '\n', sb.len - 1)); /* one line per sample */
    json_object *o = json_tokener_parse(strbuf_str(&sb));
    assert_non_null(o);
    json_object *arr = json_object_object_get(o, "instances");
    assert_int_equal(json_object_array_length(arr), l.n);
    for (size_t i = 0; i < l.n; i++) {
        json_object *it = json_object_array_get_idx(arr, i);
        const char *name = json_object_get_string(json_object_object_get(it, "name"));
        int found = 0;
        for (size_t j = 0; j < l.n; j++)
            found += strcmp(name, odd_names[j]) == 0;
        assert_int_equal(found, 1);
        /* unknown figures are JSON null, not 0 */
        assert_null(json_object_object_get(it, "cpu_pct"));
        assert_true(json_object_object_get_ex(it, "mem_bytes", NULL));
        assert_null(json_object_object_get(it, "mem_bytes"));
    }
    json_object *t = json_object_object_get(o, "time");
    assert_string_equal(json_object_get_string(t), "2023-11-14T22:13:20.123Z");
    json_object_put(o);
    strbuf_done(&sb);
    inst_list_done(&l);
}

static void
csv_quotes_fields_and_prints_header_once(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = inst_list_add(&l, INST_KIND_VM, "test:///default", "u-1", "a,\"b\"");
    in->cpu_pct = 50.0;
    in->mem_bytes = 1024;
    struct host_sample h;
    fill_host(&h);
    struct batch_fmt f = {.format = OUT_FORMAT_CSV};
    struct strbuf sb = STRBUF_INIT;
    batch_fmt_sample(&f, &sb, 0, &h, NULL, 0, &l);
    batch_fmt_sample(&f, &sb, 0, &h, NULL, 0, &l);
    const char *s = strbuf_str(&sb);
    assert_true(strncmp(s, "time,kind,source,id,name,state,state_reason,cpu_pct,", 52) == 0);
    assert_null(strstr(s + 1, "time,kind"));
    assert_non_null(strstr(s, ",\"a,\"\"b\"\"\",unknown,,50.00,1024,,"));
    strbuf_done(&sb);
    inst_list_done(&l);
}

/* CSV carries state_reason (quoted when it needs it); JSON says which schema it follows. */
static void
csv_and_json_carry_state_reason_and_schema(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = inst_list_add(&l, INST_KIND_CONTAINER, "local", "c", "c");
    in->state = INST_STATE_STOPPED;
    inst_set_reason(in, "exited 3");
    struct host_sample h;
    fill_host(&h);
    struct batch_fmt f = {.format = OUT_FORMAT_CSV};
    struct strbuf sb = STRBUF_INIT;
    batch_fmt_sample(&f, &sb, 0, &h, NULL, 0, &l);
    assert_non_null(strstr(strbuf_str(&sb), ",local,c,c,stopped,exited 3,,"));
    strbuf_reset(&sb);
    f.format = OUT_FORMAT_JSON;
    batch_fmt_sample(&f, &sb, 0, &h, NULL, 0, &l);
    json_object *o = json_tokener_parse(strbuf_str(&sb));
    assert_non_null(o);
    assert_int_equal(json_object_get_int(json_object_object_get(o, "schema")), BATCH_SCHEMA);
    json_object_put(o);
    strbuf_done(&sb);
    inst_list_done(&l);
}

static void
instances_are_sorted_by_kind_source_name(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    inst_list_add(&l, INST_KIND_CONTAINER, "local", "b", "b");
    inst_list_add(&l, INST_KIND_VM, "z:///", "1", "zz");
    inst_list_add(&l, INST_KIND_VM, "a:///", "2", "yy");
    struct host_sample h;
    fill_host(&h);
    struct batch_fmt f = {.format = OUT_FORMAT_TABLE};
    struct strbuf sb = STRBUF_INIT;
    batch_fmt_sample(&f, &sb, 0, &h, NULL, 0, &l);
    assert_string_equal(l.v[0].name, "yy");
    assert_string_equal(l.v[1].name, "zz");
    assert_string_equal(l.v[2].name, "b");
    const char *s = strbuf_str(&sb);
    assert_true(strstr(s, "yy") < strstr(s, "zz"));
    assert_non_null(strstr(s, "Host: CPU  12.5% of 2 CPUs"));
    strbuf_done(&sb);
    inst_list_done(&l);
}

/* Char offset of byte offset off in s (UTF-8: continuation bytes do not count). */
static size_t
col_of(const char *s, size_t off)
{
    size_t c = 0;
    for (size_t i = 0; i < off; i++)
        c += ((unsigned char)s[i] & 0xc0) != 0x80;
    return c;
}

/* The byte offset of character column col in s. */
static size_t
off_of(const char *s, size_t col)
{
    size_t i = 0;
    for (size_t c = 0; s[i] && c < col; c++) {
        i++;
        while (((unsigned char)s[i] & 0xc0) == 0x80)
            i++;
    }
    return i;
}

/* Every row's cells start (words) or end (figures) under their header, however long a name,
 * a reason or a figure: the old table padded names to at most 40 and states to 8. */
static void
table_columns_line_up_under_headers(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    const char *name = "a-container-with-a-name-much-longer-than-forty-characters-x";
    struct inst *a = inst_list_add(&l, INST_KIND_CONTAINER, "local", name, name);
    a->state = INST_STATE_STOPPED;
    inst_set_reason(a, "oom-killed");
    a->mem_limit_bytes = 64ull << 20;
    struct inst *b = inst_list_add(&l, INST_KIND_CONTAINER, "local", "b", "caf\xc3\xa9");
    b->state = INST_STATE_RUNNING;
    b->cpu_pct = 1234.5;
    b->mem_bytes = 123456789012ull;
    b->mem_limit_bytes = 1234567890123ull;
    b->pids = 123456;
    b->start_time = 1000;
    struct inst *v = inst_list_add(&l, INST_KIND_VM, "qemu+ssh://host.example/system", "u", "v");
    v->state = INST_STATE_CRASHED;
    inst_set_reason(v, "watchdog reset");
    struct host_sample h;
    fill_host(&h);
    struct batch_fmt f = {.format = OUT_FORMAT_TABLE};
    struct strbuf sb = STRBUF_INIT;
    batch_fmt_sample(&f, &sb, 1000000000LL * 400000, &h, NULL, 0, &l);
    char *text = strdup(strbuf_str(&sb));
    char *head = strstr(text, "\nKIND") + 1;
    char *rows = strchr(head, '\n') + 1;
    *strchr(head, '\n') = '\0';
    static const char *const left[] = {"NAME", "STATE", "REASON", "SOURCE"};
    static const char *const right[] = {"CPU%", "VCPU|PID", "UPTIME"};
    int nrows = 0;
    for (char *r = rows, *next; *r && *r != '\n'; r = next, nrows++) {
        next = strchr(r, '\n');
        *next++ = '\0';
        for (size_t k = 0; k < 4; k++) {
            size_t c = col_of(head, (size_t)(strstr(head, left[k]) - head));
            size_t o = off_of(r, c);
            assert_true(o > 0 && r[o - 1] == ' ' && r[o] != ' ');
        }
        for (size_t k = 0; k < 3; k++) {
            const char *p = strstr(head, right[k]) + strlen(right[k]);
            size_t o = off_of(r, col_of(head, (size_t)(p - head)));
            assert_true(r[o] == ' ' && r[o - 1] != ' ');
        }
    }
    assert_int_equal(nrows, 3);
    free(text);
    strbuf_done(&sb);
    inst_list_done(&l);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_roundtrips_odd_names),
        cmocka_unit_test(csv_quotes_fields_and_prints_header_once),
        cmocka_unit_test(instances_are_sorted_by_kind_source_name),
        cmocka_unit_test(csv_and_json_carry_state_reason_and_schema),
        cmocka_unit_test(table_columns_line_up_under_headers),
    };
    return cmocka_run_group_tests_name("batch_fmt", tests, NULL, NULL);
}
