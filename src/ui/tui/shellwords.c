/* SPDX-License-Identifier: MIT */
/* POSIX-shell-like word splitting for the new-container form's command. */
#include "ui/tui/shellwords.h"

#include <stdbool.h>
#include <string.h>

int
shellwords_split(const char *s, char *buf, size_t cap, char **argv, int max, struct err **err)
{
    size_t o = 0;
    int n = 0;
    bool in_word = false;
    const char *p = s;
#define PUT(c)                                                                                     \
    do {                                                                                           \
        if (o + 1 >= cap)                                                                          \
            return err_set(err, 0, "the command is too long");                                     \
        buf[o++] = (c);                                                                            \
    } while (0)
#define BEGIN_WORD()                                                                               \
    do {                                                                                           \
        if (!in_word) {                                                                            \
            if (n >= max)                                                                          \
                return err_set(err, 0, "the command has too many words (at most %d)", max);        \
            argv[n++] = buf + o;                                                                   \
            in_word = true;                                                                        \
        }                                                                                          \
    } while (0)
    while (*p) {
        char c = *p;
        if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) {
                PUT('\0');
                in_word = false;
            }
            p++;
        } else if (c == '\'') {
            BEGIN_WORD();
            const char *end = strchr(p + 1, '\'');
            if (!end)
                return err_set(err, 0, "unterminated ' in the command: %s", s);
            for (const char *q = p + 1; q < end; q++)
                PUT(*q);
            p = end + 1;
        } else if (c == '"') {
            BEGIN_WORD();
            p++;
            while (*p && *p != '"') {
                if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1]))
                    p++;
                PUT(*p);
                p++;
            }
            if (*p != '"')
                return err_set(err, 0, "unterminated \" in the command: %s", s);
            p++;
        } else if (c == '\\') {
            if (!p[1])
                return err_set(err, 0, "the command ends with a lone backslash: %s", s);
            if (p[1] == '\n') { /* line continuation */
                p += 2;
                continue;
            }
            BEGIN_WORD();
            PUT(p[1]);
            p += 2;
        } else {
            BEGIN_WORD();
            PUT(c);
            p++;
        }
    }
    if (in_word)
        PUT('\0');
#undef PUT
#undef BEGIN_WORD
    return n;
}
