/* SPDX-License-Identifier: MIT */
/* Allocation that cannot fail: out of memory aborts (berth has no way to go on without it). */
#pragma once

#include <stdarg.h>
#include <stddef.h>

/* Each returns a valid pointer or aborts the process. xrealloc(p, 0) returns a 1-byte block. */
void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* reallocarray that aborts on overflow or exhaustion. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
