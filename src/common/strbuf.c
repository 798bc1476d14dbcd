/* SPDX-License-Identifier: MIT */
/* A growable string buffer. */
#include "common/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* The header leaves it unannotated; say so here so fmt is checked as a printf format. */
void strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

void
strbuf_init(struct strbuf *sb)
{
    sb->buf = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void
strbuf_done(struct strbuf *sb)
{
    free(sb->buf);
    strbuf_init(sb);
}

void
strbuf_reset(struct strbuf *sb)
{
    sb->len = 0;
    if (sb->buf)
        sb->buf[0] = '\0';
}

static void
strbuf_grow(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    sb->buf = xrealloc(sb->buf, cap);
    sb->cap = cap;
}

void
strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
    strbuf_grow(sb, len);
    memcpy(sb->buf + sb->len, data, len);
    sb->len += len;
    sb->buf[sb->len] = '\0';
}

void
strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_add(sb, s, strlen(s));
}

void
strbuf_putc(struct strbuf *sb, char c)
{
    strbuf_add(sb, &c, 1);
}

void
strbuf_vprintf(struct strbuf *sb, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n <= 0)
        return;
    strbuf_grow(sb, (size_t)n);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void
strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
}

/* Length of the valid UTF-8 sequence at p (2..4), or 0 when p does not start one. Rejects
 * overlong forms, surrogates and code points above U+10FFFF. */
static size_t
utf8_seq_len(const unsigned char *p)
{
    unsigned char c = p[0];
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4;
    else
        return 0;
    if (c == 0xe0)
        lo = 0xa0;
    else if (c == 0xed)
        hi = 0x9f;
    else if (c == 0xf0)
        lo = 0x90;
    else if (c == 0xf4)
        hi = 0x8f;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

static void
json_escape_byte(struct strbuf *sb, unsigned char c)
{
    switch (c) {
    case '"':
        strbuf_puts(sb, "\\\"");
        break;
    case '\\':
        strbuf_puts(sb, "\\\\");
        break;
    case '\n':
        strbuf_puts(sb, "\\n");
        break;
    case '\r':
        strbuf_puts(sb, "\\r");
        break;
    case '\t':
        strbuf_puts(sb, "\\t");
        break;
    default:
        if (c < 0x20 || c == 0x7f)
            strbuf_printf(sb, "\\u%04x", c);
        else
            strbuf_putc(sb, (char)c);
    }
}

void
strbuf_json_str(struct strbuf *sb, const char *s)
{
    strbuf_putc(sb, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        if (*p < 0x80) {
            json_escape_byte(sb, *p++);
            continue;
        }
        size_t n = utf8_seq_len(p);
        if (n) {
            strbuf_add(sb, p, n);
            p += n;
        } else {
            strbuf_puts(sb, "\\ufffd"); /* invalid byte: keep the output valid UTF-8 */
            p++;
        }
    }
    strbuf_putc(sb, '"');
}

char *
str_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

const char *
strbuf_str(const struct strbuf *sb)
{
    return sb->buf ? sb->buf : "";
}

char *
strbuf_steal(struct strbuf *sb)
{
    char *s = sb->buf ? sb->buf : xstrdup("");
    strbuf_init(sb);
    return s;
}
