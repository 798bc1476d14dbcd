/* SPDX-License-Identifier: MIT */
/* libFuzzer target: auth.json files and WWW-Authenticate challenges (registry input). */
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
    char *u = NULL, *p = NULL;
    const char *hosts[] = {"docker.io", "localhost:5000", "h"};
    for (size_t i = 0; i < 3; i++) {
        int rc = reg_auth_parse(s, size, "auth.json", hosts[i], &u, &p, &e);
        if (rc == 1 && (!u || !p || strchr(u, ':')))
            abort();
        if (rc < 0 && !e)
            abort();
        free(u);
        free(p);
        u = p = NULL;
        err_free(e);
        e = NULL;
    }
    struct reg_challenge c;
    if (reg_challenge_parse(s, &c, &e) == 0) {
        if (c.scheme == REG_SCHEME_BEARER && (!c.realm || !*c.realm))
            abort();
        reg_challenge_done(&c);
    } else if (!e) {
        abort();
    }
    err_free(e);
    free(s);
    return 0;
}
