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
#include "common/xalloc.h"

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

/* VM vs container figures (docs/BATCH.md "figures"): null when unknown or not of this kind. */
static void
json_i64(struct strbuf *sb, const char *key, int64_t v, int64_t unknown, bool comma)
{
    if (v == unknown)
        strbuf_printf(sb, "%s\"%s\":null", comma ? "," : "", key);
    else
        strbuf_printf(sb, "%s\"%s\":%" PRId64, comma ? "," : "", key, v);
}

/* ,"key":"v" or ,"key":null for "" */
static void
json_str_or_null(struct strbuf *sb, const char *key, const char *v)
{
    strbuf_printf(sb, ",\"%s\":", key);
    if (v[0])
        strbuf_json_str(sb, v);
    else
        strbuf_puts(sb, "null");
}

static void
json_figs(struct strbuf *sb, const struct inst_figs *f)
{
    const struct {
        const char *key;
        int64_t v, unknown;
    } i64[] = {
        {"start_request_ns", f->start_req_ns, -1},
        {"start_exec_ns", f->start_exec_ns, -1},
        {"start_first_output_ns", f->start_first_ns, -1},
        {"mem_overhead_bytes", f->mem_overhead, INT64_MIN},
    };
    const struct {
        const char *key;
        uint64_t v;
    } u[] = {
        {"mem_anon_bytes", f->mem_anon},
        {"mem_file_bytes", f->mem_file},
        {"mem_kernel_bytes", f->mem_kernel},
        {"mem_cgroup_bytes", f->mem_total},
        {"guest_mem_bytes", f->guest_mem},
        {"host_rss_bytes", f->host_rss},
        {"vcpu_ns", f->vcpu_ns},
        {"emulator_cpu_ns", f->emu_ns},
        {"disk_own_bytes", f->disk_own},
        {"disk_shared_bytes", f->disk_shared},
        {"disk_capacity_bytes", f->disk_capacity},
    };
    const struct {
        const char *key, *v;
    } str[] = {{"kernel", f->kernel},
               {"accel", f->accel},
               {"isolation", f->isolation},
               {"disk_base", f->disk_base}};
    strbuf_puts(sb, "\"figures\":{");
    for (size_t i = 0; i < sizeof(i64) / sizeof(i64[0]); i++)
        json_i64(sb, i64[i].key, i64[i].v, i64[i].unknown, i > 0);
    for (size_t i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
        strbuf_putc(sb, ',');
        json_u64(sb, u[i].key, u[i].v);
    }
    for (size_t i = 0; i < sizeof(str) / sizeof(str[0]); i++)
        json_str_or_null(sb, str[i].key, str[i].v);
    strbuf_putc(sb, '}');
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
    json_u64(sb, "restarts", in->restarts);
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
    strbuf_putc(sb, ',');
    json_figs(sb, &in->figs);
    strbuf_puts(sb, ",\"addresses\":[");
    for (const char *a = in->addrs; a && *a;) { /* "ADDR/PREFIX" separated by spaces */
        size_t n = strcspn(a, " ");
        char *one = xstrndup(a, n);
        if (a != in->addrs)
            strbuf_putc(sb, ',');
        strbuf_json_str(sb, one);
        free(one);
        a += n + strspn(a + n, " ");
    }
    strbuf_putc(sb, ']');
    if (in->ip[0]) { /* a container on a network: its address and published ports */
        strbuf_puts(sb, ",\"ip\":");
        strbuf_json_str(sb, in->ip);
        strbuf_puts(sb, ",\"ports\":");
        strbuf_json_str(sb, in->ports);
    }
    strbuf_putc(sb, '}');
}

