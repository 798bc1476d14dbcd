/* SPDX-License-Identifier: MIT */
/* The image store's parsers and unpacking: image names, digests, index/manifest/config JSON
 * (good and bad), platform choice, a layer's whiteouts and refused entries, user names. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "ctr/image/image_impl.h"

static char tmpdir[] = "/tmp/berth-unit-image.XXXXXX";
#define D64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static int
setup(void **state)
{
    (void)state;
    if (!mkdtemp(tmpdir))
        return -1;
    char root[600];
    snprintf(root, sizeof(root), "%s/root", tmpdir);
    setenv("BERTH_ROOT", root, 1);
    return image_dl_load(NULL);
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
    char out[IMAGE_NAME_MAX + 1];
    assert_int_equal(image_name_check("alpine", out, NULL), 0);
    assert_string_equal(out, "alpine:latest");
    assert_int_equal(image_name_check("localhost:5000/x/y:v1.2", out, NULL), 0);
    assert_string_equal(out, "localhost:5000/x/y:v1.2");
    const char *bad[] = {"",  "../x", "a/../b", "a//b", "/a",    "a/",
                         "A", "a:",   "a:-x",   "a b",  "a:t/x", "a\n"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct err *e = NULL;
        assert_int_equal(image_name_check(bad[i], out, &e), -1);
        assert_non_null(strstr(err_msg(e), "invalid image"));
        err_free(e);
    }
}

static void
digests(void **state)
{
    (void)state;
    char d[IMAGE_DIGEST_LEN + 1];
    image_digest_buf("", 0, d);
    assert_string_equal(d,
                        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_true(image_digest_valid("sha256:" D64));
    assert_false(image_digest_valid("sha256:" D64 "0"));
    assert_false(image_digest_valid("sha512:" D64));
    assert_false(image_digest_valid("sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef012345"
                                    "6789abcdef"));
    assert_false(image_digest_valid("sha256:../../../../etc/passwd"));
}

static void
parse_index_and_pick(void **state)
{
    (void)state;
    const char *idx =
        "{\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        "\"digest\":\"sha256:" D64 "\",\"size\":10,\"platform\":{\"os\":\"linux\","
        "\"architecture\":\"arm64\"}},{\"digest\":\"sha256:" D64 "\",\"size\":3,"
        "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"},\"annotations\":{"
        "\"org.opencontainers.image.ref.name\":\"v1\"}}]}";
    struct image_desc *d = NULL;
    size_t n = 0;
    assert_int_equal(image_parse_index(idx, strlen(idx), &d, &n, NULL), 0);
    assert_int_equal(n, 2);
    assert_int_equal(d[0].media, IMAGE_MEDIA_MANIFEST);
    assert_int_equal(image_pick(d, n, NULL, "v1", NULL), 1);
#if defined(__x86_64__)
    assert_int_equal(image_pick(d, n, NULL, NULL, NULL), 1);
#endif
    free(d);
    const char *bad[] = {"",
                         "[]",
                         "{\"manifests\":[]}",
                         "{\"manifests\":[{\"digest\":\"sha256:x\",\"size\":1}]}",
                         "{\"manifests\":[{\"digest\":\"sha256:" D64 "\",\"size\":-1}]}",
                         "{\"manifests\":[1]}",
                         "{\"manifests\":[{\"digest\":\"sha256:" D64 "\"}]}"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct err *e = NULL;
        assert_int_equal(image_parse_index(bad[i], strlen(bad[i]), &d, &n, &e), -1);
        assert_true(strlen(err_msg(e)) > 0);
        err_free(e);
    }
}

static void
parse_manifest_and_config(void **state)
{
    (void)state;
    const char *m = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution."
                    "manifest.v2+json\",\"config\":{\"digest\":\"sha256:" D64 "\",\"size\":5},"
                    "\"layers\":[{\"digest\":\"sha256:" D64 "\",\"size\":7}]}";
    struct image_manifest man;
    assert_int_equal(image_parse_manifest(m, strlen(m), &man, NULL), 0);
    assert_int_equal(man.n_layers, 1);
    assert_int_equal(man.layers[0].size, 7);
    image_manifest_done(&man);
    const char *bad[] = {"{\"schemaVersion\":1}", "{\"schemaVersion\":2}",
                         "{\"schemaVersion\":2,\"config\":{\"digest\":\"sha256:" D64
                         "\",\"size\":5},\"layers\":[{\"size\":1}]}",
                         "{\"schemaVersion\":2,\"mediaType\":\"text/plain\"}"};
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct err *e = NULL;
        assert_int_equal(image_parse_manifest(bad[i], strlen(bad[i]), &man, &e), -1);
        err_free(e);
    }
    const char *c = "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" D64 "\"]}}";
    char(*ids)[IMAGE_DIGEST_LEN + 1] = NULL;
    size_t n = 0;
    assert_int_equal(image_parse_config(c, strlen(c), 1, &ids, &n, NULL), 0);
    assert_string_equal(ids[0], "sha256:" D64);
    free(ids);
    struct err *e = NULL;
    assert_int_equal(image_parse_config(c, strlen(c), 2, &ids, &n, &e), -1);
    assert_non_null(strstr(err_msg(e), "1 diff_ids for 2 layers"));
    err_free(e);
}

/* A tar at path with (name, type, data) entries. */
static void
write_tar_filter(const char *path, const char *const (*ents)[3], size_t n, char filter)
{
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (filter == 'g')
        archive_write_add_filter_gzip(a);
    else if (filter == 'z')
        assert_int_equal(archive_write_add_filter_zstd(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, ents[i][0]);
        char t = ents[i][1][0];
        archive_entry_set_filetype(e, t == 'd' ? AE_IFDIR : t == 'l' ? AE_IFLNK : AE_IFREG);
        archive_entry_set_perm(e, 0644);
        if (t == 'l')
            archive_entry_set_symlink(e, ents[i][2]);
        if (t == 'f')
            archive_entry_set_size(e, (la_int64_t)strlen(ents[i][2]));
        archive_write_header(a, e);
        if (t == 'f')
            archive_write_data(a, ents[i][2], strlen(ents[i][2]));
        archive_entry_free(e);
    }
    archive_write_free(a);
}

