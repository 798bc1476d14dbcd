/* SPDX-License-Identifier: MIT */
/* Unit tests: the libvirt provider against libvirt's test driver (no mocks): sampling, actions
 * and lifecycle events, create/snapshots/remove, failed and hung connections. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/model.h"
#include "vm/vm.h"

static struct provider
open_default(void)
{
    struct provider p;
    struct err *e = NULL;
    assert_int_equal(vm_provider_new("test:///default", &p, &e), 0);
    assert_non_null(vm_provider_get(&p));
    assert_int_equal(vm_wait_connected(vm_provider_get(&p), 5000, &e), 0);
    return p;
}

static const struct inst *
find(const struct inst_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    }
    return NULL;
}

static const struct inst *
must_find(const struct inst_list *l, const char *name)
{
    const struct inst *in = find(l, name);
    if (!in) {
        fail_msg("no domain '%s' in the sample", name);
        abort();
    }
    return in;
}

/* Sample and return the named row's state (INST_STATE_COUNT when absent). */
static enum inst_state
state_of(struct provider *p, const char *name)
{
    struct inst_list l;
    inst_list_init(&l);
    struct err *e = NULL;
    assert_int_equal(p->ops->sample(p->self, &l, &e), 0);
    const struct inst *in = find(&l, name);
    enum inst_state st = in ? in->state : INST_STATE_COUNT;
    inst_list_done(&l);
    return st;
}

static void
drain_events(void)
{
    uint64_t v;
    while (read(vm_events_fd(), &v, sizeof(v)) == sizeof(v))
        ;
}

static bool
event_arrives(int ms)
{
    struct pollfd pfd = {vm_events_fd(), POLLIN, 0};
    return poll(&pfd, 1, ms) == 1;
}

static void
test_sample_lists_the_test_domain(void **state)
{
    (void)state;
    struct provider p = open_default();
    struct inst_list l;
    inst_list_init(&l);
    struct err *e = NULL;
    assert_int_equal(p.ops->sample(p.self, &l, &e), 0);
    const struct inst *in = must_find(&l, "test");
    assert_int_equal(in->kind, INST_KIND_VM);
    assert_string_equal(in->source, "test:///default");
    assert_int_equal(strlen(in->id), 36);
    assert_int_equal(in->state, INST_STATE_RUNNING);
    assert_true(in->cpu_ns != INST_UNKNOWN && in->cpu_ns > 0);
    assert_int_equal(in->vcpus, 2);
    assert_int_equal(in->mem_bytes, 2ull << 30);
    assert_int_equal(in->mem_limit_bytes, 8ull << 30);
    assert_true(in->mono_ns > 0);
    struct conn_info ci;
    assert_int_equal(p.ops->conns(p.self, &ci, 1), 1);
    assert_string_equal(ci.uri, "test:///default");
    assert_int_equal(ci.state, CONN_STATE_CONNECTED);
    assert_string_equal(ci.reason, "");
    inst_list_done(&l);
    p.ops->close(p.self);
}

static void
expect_act_error(struct provider *p, const char *dom, enum inst_action a, const char *msg)
{
    struct err *e = NULL;
    assert_int_equal(p->ops->act(p->self, dom, a, &e), -1);
    assert_string_equal(err_msg(e), msg);
    err_free(e);
}

static void
act_ok(struct provider *p, const char *dom, enum inst_action a)
{
    struct err *e = NULL;
    if (p->ops->act(p->self, dom, a, &e) < 0)
        fail_msg("%s %s: %s", inst_action_name(a), dom, err_msg(e));
}

/* Started right after opening (the first attempt may still be under way): the sample job waits
 * for the connection and gives the rows. A second start before the collect starts nothing more
 * (no "previous sample still out" report). */
