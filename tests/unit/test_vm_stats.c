/* SPDX-License-Identifier: MIT */
/* Unit tests: libvirt bulk stats records -> model rows (vm/stats.c), with records built from
 * libvirt's own typed-parameter API, and lifecycle events applied to a row. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vm/vm_impl.h"

struct rec {
    virDomainStatsRecord r;
    int max;
};

static void
rec_init(struct rec *x)
{
    memset(x, 0, sizeof(*x));
}

static void
add_int(struct rec *x, const char *name, int v)
{
    assert_int_equal(virTypedParamsAddInt(&x->r.params, &x->r.nparams, &x->max, name, v), 0);
}

static void
add_ull(struct rec *x, const char *name, unsigned long long v)
{
    assert_int_equal(virTypedParamsAddULLong(&x->r.params, &x->r.nparams, &x->max, name, v), 0);
}

static void
add_uint(struct rec *x, const char *name, unsigned v)
{
    assert_int_equal(virTypedParamsAddUInt(&x->r.params, &x->r.nparams, &x->max, name, v), 0);
}

static struct inst *
fill(struct inst_list *l, struct rec *x, const char *uri)
{
    struct inst *in = inst_list_add(l, INST_KIND_VM, uri, "uuid", "dom");
    vm_stats_fill(in, &x->r, uri, 42);
    virTypedParamsFree(x->r.params, x->r.nparams);
    return in;
}

static void
test_running_domain_figures(void **state)
{
    (void)state;
    struct rec x;
    rec_init(&x);
    add_int(&x, "state.state", VIR_DOMAIN_RUNNING);
    add_int(&x, "state.reason", VIR_DOMAIN_RUNNING_BOOTED);
    add_ull(&x, "cpu.time", 123456789);
    add_ull(&x, "balloon.current", 1048576);
    add_ull(&x, "balloon.maximum", 2097152);
    add_uint(&x, "vcpu.current", 3);
    add_uint(&x, "block.count", 2);
    add_ull(&x, "block.0.rd.bytes", 1000);
    add_ull(&x, "block.0.wr.bytes", 10);
    add_ull(&x, "block.1.rd.bytes", 2000);
    add_ull(&x, "block.1.wr.bytes", 20);
    add_ull(&x, "block.1.rd.reqs", 99999); /* not bytes: not summed */
    add_uint(&x, "net.count", 1);
    add_ull(&x, "net.0.rx.bytes", 555);
    add_ull(&x, "net.0.tx.bytes", 666);
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = fill(&l, &x, "test:///default");
    assert_int_equal(in->state, INST_STATE_RUNNING);
    assert_string_equal(in->state_reason, "booted");
    assert_int_equal(in->cpu_ns, 123456789);
    assert_int_equal(in->mem_bytes, 1ull << 30); /* no guest stats: the balloon's size */
    assert_int_equal(in->mem_limit_bytes, 2ull << 30);
    assert_int_equal(in->vcpus, 3);
    assert_int_equal(in->blk_read_bytes, 3000);
    assert_int_equal(in->blk_write_bytes, 30);
    assert_int_equal(in->net_rx_bytes, 555);
    assert_int_equal(in->net_tx_bytes, 666);
    assert_int_equal(in->mono_ns, 42);
    assert_int_equal(in->start_time, -1); /* unknown off local qemu URIs */
    inst_list_done(&l);
}

static void
test_guest_reported_memory_wins(void **state)
{
    (void)state;
    struct rec x;
    rec_init(&x);
    add_int(&x, "state.state", VIR_DOMAIN_RUNNING);
    add_ull(&x, "balloon.current", 1048576);
    add_ull(&x, "balloon.maximum", 1048576);
    add_ull(&x, "balloon.available", 1000000);
    add_ull(&x, "balloon.unused", 600000);
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = fill(&l, &x, "qemu+ssh://h/system");
    assert_int_equal(in->mem_bytes, 400000ull * 1024);
    assert_int_equal(in->mem_limit_bytes, 1048576ull * 1024);
    inst_list_done(&l);
}

