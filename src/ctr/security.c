/* SPDX-License-Identifier: MIT */
/* Placeholder for container hardening (replaced by the isolation work): applies nothing yet. */
#include "ctr/security.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ctr_security {
    int unused;
};

int
ctr_security_default_config(json_object *config, struct err **err)
{
    (void)config;
    (void)err;
    return 0;
}

int
ctr_security_cli_option(json_object *config, const char *name, const char *value, struct err **err)
{
    (void)config;
    (void)value;
    return err_set(err, 0, "option '--%s' is not supported yet", name);
}

int
ctr_security_from_config(json_object *config, struct ctr_security **out, struct err **err)
{
    (void)config;
    (void)err;
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : err_set(err, errno, "allocate security settings");
}

void
ctr_security_free(struct ctr_security *s)
{
    free(s);
}

int
ctr_security_apply_paths(const struct ctr_security *s, struct err **err)
{
    (void)s;
    (void)err;
    return 0;
}

int
ctr_security_apply_process(const struct ctr_security *s, struct err **err)
{
    (void)s;
    (void)err;
    return 0;
}
