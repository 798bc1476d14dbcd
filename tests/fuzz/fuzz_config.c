/* SPDX-License-Identifier: MIT */
/* libFuzzer target: config.json as the runtime reads it -- jsonx_parse, then the OCI spec
 * parser (process, root, namespaces, id mappings, resources, mounts), with and without a
 * bundle directory. */
#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "ctr/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    struct err *e = NULL;
    for (int bundle = 0; bundle < 2; bundle++) {
        json_object *cfg = jsonx_parse((const char *)data, size, "config.json", &e);
        err_free(e);
        e = NULL;
        if (!cfg)
            return 0;
        struct ctr_spec s;
        if (ctr_spec_parse(cfg, bundle ? "/nonexistent-bundle" : NULL, &s, &e) == 0)
            ctr_spec_done(&s); /* takes cfg with it; a failed parse released it */
        err_free(e);
        e = NULL;
    }
    return 0;
}