static void
json_sample(struct strbuf *sb, int64_t now_real_ns, const struct host_sample *h,
            const struct conn_info *conns, size_t nconns, const struct inst_list *list)
{
    char t[40];
    iso_time(now_real_ns, t, sizeof(t));
    strbuf_printf(sb, "{\"schema\":%d,\"time\":\"%s\",\"host\":{", BATCH_SCHEMA, t);
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
        strbuf_puts(
            sb,
            "time,kind,source,id,name,state,state_reason,cpu_pct,mem_bytes,mem_limit_bytes,vcpus,"
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
        if (in->state_reason)
            csv_str(sb, in->state_reason);
        strbuf_putc(sb, ',');
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

enum { TCOL_COUNT = 11 };

static const char *const tcol_head[TCOL_COUNT] = {
    "KIND",     "NAME",      "STATE",     "REASON", "CPU%",   "MEM/LIMIT",
    "VCPU|PID", "NET RX/TX", "BLK RD/WR", "UPTIME", "SOURCE",
};
/* Figures are right-aligned, words left-aligned. */
static const bool tcol_right[TCOL_COUNT] = {
    false, false, false, false, true, true, true, true, true, true, false,
};

/* Columns on a terminal: UTF-8 continuation bytes take none (wide characters count one). */
static size_t
text_width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void
pair(char *buf, size_t len, uint64_t a, uint64_t b)
{
    char x[16], y[16];
    units_format_size(a, x, sizeof(x));
    units_format_size(b, y, sizeof(y));
    snprintf(buf, len, "%s/%s", x, y);
}

/* The cells of one row (cell[i] of 32 bytes; names and sources are pointed to). */
static void
table_cells(const struct inst *in, int64_t now_real_ns, char cell[TCOL_COUNT][32],
            const char *txt[TCOL_COUNT])
{
    for (int i = 0; i < TCOL_COUNT; i++)
        txt[i] = cell[i];
    txt[0] = inst_kind_name(in->kind);
    txt[1] = in->name;
    txt[2] = inst_state_name(in->state);
    txt[3] = in->state_reason ? in->state_reason : "-";
    if (isnan(in->cpu_pct))
        snprintf(cell[4], 32, "-");
    else
        snprintf(cell[4], 32, "%.1f", in->cpu_pct);
    pair(cell[5], 32, in->mem_bytes, in->mem_limit_bytes);
    uint64_t n = in->kind == INST_KIND_VM ? in->vcpus : in->pids;
    if (n == INST_UNKNOWN)
        snprintf(cell[6], 32, "-");
    else
        snprintf(cell[6], 32, "%" PRIu64, n);
    pair(cell[7], 32, in->net_rx_bytes, in->net_tx_bytes);
    pair(cell[8], 32, in->blk_read_bytes, in->blk_write_bytes);
    units_format_duration(inst_uptime(in, now_real_ns), cell[9], 32);
    txt[10] = in->source;
}

static void
table_line(struct strbuf *sb, const char *const txt[TCOL_COUNT], const size_t w[TCOL_COUNT])
{
    for (int i = 0; i < TCOL_COUNT; i++) {
        size_t pad = w[i] - text_width(txt[i]);
        if (i)
            strbuf_putc(sb, ' ');
        if (tcol_right[i])
            strbuf_printf(sb, "%*s", (int)pad, "");
        strbuf_puts(sb, txt[i]);
        if (!tcol_right[i] && i < TCOL_COUNT - 1)
            strbuf_printf(sb, "%*s", (int)pad, "");
    }
    strbuf_putc(sb, '\n');
}

/* Every column as wide as its widest cell, the header's included: they line up however long
 * a name, a reason or a figure is. */
static void
table_sample(struct strbuf *sb, int64_t now_real_ns, const struct host_sample *h,
             const struct conn_info *conns, size_t nconns, const struct inst_list *list)
{
    size_t w[TCOL_COUNT];
    for (int i = 0; i < TCOL_COUNT; i++)
        w[i] = text_width(tcol_head[i]);
    char(*cells)[TCOL_COUNT][32] = xcalloc(list->n ? list->n : 1, sizeof(*cells));
    const char *(*txt)[TCOL_COUNT] = xcalloc(list->n ? list->n : 1, sizeof(*txt));
    for (size_t r = 0; r < list->n; r++) {
        table_cells(&list->v[r], now_real_ns, cells[r], txt[r]);
        for (int i = 0; i < TCOL_COUNT; i++) {
            size_t tw = text_width(txt[r][i]);
            w[i] = tw > w[i] ? tw : w[i];
        }
    }
    table_header(sb, now_real_ns, h, conns, nconns);
    strbuf_putc(sb, '\n');
    table_line(sb, tcol_head, w);
    for (size_t r = 0; r < list->n; r++)
        table_line(sb, txt[r], w);
    strbuf_putc(sb, '\n');
    free(cells);
    free(txt);
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
