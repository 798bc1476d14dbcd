/* SPDX-License-Identifier: MIT */
/* Where the unit tests' recorded data lives: tests/unit/data, from $BERTH_SRC or relative to the
 * including source file (the build runs at the repository's root). */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "<data>/<sub>" in one of four rotating static buffers (so that a call's result survives the
 * next three calls). */
#define UNIT_DATA_DIR(sub) unit_data_dir(__FILE__, (sub))

static inline const char *
unit_data_dir(const char *file, const char *sub)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    const char *src = getenv("BERTH_SRC");
    if (src && *src)
        snprintf(buf[i], sizeof(buf[i]), "%s/tests/unit/data/%s", src, sub);
    else
        snprintf(buf[i], sizeof(buf[i]), "%.*s/data/%s", (int)(strrchr(file, '/') - file), file,
                 sub);
    return buf[i];
}
