/* SPDX-License-Identifier: MIT */
/* Theme files: parsing, search path, listing. */
#include "ui/tui/theme.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "common/strbuf.h"
#include "common/cleanup.h"
#include "common/fileio.h"

#ifndef BERTH_DATADIR
#define BERTH_DATADIR "/usr/local/share/berth"
#endif

#define THEME_FILE_MAX (64 * 1024)

static const char *const role_names[THEME_ROLE_COUNT] = {
    [THEME_ROLE_NORMAL] = "normal",       [THEME_ROLE_HEADER] = "header",
    [THEME_ROLE_METER] = "meter",         [THEME_ROLE_METER_HIGH] = "meter-high",
    [THEME_ROLE_TITLE] = "title",         [THEME_ROLE_TITLE_SORT] = "title-sort",
    [THEME_ROLE_SELECTED] = "selected",   [THEME_ROLE_RUNNING] = "running",
    [THEME_ROLE_STOPPED] = "stopped",     [THEME_ROLE_PAUSED] = "paused",
    [THEME_ROLE_CRASHED] = "crashed",     [THEME_ROLE_TRANSIENT] = "transient",
    [THEME_ROLE_GRAPH_CPU] = "graph-cpu", [THEME_ROLE_GRAPH_MEM] = "graph-mem",
    [THEME_ROLE_FRAME] = "frame",         [THEME_ROLE_DIM] = "dim",
    [THEME_ROLE_STATUS] = "status",       [THEME_ROLE_ERROR] = "error",
    [THEME_ROLE_FKEY] = "fkey",           [THEME_ROLE_FKEY_LABEL] = "fkey-label",
    [THEME_ROLE_PROMPT] = "prompt",
};

static const char *const color_names[8] = {"black", "red",     "green", "yellow",
                                           "blue",  "magenta", "cyan",  "white"};

static const struct {
    const char *name;
    unsigned bit;
} attr_names[] = {
    {"bold", THEME_ATTR_BOLD},           {"dim", THEME_ATTR_DIM},
    {"underline", THEME_ATTR_UNDERLINE}, {"reverse", THEME_ATTR_REVERSE},
    {"italic", THEME_ATTR_ITALIC},
};

/* The built-in dark theme: role = fg256/fg8 bg256/bg8 attrs. */
#define C(a, b)                                                                                    \
    {                                                                                              \
        (short)(a), (short)(b)                                                                     \
    }
#define D C(-1, -1)
static const struct theme_style builtin_dark[THEME_ROLE_COUNT] = {
    [THEME_ROLE_NORMAL] = {D, D, 0},
    [THEME_ROLE_HEADER] = {C(252, 7), D, 0},
    [THEME_ROLE_METER] = {C(114, 2), D, THEME_ATTR_BOLD},
    [THEME_ROLE_METER_HIGH] = {C(203, 1), D, THEME_ATTR_BOLD},
    [THEME_ROLE_TITLE] = {C(16, 0), C(114, 2), 0},
    [THEME_ROLE_TITLE_SORT] = {C(16, 0), C(80, 6), THEME_ATTR_BOLD},
    [THEME_ROLE_SELECTED] = {C(16, 0), C(80, 6), 0},
    [THEME_ROLE_RUNNING] = {C(114, 2), D, 0},
    [THEME_ROLE_STOPPED] = {C(245, 7), D, 0},
    [THEME_ROLE_PAUSED] = {C(221, 3), D, 0},
    [THEME_ROLE_CRASHED] = {C(203, 1), D, THEME_ATTR_BOLD},
    [THEME_ROLE_TRANSIENT] = {C(81, 6), D, 0},
    [THEME_ROLE_GRAPH_CPU] = {C(114, 2), D, 0},
    [THEME_ROLE_GRAPH_MEM] = {C(81, 4), D, 0},
    [THEME_ROLE_FRAME] = {C(80, 6), D, THEME_ATTR_BOLD},
    [THEME_ROLE_DIM] = {C(245, 7), D, 0},
    [THEME_ROLE_STATUS] = {C(252, 7), D, 0},
    [THEME_ROLE_ERROR] = {C(203, 1), D, THEME_ATTR_BOLD},
    [THEME_ROLE_FKEY] = {C(252, 7), D, 0},
    [THEME_ROLE_FKEY_LABEL] = {C(16, 0), C(80, 6), 0},
    [THEME_ROLE_PROMPT] = {C(221, 3), D, THEME_ATTR_BOLD},
};
#undef C
#undef D

