/* SPDX-License-Identifier: MIT */
/* `berth __complete WHAT`: the names shell completion offers (completions/berth.bash, _berth). */
#include "ui/frontends.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/err.h"
#include "common/model.h"
#include "ctr/ctr.h"
#include "ctr/image/image.h"
#include "ctr/net/net.h"
#include "ctr/volume/volume.h"
#include "ui/tui/theme.h"
#include "vm/vm.h"

/* Container names from their state directories: no libvirt (container commands never load it). */
static int
complete_ctr_names(void)
{
    cleanup_err struct err *e = NULL;
    cleanup_free struct ctr_info *v = NULL;
    size_t n = 0;
    if (ctr_list(&v, &n, &e) < 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        printf("%s\n", v[i].name);
    return 0;
}

/* Domain names on the -c connections, else the default one ($LIBVIRT_DEFAULT_URI, else
 * qemu:///system), each bounded by the usual time-out. Never libvirt's test driver as a stand-in:
 * an unreachable connection completes nothing. */
static int
complete_vm_names(const struct app_opts *o)
{
    const char *env = getenv("LIBVIRT_DEFAULT_URI");
    const char *def = env && *env ? env : "qemu:///system";
    const char *const *uris = o->n_uris ? o->uris : &def;
    size_t nu = o->n_uris ? o->n_uris : 1;
    struct inst_list l;
    inst_list_init(&l);
    for (size_t i = 0; i < nu; i++) {
        cleanup_err struct err *e = NULL;
        struct provider p;
        if (vm_uri_probe(uris[i], vm_timeout_ms(), &e) < 0 || vm_provider_new(uris[i], &p, &e) < 0)
            continue;
        if (vm_wait_connected(vm_provider_get(&p), vm_timeout_ms(), &e) == 0)
            p.ops->sample(p.self, &l, &e);
        p.ops->close(p.self);
    }
    for (size_t i = 0; i < l.n; i++) {
        if (l.v[i].kind == INST_KIND_VM)
            printf("%s\n", l.v[i].name);
    }
    inst_list_done(&l);
    return 0;
}

/* Image names ("name:tag"), network and volume names: from their stores, no libvirt. */
static int
complete_image_names(void)
{
    cleanup_err struct err *e = NULL;
    struct image_info *v = NULL;
    size_t n = 0;
    if (image_list(&v, &n, &e) < 0)
        return 1;
    for (size_t i = 0; i < n; i++) {
        for (char **name = v[i].names; name && *name; name++)
            printf("%s\n", *name);
    }
    image_info_list_free(v, n);
    return 0;
}

static int
complete_net_names(void)
{
    cleanup_err struct err *e = NULL;
    cleanup_free struct net_info *v = NULL;
    size_t n = 0;
    if (net_list(&v, &n, &e) < 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        printf("%s\n", v[i].name);
    return 0;
}

static int
complete_volume_names(void)
{
    cleanup_err struct err *e = NULL;
    cleanup_free struct vol_info *v = NULL;
    size_t n = 0;
    if (vol_list(&v, &n, &e) < 0)
        return 1;
    for (size_t i = 0; i < n; i++)
        printf("%s\n", v[i].name);
    return 0;
}

static int
complete_themes(void)
{
    char names[64][THEME_NAME_MAX];
    size_t n = theme_list(names, 64);
    for (size_t i = 0; i < n; i++)
        printf("%s\n", names[i]);
    return 0;
}

int
cli_complete_main(const struct app_opts *o, int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "ctr-names") == 0)
        return complete_ctr_names();
    if (strcmp(what, "vm-names") == 0)
        return complete_vm_names(o);
    if (strcmp(what, "image-names") == 0)
        return complete_image_names();
    if (strcmp(what, "net-names") == 0)
        return complete_net_names();
    if (strcmp(what, "volume-names") == 0)
        return complete_volume_names();
    if (strcmp(what, "themes") == 0)
        return complete_themes();
    fprintf(stderr,
            "berth: __complete: unknown list '%s' (ctr-names, vm-names, image-names, net-names, "
            "volume-names, themes)\n",
            what);
    return 2;
}
