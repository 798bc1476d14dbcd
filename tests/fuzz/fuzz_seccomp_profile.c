/* SPDX-License-Identifier: MIT */
/* libFuzzer target: a --seccomp profile file (Docker or OCI format) -> OCI section -> BPF. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/json.h"
#include "ctr/security/caps.h"
#include "ctr/security/seccomp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    struct err *e = NULL;
    json_object *profile = jsonx_parse((const char *)data, size, "profile", &e);
    err_free(e);
    e = NULL;
    if (!profile)
        return 0;
    json_object *oci = NULL;
    /* Two capability sets: Docker's default and everything, so includes/excludes both run. */
    uint64_t sets[] = {CAPS_DOCKER_DEFAULT, UINT64_MAX};
    for (size_t i = 0; i < 2; i++) {
        if (seccomp_profile_to_oci(profile, sets[i], &oci, &e) == 0) {
            struct seccomp_prog p;
            if (seccomp_compile(oci, &p, &e) == 0)
                seccomp_prog_done(&p);
            json_object_put(oci);
            oci = NULL;
        }
        err_free(e);
        e = NULL;
    }
    json_object_put(profile);
    return 0;
}