const char *
theme_role_name(enum theme_role r)
{
    return (unsigned)r < THEME_ROLE_COUNT ? role_names[r] : "unknown";
}

void
theme_builtin(struct theme *t)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->name, sizeof(t->name), "dark");
    memcpy(t->s, builtin_dark, sizeof(t->s));
}

bool
theme_name_valid(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len >= THEME_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (!isalnum(c) && c != '-' && c != '_')
            return false;
    }
    return true;
}

/* Nearest of the 8 basic colours for a 256-colour index. */
static short
color_to8(long c)
{
    if (c < 0)
        return -1;
    if (c < 16)
        return (short)(c & 7);
    if (c >= 232)
        return c >= 238 ? 7 : 0;
    c -= 16;
    int r = (int)(c / 36), g = (int)(c / 6 % 6), b = (int)(c % 6);
    return (short)((r >= 3 ? 1 : 0) | (g >= 3 ? 2 : 0) | (b >= 3 ? 4 : 0));
}

/* One colour without fallback: default, a name, bright-NAME or a number; -2 when invalid. */
static long
color_one(const char *s)
{
    if (strcasecmp(s, "default") == 0)
        return -1;
    bool bright = strncasecmp(s, "bright-", 7) == 0;
    for (int i = 0; i < 8; i++) {
        if (strcasecmp(s + (bright ? 7 : 0), color_names[i]) == 0)
            return i + (bright ? 8 : 0);
    }
    char *end;
    errno = 0;
    long n = strtol(s, &end, 10);
    if (!isdigit((unsigned char)s[0]) || *end || errno || n > 255)
        return -2;
    return n;
}

static int
color_parse(const char *s, struct theme_color *out)
{
    char buf[64];
    snprintf(buf, sizeof(buf), "%s", s);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash++ = '\0';
    long c = color_one(buf);
    long f = slash ? color_one(slash) : color_to8(c);
    if (c < -1 || f < -1 || f > 7)
        return -1;
    out->c256 = (short)c;
    out->c8 = (short)(slash ? f : color_to8(c));
    return 0;
}

static int
attr_parse(const char *s, unsigned *attrs)
{
    for (size_t i = 0; i < sizeof(attr_names) / sizeof(attr_names[0]); i++) {
        if (strcasecmp(s, attr_names[i].name) == 0) {
            *attrs |= attr_names[i].bit;
            return 0;
        }
    }
    return -1;
}

static int
role_parse(const char *s)
{
    for (int r = 0; r < THEME_ROLE_COUNT; r++) {
        if (strcasecmp(s, role_names[r]) == 0)
            return r;
    }
    return -1;
}

