/* SPDX-License-Identifier: MIT */
/* Formatting one batch sample as a table, a JSON Lines record or CSV rows (docs/BATCH.md). */
#include "ui/batch/format.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/units.h"

static int
inst_cmp(const void *a, const void *b)
{
    const struct inst *x = a, *y = b;
    if (x->kind != y->kind)
        return (int)x->kind - (int)y->kind;
    int c = strcmp(x->source, y->source);
    if (c)
        return c;
    c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->id, y->id);
}

/* Seconds since start for a running or paused instance, else -1. */
static int64_t
inst_uptime(const struct inst *in, int64_t now_real_ns)
{
    if (in->start_time < 0 || (in->state != INST_STATE_RUNNING && in->state != INST_STATE_PAUSED))
        return -1;
    int64_t up = now_real_ns / 1000000000 - in->start_time;
    return up < 0 ? 0 : up;
}

static void
iso_time(int64_t real_ns, char *buf, size_t len)
{
    time_t t = (time_t)(real_ns / 1000000000);
    struct tm tm;
    gmtime_r(&t, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03dZ", (int)(real_ns / 1000000 % 1000));
}

/* ---- JSON Lines ---- */

static void
json_u64(struct strbuf *sb, const char *key, uint64_t v)
{
    if (v == INST_UNKNOWN)
        strbuf_printf(sb, "\"%s\":null", key);
    else
        strbuf_printf(sb, "\"%s\":%" PRIu64, key, v);
}

static void
json_pct(struct strbuf *sb, const char *key, double v)
{
    if (isnan(v))
        strbuf_printf(sb, "\"%s\":null", key);
    else
        strbuf_printf(sb, "\"%s\":%.2f", key, v);
}

static void
json_instance(struct strbuf *sb, const struct inst *in, int64_t now_real_ns)
{
    strbuf_puts(sb, "{\"kind\":");
    strbuf_json_str(sb, inst_kind_name(in->kind));
    strbuf_puts(sb, ",\"source\":");
    strbuf_json_str(sb, in->source);
    strbuf_puts(sb, ",\"id\":");
    strbuf_json_str(sb, in->id);
    strbuf_puts(sb, ",\"name\":");
    strbuf_json_str(sb, in->name);
    strbuf_puts(sb, ",\"state\":");
    strbuf_json_str(sb, inst_state_name(in->state));
    strbuf_puts(sb, ",\"state_reason\":");
    if (in->state_reason)
        strbuf_json_str(sb, in->state_reason);
    else
        strbuf_puts(sb, "null");
    strbuf_putc(sb, ',');
    json_pct(sb, "cpu_pct", in->cpu_pct);
    strbuf_putc(sb, ',');
    json_u64(sb, "mem_bytes", in->mem_bytes);
    strbuf_putc(sb, ',');
    json_u64(sb, "mem_limit_bytes", in->mem_limit_bytes);
    strbuf_putc(sb, ',');
    json_u64(sb, "vcpus", in->vcpus);
    strbuf_putc(sb, ',');
    json_u64(sb, "pids", in->pids);
    strbuf_putc(sb, ',');
    json_u64(sb, "block_read_bytes", in->blk_read_bytes);
    strbuf_putc(sb, ',');
    json_u64(sb, "block_write_bytes", in->blk_write_bytes);
    strbuf_putc(sb, ',');
    json_u64(sb, "net_rx_bytes", in->net_rx_bytes);
    strbuf_putc(sb, ',');
    json_u64(sb, "net_tx_bytes", in->net_tx_bytes);
    int64_t up = inst_uptime(in, now_real_ns);
    strbuf_putc(sb, ',');
    json_u64(sb, "uptime_s", up < 0 ? INST_UNKNOWN : (uint64_t)up);
    strbuf_putc(sb, '}');
}

static void
json_sample(struct strbuf *sb, int64_t now_real_ns, const struct host_sample *h,
            const struct conn_info *conns, size_t nconns, const struct inst_list *list)
{
    char t[40];
    iso_time(now_real_ns, t, sizeof(t));
    strbuf_printf(sb, "{\"time\":\"%s\",\"host\":{", t);
    json_pct(sb, "cpu_pct", h->cpu_pct);
    strbuf_printf(sb, ",\"ncpu\":%u,", h->ncpu);
    json_u64(sb, "mem_used_bytes", h->mem_used_bytes);
    strbuf_putc(sb, ',');
    json_u64(sb, "mem_total_bytes", h->mem_total_bytes);
    strbuf_printf(sb, ",\"load1\":%.2f},\"connections\":[", h->load1);
    for (size_t i = 0; i < nconns; i++) {
        strbuf_puts(sb, i ? ",{\"uri\":" : "{\"uri\":");
        strbuf_json_str(sb, conns[i].uri);
        strbuf_puts(sb, ",\"state\":");
        strbuf_json_str(sb, conn_state_name(conns[i].state));
        strbuf_puts(sb, ",\"reason\":");
        if (conns[i].reason[0])
            strbuf_json_str(sb, conns[i].reason);
        else
            strbuf_puts(sb, "null");
        strbuf_putc(sb, '}');
    }
    strbuf_puts(sb, "],\"instances\":[");
    for (size_t i = 0; i < list->n; i++) {
        if (i)
            strbuf_putc(sb, ',');
        json_instance(sb, &list->v[i], now_real_ns);
    }
    strbuf_puts(sb, "]}\n");
}

/* ---- CSV ---- */

static void
csv_str(struct strbuf *sb, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        strbuf_puts(sb, s);
        return;
    }
    strbuf_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"')
            strbuf_putc(sb, '"');
        strbuf_putc(sb, *s);
    }
    strbuf_putc(sb, '"');
}

