/* SPDX-License-Identifier: MIT */
/* What every front end shares: global options, and the set of open providers. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/model.h"
#include "common/provider.h"

enum out_format {
    OUT_FORMAT_TABLE,
    OUT_FORMAT_JSON,
    OUT_FORMAT_CSV,
    OUT_FORMAT_COUNT,
};

#define APP_MAX_URIS 32
#define APP_MAX_PROVIDERS (APP_MAX_URIS + 1)

struct app_opts {
    const char *uris[APP_MAX_URIS]; /* -c URI, in order given */
    size_t n_uris;
    double interval_s; /* -d; default 1 */
    bool interval_given;
    uint64_t count; /* -n; batch samples, 0 = until interrupted; default 1 */
    enum out_format format;
    const char *theme;  /* --theme NAME or NULL */
    bool batch;         /* --batch */
    bool no_vms;        /* --no-vms */
    bool no_containers; /* --no-containers */
};

void app_opts_init(struct app_opts *o);
/* "table" / "json" / "csv" -> format; -1 with a message naming the value otherwise. */
int app_parse_format(const char *s, enum out_format *out, struct err **err);

struct app {
    struct provider providers[APP_MAX_PROVIDERS];
    size_t n;
    const char *unreachable_default; /* batch, no -c: the default URI when its probe failed */
    /* The dashboard, no -c, default unreachable: the URI it wanted and why ("" when it got it);
     * the test driver is shown instead. */
    char fallback_from[256], fallback_reason[256];
    /* No -c given and libvirt itself cannot be loaded (a container-only host): the URI that
     * would have been used and why not ("" when libvirt loaded). No VM provider is open; the
     * connections list it as CONN_STATE_UNAVAILABLE. */
    char vm_unavailable_uri[256], vm_unavailable[256];
};

/*
 * Open the providers the options ask for: one libvirt provider per -c URI (none given:
 * $LIBVIRT_DEFAULT_URI, else qemu:///system; when that cannot be reached, the dashboard falls
 * back with a one-line notice to libvirt's test:///default, batch (o->batch) keeps it and sets
 * unreachable_default) and the local containers provider. Never blocks
 * on a remote host. Notices go through log_warn.
 */
int app_open(struct app *app, const struct app_opts *o, struct err **err);
/* Sample every provider into out (cleared first), in the providers' order. Every sample is
 * started before any is collected, so that a refresh waits at most about one time-out however
 * many connections hang. A provider that fails is logged and skipped. */
void app_sample(struct app *app, struct inst_list *out);
/* Every provider's connections. */
size_t app_conns(struct app *app, struct conn_info *out, size_t max);
/* The provider that owns an instance of this kind and source, or NULL. */
struct provider *app_provider_for(struct app *app, const struct inst *in);
void app_close(struct app *app);
