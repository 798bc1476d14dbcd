/* SPDX-License-Identifier: MIT */
/* The dashboard's first-run demo container (once per host: a marker file remembers). */
#include "ctr/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"

#define DEMO_NAME "demo"
#define BUSYBOX "/bin/busybox"

static int
copy_file(const char *src, const char *dst, mode_t mode, struct err **err)
{
    cleanup_close int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return err_set(err, errno, "open '%s' (install busybox-static)", src);
    cleanup_close int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0)
        return err_set(err, errno, "create '%s'", dst);
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0) {
        if (fileio_write_full(out, buf, (size_t)n) < 0)
            return err_set(err, errno, "write '%s'", dst);
    }
    return n < 0 ? err_set(err, errno, "read '%s'", src) : 0;
}

/* Applets as symlinks: ask busybox for its list (it runs on the host, statically linked). */
static int
demo_links(const char *root, struct err **err)
{
    static const char *const applets[] = {"sh",    "ls", "cat", "echo",     "sleep",
                                          "date",  "ps", "top", "hostname", "uname",
                                          "mount", "ip", "vi",  "env"};
    char p[PATH_MAX];
    for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
        ctr_fmt(p, sizeof(p), "%s/bin/%s", root, applets[i]);
        unlink(p);
        if (symlink("busybox", p) < 0)
            return err_set(err, errno, "symlink '%s'", p);
    }
    return 0;
}

static int
demo_rootfs(const char *root, struct err **err)
{
    static const char *const dirs[] = {"bin", "etc", "proc", "sys", "dev", "tmp", "root"};
    char p[PATH_MAX];
    for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
        ctr_fmt(p, sizeof(p), "%s/%s", root, dirs[i]);
        if (fileio_mkdir_p(p, 0755, err) < 0)
            return -1;
    }
    ctr_fmt(p, sizeof(p), "%s/bin/busybox", root);
    if (copy_file(BUSYBOX, p, 0755, err) < 0 || demo_links(root, err) < 0)
        return -1;
    ctr_fmt(p, sizeof(p), "%s/etc/passwd", root);
    const char *pw = "root:x:0:0:root:/root:/bin/sh\n";
    if (fileio_write_atomic(p, pw, strlen(pw), 0644, err) < 0)
        return -1;
    ctr_fmt(p, sizeof(p), "%s/etc/group", root);
    return fileio_write_atomic(p, "root:x:0:\n", 10, 0644, err);
}

int
ctr_demo_ensure(struct err **err)
{
    char marker[PATH_MAX], root[PATH_MAX];
    if (geteuid() != 0)
        return 0;
    ctr_fmt(marker, sizeof(marker), "%s/.demo-created", ctr_lib_dir());
    if (access(marker, F_OK) == 0)
        return 0;
    ctr_fmt(root, sizeof(root), "%s/rootfs/busybox", ctr_lib_dir());
    if (ctr_dirs_ensure(err) < 0 || demo_rootfs(root, err) < 0)
        return err_wrap(err, "demo rootfs");
    static char sh[] = "/bin/sh", dash_c[] = "-c",
                script[] = "i=0; while :; do i=$((i+1)); echo \"demo: tick $i, $(date)\"; "
                           "sleep 5; done";
    char *const cmd[] = {sh, dash_c, script, NULL};
    struct ctr_create_opts o = {
        .rootfs = root, .memory = 32 << 20, .pids = 32, .argv = cmd, .argc = 3};
    if (!ctr_exists(DEMO_NAME) && ctr_create(DEMO_NAME, &o, err) < 0)
        return err_wrap(err, "demo container");
    cleanup_err struct err *e = NULL;
    if (ctr_start(DEMO_NAME, false, false, &e) < 0 && !strstr(err_msg(e), "already running"))
        return err_set(err, 0, "%s", err_msg(e));
    if (fileio_write_atomic(marker, "", 0, 0644, err) < 0)
        return -1;
    return 1;
}
