/* SPDX-License-Identifier: MIT */
/* Container definitions and state: names, signals, config.json built from options and parsed
 * back (the OCI subset, with errors naming the field), state.json round trip and corruption,
 * stale detection, and the capped log's rotation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"
#include "common/json.h"
#include "ctr/store/store.h"

static char tmpdir[] = "/tmp/berth-unit-ctr.XXXXXX";

static int
setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    char root[600];
    snprintf(root, sizeof(root), "%s/root", tmpdir);
    setenv("BERTH_ROOT", root, 1);
    snprintf(root, sizeof(root), "%s/rootfs", tmpdir);
    return mkdir(root, 0755);
}

static int
teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void
names(void **state)
{
    (void)state;
    const char *good[] = {"a", "web-1", "A.b_c-d", "0",
                          "x123456789012345678901234567890123456789012345678901234567890123"};
    const char *bad[] = {
        "",    "../x",
        "a/b", ".x",
        "-x",  "_x",
        "a b", "a\x01",
        "é",   "x1234567890123456789012345678901234567890123456789012345678901234"};
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++)
        assert_int_equal(ctr_name_check(good[i], NULL), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct err *e = NULL;
        assert_int_equal(ctr_name_check(bad[i], &e), -1);
        assert_non_null(strstr(err_msg(e), "invalid container name"));
        assert_null(strchr(err_msg(e), '\n'));
        err_free(e);
    }
}

static void
signals(void **state)
{
    (void)state;
    int sig = 0;
    assert_int_equal(ctr_signal_parse("TERM", &sig, NULL), 0);
    assert_int_equal(sig, 15);
    assert_int_equal(ctr_signal_parse("sigkill", &sig, NULL), 0);
    assert_int_equal(sig, 9);
    assert_int_equal(ctr_signal_parse("10", &sig, NULL), 0);
    assert_int_equal(sig, 10);
    struct err *e = NULL;
    assert_int_equal(ctr_signal_parse("SIGFOO", &sig, &e), -1);
    assert_non_null(strstr(err_msg(e), "'SIGFOO'"));
    err_free(e);
    assert_int_equal(ctr_signal_parse("0", &sig, NULL), -1);
    assert_int_equal(ctr_signal_parse("999", &sig, NULL), -1);
}

static void
build_then_parse(void **state)
{
    (void)state;
    char root[600];
    snprintf(root, sizeof(root), "%s/rootfs", tmpdir);
    static char a0[] = "/bin/echo", a1[] = "hi";
    char *const argv[] = {a0, a1, NULL};
    const char *env[] = {"FOO=bar"};
    struct ctr_create_opts o = {.rootfs = root,
                                .memory = 64 << 20,
                                .cpus = 0.5,
                                .pids = 20,
                                .hostname = "h1",
                                .env = env,
                                .n_env = 1,
                                .workdir = "/tmp",
                                .user = "1000:100",
                                .net = "host",
                                .tty = true,
                                .inplace = true,
                                .argv = argv,
                                .argc = 2};
    struct err *e = NULL;
    json_object *cfg = ctr_spec_build("c1", &o, &e);
    assert_non_null(cfg);
    struct ctr_spec s;
    assert_int_equal(ctr_spec_parse(cfg, NULL, &s, &e), 0);
    assert_string_equal(s.args[0], "/bin/echo");
    assert_string_equal(s.args[1], "hi");
    assert_null(s.args[2]);
    assert_string_equal(s.cwd, "/tmp");
    assert_int_equal(s.uid, 1000);
    assert_int_equal(s.gid, 100);
    assert_true(s.terminal && s.inplace);
    assert_string_equal(s.hostname, "h1");
    assert_string_equal(s.root, root);
    assert_int_equal(s.mem_limit, 64 << 20);
    assert_int_equal(s.cpu_quota, 50000);
    assert_int_equal(s.cpu_period, 100000);
    assert_int_equal(s.pids_limit, 20);
    assert_true(s.ns & CTR_NS_PID && s.ns & CTR_NS_MOUNT && s.ns & CTR_NS_CGROUP);
    assert_false(s.ns & CTR_NS_NET); /* --net host */
    bool env_seen = false;
    for (size_t i = 0; s.env[i]; i++)
        env_seen |= strcmp(s.env[i], "FOO=bar") == 0;
    assert_true(env_seen);
    /* The default mounts: /proc, /dev (tmpfs), /sys read-only. */
    bool proc = false, sys_ro = false;
    for (size_t i = 0; i < s.n_mounts; i++) {
        proc |= strcmp(s.mounts[i].dest, "/proc") == 0 && strcmp(s.mounts[i].type, "proc") == 0;
        sys_ro |= strcmp(s.mounts[i].dest, "/sys") == 0 && (s.mounts[i].flags & MS_RDONLY);
    }
    assert_true(proc && sys_ro);
    ctr_spec_done(&s);
}

