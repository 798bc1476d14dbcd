/* SPDX-License-Identifier: MIT */
/* What the subcommand front ends share: the command table, the usage error, option errors. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "ui/app.h"

#define CLI_EXIT_USAGE 2

/* One subcommand: `berth NAME ...` or `berth ctr NAME ...`. argv[0] is the command's name. */
struct cli_cmd {
    const char *name;
    int (*run)(const struct app_opts *o, int argc, char **argv);
};

/* The entry of tab (n entries) called name, or NULL. */
const struct cli_cmd *cli_cmd_find(const struct cli_cmd *tab, size_t n, const char *name);
/* The names of tab joined by ", " into buf (for "unknown command" messages); returns buf. */
const char *cli_cmd_names(const struct cli_cmd *tab, size_t n, char *buf, size_t len);

/* How a front end words its usage errors (the wording is part of each one's contract). */
struct cli_front {
    const char *prefix; /* before the message: "vm: " or "" */
    const char *help;   /* the command that shows the help: "berth vm --help" */
    bool one_line;      /* the hint in parentheses on the same line, else on a line of its own */
};

extern const struct cli_front cli_front_global; /* berth: MSG / Try 'berth --help'. */
extern const struct cli_front cli_front_ctr;    /* berth: MSG (see berth ctr --help) */
extern const struct cli_front cli_front_vm;     /* berth: vm: MSG / Try 'berth vm --help'. */

/* The one usage error: the message and the hint on stderr, in f's wording; returns
 * CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_front *f, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * getopt_long returned opt ('?' or ':', with opterr = 0 and ':' first in the short options) while
 * parsing argv: the usage error naming the exact option that is wrong ("unknown option '-i'",
 * "option '--memory' needs a value", "option '--tty' takes no value"), also inside a group of
 * short options such as -it. cmd, when not NULL, prefixes the message ("create: ...").
 */
int cli_opt_error(const struct cli_front *f, const char *cmd, int opt, char **argv);

/* The bytes of the character at s: a valid UTF-8 sequence (2 to 4), else 1; 0 at the end. */
size_t cli_char_len(const char *s);
/*
 * s for an error message, in buf (len bytes): valid UTF-8 as it is, control characters and
 * bytes that are not UTF-8 as \xNN; after max_chars characters, "...". Returns buf.
 */
const char *cli_quote(const char *s, size_t max_chars, char *buf, size_t len);
