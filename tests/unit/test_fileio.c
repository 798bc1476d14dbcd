/* SPDX-License-Identifier: MIT */
/* Unit tests: atomic replace (incl. a really full filesystem), bounded reads, mkdir -p. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/fileio.h"

struct fx {
    char dir[64];
};

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int
fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/berth-test-fileio-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    *state = f;
    return 0;
}

static int
fx_teardown(void **state)
{
    struct fx *f = *state;
    umount2(f->dir, MNT_DETACH); /* the tmpfs of the full-disk test, if any */
    nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void
path_in(const struct fx *f, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", f->dir, name);
}

static void
write_plain(const char *path, const char *s)
{
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(s, fp);
    assert_int_equal(fclose(fp), 0);
}

static char *
slurp(const char *path)
{
    char *s = NULL;
    struct err *e = NULL;
    if (fileio_read_all(path, 1 << 20, &s, NULL, &e) < 0)
        fail_msg("read back %s: %s", path, err_msg(e));
    return s;
}

/* Names in dir other than the given ones: the leftovers (e.g. a temp file). */
static int
count_other_entries(const char *dir, const char *keep1, const char *keep2)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if ((keep1 && !strcmp(de->d_name, keep1)) || (keep2 && !strcmp(de->d_name, keep2)))
            continue;
        fprintf(stderr, "leftover entry: %s/%s\n", dir, de->d_name);
        n++;
    }
    closedir(d);
    return n;
}

static void
atomic_write_creates_file_with_content_and_mode(void **state)
{
    struct fx *f = *state;
    char p[128];
    path_in(f, "new.json", p, sizeof(p));
    mode_t old = umask(022);
    assert_int_equal(fileio_write_atomic(p, "hello\n", 6, 0640, NULL), 0);
    umask(old);
    char *s = slurp(p);
    assert_string_equal(s, "hello\n");
    free(s);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    assert_int_equal(count_other_entries(f->dir, "new.json", NULL), 0);
}

static void
atomic_write_replaces_existing_file(void **state)
{
    struct fx *f = *state;
    char p[128];
    path_in(f, "state", p, sizeof(p));
    write_plain(p, "old contents that are longer than the new ones");
    assert_int_equal(fileio_write_atomic(p, "new", 3, 0644, NULL), 0);
    char *s = slurp(p);
    assert_string_equal(s, "new");
    free(s);
    assert_int_equal(count_other_entries(f->dir, "state", NULL), 0);
}

static void
atomic_write_at_uses_dirfd(void **state)
{
    struct fx *f = *state;
    int dfd = open(f->dir, O_RDONLY | O_DIRECTORY);
    assert_true(dfd >= 0);
    assert_int_equal(fileio_write_atomic_at(dfd, "rel", "abc", 3, 0600, NULL), 0);
    char *s = NULL;
    size_t len = 0;
    assert_int_equal(fileio_read_all_at(dfd, "rel", 100, &s, &len, NULL), 0);
    assert_int_equal(len, 3);
    assert_string_equal(s, "abc");
    free(s);
    close(dfd);
}

/* Fill the filesystem at dir until a write fails with ENOSPC. */
static void
fill_fs(const char *dir)
{
    char p[128];
    snprintf(p, sizeof(p), "%s/filler", dir);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    char block[4096];
    memset(block, 'x', sizeof(block));
    for (int i = 0; i < 100000; i++) {
        ssize_t n = write(fd, block, sizeof(block));
        if (n < 0) {
            assert_int_equal(errno, ENOSPC);
            break;
        }
    }
    /* byte-sized writes too, so not even a partial page is left */
    while (write(fd, "x", 1) == 1)
        ;
    close(fd);
}

static void
atomic_write_on_full_filesystem_keeps_old_file(void **state)
{
    struct fx *f = *state;
    if (geteuid() != 0) {
        print_message("skipping: mounting a tiny tmpfs needs root (running as uid %d)\n",
                      (int)geteuid());
        skip();
    }
    if (mount("berth-test", f->dir, "tmpfs", 0, "size=64k,mode=0700") < 0)
        fail_msg("mount tmpfs on %s: %s", f->dir, strerror(errno));
    char p[128];
    path_in(f, "config.json", p, sizeof(p));
    write_plain(p, "{\"old\": true}\n");
    fill_fs(f->dir);

    size_t big = 32 * 1024;
    char *payload = malloc(big);
    memset(payload, 'n', big);
    struct err *e = NULL;
    assert_int_equal(fileio_write_atomic(p, payload, big, 0644, &e), -1);
    free(payload);
    assert_non_null(e);
    assert_int_equal(e->code, ENOSPC);
    assert_non_null(strstr(err_msg(e), p));
    assert_non_null(strstr(err_msg(e), strerror(ENOSPC)));
    err_free(e);

    char *s = slurp(p);
    assert_string_equal(s, "{\"old\": true}\n");
    free(s);
    assert_int_equal(count_other_entries(f->dir, "config.json", "filler"), 0);
    assert_int_equal(umount2(f->dir, 0), 0);
}

static void
atomic_write_over_directory_fails_and_leaves_it(void **state)
{
    struct fx *f = *state;
    char p[128], inner[160];
    path_in(f, "adir", p, sizeof(p));
    assert_int_equal(mkdir(p, 0755), 0);
    snprintf(inner, sizeof(inner), "%s/keep", p);
    write_plain(inner, "kept");
    struct err *e = NULL;
    assert_int_equal(fileio_write_atomic(p, "x", 1, 0644, &e), -1);
    assert_non_null(e);
    assert_int_equal(e->code, EISDIR);
    assert_non_null(strstr(err_msg(e), p));
    err_free(e);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    char *s = slurp(inner);
    assert_string_equal(s, "kept");
    free(s);
    assert_int_equal(count_other_entries(f->dir, "adir", NULL), 0);
}

