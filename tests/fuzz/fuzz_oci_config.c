/* SPDX-License-Identifier: MIT */
/* libFuzzer target: what the OCI command line reads -- a bundle's config.json (the fields berth
 * applies for OCI bundles: hooks, rlimits, sysctl, devices, namespace paths, refused fields), the
 * process.json of `exec` merged into a valid config as ctr_oci_exec does, and the state document
 * built from the config's annotations. */
#include <stddef.h>
#include <stdint.h>

#include "common/json.h"
#include "ctr/runtime/runtime.h"
#include "ctr/store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"/\"},\"process\":{\"args\":[\"sh\"],"
    "\"cwd\":\"/\"},\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"}]}}";

static void
parse(json_object *cfg)
{
    struct err *e = NULL;
    struct ctr_spec s;
    if (ctr_spec_parse(cfg, NULL, &s, &e) == 0) {
        json_object *doc = ctr_oci_state_doc("fuzz", "created", 1, s.json);
        json_object_to_json_string(doc);
        json_object_put(doc);
        ctr_spec_done(&s); /* takes cfg with it; a failed parse released it */
    }
    err_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    struct err *e = NULL;
    json_object *in = jsonx_parse((const char *)data, size, "config.json", &e);
    err_free(e);
    e = NULL;
    if (!in)
        return 0;
    parse(json_object_get(in));
    /* The input as exec's --process: it replaces the process of a valid config. */
    json_object *cfg = jsonx_parse(base, sizeof(base) - 1, "base", &e);
    err_free(e);
    if (cfg) {
        json_object_object_add(cfg, "process", json_object_get(in));
        parse(cfg);
    }
    json_object_put(in);
    return 0;
}