static void
write_tar(const char *path, const char *const (*ents)[3], size_t n)
{
    write_tar_filter(path, ents, n, 'g');
}

static int
unpack(const char *tar, const char *dest, struct err **err)
{
    char diff[IMAGE_DIGEST_LEN + 1], blob[IMAGE_DIGEST_LEN + 1];
    uint64_t size = 0;
    cleanup_close int fd = open(tar, O_RDONLY);
    return image_unpack_layer(fd, dest, blob, &size, diff, err);
}

static void
layer_whiteouts(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip(); /* whiteouts are device nodes and trusted xattrs */
    char tar[700], dest[700], p[800];
    snprintf(tar, sizeof(tar), "%s/l.tgz", tmpdir);
    snprintf(dest, sizeof(dest), "%s/layer", tmpdir);
    const char *const ents[][3] = {{"./d/", "d", ""},   {"d/.wh..wh..opq", "f", ""},
                                   {"d/new", "f", "n"}, {"a/b/.wh.gone", "f", ""},
                                   {"x", "f", "y"},     {"l", "l", "/etc/passwd"}};
    write_tar(tar, ents, ARRAY_SIZE(ents));
    assert_int_equal(unpack(tar, dest, NULL), 0);
    struct stat st;
    snprintf(p, sizeof(p), "%s/a/b/gone", dest);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISCHR(st.st_mode) && st.st_rdev == 0);
    snprintf(p, sizeof(p), "%s/d", dest);
    char v[4] = "";
    assert_int_equal(getxattr(p, "trusted.overlay.opaque", v, sizeof(v)), 1);
    assert_int_equal(v[0], 'y');
    snprintf(p, sizeof(p), "%s/d/.wh..wh..opq", dest);
    assert_int_equal(lstat(p, &st), -1);
    snprintf(p, sizeof(p), "%s/l", dest);
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
}