static void
test_sample_started_before_connected(void **state)
{
    (void)state;
    struct provider p;
    struct err *e = NULL;
    assert_int_equal(vm_provider_new("test:///default", &p, &e), 0);
    assert_non_null(p.ops->sample_start);
    p.ops->sample_start(p.self);
    p.ops->sample_start(p.self);
    struct inst_list l;
    inst_list_init(&l);
    assert_int_equal(p.ops->sample(p.self, &l, &e), 0);
    assert_int_equal(must_find(&l, "test")->state, INST_STATE_RUNNING);
    inst_list_done(&l);
    struct conn_info ci;
    assert_int_equal(p.ops->conns(p.self, &ci, 1), 1);
    assert_int_equal(ci.state, CONN_STATE_CONNECTED);
    assert_string_equal(ci.reason, "");
    p.ops->close(p.self);
}

static void
test_actions_change_state_and_raise_events(void **state)
{
    (void)state;
    struct provider p = open_default();
    assert_true(vm_events_fd() >= 0);
    drain_events();
    act_ok(&p, "test", INST_ACTION_PAUSE);
    assert_true(event_arrives(5000)); /* the lifecycle event, through libvirt's event loop */
    assert_int_equal(state_of(&p, "test"), INST_STATE_PAUSED);
    expect_act_error(&p, "test", INST_ACTION_START, "domain is already running");
    act_ok(&p, "test", INST_ACTION_RESUME);
    assert_int_equal(state_of(&p, "test"), INST_STATE_RUNNING);
    expect_act_error(&p, "test", INST_ACTION_RESUME, "domain is not paused");
    expect_act_error(&p, "test", INST_ACTION_REMOVE, "domain is running (destroy it first)");
    act_ok(&p, "test", INST_ACTION_KILL);
    struct inst_list l;
    inst_list_init(&l);
    struct err *e = NULL;
    assert_int_equal(p.ops->sample(p.self, &l, &e), 0);
    const struct inst *in = must_find(&l, "test");
    assert_int_equal(in->state, INST_STATE_STOPPED);
    assert_string_equal(in->state_reason, "destroyed");
    assert_true(in->cpu_ns == INST_UNKNOWN); /* not running: no figure, never 0 */
    assert_true(in->mem_bytes == INST_UNKNOWN);
    char uuid[40];
    snprintf(uuid, sizeof(uuid), "%s", in->id);
    inst_list_done(&l);
    expect_act_error(&p, "test", INST_ACTION_SHUTDOWN, "domain is not running");
    act_ok(&p, uuid, INST_ACTION_START); /* by UUID, as the dashboard does */
    assert_int_equal(state_of(&p, "test"), INST_STATE_RUNNING);
    expect_act_error(&p, "nosuch", INST_ACTION_START, "domain not found");
    p.ops->close(p.self);
}

static void
create_opts(struct vm_create_opts *o, const char *name)
{
    vm_create_opts_init(o);
    o->name = name;
    o->mem_bytes = 128ull << 20;
    o->vcpus = 2;
    o->disk_size_bytes = 1ull << 30;
}

