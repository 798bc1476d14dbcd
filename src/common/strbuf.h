/* SPDX-License-Identifier: MIT */
/* A growable NUL-terminated string buffer. Allocation failure aborts. */
#pragma once

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
    char *buf; /* always NUL-terminated once anything was added; NULL when empty and new */
    size_t len;
    size_t cap;
};

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void strbuf_init(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb); /* len = 0, keeps the allocation */
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap);
/* Append s as a JSON string literal, quotes included (escapes ", \, control chars; UTF-8 kept). */
void strbuf_json_str(struct strbuf *sb, const char *s);
/* Strip leading and trailing white space in place; returns the first non-space. */
char *str_trim(char *s);
/* The contents ("" when empty); valid until the next change. */
const char *strbuf_str(const struct strbuf *sb);
/* Hand the buffer over to the caller (never NULL) and reset sb. */
char *strbuf_steal(struct strbuf *sb);
