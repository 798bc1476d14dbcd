/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the security parts of config.json (capabilities, noNewPrivileges,
 * maskedPaths, readonlyPaths, linux.seccomp) as read by the runtime before it forks, plus the
 * create-time defaults and CLI options applied to an arbitrary config. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/json.h"
#include "ctr/security/security.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > (1u << 20))
        return 0;
    setenv("BERTH_SECCOMP_CACHE", "off", 1);
    struct err *e = NULL;
    json_object *config = jsonx_parse((const char *)data, size, "config.json", &e);
    err_free(e);
    e = NULL;
    if (!config)
        return 0;
    struct ctr_security *s = NULL;
    if (ctr_security_from_config(config, &s, &e) == 0)
        ctr_security_free(s);
    err_free(e);
    e = NULL;
    if (json_object_is_type(config, json_type_object)) {
        if (ctr_security_cli_option(config, "cap-drop", "NET_RAW", &e) == 0 &&
            ctr_security_default_config(config, &e) == 0 &&
            ctr_security_from_config(config, &s, &e) == 0)
            ctr_security_free(s);
        err_free(e);
    }
    json_object_put(config);
    return 0;
}