/* The same tar plain, gzip'd and zstd'd: one diff-id, three blob digests. */
static void
layer_formats(void **state)
{
    (void)state;
    const char *const ents[][3] = {{"etc/", "d", ""}, {"etc/f", "f", "content"}};
    const char filters[] = {'n', 'g', 'z'};
    char diffs[3][IMAGE_DIGEST_LEN + 1], blobs[3][IMAGE_DIGEST_LEN + 1];
    for (size_t i = 0; i < 3; i++) {
        char tar[700], dest[700];
        snprintf(tar, sizeof(tar), "%s/fmt%zu.tar", tmpdir, i);
        snprintf(dest, sizeof(dest), "%s/fmt%zu", tmpdir, i);
        write_tar_filter(tar, ents, 2, filters[i]);
        uint64_t size = 0;
        cleanup_close int fd = open(tar, O_RDONLY);
        assert_int_equal(image_unpack_layer(fd, dest, blobs[i], &size, diffs[i], NULL), 0);
        struct stat st;
        assert_int_equal(stat(tar, &st), 0);
        assert_int_equal(size, (uint64_t)st.st_size);
        char got[IMAGE_DIGEST_LEN + 1];
        assert_int_equal(image_digest_file(AT_FDCWD, tar, got, NULL, NULL), 0);
        assert_string_equal(got, blobs[i]);
    }
    assert_string_equal(diffs[0], blobs[0]); /* uncompressed: the blob is the tar */
    assert_string_equal(diffs[0], diffs[1]);
    assert_string_equal(diffs[0], diffs[2]);
    assert_string_not_equal(blobs[1], blobs[2]);
}

static void
layer_refused(void **state)
{
    (void)state;
    const char *const cases[][2][3] = {
        {{"../out", "f", "x"}, {"ok", "f", "x"}},
        {{"/abs", "f", "x"}, {"ok", "f", "x"}},
        {{"lnk", "l", "/tmp"}, {"lnk/through", "f", "x"}},
        {{"a/../../out", "f", "x"}, {"ok", "f", "x"}},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        char tar[700], dest[700];
        snprintf(tar, sizeof(tar), "%s/bad%zu.tgz", tmpdir, i);
        snprintf(dest, sizeof(dest), "%s/bad%zu", tmpdir, i);
        write_tar(tar, cases[i], 2);
        struct err *e = NULL;
        assert_int_equal(unpack(tar, dest, &e), -1);
        assert_true(strlen(err_msg(e)) > 0);
        err_free(e);
        assert_int_equal(access(dest, F_OK), -1); /* nothing half-unpacked is left */
    }
    assert_int_equal(access("/tmp/through", F_OK), -1);
}

static void
user_names(void **state)
{
    (void)state;
    char dir[700], p[800];
    snprintf(dir, sizeof(dir), "%s/ulayer/etc", tmpdir);
    assert_int_equal(fileio_mkdir_p(dir, 0755, NULL), 0);
    snprintf(p, sizeof(p), "%s/passwd", dir);
    const char *pw = "root:x:0:0::/:/bin/sh\nweb:x:33:34::/:/bin/sh\n";
    assert_int_equal(fileio_write_atomic(p, pw, strlen(pw), 0644, NULL), 0);
    snprintf(p, sizeof(p), "%s/group", dir);
    const char *gr = "root:x:0:\nstaff:x:50:\n";
    assert_int_equal(fileio_write_atomic(p, gr, strlen(gr), 0644, NULL), 0);
    snprintf(dir, sizeof(dir), "%s/ulayer", tmpdir);
    char *layers[] = {dir, NULL};
    struct image_run r = {.layers = layers, .n_layers = 1};
    uid_t u;
    gid_t g;
    assert_int_equal(image_user_resolve(&r, "web", &u, &g, NULL), 0);
    assert_int_equal(u, 33);
    assert_int_equal(g, 34);
    assert_int_equal(image_user_resolve(&r, "web:staff", &u, &g, NULL), 0);
    assert_int_equal(g, 50);
    assert_int_equal(image_user_resolve(&r, "33", &u, &g, NULL), 0);
    assert_int_equal(g, 34);
    assert_int_equal(image_user_resolve(&r, "7:8", &u, &g, NULL), 0);
    assert_int_equal(u, 7);
    assert_int_equal(g, 8);
    struct err *e = NULL;
    assert_int_equal(image_user_resolve(&r, "nobody", &u, &g, &e), -1);
    assert_non_null(strstr(err_msg(e), "'nobody'"));
    err_free(e);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(digests),
        cmocka_unit_test(parse_index_and_pick),
        cmocka_unit_test(parse_manifest_and_config),
        cmocka_unit_test(layer_whiteouts),
        cmocka_unit_test(layer_formats),
        cmocka_unit_test(layer_refused),
        cmocka_unit_test(user_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