static void
csv_u64(struct strbuf *sb, uint64_t v)
{
    strbuf_putc(sb, ',');
    if (v != INST_UNKNOWN)
        strbuf_printf(sb, "%" PRIu64, v);
}

static void
csv_sample(struct batch_fmt *f, struct strbuf *sb, int64_t now_real_ns,
           const struct inst_list *list)
{
    if (!f->header_done) {
        strbuf_puts(sb, "time,kind,source,id,name,state,cpu_pct,mem_bytes,mem_limit_bytes,vcpus,"
                        "pids,block_read_bytes,block_write_bytes,net_rx_bytes,net_tx_bytes,"
                        "uptime_s\n");
        f->header_done = true;
    }
    char t[40];
    iso_time(now_real_ns, t, sizeof(t));
    for (size_t i = 0; i < list->n; i++) {
        const struct inst *in = &list->v[i];
        strbuf_printf(sb, "%s,%s,", t, inst_kind_name(in->kind));
        csv_str(sb, in->source);
        strbuf_putc(sb, ',');
        csv_str(sb, in->id);
        strbuf_putc(sb, ',');
        csv_str(sb, in->name);
        strbuf_printf(sb, ",%s,", inst_state_name(in->state));
        if (!isnan(in->cpu_pct))
            strbuf_printf(sb, "%.2f", in->cpu_pct);
        csv_u64(sb, in->mem_bytes);
        csv_u64(sb, in->mem_limit_bytes);
        csv_u64(sb, in->vcpus);
        csv_u64(sb, in->pids);
        csv_u64(sb, in->blk_read_bytes);
        csv_u64(sb, in->blk_write_bytes);
        csv_u64(sb, in->net_rx_bytes);
        csv_u64(sb, in->net_tx_bytes);
        int64_t up = inst_uptime(in, now_real_ns);
        csv_u64(sb, up < 0 ? INST_UNKNOWN : (uint64_t)up);
        strbuf_putc(sb, '\n');
    }
}

/* ---- table ---- */

