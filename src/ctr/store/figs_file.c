/* SPDX-License-Identifier: MIT */
/* A container's start figures ($run/<name>/figures.json): written by its monitor, read by the
 * provider. Kept apart from state.json, whose exit record has its room reserved at start. */
#include "ctr/store/store.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"

int
ctr_figs_save(const char *name, const struct ctr_start_figs *sf, struct err **err)
{
    char path[PATH_MAX], text[256];
    ctr_path_run(path, name, "figures.json");
    int n = snprintf(
        text, sizeof(text), "{\"request_ns\":%lld,\"exec_ns\":%lld,\"first_output_ns\":%lld}\n",
        (long long)sf->request_ns, (long long)sf->exec_ns, (long long)sf->first_output_ns);
    return ctr_write_runtime(path, text, (size_t)n, 0644, err);
}

int
ctr_figs_load(const char *name, struct ctr_start_figs *sf)
{
    char path[PATH_MAX];
    sf->request_ns = sf->exec_ns = sf->first_output_ns = -1;
    ctr_path_run(path, name, "figures.json");
    cleanup_json json_object *o = jsonx_load_file(path, 4096, NULL);
    if (!o)
        return -1;
    int64_t v;
    if (jsonx_get_int64(o, "request_ns", &v))
        sf->request_ns = v;
    if (jsonx_get_int64(o, "exec_ns", &v))
        sf->exec_ns = v;
    if (jsonx_get_int64(o, "first_output_ns", &v))
        sf->first_output_ns = v;
    return 0;
}
