/* SPDX-License-Identifier: MIT */
/* Helpers over json-c: parsing with positioned errors, file load/save, typed lookups. */
#include "common/json.h"

#include <string.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/strbuf.h"

static void
tokener_freep(json_tokener **t)
{
    if (*t)
        json_tokener_free(*t);
}

/* Input ended inside a value: feed the terminating NUL json-c uses to end bare numbers. */
static json_object *
parse_finish(json_tokener *tok)
{
    return json_tokener_parse_ex(tok, "", 1);
}

json_object *
jsonx_parse(const char *text, size_t len, const char *what, struct err **err)
{
    __attribute__((cleanup(tokener_freep))) json_tokener *tok = json_tokener_new();
    if (!tok)
        abort();
    if (!what)
        what = "input";
    if (len > INT32_MAX) {
        err_set(err, 0, "corrupt JSON in '%s': too large (%zu bytes)", what, len);
        return NULL;
    }
    json_object *o = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (!o && jerr == json_tokener_continue) {
        o = parse_finish(tok);
        jerr = json_tokener_get_error(tok);
        if (jerr != json_tokener_success) {
            err_set(err, 0, "corrupt JSON in '%s' at offset %zu: unexpected end of input", what,
                    len);
            return NULL;
        }
        end = len;
    }
    if (jerr != json_tokener_success) {
        err_set(err, 0, "corrupt JSON in '%s' at offset %zu: %s", what, end,
                json_tokener_error_desc(jerr));
        return NULL;
    }
    while (end < len && text[end] && strchr(" \t\r\n", text[end]))
        end++;
    if (end < len) {
        json_object_put(o);
        err_set(err, 0, "corrupt JSON in '%s' at offset %zu: unexpected data after the value", what,
                end);
        return NULL;
    }
    if (!o) /* json-c represents a JSON null as NULL, which callers would take for an error */
        err_set(err, 0, "unexpected JSON in '%s': the document is null", what);
    return o;
}

json_object *
jsonx_load_file(const char *path, size_t max, struct err **err)
{
    cleanup_free char *text = NULL;
    size_t len = 0;
    if (fileio_read_all(path, max, &text, &len, err) < 0)
        return NULL;
    return jsonx_parse(text, len, path, err);
}

int
jsonx_save_file(const char *path, json_object *o, bool pretty, struct err **err)
{
    int flags =
        JSON_C_TO_STRING_NOSLASHESCAPE |
        (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
    size_t len = 0;
    const char *s = json_object_to_json_string_length(o, flags, &len);
    if (!s)
        return err_set(err, 0, "serialize JSON for '%s'", path);
    struct strbuf sb = STRBUF_INIT;
    strbuf_add(&sb, s, len);
    strbuf_putc(&sb, '\n');
    int rc = fileio_write_atomic(path, sb.buf, sb.len, 0644, err);
    strbuf_done(&sb);
    return rc;
}

static json_object *
get_typed(json_object *obj, const char *key, enum json_type type)
{
    json_object *v = NULL;
    if (!obj || !json_object_is_type(obj, json_type_object))
        return NULL;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

bool
jsonx_get_str(json_object *obj, const char *key, const char **out)
{
    json_object *v = get_typed(obj, key, json_type_string);
    if (!v)
        return false;
    *out = json_object_get_string(v);
    return true;
}

bool
jsonx_get_int64(json_object *obj, const char *key, int64_t *out)
{
    json_object *v = get_typed(obj, key, json_type_int);
    if (!v)
        return false;
    *out = json_object_get_int64(v);
    return true;
}

bool
jsonx_get_bool(json_object *obj, const char *key, bool *out)
{
    json_object *v = get_typed(obj, key, json_type_boolean);
    if (!v)
        return false;
    *out = json_object_get_boolean(v);
    return true;
}

json_object *
jsonx_get_obj(json_object *obj, const char *key)
{
    return get_typed(obj, key, json_type_object);
}

json_object *
jsonx_get_array(json_object *obj, const char *key)
{
    return get_typed(obj, key, json_type_array);
}

json_object *
jsonx_child_obj(json_object *obj, const char *key)
{
    json_object *o = jsonx_get_obj(obj, key);
    if (!o) {
        o = json_object_new_object();
        json_object_object_add(obj, key, o);
    }
    return o;
}
