/* SPDX-License-Identifier: MIT */
/* The new-container form's command line split as a POSIX shell splits words. */
#pragma once

#include <stddef.h>

#include "common/err.h"

/*
 * Split s into words the way sh does (no expansions): blanks separate words; inside '...'
 * every byte is literal; inside "..." a backslash escapes only $ ` " \ and newline; outside
 * quotes a backslash makes the next byte literal. `'a b'` and `a' 'b` are one word "a b", `''`
 * is an empty word. The words are written NUL-separated into buf (cap bytes) and pointed to
 * by argv (at most max). Returns the count, or -1 with err naming the problem (an unterminated
 * quote, a trailing backslash, too many words or bytes).
 */
int shellwords_split(const char *s, char *buf, size_t cap, char **argv, int max, struct err **err);
