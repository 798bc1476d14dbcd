/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the cloud-image inputs berth reads from the user's files -- the same bytes
 * as an image header (vm_image_probe), an --ssh-key file and a --user-data file (vm_cloud_check,
 * then vm_cloud_seed_build). vm/cloud_seed.c needs no libvirt; it is compiled in here because
 * the fuzz builds link only src/common and src/ctr. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../src/vm/cloud_seed.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (size > (1u << 17))
        return 0;
    if (!path[0])
        snprintf(path, sizeof(path), "/tmp/berth-fuzz-cloud.%d", (int)getpid());
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    struct err *e = NULL;
    const char *fmt;
    uint64_t vs;
    vm_image_probe(path, &fmt, &vs, &e);
    err_free(e);
    e = NULL;
    struct vm_create_opts o = {0}; /* (vm_create_opts_init is in xml.c, not linked here) */
    o.name = "fuzz";
    o.image = path;
    o.ssh_key = size % 2 ? path : NULL;
    o.user_data = size % 2 ? NULL : path;
    if (vm_cloud_check(&o, false, &e) == 0) {
        struct vm_cloud_seed s;
        if (vm_cloud_seed_build(&o, "iid-fuzz", &s, &e) == 0)
            vm_cloud_seed_done(&s);
    }
    err_free(e);
    unlink(path);
    return 0;
}