static void
atomic_write_into_missing_dir_names_it(void **state)
{
    struct fx *f = *state;
    char p[128];
    path_in(f, "nodir/file", p, sizeof(p));
    struct err *e = NULL;
    assert_int_equal(fileio_write_atomic(p, "x", 1, 0644, &e), -1);
    assert_int_equal(e->code, ENOENT);
    assert_non_null(strstr(err_msg(e), "nodir"));
    err_free(e);
}

static void
read_all_enforces_limit_and_names_file(void **state)
{
    struct fx *f = *state;
    char p[128];
    path_in(f, "ten", p, sizeof(p));
    write_plain(p, "0123456789");
    char *s = NULL;
    size_t len = 0;
    assert_int_equal(fileio_read_all(p, 10, &s, &len, NULL), 0); /* exactly the limit */
    assert_int_equal(len, 10);
    assert_string_equal(s, "0123456789");
    free(s);
    s = NULL;
    struct err *e = NULL;
    assert_int_equal(fileio_read_all(p, 9, &s, &len, &e), -1);
    assert_null(s);
    assert_non_null(strstr(err_msg(e), p));
    assert_non_null(strstr(err_msg(e), "limit of 9 bytes"));
    err_free(e);
    e = NULL;
    path_in(f, "absent", p, sizeof(p));
    assert_int_equal(fileio_read_all(p, 10, &s, NULL, &e), -1);
    assert_int_equal(e->code, ENOENT);
    assert_non_null(strstr(err_msg(e), "absent"));
    err_free(e);
}

static void
read_all_reads_large_and_proc_files(void **state)
{
    struct fx *f = *state;
    char p[128];
    path_in(f, "big", p, sizeof(p));
    size_t big = 100000;
    char *data = malloc(big);
    for (size_t i = 0; i < big; i++)
        data[i] = (char)('a' + i % 26);
    assert_int_equal(fileio_write_atomic(p, data, big, 0644, NULL), 0);
    char *s = NULL;
    size_t len = 0;
    assert_int_equal(fileio_read_all(p, big, &s, &len, NULL), 0);
    assert_int_equal(len, big);
    assert_memory_equal(s, data, big);
    assert_int_equal(s[big], '\0');
    free(s);
    free(data);
    /* procfs reports size 0: the read must not trust st_size */
    assert_int_equal(fileio_read_all("/proc/self/status", 1 << 20, &s, &len, NULL), 0);
    assert_true(len > 100);
    assert_non_null(strstr(s, "Name:"));
    free(s);
}

static void
pread_str_rereads_from_start_and_truncates(void **state)
{
    struct fx *f = *state;
    char p[128], buf[8];
    path_in(f, "stat", p, sizeof(p));
    write_plain(p, "12345\n");
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(fileio_pread_str(fd, buf, sizeof(buf)), 6);
    assert_string_equal(buf, "12345\n");
    write_plain(p, "987654321");
    assert_int_equal(fileio_pread_str(fd, buf, sizeof(buf)), 7);
    assert_string_equal(buf, "9876543");
    assert_int_equal(fileio_pread_str(fd, buf, 0), -1);
    close(fd);
    assert_int_equal(fileio_pread_str(-1, buf, sizeof(buf)), -1);
    assert_int_equal(errno, EBADF);
}

static void
mkdir_p_creates_nested_and_accepts_existing(void **state)
{
    struct fx *f = *state;
    char p[160];
    snprintf(p, sizeof(p), "%s/a/b//c/", f->dir);
    assert_int_equal(fileio_mkdir_p(p, 0750, NULL), 0);
    struct stat st;
    snprintf(p, sizeof(p), "%s/a/b/c", f->dir);
    assert_int_equal(stat(p, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(fileio_mkdir_p(p, 0750, NULL), 0); /* again: fine */

    char file[160];
    snprintf(file, sizeof(file), "%s/a/file", f->dir);
    write_plain(file, "x");
    snprintf(p, sizeof(p), "%s/a/file/sub", f->dir);
    struct err *e = NULL;
    assert_int_equal(fileio_mkdir_p(p, 0750, &e), -1);
    assert_int_equal(e->code, ENOTDIR);
    assert_non_null(strstr(err_msg(e), "a/file"));
    err_free(e);
}

/* Run everything in a private mount namespace so the test tmpfs never leaks out. */
static int
group_setup(void **state)
{
    (void)state;
    if (geteuid() == 0) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
            fprintf(stderr, "private mount namespace: %s\n", strerror(errno));
            return -1;
        }
    }
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
        T(atomic_write_creates_file_with_content_and_mode),
        T(atomic_write_replaces_existing_file),
        T(atomic_write_at_uses_dirfd),
        T(atomic_write_on_full_filesystem_keeps_old_file),
        T(atomic_write_over_directory_fails_and_leaves_it),
        T(atomic_write_into_missing_dir_names_it),
        T(read_all_enforces_limit_and_names_file),
        T(read_all_reads_large_and_proc_files),
        T(pread_str_rereads_from_start_and_truncates),
        T(mkdir_p_creates_nested_and_accepts_existing),
#undef T
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
