/* SPDX-License-Identifier: MIT */
/* Helpers over json-c: loading with clear errors, typed lookups. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <json-c/json.h>

#include "common/err.h"

static inline void
cleanup_jsonp(json_object **o)
{
    if (*o)
        json_object_put(*o);
}
#define cleanup_json __attribute__((cleanup(cleanup_jsonp)))

/* Parse text; errors name what (a file name, "config.json") and the position:
 * "corrupt JSON in 'state.json' at offset 17: unexpected character". */
json_object *jsonx_parse(const char *text, size_t len, const char *what, struct err **err);
/* Read and parse a file of at most max bytes. */
json_object *jsonx_load_file(const char *path, size_t max, struct err **err);
/* Serialize (pretty when asked) and write atomically (fileio_write_atomic). */
int jsonx_save_file(const char *path, json_object *o, bool pretty, struct err **err);

/* Typed lookups of obj[key]: return false (and leave *out) when absent or of another type. */
bool jsonx_get_str(json_object *obj, const char *key, const char **out);
bool jsonx_get_int64(json_object *obj, const char *key, int64_t *out);
bool jsonx_get_bool(json_object *obj, const char *key, bool *out);
json_object *jsonx_get_obj(json_object *obj, const char *key); /* object or NULL */
/* obj[key] as an object, added empty when absent (or not an object: then replaced). */
json_object *jsonx_child_obj(json_object *obj, const char *key);
json_object *jsonx_get_array(json_object *obj, const char *key); /* array or NULL */
