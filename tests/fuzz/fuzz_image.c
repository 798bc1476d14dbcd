/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the image store's parsers of outside JSON: an OCI index / Docker manifest
 * list, a manifest, a config (rootfs.diff_ids), and the platform choice over a parsed index. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr/image/image_impl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    struct err *e = NULL;
    struct image_desc *d = NULL;
    size_t n = 0;
    if (image_parse_index(text, size, &d, &n, &e) == 0) {
        if (n == 0)
            abort();
        image_pick(d, n, NULL, "latest", NULL);
        image_pick(d, n, d[0].digest, NULL, NULL);
        free(d);
    } else if (!e) {
        abort(); /* a failure always says why */
    }
    err_freep(&e);
    struct image_manifest m;
    if (image_parse_manifest(text, size, &m, &e) == 0) {
        if (!image_digest_valid(m.config.digest) || m.n_layers > IMAGE_LAYERS_MAX)
            abort();
        for (size_t i = 0; i < m.n_layers; i++) {
            if (!image_digest_valid(m.layers[i].digest) || m.layers[i].size < 0)
                abort();
        }
        image_manifest_done(&m);
    } else if (!e) {
        abort();
    }
    err_freep(&e);
    char(*ids)[IMAGE_DIGEST_LEN + 1] = NULL;
    if (image_parse_config(text, size, (size_t)-1, &ids, &n, &e) == 0) {
        for (size_t i = 0; i < n; i++) {
            if (!image_digest_valid(ids[i]))
                abort();
        }
        free(ids);
    } else if (!e) {
        abort();
    }
    err_freep(&e);
    return 0;
}
