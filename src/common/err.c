/* SPDX-License-Identifier: MIT */
/* The error object. */
#include "common/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

/* The header leaves it unannotated; say so here so fmt is checked as a printf format. */
int err_setv(struct err **err, int code, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

int
err_setv(struct err **err, int code, const char *fmt, va_list ap)
{
    if (!err)
        return -1;
    if (!*err) {
        *err = xcalloc(1, sizeof(**err));
    }
    struct err *e = *err;
    e->code = code;
    int n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    if (n < 0)
        n = 0;
    if (code && (size_t)n < sizeof(e->msg))
        snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(code));
    return -1;
}

int
err_set(struct err **err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err_setv(err, code, fmt, ap);
    va_end(ap);
    return -1;
}

int
err_wrap(struct err **err, const char *fmt, ...)
{
    if (!err)
        return -1;
    char ctx[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx, sizeof(ctx), fmt, ap);
    va_end(ap);
    if (!*err)
        return err_set(err, 0, "%s", ctx);
    /* msg = ctx ": " old, truncated to fit (memmove: no snprintf truncation games). */
    char *msg = (*err)->msg;
    size_t cap = sizeof((*err)->msg) - 1;
    size_t clen = strnlen(ctx, sizeof(ctx));
    size_t olen = strnlen(msg, cap);
    if (clen + 2 > cap)
        clen = cap - 2;
    size_t keep = olen < cap - clen - 2 ? olen : cap - clen - 2;
    memmove(msg + clen + 2, msg, keep);
    memcpy(msg, ctx, clen);
    msg[clen] = ':';
    msg[clen + 1] = ' ';
    msg[clen + 2 + keep] = '\0';
    return -1;
}

const char *
err_msg(const struct err *e)
{
    return e ? e->msg : "";
}

void
err_free(struct err *e)
{
    free(e);
}

void
err_freep(struct err **e)
{
    if (*e) {
        free(*e);
        *e = NULL;
    }
}