/* "FG [BG] [ATTR...]": colours first, then attributes. */
static int
style_parse(char *val, struct theme_style *st, const char *what, int line, struct err **err)
{
    struct theme_style out = {{-1, -1}, {-1, -1}, 0};
    int ncolors = 0;
    char *save = NULL;
    for (char *w = strtok_r(val, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (attr_parse(w, &out.attrs) == 0)
            continue;
        struct theme_color *dst = ncolors == 0 ? &out.fg : &out.bg;
        if (ncolors >= 2 || color_parse(w, dst) < 0)
            return err_set(err, 0,
                           "%s line %d: unknown colour or attribute '%s' (colours: default, "
                           "black..white, bright-NAME, 0..255, NUM/FALLBACK; attributes: bold, "
                           "dim, underline, reverse, italic)",
                           what, line, w);
        ncolors++;
    }
    if (ncolors == 0 && out.attrs == 0)
        return err_set(err, 0, "%s line %d: no colour given", what, line);
    *st = out;
    return 0;
}

static int
theme_line(struct theme *t, char *line, const char *what, int lineno, struct err **err)
{
    char *hash = strchr(line, '#');
    if (hash)
        *hash = '\0';
    line = str_trim(line);
    if (!*line)
        return 0;
    char *eq = strchr(line, '=');
    if (!eq)
        return err_set(err, 0, "%s line %d: expected 'ROLE = COLOURS', got '%s'", what, lineno,
                       line);
    *eq = '\0';
    char *key = str_trim(line), *val = str_trim(eq + 1);
    if (strcmp(key, "name") == 0) {
        snprintf(t->name, sizeof(t->name), "%s", val);
        return 0;
    }
    int r = role_parse(key);
    if (r < 0)
        return err_set(err, 0, "%s line %d: unknown role '%s'", what, lineno, key);
    return style_parse(val, &t->s[r], what, lineno, err);
}

int
theme_parse(const char *text, const char *what, struct theme *t, struct err **err)
{
    theme_builtin(t);
    cleanup_free char *copy = strdup(text);
    if (!copy)
        return err_set(err, errno, "%s", what);
    int lineno = 0;
    char *p = copy;
    for (char *nl; p; p = nl) {
        nl = strchr(p, '\n');
        if (nl)
            *nl++ = '\0';
        lineno++;
        if (theme_line(t, p, what, lineno, err) < 0) {
            theme_builtin(t);
            return -1;
        }
    }
    return 0;
}

/* The directories searched, in order: $BERTH_THEMES, the user's, the installed, ./themes. */
struct theme_dirs {
    const char *dir[4];
    size_t n;
    char user[4096]; /* $XDG_CONFIG_HOME/berth/themes or ~/.config/berth/themes */
};

static void
theme_dirs(struct theme_dirs *d)
{
    d->n = 0;
    const char *env = getenv("BERTH_THEMES");
    if (env && *env)
        d->dir[d->n++] = env;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    /* XDG: a relative $XDG_CONFIG_HOME is invalid and ignored. */
    if (xdg && xdg[0] == '/')
        snprintf(d->user, sizeof(d->user), "%s/berth/themes", xdg);
    else if (home && *home)
        snprintf(d->user, sizeof(d->user), "%s/.config/berth/themes", home);
    else
        d->user[0] = '\0';
    if (d->user[0])
        d->dir[d->n++] = d->user;
    d->dir[d->n++] = BERTH_DATADIR "/themes";
    d->dir[d->n++] = "./themes";
}

int
theme_load(const char *name, struct theme *t, struct err **err)
{
    theme_builtin(t);
    if (!theme_name_valid(name))
        return err_set(err, 0, "invalid theme name '%s'", name);
    struct theme_dirs d;
    theme_dirs(&d);
    for (size_t i = 0; i < d.n; i++) {
        char path[4200];
        snprintf(path, sizeof(path), "%s/%s", d.dir[i], name);
        if (access(path, F_OK) != 0)
            continue;
        cleanup_free char *text = NULL;
        if (fileio_read_all(path, THEME_FILE_MAX, &text, NULL, err) < 0)
            return err_wrap(err, "theme '%s'", name);
        char what[4300];
        snprintf(what, sizeof(what), "theme '%s'", path);
        if (theme_parse(text, what, t, err) < 0)
            return -1;
        snprintf(t->name, sizeof(t->name), "%s", name);
        return 0;
    }
    if (strcmp(name, "dark") == 0)
        return 0;
    /* The names found, not the directories: the message fits the dashboard's status line, and
     * berth(1) and docs/TUI.md give the search path. */
    char names[32][THEME_NAME_MAX], have[32 * (THEME_NAME_MAX + 2)] = "";
    size_t n = theme_list(names, 32);
    for (size_t i = 0, used = 0; i < n && used < sizeof(have); i++)
        used += (size_t)snprintf(have + used, sizeof(have) - used, "%s%s", i ? ", " : "", names[i]);
    return err_set(err, 0, "theme '%s' not found (themes: %s)", name, have);
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

static size_t
list_add(char (*names)[THEME_NAME_MAX], size_t n, size_t max, const char *name)
{
    if (n >= max || !theme_name_valid(name))
        return n;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0)
            return n;
    }
    memcpy(names[n], name, strlen(name) + 1); /* valid names are shorter than the slot */
    return n + 1;
}

size_t
theme_list(char (*names)[THEME_NAME_MAX], size_t max)
{
    size_t n = list_add(names, 0, max, "dark");
    struct theme_dirs td;
    theme_dirs(&td);
    for (size_t i = 0; i < td.n; i++) {
        cleanup_dir DIR *d = opendir(td.dir[i]);
        if (!d)
            continue;
        for (struct dirent *de; (de = readdir(d));) {
            if (de->d_type == DT_REG || de->d_type == DT_LNK || de->d_type == DT_UNKNOWN)
                n = list_add(names, n, max, de->d_name);
        }
    }
    qsort(names, n, THEME_NAME_MAX, name_cmp);
    return n;
}
