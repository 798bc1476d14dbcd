/* SPDX-License-Identifier: MIT */
/* Masked and read-only paths, applied for real in a child's private mount namespace, and
 * hostile symlinks / magic links that must not make berth cover anything outside the root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/err.h"
#include "ctr/security/security.h"

static char tmp[64];

/* Run fn in a child with a private mount namespace; returns its exit code. */
static int
in_child(int (*fn)(void))
{
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            _exit(90);
        _exit(fn());
    }
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
        return 99;
    return WEXITSTATUS(st);
}

static struct ctr_security *
security_of(const char *json)
{
    json_object *c = json_tokener_parse(json);
    struct ctr_security *s = NULL;
    struct err *e = NULL;
    if (!c || ctr_security_from_config(c, &s, &e) < 0) {
        fprintf(stderr, "config: %s\n", err_msg(e));
        s = NULL;
    }
    err_free(e);
    json_object_put(c);
    return s;
}

static ssize_t
read_size(const char *path)
{
    char buf[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof(buf));
    close(fd);
    return n;
}

static int
child_defaults(void)
{
    json_object *c = json_object_new_object();
    if (ctr_security_default_config(c, NULL) < 0)
        return 2;
    json_object_object_del(json_object_object_get(c, "linux"), "seccomp");
    struct ctr_security *s = security_of(json_object_to_json_string(c));
    json_object_put(c);
    if (read_size("/proc/timer_list") <= 0)
        return 8; /* nothing to prove on this kernel */
    if (!s || ctr_security_apply_paths(s, NULL) < 0)
        return 3;
    /* Masked files read as empty (/proc/kcore is absent on some kernels: still unreadable). */
    if (read_size("/proc/kcore") > 0 || read_size("/proc/keys") != 0 ||
        read_size("/proc/timer_list") != 0)
        return 4;
    int fd = open("/proc/sys/kernel/domainname", O_WRONLY);
    if (fd >= 0 || errno != EROFS)
        return 5;
    fd = open("/proc/sysrq-trigger", O_WRONLY); /* absent without CONFIG_MAGIC_SYSRQ */
    if (fd >= 0 || (errno != EROFS && errno != ENOENT))
        return 6;
    fd = open("/proc/irq/default_smp_affinity", O_WRONLY);
    if (fd >= 0 || (errno != EROFS && errno != ENOENT))
        return 9;
    struct stat st;
    if (stat("/proc/acpi", &st) == 0 && mkdir("/proc/acpi/x", 0700) == 0)
        return 7;
    ctr_security_free(s);
    return 0;
}

static void
test_defaults_mask_and_protect_proc(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(in_child(child_defaults), 0);
}

/* The working directory is outside the root (the CVE-2024-21626 shape): a masked path
 * through /proc/self/cwd must be refused, not cover the host file. */
static int
child_magic_link(void)
{
    char root[128], secret[128];
    snprintf(root, sizeof(root), "%s/root", tmp);
    snprintf(secret, sizeof(secret), "%s/host/secret", tmp);
    if (mkdir(root, 0755) < 0 || mkdir("/tmp", 0755) < 0 ? errno != EEXIST : 0)
        return 2;
    char proc[160];
    snprintf(proc, sizeof(proc), "%s/proc", root);
    if (mkdir(proc, 0755) < 0 || mount("proc", proc, "proc", 0, NULL) < 0)
        return 3;
    char hostdir[128];
    snprintf(hostdir, sizeof(hostdir), "%s/host", tmp);
    if (chdir(hostdir) < 0 || chroot(root) < 0)
        return 4; /* cwd stays outside the new root */
    struct ctr_security *s =
        security_of("{\"linux\": {\"maskedPaths\": [\"/proc/self/cwd/secret\"], "
                    "\"readonlyPaths\": [\"/proc/self/cwd\"]}}");
    struct err *e = NULL;
    if (!s || ctr_security_apply_paths(s, &e) == 0)
        return 5;
    if (!strstr(err_msg(e), "/proc/self/cwd/secret"))
        return 6;
    err_free(e);
    if (read_size("secret") != 6) /* still the host file, not /dev/null */
        return 7;
    ctr_security_free(s);
    return 0;
}