static void
build_refuses_bad_options(void **state)
{
    (void)state;
    char root[600];
    snprintf(root, sizeof(root), "%s/rootfs", tmpdir);
    struct ctr_create_opts o = {.rootfs = root, .memory = 1024};
    struct err *e = NULL;
    assert_null(ctr_spec_build("c", &o, &e));
    assert_non_null(strstr(err_msg(e), "too small"));
    o.memory = 0;
    o.rootfs = "/no/such/dir";
    assert_null(ctr_spec_build("c", &o, &e));
    assert_non_null(strstr(err_msg(e), "/no/such/dir"));
    o.rootfs = root;
    o.user = "bob";
    assert_null(ctr_spec_build("c", &o, &e));
    assert_non_null(strstr(err_msg(e), "'bob'"));
    o.user = NULL;
    o.hostname = "bad host";
    assert_null(ctr_spec_build("c", &o, &e));
    o.hostname = NULL;
    o.net = "bad/name";
    assert_null(ctr_spec_build("c", &o, &e));
    assert_non_null(strstr(err_msg(e), "'bad/name'"));
    o.net = "nosuchnet";
    assert_null(ctr_spec_build("c", &o, &e));
    assert_non_null(strstr(err_msg(e), "no such network 'nosuchnet'"));
    err_free(e);
}

static void
parse_error(const char *json, const char *want)
{
    struct err *e = NULL;
    json_object *cfg = json_tokener_parse(json);
    assert_non_null(cfg);
    struct ctr_spec s;
    json_object_get(cfg); /* ours, kept: the parse takes (and on failure drops) the other */
    assert_int_equal(ctr_spec_parse(cfg, "/b", &s, &e), -1);
    if (!strstr(err_msg(e), want))
        fail_msg("error '%s' lacks '%s'", err_msg(e), want);
    err_free(e);
    /* The failed parse released the reference it was given: ours is the last one. */
    assert_int_equal(json_object_put(cfg), 1);
}

static void
parse_names_the_bad_field(void **state)
{
    (void)state;
    parse_error("[]", "not a JSON object");
    parse_error("{\"process\":{\"args\":\"sh\"},\"root\":{\"path\":\"r\"}}", "process.args");
    parse_error("{\"process\":{\"args\":[]},\"root\":{\"path\":\"r\"}}", "must not be empty");
    parse_error("{\"process\":{\"args\":[\"sh\",3]},\"root\":{\"path\":\"r\"}}", "process.args[1]");
    parse_error("{\"process\":{\"args\":[\"sh\"],\"cwd\":\"rel\"},\"root\":{\"path\":\"r\"}}",
                "process.cwd");
    parse_error("{\"process\":{\"args\":[\"sh\"]}}", "root.path");
    parse_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":"
                "{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"time2\"}]}}",
                "unknown namespace type 'time2'");
    parse_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":"
                "{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}]}}",
                "uidMappings");
    parse_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":"
                "{\"namespaces\":[{\"type\":\"user\",\"path\":\"/proc/1/ns/user\"}]}}",
                "joining a user namespace by path is not supported");
    parse_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":"
                "{\"namespaces\":[{\"type\":\"mount\",\"path\":\"proc/1/ns/mnt\"}]}}",
                "path must be an absolute path");
    parse_error("{\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":-1,\"gid\":0}},"
                "\"root\":{\"path\":\"r\"}}",
                "process.user.uid");
}

