/* SPDX-License-Identifier: MIT */
/* Size and duration parsing and formatting. */
#include "common/units.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/model.h"

/* Most fraction digits kept after trailing zeros are dropped; more cannot be exact anyway. */
#define FRAC_DIGITS_MAX 19

struct num {
    uint64_t whole;
    uint64_t frac;     /* fraction digits as an integer ... */
    unsigned frac_len; /* ... over 10^frac_len */
    const char *end;   /* first character after the number */
    bool whole_overflow;
};

static bool
is_blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

/* Scan digits [. digits] at s; returns false when there is no digit at all. */
static bool
num_scan(const char *s, struct num *n)
{
    memset(n, 0, sizeof(*n));
    const char *p = s;
    bool any = false;
    for (; isdigit((unsigned char)*p); p++) {
        unsigned d = (unsigned)(*p - '0');
        any = true;
        if (n->whole > (UINT64_MAX - d) / 10)
            n->whole_overflow = true;
        else
            n->whole = n->whole * 10 + d;
    }
    if (*p == '.' && isdigit((unsigned char)p[1])) {
        const char *f = ++p;
        while (isdigit((unsigned char)*p))
            p++;
        const char *fend = p;
        while (fend > f && fend[-1] == '0')
            fend--;
        for (const char *q = f; q < fend; q++) {
            if (n->frac_len == FRAC_DIGITS_MAX) {
                n->frac_len++; /* marks "too many digits" */
                break;
            }
            n->frac = n->frac * 10 + (uint64_t)(*q - '0');
            n->frac_len++;
        }
        any = true;
    }
    n->end = p;
    return any;
}

/* Multiplier for a unit suffix ("", "K", "KB", "KiB", "B", ...), or 0 when unknown. */
static uint64_t
size_unit(const char *u)
{
    static const char letters[] = "KMGTP";
    if (!*u || !strcasecmp(u, "B"))
        return 1;
    const char *l = strchr(letters, toupper((unsigned char)*u));
    if (!l)
        return 0;
    const char *rest = u + 1;
    if (*rest && strcasecmp(rest, "B") && strcasecmp(rest, "iB"))
        return 0;
    return (uint64_t)1 << (10 * (l - letters + 1));
}

static int
too_large(const char *s, struct err **err)
{
    return err_set(err, 0, "invalid size '%s': too large (the maximum is %llu bytes, about 16E)", s,
                   (unsigned long long)UINT64_MAX);
}

int
units_parse_size(const char *s, uint64_t *out, struct err **err)
{
    if (!s || is_blank(s))
        return err_set(err, 0, "invalid size '%s': empty (expected e.g. 512K, 256M, 1.5G)",
                       s ? s : "");
    if (*s == '-')
        return err_set(err, 0, "invalid size '%s': must not be negative", s);
    struct num n;
    if (!num_scan(s, &n))
        return err_set(err, 0, "invalid size '%s': expected a number such as 512K, 256M, 1.5G", s);
    uint64_t mult = size_unit(n.end);
    if (!mult)
        return err_set(err, 0, "invalid size '%s': unknown unit '%s' (use K, M, G, T or P)", s,
                       n.end);
    if (n.whole_overflow || n.whole > UINT64_MAX / mult)
        return too_large(s, err);
    if (n.frac_len > FRAC_DIGITS_MAX)
        return err_set(err, 0, "invalid size '%s': not a whole number of bytes", s);
    unsigned __int128 v = (unsigned __int128)n.whole * mult;
    if (n.frac_len) {
        unsigned __int128 pow10 = 1;
        for (unsigned i = 0; i < n.frac_len; i++)
            pow10 *= 10;
        unsigned __int128 f = (unsigned __int128)n.frac * mult;
        if (f % pow10)
            return err_set(err, 0, "invalid size '%s': not a whole number of bytes", s);
        v += f / pow10;
    }
    if (v > UINT64_MAX)
        return too_large(s, err);
    *out = (uint64_t)v;
    return 0;
}

/* Print v with at most 3 significant digits, trailing zeros of a fraction removed. */
static void
fmt_3sig(double v, char *buf, size_t len)
{
    int prec = v < 9.995 ? 2 : v < 99.95 ? 1 : 0;
    snprintf(buf, len, "%.*f", prec, v);
    if (!strchr(buf, '.'))
        return;
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
}

char *
units_format_size(uint64_t bytes, char *buf, size_t len)
{
    static const char suffix[] = "BKMGTPE";
    if (!len)
        return buf;
    if (bytes == INST_UNKNOWN) {
        snprintf(buf, len, "-");
        return buf;
    }
    if (bytes < 1000) {
        snprintf(buf, len, "%lluB", (unsigned long long)bytes);
        return buf;
    }
    double v = (double)bytes;
    size_t u = 0;
    while (v >= 999.5 && u + 1 < sizeof(suffix) - 1) {
        v /= 1024.0;
        u++;
    }
    char num[32];
    fmt_3sig(v, num, sizeof(num));
    snprintf(buf, len, "%s%c", num, suffix[u]);
    return buf;
}

int
units_parse_seconds(const char *s, double *out, struct err **err)
{
    if (!s || is_blank(s))
        return err_set(err, 0, "invalid duration '%s': empty (expected seconds, e.g. 1 or 0.5)",
                       s ? s : "");
    struct num n;
    if (*s == '-' || !num_scan(s, &n) || *n.end)
        return err_set(err, 0,
                       "invalid duration '%s': expected a positive number of seconds, e.g. 1 or "
                       "0.5",
                       s);
    double v = strtod(s, NULL);
    if (!(v > 0))
        return err_set(err, 0, "invalid duration '%s': must be greater than 0", s);
    if (v > 1e6)
        return err_set(err, 0, "invalid duration '%s': must be at most 1000000 seconds", s);
    *out = v;
    return 0;
}

int
units_parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
                struct err **err)
{
    if (!what)
        what = "number";
    if (!s || is_blank(s))
        return err_set(err, 0, "invalid %s '%s': empty", what, s ? s : "");
    struct num n;
    if (!isdigit((unsigned char)*s) || !num_scan(s, &n) || n.frac_len || *n.end || strchr(s, '.'))
        return err_set(err, 0, "invalid %s '%s': expected a whole number", what, s);
    if (n.whole_overflow || n.whole < min || n.whole > max)
        return err_set(err, 0, "invalid %s '%s': must be between %llu and %llu", what, s,
                       (unsigned long long)min, (unsigned long long)max);
    *out = n.whole;
    return 0;
}

char *
units_format_duration(int64_t seconds, char *buf, size_t len)
{
    if (!len)
        return buf;
    if (seconds < 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    long long d = seconds / 86400, h = seconds / 3600 % 24, m = seconds / 60 % 60,
              sec = seconds % 60;
    if (d)
        snprintf(buf, len, "%lldd%lldh", d, h);
    else if (h)
        snprintf(buf, len, "%lldh%lldm", h, m);
    else if (m)
        snprintf(buf, len, "%lldm%llds", m, sec);
    else
        snprintf(buf, len, "%llds", sec);
    return buf;
}
