/* SPDX-License-Identifier: MIT */
/* libFuzzer target: image references (command-line input) and platform strings. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctr/image/registry.h"

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
    struct reg_ref r;
    if (reg_ref_parse(s, &r, &e) == 0) {
        /* what parses formats to a canonical name that parses to itself */
        char *f = reg_ref_format(&r);
        struct reg_ref r2;
        if (reg_ref_parse(f, &r2, &e) < 0)
            abort();
        char *f2 = reg_ref_format(&r2);
        if (strcmp(f, f2) != 0 || !r.domain || !r.path || (!r.tag && !r.digest))
            abort();
        free(f);
        free(f2);
        reg_ref_done(&r2);
        reg_ref_done(&r);
    } else if (!e || !strstr(err_msg(e), "invalid image reference") || strchr(err_msg(e), '\n')) {
        abort(); /* every rejection is one line that says what it is about */
    }
    err_free(e);
    e = NULL;
    char *os = NULL, *arch = NULL, *variant = NULL;
    if (reg_platform_parse(s, &os, &arch, &variant, &e) == 0) {
        if (!*os || !*arch || (variant && !*variant))
            abort();
        free(os);
        free(arch);
        free(variant);
    }
    err_free(e);
    free(s);
    return 0;
}