/* issue 18 item 7: the bundle values the CLI checks, and every known field of the wrong type. */
#define P0 "{\"process\":{\"args\":[\"sh\"]"
#define R0 "\"root\":{\"path\":\"r\"}"
#define NS "\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]"

static void
parse_refuses_wrong_types_and_bad_values(void **state)
{
    (void)state;
    parse_error(P0 "}," R0 "," NS "},\"hostname\":\"evil\\n1.2.3.4 x\"}", "hostname");
    parse_error(P0 "}," R0 "," NS "},\"hostname\":\"\"}", "hostname");
    parse_error(P0 "}," R0 "," NS "},\"hostname\":7}", "hostname: expected a string");
    parse_error(P0 "}," R0 "," NS "},\"mounts\":{}}", "mounts: expected an array");
    parse_error(P0 ",\"terminal\":\"false\"}," R0 "," NS "}}",
                "process.terminal: expected a boolean");
    parse_error(P0 ",\"capabilities\":\"ALL\"}," R0 "," NS "}}",
                "process.capabilities: expected an object");
    parse_error(P0 "}," R0 "," NS ",\"seccomp\":\"unconfined\"}}",
                "linux.seccomp: expected an object");
    parse_error(P0 "}," R0 "," NS ",\"maskedPaths\":\"/proc\"}}",
                "linux.maskedPaths: expected an array");
    parse_error(P0 ",\"env\":[\"NOEQUALS\"]}," R0 "," NS "}}", "process.env[0]");
    parse_error(P0 ",\"env\":[\"=v\"]}," R0 "," NS "}}", "process.env[0]");
    parse_error(P0 ",\"env\":[\"A=b\\u0000c\"]}," R0 "," NS "}}", "NUL");
    parse_error("{\"process\":{\"args\":[\"\"]}," R0 "," NS "}}", "process.args[0]");
    parse_error(P0 ",\"cwd\":5}," R0 "," NS "}}", "process.cwd: expected a string");
    parse_error(P0 "},\"root\":{\"path\":\"r\",\"readonly\":\"yes\"}," NS "}}",
                "root.readonly: expected a boolean");
    parse_error(P0 ",\"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[\"x\"]}}," R0 "," NS "}}",
                "additionalGids[0]");
    parse_error(P0 "}," R0 ",\"linux\":[]}", "linux: expected an object");
    parse_error(P0 "}," R0 "," NS ",\"resources\":{\"memory\":{\"limit\":\"1G\"}}}}",
                "linux.resources.memory.limit: expected an integer");
    parse_error(P0 "}," R0 "," NS "},\"mounts\":[{\"destination\":\"/h\",\"type\":\"ext4\","
                   "\"source\":\"/dev/vda\"}]}",
                "mounts[0].type: 'ext4' is not supported");
    parse_error(P0 "}," R0 "," NS "},\"mounts\":[{\"destination\":\"/h\",\"source\":\"/x\"}]}",
                "mounts[0].type: 'none'");
    parse_error(P0 "}," R0 "," NS "},\"mounts\":[{\"destination\":\"/h\",\"type\":\"tmpfs\","
                   "\"options\":[1]}]}",
                "mounts[0].options[0]");
    parse_error(P0 "}," R0 "," NS "},\"annotations\":{\"org.berth.rootfs-mode\":\"inplcae\"}}",
                "rootfs-mode");
    /* what is documented still parses: a typeless rbind, cgroup skipped, every listed type */
    json_object *cfg = json_tokener_parse(
        P0 ",\"terminal\":false}," R0 "," NS "},\"hostname\":\"web-1.example\",\"mounts\":["
           "{\"destination\":\"/a\",\"source\":\"/x\",\"options\":[\"rbind\"]},"
           "{\"destination\":\"/b\",\"type\":\"cgroup\"},{\"destination\":\"/c\",\"type\":"
           "\"mqueue\"},{\"destination\":\"/d\",\"type\":\"sysfs\"},{\"destination\":"
           "\"/e\",\"type\":\"devpts\"},{\"destination\":\"/f\",\"type\":\"bind\","
           "\"source\":\"/y\"}]}");
    struct ctr_spec s;
    struct err *e = NULL;
    if (ctr_spec_parse(cfg, "/b", &s, &e) < 0)
        fail_msg("a valid bundle was refused: %s", err_msg(e));
    assert_int_equal(s.n_mounts, 6);
    assert_string_equal(s.hostname, "web-1.example");
    ctr_spec_done(&s);
}

