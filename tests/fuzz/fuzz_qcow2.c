/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the qcow2 header parser of the VM storage figures (common/figs.c), which
 * reads the first bytes of any disk image a domain names. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/figs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t vsize = 0, off = 0;
    uint32_t len = 0;
    if (figs_qcow2_header(data, size, &vsize, &off, &len)) {
        /* what it accepts is what the reader may act on: a bounded name outside the header */
        if (len > 1023 || (off == 0) != (len == 0) || (off && off < 32))
            abort();
    }
    return 0;
}
