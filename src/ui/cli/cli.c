/* SPDX-License-Identifier: MIT */
/* The command table lookup, the usage error and option errors of the subcommand front ends. */
#include "ui/cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

const struct cli_cmd *
cli_cmd_find(const struct cli_cmd *tab, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(tab[i].name, name) == 0)
            return &tab[i];
    }
    return NULL;
}

const char *
cli_cmd_names(const struct cli_cmd *tab, size_t n, char *buf, size_t len)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", tab[i].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

const struct cli_front cli_front_global = {"", "berth --help", false};
const struct cli_front cli_front_ctr = {"", "berth ctr --help", true};
const struct cli_front cli_front_vm = {"vm: ", "berth vm --help", false};

int
cli_usage_error(const struct cli_front *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "berth: %s", f->prefix);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (f->one_line)
        fprintf(stderr, " (see %s)\n", f->help);
    else
        fprintf(stderr, "\nTry '%s'.\n", f->help);
    return CLI_EXIT_USAGE;
}

static bool
is_long_tok(const char *tok)
{
    return tok && strncmp(tok, "--", 2) == 0 && tok[2] != '\0';
}

/* argv[i] is a group of short options holding c. */
static bool
short_group_has(char **argv, int i, int c)
{
    const char *t = i >= 0 ? argv[i] : NULL;
    return t && t[0] == '-' && t[1] != '-' && c > 0 && strchr(t + 1, c);
}

/*
 * Which token getopt_long stopped at: GNU getopt moves optind past an element once it has read
 * its last character (before it reports a missing value) and past every long option; inside a
 * group (-it) it stays on the element. An unknown long option leaves optopt 0; a short one
 * leaves its character there; a known long option given "=value" it does not take leaves its
 * value there.
 */
int
cli_opt_error(const struct cli_front *scope, const char *cmd, int opt, char **argv)
{
    const char *pre = cmd ? cmd : "", *sep = cmd ? ": " : "";
    const char *tok = optind > 0 ? argv[optind - 1] : NULL;
    bool is_short =
        optopt > 0 && optopt < 256 &&
        (short_group_has(argv, optind, optopt) || short_group_has(argv, optind - 1, optopt));
    if (is_short || !is_long_tok(tok)) {
        int c = optopt > 0 && optopt < 256 ? optopt : '?';
        if (opt == ':')
            return cli_usage_error(scope, "%s%soption '-%c' needs a value", pre, sep, c);
        return cli_usage_error(scope, "%s%sunknown option '-%c'", pre, sep, c);
    }
    const char *eq = strchr(tok, '=');
    int len = eq ? (int)(eq - tok) : (int)strlen(tok);
    if (opt == ':')
        return cli_usage_error(scope, "%s%soption '%.*s' needs a value", pre, sep, len, tok);
    if (optopt != 0 && eq)
        return cli_usage_error(scope, "%s%soption '%.*s' takes no value", pre, sep, len, tok);
    return cli_usage_error(scope, "%s%sunknown option '%.*s'", pre, sep, len, tok);
}

/* The length of the valid UTF-8 sequence at s (2 to 4), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
    size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (s[0] >= 0xf8)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    }
    return n;
}

size_t
cli_char_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] < 0x80)
        return u[0] ? 1 : 0;
    size_t n = utf8_len(u);
    return n ? n : 1;
}

const char *
cli_quote(const char *s, size_t max_chars, char *buf, size_t len)
{
    size_t used = 0, chars = 0;
    buf[0] = '\0';
    while (*s && used + 8 < len) {
        const unsigned char *u = (const unsigned char *)s;
        size_t n = u[0] < 0x80 ? 1 : utf8_len(u);
        if (chars++ == max_chars) {
            memcpy(buf + used, "...", 4);
            return buf;
        }
        if (n == 0 || u[0] < 0x20 || u[0] == 0x7f) {
            used += (size_t)snprintf(buf + used, len - used, "\\x%02x", u[0]);
            s++;
            continue;
        }
        memcpy(buf + used, s, n);
        used += n;
        buf[used] = '\0';
        s += n;
    }
    return buf;
}
