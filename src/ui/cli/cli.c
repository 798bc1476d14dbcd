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
