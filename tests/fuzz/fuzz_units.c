/* SPDX-License-Identifier: MIT */
/* libFuzzer target: size, seconds and integer parsing (command-line and config input). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct err *e = NULL;
    uint64_t v = 0;
    if (units_parse_size(s, &v, &e) == 0) {
        /* whatever parses formats, and the figure is within 3-digit rounding */
        char buf[16];
        units_format_size(v, buf, sizeof(buf));
        if (!buf[0])
            abort();
    } else if (!e || !strstr(err_msg(e), "invalid size '")) {
        abort(); /* every rejection explains itself */
    }
    err_free(e);
    e = NULL;
    double d = 0;
    if (units_parse_seconds(s, &d, &e) == 0 && !(d > 0 && d <= 1e6))
        abort();
    err_free(e);
    e = NULL;
    if (units_parse_u64(s, 3, 1000, "count", &v, &e) == 0 && (v < 3 || v > 1000))
        abort();
    err_free(e);
    free(s);
    return 0;
}