static void
table_header(struct strbuf *sb, int64_t now_real_ns, const struct host_sample *h,
             const struct conn_info *conns, size_t nconns)
{
    char t[40], used[16], total[16];
    iso_time(now_real_ns, t, sizeof(t));
    units_format_size(h->mem_used_bytes, used, sizeof(used));
    units_format_size(h->mem_total_bytes, total, sizeof(total));
    strbuf_printf(sb, "berth %s  load %.2f %.2f %.2f\n", t, h->load1, h->load5, h->load15);
    if (isnan(h->cpu_pct))
        strbuf_printf(sb, "Host: CPU   -  of %u CPUs", h->ncpu);
    else
        strbuf_printf(sb, "Host: CPU %5.1f%% of %u CPUs", h->cpu_pct, h->ncpu);
    strbuf_printf(sb, "  Mem %s used of %s\n", used, total);
    for (size_t i = 0; i < nconns; i++) {
        strbuf_printf(sb, "Conn: %s %s%s%s\n", conns[i].uri, conn_state_name(conns[i].state),
                      conns[i].reason[0] ? ": " : "", conns[i].reason);
    }
}

static void
table_row(struct strbuf *sb, const struct inst *in, int64_t now_real_ns, int name_w)
{
    char cpu[16], mem[16], lim[16], cnt[24], rx[16], tx[16], rd[16], wr[16], up[24];
    if (isnan(in->cpu_pct))
        snprintf(cpu, sizeof(cpu), "-");
    else
        snprintf(cpu, sizeof(cpu), "%.1f", in->cpu_pct);
    units_format_size(in->mem_bytes, mem, sizeof(mem));
    units_format_size(in->mem_limit_bytes, lim, sizeof(lim));
    uint64_t n = in->kind == INST_KIND_VM ? in->vcpus : in->pids;
    if (n == INST_UNKNOWN)
        snprintf(cnt, sizeof(cnt), "-");
    else
        snprintf(cnt, sizeof(cnt), "%" PRIu64, n);
    units_format_size(in->net_rx_bytes, rx, sizeof(rx));
    units_format_size(in->net_tx_bytes, tx, sizeof(tx));
    units_format_size(in->blk_read_bytes, rd, sizeof(rd));
    units_format_size(in->blk_write_bytes, wr, sizeof(wr));
    units_format_duration(inst_uptime(in, now_real_ns), up, sizeof(up));
    strbuf_printf(sb, "%-9s %-*s %-8s %6s %7s/%-7s %8s %7s/%-7s %7s/%-7s %8s %s\n",
                  inst_kind_name(in->kind), name_w, in->name, inst_state_name(in->state), cpu, mem,
                  lim, cnt, rx, tx, rd, wr, up, in->source);
}

static void
table_sample(struct strbuf *sb, int64_t now_real_ns, const struct host_sample *h,
             const struct conn_info *conns, size_t nconns, const struct inst_list *list)
{
    int name_w = 4;
    for (size_t i = 0; i < list->n; i++) {
        int w = (int)strlen(list->v[i].name);
        name_w = w > name_w ? (w > 40 ? 40 : w) : name_w;
    }
    table_header(sb, now_real_ns, h, conns, nconns);
    strbuf_printf(sb, "\n%-9s %-*s %-8s %6s %15s %8s %15s %15s %8s %s\n", "KIND", name_w, "NAME",
                  "STATE", "CPU%", "MEM/LIMIT", "VCPU|PID", "NET RX/TX", "BLK RD/WR", "UPTIME",
                  "SOURCE");
    for (size_t i = 0; i < list->n; i++)
        table_row(sb, &list->v[i], now_real_ns, name_w);
    strbuf_putc(sb, '\n');
}

void
batch_fmt_sample(struct batch_fmt *f, struct strbuf *sb, int64_t now_real_ns,
                 const struct host_sample *host, const struct conn_info *conns, size_t nconns,
                 struct inst_list *list)
{
    if (list->n > 1)
        qsort(list->v, list->n, sizeof(list->v[0]), inst_cmp);
    switch (f->format) {
    case OUT_FORMAT_JSON:
        json_sample(sb, now_real_ns, host, conns, nconns, list);
        break;
    case OUT_FORMAT_CSV:
        csv_sample(f, sb, now_real_ns, list);
        break;
    default:
        table_sample(sb, now_real_ns, host, conns, nconns, list);
        break;
    }
}
