/* SPDX-License-Identifier: MIT */
/* Size parsing and formatting: "512K", "256M", "1.5G", "2T" (binary multiples, 1K = 1024). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"

/*
 * Parse a size: digits with an optional fraction, an optional suffix K/M/G/T/P (case-insensitive,
 * optionally followed by "B" or "iB"), or plain bytes. Rejects empty strings, negatives, unknown
 * suffixes ("12Q"), fractions of a byte, and overflow of uint64_t, with a message quoting the
 * value: "invalid size '12Q': unknown unit 'Q' (use K, M, G, T or P)".
 */
int units_parse_size(const char *s, uint64_t *out, struct err **err);

/* Human form with at most 3 significant digits and a binary suffix: "0B", "999B", "1.5K",
 * "256M", "12G". INST_UNKNOWN prints "-". Writes at most len bytes (len >= 8 suggested). */
char *units_format_size(uint64_t bytes, char *buf, size_t len);

/* Parse a duration in seconds with an optional fraction ("1", "0.2"), > 0 and <= 1e6. */
int units_parse_seconds(const char *s, double *out, struct err **err);

/* Parse a non-negative decimal integer into [min, max]; what names the value in errors. */
int units_parse_u64(const char *s, uint64_t min, uint64_t max, const char *what, uint64_t *out,
                    struct err **err);

/* "3d4h", "4h12m", "12m30s", "45s"; negative prints "-". */
char *units_format_duration(int64_t seconds, char *buf, size_t len);
