/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the -v, --tmpfs and --restart parsers (command-line input). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr/ctr.h"
#include "ctr/volume/volume.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a parser accepted: a destination that is absolute, normalised and never /proc, /sys or
 * a '..'; what it refused: one line of explanation. */
static void
check(int rc, struct err *e, const struct vol_mount *m)
{
    if (rc < 0) {
        if (!e || !err_msg(e)[0] || strchr(err_msg(e), '\n'))
            abort();
        return;
    }
    if (m->dest[0] != '/' || strstr(m->dest, "//") ||
        (strncmp(m->dest, "/proc", 5) == 0 && (m->dest[5] == 0 || m->dest[5] == '/')))
        abort();
    for (const char *c = m->dest; c; c = strchr(c + 1, '/')) {
        if (strncmp(c, "/..", 3) == 0 && (c[3] == 0 || c[3] == '/'))
            abort(); /* a ".." component */
        if (strncmp(c, "/.", 2) == 0 && (c[2] == 0 || c[2] == '/'))
            abort(); /* a "." component */
    }
    size_t n = strlen(m->dest);
    if (n > 1 && m->dest[n - 1] == '/')
        abort();
    if (m->kind == VOL_KIND_NAMED && vol_name_check(m->source, NULL) < 0)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct vol_mount *m = malloc(sizeof(*m));
    struct err *e = NULL;
    check(vol_mount_parse(s, m, &e), e, m);
    err_free(e);
    e = NULL;
    check(vol_tmpfs_parse(s, m, &e), e, m);
    err_free(e);
    e = NULL;
    struct ctr_restart_policy p;
    if (ctr_restart_parse(s, &p, &e) == 0) {
        char buf[32];
        struct ctr_restart_policy q;
        ctr_restart_format(&p, buf, sizeof(buf));
        if (ctr_restart_parse(buf, &q, NULL) < 0 || q.mode != p.mode || q.max != p.max)
            abort(); /* what parses formats back to the same policy */
    }
    err_free(e);
    free(m);
    free(s);
    return 0;
}