static void
log_max_is_strict(void **state)
{
    (void)state;
    static const char *const bad[] = {"-1",
                                      "9223372036854775808",
                                      "18446744073709551616",
                                      "1023",
                                      "12abc",
                                      "1MB",
                                      "2T",
                                      " 5000",
                                      "0x1000"};
    uint64_t v;
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        struct err *e = NULL;
        setenv("BERTH_CTR_LOG_MAX", bad[i], 1);
        if (ctr_log_max_get(&v, &e) == 0)
            fail_msg("BERTH_CTR_LOG_MAX='%s' accepted as %llu", bad[i], (unsigned long long)v);
        assert_non_null(strstr(err_msg(e), "BERTH_CTR_LOG_MAX"));
        err_free(e);
        assert_int_equal(ctr_log_max(), CTR_LOG_MAX_DEFAULT);
    }
    static const struct {
        const char *s;
        uint64_t v;
    } good[] = {{"1024", 1024}, {"1M", 1 << 20}, {"64k", 64 << 10}, {"1024G", 1ULL << 40}};
    for (size_t i = 0; i < sizeof(good) / sizeof(*good); i++) {
        setenv("BERTH_CTR_LOG_MAX", good[i].s, 1);
        assert_int_equal(ctr_log_max_get(&v, NULL), 0);
        assert_int_equal(v, good[i].v);
    }
    unsetenv("BERTH_CTR_LOG_MAX");
    assert_int_equal(ctr_log_max_get(&v, NULL), 0);
    assert_int_equal(v, CTR_LOG_MAX_DEFAULT);
}

static void
parse_relative_root_and_idmaps(void **state)
{
    (void)state;
    const char *j =
        "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
        "\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"user\"}],"
        "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
        "\"gidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}]},"
        "\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv\","
        "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"size=1k\"]}]}";
    struct ctr_spec s;
    assert_int_equal(ctr_spec_parse(json_tokener_parse(j), "/bundle", &s, NULL), 0);
    assert_string_equal(s.root, "/bundle/rootfs");
    assert_true(s.root_ro);
    assert_int_equal(s.n_uidmap, 1);
    assert_int_equal(s.uidmap[0].outside, 100000);
    assert_int_equal(s.gidmap[0].size, 65536);
    assert_int_equal(s.n_mounts, 1);
    assert_true(s.mounts[0].bind && s.mounts[0].recursive);
    assert_true(s.mounts[0].flags & MS_RDONLY && s.mounts[0].flags & MS_NOSUID);
    assert_string_equal(s.mounts[0].data, "size=1k");
    ctr_spec_done(&s);
    /* The runtime-spec allows both: no process (an error at start), no mount namespace. */
    j = "{\"root\":{\"path\":\"r\"},\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
        "{\"type\":\"mount\",\"path\":\"/proc/1/ns/mnt\"}]}}";
    assert_int_equal(ctr_spec_parse(json_tokener_parse(j), "/b", &s, NULL), 0);
    assert_null(s.args[0]);
    assert_string_equal(s.cwd, "/");
    assert_true(s.ns & CTR_NS_MOUNT);
    ctr_spec_done(&s);
    j = "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"r\"},\"linux\":{}}";
    assert_int_equal(ctr_spec_parse(json_tokener_parse(j), "/b", &s, NULL), 0);
    assert_int_equal(s.ns, 0);
    ctr_spec_done(&s);
}