static void
test_shut_off_domain_has_no_figures(void **state)
{
    (void)state;
    struct rec x;
    rec_init(&x);
    add_int(&x, "state.state", VIR_DOMAIN_SHUTOFF);
    add_int(&x, "state.reason", VIR_DOMAIN_SHUTOFF_DESTROYED);
    add_ull(&x, "balloon.maximum", 524288);
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = fill(&l, &x, "qemu:///system");
    assert_int_equal(in->state, INST_STATE_STOPPED);
    assert_string_equal(in->state_reason, "destroyed");
    assert_true(in->cpu_ns == INST_UNKNOWN);
    assert_true(in->mem_bytes == INST_UNKNOWN);
    assert_true(in->blk_read_bytes == INST_UNKNOWN && in->net_tx_bytes == INST_UNKNOWN);
    assert_int_equal(in->mem_limit_bytes, 512ull << 20);
    assert_int_equal(in->start_time, -1);
    inst_list_done(&l);
}

static void
test_state_map_and_reasons(void **state)
{
    (void)state;
    assert_int_equal(vm_state_map(VIR_DOMAIN_BLOCKED), INST_STATE_RUNNING);
    assert_int_equal(vm_state_map(VIR_DOMAIN_PMSUSPENDED), INST_STATE_PAUSED);
    assert_int_equal(vm_state_map(VIR_DOMAIN_SHUTDOWN), INST_STATE_STOPPING);
    assert_int_equal(vm_state_map(VIR_DOMAIN_CRASHED), INST_STATE_CRASHED);
    assert_int_equal(vm_state_map(VIR_DOMAIN_NOSTATE), INST_STATE_UNKNOWN);
    assert_int_equal(vm_state_map(99), INST_STATE_UNKNOWN);
    assert_string_equal(vm_state_reason(VIR_DOMAIN_PAUSED, VIR_DOMAIN_PAUSED_USER), "user");
    assert_string_equal(vm_state_reason(VIR_DOMAIN_SHUTOFF, VIR_DOMAIN_SHUTOFF_SHUTDOWN),
                        "shutdown");
    assert_null(vm_state_reason(VIR_DOMAIN_RUNNING, VIR_DOMAIN_RUNNING_UNKNOWN));
    assert_null(vm_state_reason(VIR_DOMAIN_RUNNING, 1000)); /* a reason newer than berth */
}

static void
test_events_update_a_row(void **state)
{
    (void)state;
    struct inst_list l;
    inst_list_init(&l);
    struct inst *in = inst_list_add(&l, INST_KIND_VM, "u", "id", "n");
    in->state = INST_STATE_RUNNING;
    in->cpu_ns = 5;
    vm_event_apply(in, VIR_DOMAIN_EVENT_SUSPENDED, VIR_DOMAIN_EVENT_SUSPENDED_PAUSED);
    assert_int_equal(in->state, INST_STATE_PAUSED);
    vm_event_apply(in, VIR_DOMAIN_EVENT_RESUMED, 0);
    assert_int_equal(in->state, INST_STATE_RUNNING);
    vm_event_apply(in, VIR_DOMAIN_EVENT_STOPPED, VIR_DOMAIN_EVENT_STOPPED_DESTROYED);
    assert_int_equal(in->state, INST_STATE_STOPPED);
    assert_string_equal(in->state_reason, "destroyed");
    assert_true(in->cpu_ns == INST_UNKNOWN); /* no figures carried over from when it ran */
    vm_event_apply(in, VIR_DOMAIN_EVENT_STARTED, VIR_DOMAIN_EVENT_STARTED_BOOTED);
    assert_int_equal(in->state, INST_STATE_RUNNING);
    inst_list_done(&l);
}

int
main(void)
{
    if (virInitialize() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_running_domain_figures),
        cmocka_unit_test(test_guest_reported_memory_wins),
        cmocka_unit_test(test_shut_off_domain_has_no_figures),
        cmocka_unit_test(test_state_map_and_reasons),
        cmocka_unit_test(test_events_update_a_row),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