static void
test_create_snapshot_remove_with_storage(void **state)
{
    (void)state;
    struct provider p = open_default();
    struct vm_provider *vp = vm_provider_get(&p);
    struct vm_create_opts o;
    create_opts(&o, "made-by-test");
    struct err *e = NULL;
    if (vm_create(vp, &o, &e) < 0)
        fail_msg("create: %s", err_msg(e));
    assert_int_equal(state_of(&p, "made-by-test"), INST_STATE_STOPPED);
    struct vm_info in;
    assert_int_equal(vm_info_get(vp, "made-by-test", &in, &e), 0);
    assert_int_equal(in.vcpus, 2);
    assert_int_equal(in.max_mem_bytes, 128ull << 20);
    assert_int_equal(in.n_disks, 1);
    assert_non_null(strstr(in.disks[0].source, "made-by-test.qcow2"));
    assert_int_equal(in.state, INST_STATE_STOPPED);
    assert_null(in.console_pty);
    vm_info_done(&in);

    assert_int_equal(vm_snapshot_create(vp, "made-by-test", "snap1", &e), 0);
    assert_int_equal(vm_snapshot_create(vp, "made-by-test", "snap2", &e), 0);
    struct vm_snapshot *s = NULL;
    size_t n = 0;
    assert_int_equal(vm_snapshot_list(vp, "made-by-test", &s, &n, &e), 0);
    assert_int_equal(n, 2);
    assert_true(s[0].created > 0);
    assert_true(strcmp(s[0].name, "snap1") == 0 || strcmp(s[1].name, "snap1") == 0);
    vm_snapshot_list_free(s, n);
    assert_int_equal(vm_snapshot_revert(vp, "made-by-test", "snap1", &e), 0);
    assert_int_equal(vm_snapshot_delete(vp, "made-by-test", "snap2", &e), 0);
    assert_int_equal(vm_snapshot_revert(vp, "made-by-test", "snap2", &e), -1);
    assert_string_equal(err_msg(e), "snapshot 'snap2' not found");
    err_free(e);
    e = NULL;

    size_t removed = 0;
    if (vm_remove(vp, "made-by-test", true, &removed, &e) < 0)
        fail_msg("remove: %s", err_msg(e));
    assert_int_equal(removed, 1);
    assert_int_equal(state_of(&p, "made-by-test"), INST_STATE_COUNT);
    /* the volume is gone too: the same name can be created again */
    if (vm_create(vp, &o, &e) < 0)
        fail_msg("create again: %s", err_msg(e));
    assert_int_equal(vm_remove(vp, "made-by-test", true, &removed, &e), 0);
    p.ops->close(p.self);
}

static size_t
count_rows(struct provider *p)
{
    struct inst_list l;
    inst_list_init(&l);
    struct err *e = NULL;
    assert_int_equal(p->ops->sample(p->self, &l, &e), 0);
    size_t n = l.n;
    inst_list_done(&l);
    return n;
}

static void
expect_create_fails(struct vm_provider *vp, const struct vm_create_opts *o, const char *needle)
{
    struct err *e = NULL;
    assert_int_equal(vm_create(vp, o, &e), -1);
    if (!strstr(err_msg(e), needle))
        fail_msg("\"%s\" does not contain \"%s\"", err_msg(e), needle);
    err_free(e);
}

static void
test_create_bad_input_leaves_nothing(void **state)
{
    (void)state;
    struct provider p = open_default();
    struct vm_provider *vp = vm_provider_get(&p);
    size_t before = count_rows(&p);
    struct vm_create_opts o;
    create_opts(&o, "test");
    expect_create_fails(vp, &o, "a domain named 'test' already exists");
    create_opts(&o, "other");
    o.pool = "nosuchpool";
    expect_create_fails(vp, &o, "--pool 'nosuchpool': no such storage pool");
    create_opts(&o, "other");
    o.vcpus = 0;
    expect_create_fails(vp, &o, "--vcpus 0");
    create_opts(&o, "other");
    o.mem_bytes = 1ull << 50;
    expect_create_fails(vp, &o, "more than the host's");
    create_opts(&o, "other");
    o.disk_size_bytes = 0;
    o.disk = "/nonexistent/disk.qcow2";
    expect_create_fails(vp, &o, "--disk '/nonexistent/disk.qcow2'");
    assert_int_equal(count_rows(&p), before);
    /* no volume was left behind either: creating it for real works */
    create_opts(&o, "other");
    struct err *e = NULL;
    if (vm_create(vp, &o, &e) < 0)
        fail_msg("create: %s", err_msg(e));
    assert_int_equal(vm_remove(vp, "other", true, NULL, &e), 0);
    p.ops->close(p.self);
}

