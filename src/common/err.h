/* SPDX-License-Identifier: MIT */
/* The error object: fallible functions take `struct err **err` last and return < 0 (or NULL). */
#pragma once

#include <stdarg.h>

struct err {
    int code;       /* errno value, or 0 when the error is not a system error */
    char msg[1024]; /* full, user-readable message: "context: detail: strerror" */
};

/*
 * Set *err (allocating it) to a message from fmt; when code != 0, ": strerror(code)" is
 * appended. Returns -1 so that `return err_set(err, errno, "open '%s'", path);` works.
 * err may be NULL (the error is dropped). If *err is already set it is replaced.
 */
int err_set(struct err **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int err_setv(struct err **err, int code, const char *fmt, va_list ap);

/* Prefix the existing message with "context: ". Returns -1. A NULL *err gets the context alone. */
int err_wrap(struct err **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The message, or "" for NULL. */
const char *err_msg(const struct err *e);

void err_free(struct err *e);
void err_freep(struct err **e);
#define cleanup_err __attribute__((cleanup(err_freep)))