static void
state_roundtrip_and_corruption(void **state)
{
    (void)state;
    struct err *e = NULL;
    char dir[700];
    snprintf(dir, sizeof(dir), "%s/root/run/s1", tmpdir);
    assert_int_equal(ctr_dirs_ensure(&e), 0);
    assert_int_equal(mkdir(dir, 0700), 0);
    struct ctr_state st, back;
    ctr_state_init(&st);
    assert_int_equal(ctr_state_load("s1", &back, &e), 0); /* missing: created */
    assert_int_equal(back.status, CTR_STATUS_CREATED);
    st.status = CTR_STATUS_STOPPED;
    st.exit_code = 137;
    st.oom_killed = true;
    snprintf(st.cgroup, sizeof(st.cgroup), "berth/s1");
    assert_int_equal(ctr_state_save("s1", &st, &e), 0);
    assert_int_equal(ctr_state_load("s1", &back, &e), 0);
    assert_int_equal(back.status, CTR_STATUS_STOPPED);
    assert_int_equal(back.exit_code, 137);
    assert_true(back.oom_killed);
    assert_string_equal(back.cgroup, "berth/s1");
    char p[800];
    snprintf(p, sizeof(p), "%s/state.json", dir);
    FILE *f = fopen(p, "w");
    fputs("{\"status\":\"flying\"}", f);
    fclose(f);
    assert_int_equal(ctr_state_load("s1", &back, &e), -1);
    assert_non_null(strstr(err_msg(e), "corrupt state file"));
    assert_non_null(strstr(err_msg(e), "'flying'"));
    err_free(e);
}

static void
running_state_with_dead_monitor_is_stale(void **state)
{
    (void)state;
    struct ctr_state st;
    ctr_state_init(&st);
    st.status = CTR_STATUS_RUNNING;
    st.monitor_pid = getpid();
    st.monitor_start = ctr_proc_starttime(getpid());
    st.pid = getpid();
    snprintf(st.boot_id, sizeof(st.boot_id), "%s", ctr_boot_id());
    ctr_state_check_live(&st);
    assert_int_equal(st.status, CTR_STATUS_RUNNING); /* our own pid, right start time: alive */
    st.monitor_start += 1;                           /* a recycled pid */
    ctr_state_check_live(&st);
    assert_int_equal(st.status, CTR_STATUS_STALE);
    st.status = CTR_STATUS_RUNNING;
    st.monitor_start -= 1;
    snprintf(st.boot_id, sizeof(st.boot_id), "another-boot");
    ctr_state_check_live(&st);
    assert_int_equal(st.status, CTR_STATUS_STALE);
}

/* A minimal definition of name: config.json (ctr_lock looks for it) and a runtime directory. */
static void
make_definition(const char *name)
{
    char p[800];
    struct err *e = NULL;
    assert_int_equal(ctr_dirs_ensure(&e), 0);
    ctr_path_def(p, name, NULL);
    assert_int_equal(mkdir(p, 0700), 0);
    ctr_path_def(p, name, "config.json");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("{}", f);
    fclose(f);
    ctr_path_run(p, name, NULL);
    assert_int_equal(mkdir(p, 0700), 0);
}

/*
 * The monitor of an --rm container renames it away under its lock, releases the lock, then
 * deletes the files. Whoever was waiting for that lock must then find no container, not get the
 * lock of the renamed one (and act on a new container of the same name meanwhile).
 */
