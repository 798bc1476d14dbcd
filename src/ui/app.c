/* SPDX-License-Identifier: MIT */
/* Global options and the set of open providers, shared by every front end. */
#include "ui/app.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "ctr/ctr.h"
#include "vm/global.h"
#include "vm/vm.h"

#define FALLBACK_URI "test:///default"
#define PROBE_TIMEOUT_MS 3000

void
app_opts_init(struct app_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->interval_s = 1.0;
    o->count = 1;
    o->format = OUT_FORMAT_TABLE;
}

int
app_parse_format(const char *s, enum out_format *out, struct err **err)
{
    static const char *const names[OUT_FORMAT_COUNT] = {"table", "json", "csv"};
    for (int i = 0; i < OUT_FORMAT_COUNT; i++) {
        if (strcmp(s, names[i]) == 0) {
            *out = (enum out_format)i;
            return 0;
        }
    }
    return err_set(err, 0, "unknown format '%s' (table, json or csv)", s);
}

static int
app_add_vm(struct app *app, const char *uri, struct err **err)
{
    if (vm_provider_new(uri, &app->providers[app->n], err) < 0)
        return err_wrap(err, "libvirt '%s'", uri);
    app->n++;
    return 0;
}

/* No -c given: $LIBVIRT_DEFAULT_URI, else qemu:///system, else (the dashboard only) the test
 * driver. Batch keeps the unreachable connection: its output reports it as failed. */
static int
app_add_default_vm(struct app *app, const struct app_opts *o, struct err **err)
{
    const char *env = getenv("LIBVIRT_DEFAULT_URI");
    const char *uri = env && *env ? env : "qemu:///system";
    cleanup_err struct err *load = NULL;
    if (vm_global_init(&load) < 0) {
        /* a host without libvirt is a normal set-up: containers only, the VM side shown as
         * unavailable (one notice) */
        snprintf(app->vm_unavailable_uri, sizeof(app->vm_unavailable_uri), "%s", uri);
        snprintf(app->vm_unavailable, sizeof(app->vm_unavailable), "%s", err_msg(load));
        log_warn("VMs unavailable: %s", err_msg(load));
        return 0;
    }
    cleanup_err struct err *probe = NULL;
    if (vm_uri_probe(uri, PROBE_TIMEOUT_MS, &probe) == 0)
        return app_add_vm(app, uri, err);
    if (o->batch) {
        app->unreachable_default = uri;
        return app_add_vm(app, uri, err);
    }
    snprintf(app->fallback_from, sizeof(app->fallback_from), "%s", uri);
    snprintf(app->fallback_reason, sizeof(app->fallback_reason), "%s", err_msg(probe));
    log_warn("cannot reach %s (%s); showing libvirt's test hypervisor %s", uri, err_msg(probe),
             FALLBACK_URI);
    return app_add_vm(app, FALLBACK_URI, err);
}

int
app_open(struct app *app, const struct app_opts *o, struct err **err)
{
    memset(app, 0, sizeof(*app));
    if (!o->no_vms) {
        for (size_t i = 0; i < o->n_uris; i++) {
            if (app_add_vm(app, o->uris[i], err) < 0)
                goto fail;
        }
        if (o->n_uris == 0 && app_add_default_vm(app, o, err) < 0)
            goto fail;
    }
    if (!o->no_containers) {
        cleanup_err struct err *ce = NULL;
        if (ctr_provider_new(&app->providers[app->n], &ce) == 0)
            app->n++;
        else
            log_warn("containers unavailable: %s", err_msg(ce));
    }
    return 0;
fail:
    app_close(app);
    return -1;
}

void
app_sample(struct app *app, struct inst_list *out)
{
    inst_list_clear(out);
    /* Every provider's sample goes out first: a refresh waits out one time-out, not one per
     * hung connection. Collected in the providers' order, so rows keep a stable order. */
    for (size_t i = 0; i < app->n; i++) {
        struct provider *p = &app->providers[i];
        if (p->ops->sample_start)
            p->ops->sample_start(p->self);
    }
    for (size_t i = 0; i < app->n; i++) {
        struct provider *p = &app->providers[i];
        cleanup_err struct err *e = NULL;
        if (p->ops->sample(p->self, out, &e) < 0)
            log_warn("%s: %s", p->ops->name, err_msg(e));
    }
}

size_t
app_conns(struct app *app, struct conn_info *out, size_t max)
{
    size_t n = 0;
    if (app->vm_unavailable[0] && n < max) {
        struct conn_info *c = &out[n++];
        memset(c, 0, sizeof(*c));
        snprintf(c->uri, sizeof(c->uri), "%s", app->vm_unavailable_uri);
        c->state = CONN_STATE_UNAVAILABLE;
        snprintf(c->reason, sizeof(c->reason), "%s", app->vm_unavailable);
    }
    for (size_t i = 0; i < app->n && n < max; i++) {
        struct provider *p = &app->providers[i];
        if (p->ops->conns)
            n += p->ops->conns(p->self, out + n, max - n);
    }
    return n;
}

struct provider *
app_provider_for(struct app *app, const struct inst *in)
{
    struct conn_info ci[8];
    for (size_t i = 0; i < app->n; i++) {
        struct provider *p = &app->providers[i];
        bool is_ctr = strcmp(p->ops->name, "containers") == 0;
        if (in->kind == INST_KIND_CONTAINER) {
            if (is_ctr)
                return p;
            continue;
        }
        if (is_ctr || !p->ops->conns)
            continue;
        size_t n = p->ops->conns(p->self, ci, ARRAY_SIZE(ci));
        for (size_t j = 0; j < n; j++) {
            if (strcmp(ci[j].uri, in->source) == 0)
                return p;
        }
    }
    return NULL;
}

void
app_close(struct app *app)
{
    for (size_t i = 0; i < app->n; i++) {
        if (app->providers[i].ops->close)
            app->providers[i].ops->close(app->providers[i].self);
    }
    app->n = 0;
}
