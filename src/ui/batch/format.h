/* SPDX-License-Identifier: MIT */
/* Formatting one batch sample as a table, a JSON Lines record or CSV rows (docs/BATCH.md). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/host.h"
#include "common/model.h"
#include "common/provider.h"
#include "common/strbuf.h"
#include "ui/app.h"

/* The version of the batch output's fields (docs/BATCH.md); raised when a field changes name,
 * type or meaning (adding one does not). JSON carries it as "schema". */
#define BATCH_SCHEMA 1

struct batch_fmt {
    enum out_format format;
    bool header_done; /* CSV: the header line was printed */
};

/* Append one sample to sb. now_real_ns is the sample's wall-clock time. Instances are printed
 * sorted by kind, source and name (list is sorted in place). */
void batch_fmt_sample(struct batch_fmt *f, struct strbuf *sb, int64_t now_real_ns,
                      const struct host_sample *host, const struct conn_info *conns, size_t nconns,
                      struct inst_list *list);