static void
removal_leaves_no_lock_to_waiters(void **state)
{
    (void)state;
    struct err *e = NULL;
    make_definition("rmw");
    int lock = ctr_lock("rmw", &e);
    assert_true(lock >= 0);
    int go[2];
    assert_int_equal(pipe(go), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct err *ce = NULL;
        char c;
        close(lock); /* the parent's lock (one open file description with ours) stays held */
        if (read(go[0], &c, 1) != 1) /* the lock is taken: now wait for it */
            _exit(3);
        int fd = ctr_lock("rmw", &ce);
        _exit(fd < 0 && strstr(err_msg(ce), "no such container") ? 0 : 1);
    }
    assert_int_equal(write(go[1], "x", 1), 1);
    usleep(200 * 1000); /* the child blocks in flock on the old directory's lock */
    struct ctr_removed r;
    assert_int_equal(ctr_remove_detach("rmw", &r, &e), 0);
    make_definition("rmw"); /* a new container of the same name, at once */
    close(lock);
    int status = -1;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(ctr_remove_purge(&r, &e), 0);
    assert_true(ctr_exists("rmw")); /* the new one is untouched */
    assert_int_equal(ctr_remove_files("rmw", &e), 0);
    assert_false(ctr_exists("rmw"));
    close(go[0]);
    close(go[1]);
}

/* A remover with this pid that died mid-purge left .rm-NAME-PID behind: the next removal by a
 * process with the same pid replaces it instead of failing half-way. */
static void
removal_over_a_stale_leftover(void **state)
{
    (void)state;
    struct err *e = NULL;
    make_definition("rms");
    char p[800];
    snprintf(p, sizeof(p), "%s/containers/.rm-rms-%d/upper", ctr_lib_dir(), (int)getpid());
    assert_int_equal(fileio_mkdir_p(p, 0700, &e), 0);
    snprintf(p, sizeof(p), "%s/.rm-rms-%d/rootfs", ctr_run_dir(), (int)getpid());
    assert_int_equal(fileio_mkdir_p(p, 0700, &e), 0);
    assert_int_equal(ctr_remove_files("rms", &e), 0);
    assert_false(ctr_exists("rms"));
    struct stat st;
    snprintf(p, sizeof(p), "%s/containers/.rm-rms-%d", ctr_lib_dir(), (int)getpid());
    assert_int_equal(stat(p, &st), -1);
    snprintf(p, sizeof(p), "%s/.rm-rms-%d", ctr_run_dir(), (int)getpid());
    assert_int_equal(stat(p, &st), -1);
}

static void
log_rotates_at_the_cap(void **state)
{
    (void)state;
    char dir[700], p[800];
    snprintf(dir, sizeof(dir), "%s/logs", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    setenv("BERTH_CTR_LOG_MAX", "1024", 1);
    struct ctr_logfile lf;
    assert_int_equal(ctr_logfile_open(&lf, dir, NULL), 0);
    char line[100];
    memset(line, 'x', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\n';
    for (int i = 0; i < 50; i++)
        ctr_logfile_write(&lf, line, sizeof(line));
    ctr_logfile_close(&lf);
    unsetenv("BERTH_CTR_LOG_MAX");
    struct stat a, b;
    snprintf(p, sizeof(p), "%s/log", dir);
    assert_int_equal(stat(p, &a), 0);
    snprintf(p, sizeof(p), "%s/log.1", dir);
    assert_int_equal(stat(p, &b), 0);
    assert_true(a.st_size <= 1024 && b.st_size == 1024);
    /* 5000 bytes written: four full files rotated away, 5000 - 4 * 1024 = 904 left. */
    assert_int_equal(a.st_size, 904);
    snprintf(p, sizeof(p), "%s/log.2", dir);
    assert_int_not_equal(access(p, F_OK), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(signals),
        cmocka_unit_test(build_then_parse),
        cmocka_unit_test(build_refuses_bad_options),
        cmocka_unit_test(parse_names_the_bad_field),
        cmocka_unit_test(parse_refuses_wrong_types_and_bad_values),
        cmocka_unit_test(log_max_is_strict),
        cmocka_unit_test(parse_relative_root_and_idmaps),
        cmocka_unit_test(state_roundtrip_and_corruption),
        cmocka_unit_test(running_state_with_dead_monitor_is_stale),
        cmocka_unit_test(removal_leaves_no_lock_to_waiters),
        cmocka_unit_test(removal_over_a_stale_leftover),
        cmocka_unit_test(log_rotates_at_the_cap),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
