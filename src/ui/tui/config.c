/* SPDX-License-Identifier: MIT */
/* The dashboard's user configuration file. */
#include "ui/tui/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/units.h"

#define CONFIG_FILE_MAX (256 * 1024)

void
config_init(struct config *c)
{
    memset(c, 0, sizeof(*c));
    c->columns = COL_DEFAULT;
    c->split = LAYOUT_SPLIT_AUTO;
    c->grouped = true;
    c->graph = -1;
    keys_defaults(&c->keys);
}

static int
set_connections(struct config *c, char *val, struct err **err)
{
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(val, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
        if (n == CONFIG_MAX_URIS)
            return err_set(err, 0, "too many connections (at most %d)", CONFIG_MAX_URIS);
        if (strlen(w) >= CONFIG_URI_MAX)
            return err_set(err, 0, "connection URI too long: '%.40s...'", w);
        snprintf(c->uris[n++], CONFIG_URI_MAX, "%s", w);
    }
    c->n_uris = n;
    return 0;
}

static int
set_columns(struct config *c, const char *val, struct err **err)
{
    const char *bad = NULL;
    size_t bad_len = 0;
    long mask = layout_cols_parse(val, &bad, &bad_len);
    if (mask < 0)
        return err_set(err, 0,
                       "unknown column '%.*s' (kind, name, state, cpu, mem, tasks, net, blk, "
                       "uptime, source)",
                       (int)bad_len, bad);
    if (!(mask & (1L << COL_NAME)))
        mask |= 1L << COL_NAME;
    c->columns = (unsigned)mask;
    return 0;
}

static int
set_choice(const char *key, const char *val, int parsed, const char *choices, int *out,
           struct err **err)
{
    if (parsed < 0)
        return err_set(err, 0, "invalid %s '%s' (%s)", key, val, choices);
    *out = parsed;
    return 0;
}

static int
config_set(struct config *c, const char *key, char *val, struct err **err)
{
    int v = 0;
    if (strcmp(key, "interval") == 0)
        return units_parse_seconds(val, &c->interval_s, err);
    if (strcmp(key, "theme") == 0) {
        if (!theme_name_valid(val))
            return err_set(err, 0, "invalid theme name '%s'", val);
        snprintf(c->theme, sizeof(c->theme), "%s", val);
        return 0;
    }
    if (strcmp(key, "connections") == 0)
        return set_connections(c, val, err);
    if (strcmp(key, "columns") == 0)
        return set_columns(c, val, err);
    if (strcmp(key, "layout") == 0) {
        if (set_choice(key, val, layout_split_parse(val), "auto, side or stacked", &v, err) < 0)
            return -1;
        c->split = (enum layout_split)v;
        return 0;
    }
    if (strcmp(key, "graph") == 0)
        return set_choice(key, val, graph_style_parse(val), "braille, block or ascii", &c->graph,
                          err);
    if (strcmp(key, "group") == 0) {
        int g = strcmp(val, "kind") == 0 ? 1 : strcmp(val, "mixed") == 0 ? 0 : -1;
        if (set_choice(key, val, g, "kind or mixed", &v, err) < 0)
            return -1;
        c->grouped = v == 1;
        return 0;
    }
    return err_set(err, 0,
                   "unknown setting '%s' (interval, theme, connections, columns, layout, group, "
                   "graph, bind)",
                   key);
}

static int
config_bind(struct config *c, char *rest, struct err **err)
{
    char *save = NULL;
    char *key = strtok_r(rest, " \t", &save);
    char *act = strtok_r(NULL, " \t", &save);
    if (!key || !act || strtok_r(NULL, " \t", &save))
        return err_set(err, 0, "expected 'bind KEY ACTION'");
    return keys_bind(&c->keys, key, act, err);
}

static int
config_line(struct config *c, char *line, struct err **err)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    line = str_trim(line);
    if (!*line)
        return 0;
    if (strncmp(line, "bind", 4) == 0 && isspace((unsigned char)line[4]))
        return config_bind(c, line + 5, err);
    char *eq = strchr(line, '=');
    if (!eq)
        return err_set(err, 0, "expected 'KEY = VALUE' or 'bind KEY ACTION', got '%s'", line);
    *eq = '\0';
    return config_set(c, str_trim(line), str_trim(eq + 1), err);
}

int
config_parse(struct config *c, const char *text, const char *what, struct err **err)
{
    cleanup_free char *copy = strdup(text);
    if (!copy)
        return err_set(err, ENOMEM, "%s", what);
    int lineno = 0, nbad = 0;
    for (char *p = copy, *nl; p; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        lineno++;
        cleanup_err struct err *e = NULL;
        if (config_line(c, p, &e) < 0 && nbad++ == 0)
            err_set(err, 0, "%s line %d: %s", what, lineno, err_msg(e));
    }
    if (nbad > 1)
        err_wrap(err, "%d bad lines, first", nbad);
    return nbad ? -1 : 0;
}

const char *
config_path(char *buf, size_t len)
{
    const char *env = getenv("BERTH_CONFIG");
    if (env && *env) {
        snprintf(buf, len, "%s", env);
        return buf;
    }
    const char *xdg = getenv("XDG_CONFIG_HOME");
    if (xdg && *xdg) {
        snprintf(buf, len, "%s/berth/config", xdg);
        return buf;
    }
    const char *home = getenv("HOME");
    if (!home || !*home)
        return NULL;
    snprintf(buf, len, "%s/.config/berth/config", home);
    return buf;
}

int
config_load(struct config *c, const char *path, struct err **err)
{
    char buf[4096];
    if (!path)
        path = config_path(buf, sizeof(buf));
    if (!path || access(path, F_OK) != 0)
        return 0;
    cleanup_free char *text = NULL;
    if (fileio_read_all(path, CONFIG_FILE_MAX, &text, NULL, err) < 0)
        return err_wrap(err, "config '%s'", path);
    char what[4200];
    snprintf(what, sizeof(what), "config '%s'", path);
    return config_parse(c, text, what, err);
}
