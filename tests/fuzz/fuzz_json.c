/* SPDX-License-Identifier: MIT */
/* libFuzzer target: JSON parsing (state files, config.json) and JSON string output. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err *e = NULL;
    json_object *o = jsonx_parse((const char *)data, size, "fuzz.json", &e);
    if (!o && !e)
        abort(); /* failure always says why */
    if (o) {
        const char *str;
        int64_t i;
        bool b;
        jsonx_get_str(o, "ociVersion", &str);
        jsonx_get_int64(o, "pid", &i);
        jsonx_get_bool(o, "terminal", &b);
        jsonx_get_obj(o, "process");
        jsonx_get_array(o, "mounts");
        json_object_put(o);
    }
    err_free(e);

    /* any bytes as a name: the literal must parse back as one JSON string */
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct strbuf sb = STRBUF_INIT;
    strbuf_json_str(&sb, s);
    e = NULL;
    o = jsonx_parse(sb.buf, sb.len, "literal", &e);
    if (!o || !json_object_is_type(o, json_type_string))
        abort();
    json_object_put(o);
    strbuf_done(&sb);
    free(s);
    return 0;
}
