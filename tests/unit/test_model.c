/* SPDX-License-Identifier: MIT */
/* Unit tests: the instance model (defaults, deep copy, names, clocks). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common/model.h"
#include "common/provider.h"

static void
new_entry_has_every_figure_unknown(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = inst_list_add(&l, INST_KIND_VM, "test:///default", "uuid-1", "test");
    assert_int_equal(l.n, 1);
    assert_int_equal(in->kind, INST_KIND_VM);
    assert_string_equal(in->source, "test:///default");
    assert_string_equal(in->id, "uuid-1");
    assert_string_equal(in->name, "test");
    assert_int_equal(in->state, INST_STATE_UNKNOWN);
    assert_null(in->state_reason);
    const uint64_t *figs[] = {&in->cpu_ns,          &in->mem_bytes,    &in->mem_limit_bytes,
                              &in->vcpus,           &in->pids,         &in->blk_read_bytes,
                              &in->blk_write_bytes, &in->net_rx_bytes, &in->net_tx_bytes};
    for (size_t i = 0; i < sizeof(figs) / sizeof(figs[0]); i++)
        assert_int_equal(*figs[i], INST_UNKNOWN);
    assert_int_equal(in->start_time, -1);
    assert_true(isnan(in->cpu_pct));
    in = inst_list_add(&l, INST_KIND_CONTAINER, NULL, "c", NULL); /* NULL strings become "" */
    assert_string_equal(in->source, "");
    assert_string_equal(in->name, "");
    inst_list_done(&l);
    assert_null(l.v);
    assert_int_equal(l.n, 0);
}

static void
list_grows_and_clear_keeps_capacity(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    for (int i = 0; i < 1000; i++) {
        char id[16];
        snprintf(id, sizeof(id), "c%d", i);
        inst_list_add(&l, INST_KIND_CONTAINER, "local", id, id)->pids = (uint64_t)i;
    }
    assert_int_equal(l.n, 1000);
    assert_string_equal(l.v[999].id, "c999");
    assert_int_equal(l.v[500].pids, 500);
    size_t cap = l.cap;
    inst_list_clear(&l);
    assert_int_equal(l.n, 0);
    assert_int_equal(l.cap, cap);
    inst_list_done(&l);
}

static void
copy_is_deep_and_replaces_destination(void **state)
{
    (void)state;
    struct inst_list a, b;
    inst_list_init(&a);
    inst_list_init(&b);
    inst_list_add(&b, INST_KIND_VM, "old", "old", "old");
    struct inst *in = inst_list_add(&a, INST_KIND_CONTAINER, "local", "web", "web");
    in->state = INST_STATE_CRASHED;
    inst_set_reason(in, "oom-killed");
    in->mem_bytes = 4096;
    in->cpu_pct = 12.5;
    inst_list_copy(&b, &a);
    assert_int_equal(b.n, 1);
    assert_string_equal(b.v[0].id, "web");
    assert_string_equal(b.v[0].state_reason, "oom-killed");
    assert_int_equal(b.v[0].mem_bytes, 4096);
    assert_true(b.v[0].cpu_pct == 12.5);
    assert_ptr_not_equal(b.v[0].id, a.v[0].id);
    assert_ptr_not_equal(b.v[0].state_reason, a.v[0].state_reason);
    inst_set_reason(&a.v[0], NULL);
    assert_null(a.v[0].state_reason);
    inst_list_done(&a); /* b survives a */
    assert_string_equal(b.v[0].name, "web");
    assert_string_equal(b.v[0].state_reason, "oom-killed");
    inst_list_done(&b);
}

static void
names_for_every_enum_value(void **state)
{
    (void)state;
    assert_string_equal(inst_kind_name(INST_KIND_VM), "vm");
    assert_string_equal(inst_kind_name(INST_KIND_CONTAINER), "container");
    assert_string_equal(inst_kind_name(INST_KIND_COUNT), "unknown");
    const char *states[] = {"unknown", "running",  "paused",  "stopped",
                            "crashed", "starting", "stopping"};
    /* a new state (or action) without its name here fails to compile, not reads past the end */
    _Static_assert(sizeof(states) / sizeof(states[0]) == INST_STATE_COUNT, "a name per state");
    for (int s = 0; s < INST_STATE_COUNT; s++)
        assert_string_equal(inst_state_name((enum inst_state)s), states[s]);
    assert_string_equal(inst_state_name((enum inst_state)99), "unknown");
    const char *acts[] = {"start", "shutdown", "kill", "pause", "resume", "reboot", "remove"};
    _Static_assert(sizeof(acts) / sizeof(acts[0]) == INST_ACTION_COUNT, "a name per action");
    for (int a = 0; a < INST_ACTION_COUNT; a++)
        assert_string_equal(inst_action_name((enum inst_action)a), acts[a]);
    assert_string_equal(conn_state_name(CONN_STATE_CONNECTED), "connected");
    assert_string_equal(conn_state_name(CONN_STATE_FAILED), "failed");
}

static void
clocks_move_forward(void **state)
{
    (void)state;
    int64_t m1 = mono_now_ns(), r1 = real_now_ns();
    int64_t m2 = mono_now_ns();
    assert_true(m2 >= m1);
    assert_true(r1 > 1600000000LL * 1000000000LL); /* after 2020 */
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(new_entry_has_every_figure_unknown),
        cmocka_unit_test(list_grows_and_clear_keeps_capacity),
        cmocka_unit_test(copy_is_deep_and_replaces_destination),
        cmocka_unit_test(names_for_every_enum_value),
        cmocka_unit_test(clocks_move_forward),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