/* Symlinks inside the root that point "out" resolve inside it; a fake /dev/null is refused. */
static int
child_hostile_links(void)
{
    char root[128], p[256];
    snprintf(root, sizeof(root), "%s/root2", tmp);
    snprintf(p, sizeof(p), "%s/etc", root);
    if (mkdir(root, 0755) < 0 || mkdir(p, 0755) < 0)
        return 2;
    snprintf(p, sizeof(p), "%s/etc/evil", root);
    char target[256];
    snprintf(target, sizeof(target), "../../../../../..%s/host/secret", tmp);
    if (symlink(target, p) < 0)
        return 3;
    snprintf(p, sizeof(p), "%s/etc/evil-dir", root);
    snprintf(target, sizeof(target), "%s/host", tmp);
    if (symlink(target, p) < 0)
        return 4;
    snprintf(p, sizeof(p), "%s/dev", root);
    if (mkdir(p, 0755) < 0)
        return 5;
    snprintf(p, sizeof(p), "%s/dev/null", root);
    if (symlink(target, p) < 0) /* "/dev/null" -> the host directory */
        return 6;
    int hostfd = open(target, O_RDONLY | O_DIRECTORY);
    if (hostfd < 0 || chdir(root) < 0 || chroot(".") < 0)
        return 7;
    struct ctr_security *s = security_of(
        "{\"linux\": {\"maskedPaths\": [\"/etc/evil\"], \"readonlyPaths\": [\"/etc/evil-dir\"]}}");
    if (!s || ctr_security_apply_paths(s, NULL) < 0)
        return 8; /* both resolve to nothing inside the root: skipped */
    ctr_security_free(s);
    /* A masked file needs /dev/null, which here is a link to a host dir: refused. */
    if (mkdir("/f", 0755) < 0 || close(open("/f/x", O_CREAT | O_WRONLY, 0600)) < 0)
        return 9;
    s = security_of("{\"linux\": {\"maskedPaths\": [\"/f/x\"]}}");
    struct err *e = NULL;
    if (!s || ctr_security_apply_paths(s, &e) == 0 || !strstr(err_msg(e), "null device"))
        return 10;
    err_free(e);
    ctr_security_free(s);
    int fd = openat(hostfd, "secret", O_RDONLY);
    char buf[16] = "";
    if (fd < 0 || read(fd, buf, sizeof(buf)) != 6 || strncmp(buf, "hello\n", 6) != 0)
        return 11;
    if (mkdirat(hostfd, "still-writable", 0700) < 0)
        return 12;
    return 0;
}

static int
setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof(tmp), "/tmp/berth-paths.XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    char p[128];
    snprintf(p, sizeof(p), "%s/host", tmp);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/host/secret", tmp);
    FILE *f = fopen(p, "w");
    if (!f)
        return -1;
    fputs("hello\n", f);
    fclose(f);
    return 0;
}

static int
teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
    return system(cmd) == 0 ? 0 : -1;
}

static void
test_magic_link_out_of_root_is_refused(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(in_child(child_magic_link), 0);
}

static void
test_hostile_links_stay_inside(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip();
    assert_int_equal(in_child(child_hostile_links), 0);
    char p[128];
    snprintf(p, sizeof(p), "%s/host/secret", tmp);
    assert_int_equal(read_size(p), 6);
}

int
main(void)
{
    setenv("BERTH_SECCOMP_CACHE", "off", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_mask_and_protect_proc),
        cmocka_unit_test(test_magic_link_out_of_root_is_refused),
        cmocka_unit_test(test_hostile_links_stay_inside),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