static void
test_define_xml(void **state)
{
    (void)state;
    struct provider p = open_default();
    struct vm_provider *vp = vm_provider_get(&p);
    const char *xml = "<domain type='test'><name>from-xml</name><memory>65536</memory>"
                      "<os><type>hvm</type></os></domain>";
    char *name = NULL;
    struct err *e = NULL;
    assert_int_equal(vm_define_xml(vp, xml, &name, &e), 0);
    assert_string_equal(name, "from-xml");
    free(name);
    assert_int_equal(state_of(&p, "from-xml"), INST_STATE_STOPPED);
    assert_int_equal(vm_define_xml(vp, "<domain>", NULL, &e), -1);
    assert_non_null(strstr(err_msg(e), "define: "));
    assert_null(strchr(err_msg(e), '\n'));
    err_free(e);
    e = NULL;
    assert_int_equal(vm_remove(vp, "from-xml", false, NULL, &e), 0);
    p.ops->close(p.self);
}

static void
test_unreachable_uri_is_failed_not_fatal(void **state)
{
    (void)state;
    struct provider p;
    struct err *e = NULL;
    assert_int_equal(vm_provider_new("test:///nonexistent/berth-node.xml", &p, &e), 0);
    assert_int_equal(vm_wait_connected(vm_provider_get(&p), 5000, &e), -1);
    assert_non_null(strstr(err_msg(e), "cannot connect to 'test:///nonexistent/berth-node.xml'"));
    err_free(e);
    e = NULL;
    assert_int_equal(count_rows(&p), 0);
    struct conn_info ci;
    assert_int_equal(p.ops->conns(p.self, &ci, 1), 1);
    assert_int_equal(ci.state, CONN_STATE_FAILED);
    assert_non_null(strstr(ci.reason, "retrying in"));
    assert_int_equal(p.ops->act(p.self, "test", INST_ACTION_START, &e), -1);
    assert_non_null(strstr(err_msg(e), "not connected"));
    err_free(e);
    p.ops->close(p.self);
}

/* A daemon that accepts the connection and never answers (as a SIGSTOPped libvirtd). */
static void
test_hung_daemon_does_not_block(void **state)
{
    (void)state;
    char path[] = "/tmp/berth-hung-XXXXXX";
    assert_non_null(mkdtemp(path));
    char sock[64], uri[160];
    snprintf(sock, sizeof(sock), "%s/sock", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(fd, 8), 0);
    snprintf(uri, sizeof(uri), "qemu+unix:///system?socket=%s", sock);
    vm_set_timeout(300);
    struct provider p;
    struct err *e = NULL;
    assert_int_equal(vm_provider_new(uri, &p, &e), 0);
    int64_t t0 = mono_now_ns();
    assert_int_equal(count_rows(&p), 0);
    int64_t took_ms = (mono_now_ns() - t0) / 1000000;
    if (took_ms > 5000) /* bounded by the 0.3 s time-out; 5 s leaves room for a loaded host */
        fail_msg("sample blocked for %lld ms", (long long)took_ms);
    struct conn_info ci;
    assert_int_equal(p.ops->conns(p.self, &ci, 1), 1);
    assert_int_equal(ci.state, CONN_STATE_CONNECTING);
    assert_string_equal(ci.reason, "no answer from libvirt within 0.3 s");
    assert_int_equal(p.ops->act(p.self, "x", INST_ACTION_START, &e), -1);
    err_free(e);
    p.ops->close(p.self); /* returns although the worker is stuck */
    vm_set_timeout(0);
    close(fd);
    unlink(sock);
    rmdir(path);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_lists_the_test_domain),
        cmocka_unit_test(test_sample_started_before_connected),
        cmocka_unit_test(test_actions_change_state_and_raise_events),
        cmocka_unit_test(test_create_snapshot_remove_with_storage),
        cmocka_unit_test(test_create_bad_input_leaves_nothing),
        cmocka_unit_test(test_define_xml),
        cmocka_unit_test(test_unreachable_uri_is_failed_not_fatal),
        cmocka_unit_test(test_hung_daemon_does_not_block),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
