/* SPDX-License-Identifier: MIT */
/*
 * The containers provider: every container as a row of the model. Built for 1000 containers per
 * refresh: state files are re-parsed only when they change (stat), monitors are checked with one
 * poll() over their pidfds, cgroup stat files and /proc/<init>/net/dev stay open and are read
 * again from offset 0 every refresh, all of them in one batch (cgroup/rdbatch.h: io_uring).
 */
#include "ctr/cgroup/cgroup.h"
#include "ctr/store/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/model.h"
#include "common/xalloc.h"
#include "ctr/cgroup/rdbatch.h"
#include "common/du.h"
#include "common/figs.h"
#include "ctr/figures.h"

/* One refresh's reads of one container's cgroup files (cgroup/rdbatch.h): texts and byte counts
 * (-1: error). The slots are one array, reused every refresh: what the kernel writes stays within a
 * few cache lines per container. A text that fills its buffer is read again whole (full_text). */
struct rdslot {
    char cpu[256], mem[32], pids[32], io[384];
    ssize_t n_cpu, n_mem, n_pids, n_io;
};

#define NET_BUF 2048

#define EV_NET 1u /* tag of a net watch in the epoll data (entries are aligned) */

struct entry {
    char name[CTR_NAME_MAX + 1];
    bool seen;
    bool own_net;
    struct timespec state_mtime;
    ino_t st_ino;
    bool have_state;
    struct ctr_state st;
    int mon_pidfd; /* while running/paused */
    int epfd;      /* the provider's epoll set, which holds mon_pidfd and net_watch */
    bool fds_open;
    const struct cgroup_ops *cg;
    struct ctr_cgfds fds;
    int netfd;
    int net_watch;    /* rtnetlink socket in the container's netns (RTMGRP_LINK), or -1 */
    bool net_lo_only; /* the last read found only lo, and net_watch has been quiet since */
    uint64_t mem_limit;
    struct rdslot *rd; /* this refresh's cgroup reads: a slot of prov.slots */
    char *net;         /* net/dev text, allocated at the first read */
    ssize_t n_net;
    /* VM-vs-container figures (ctr/figures.h): start and isolation kept, memory split read with
     * the other cgroup files (memory.stat; v1 also memory.kmem.usage_in_bytes). */
    struct inst_figs figs;
    bool figs_pending; /* first output still to come: figures.json read again on changes */
    bool mem_v2;
    int memstat_fd, kmem_fd;
    char *memstat; /* FIGS_STAT_BUF, allocated at the first read */
    ssize_t n_memstat, n_kmem;
    char kmem[32];
    /* Storage figures: trees walked by common/du's worker, never here. The upper layer again
     * every DU_EVERY_NS while running and at every state change (a stop); the lower layers, read
     * only, once. */
    struct du_slot *du_own, *du_shared;
    int64_t du_next_ns;
};

#define DU_EVERY_NS (30 * (int64_t)1000000000)

#define FIGS_STAT_BUF 4096

struct prov {
    struct entry **v; /* sorted by name */
    size_t n, cap;
    struct timespec dir_mtime;
    int epfd; /* every live monitor's pidfd and every net watch (data: entry | EV_NET) */
    struct ctr_changes changes;
    bool rescan; /* an entry was added: refresh states even without a change */
    struct ctr_rdbatch *rb;
    struct rdslot *slots; /* one per entry, index as in v */
    size_t slots_cap;
    int self_netns; /* this thread's network namespace, to come back to after a net watch */
};

/* Out of the epoll set before close: a forked child holding a copy of fd (until its exec) would
 * otherwise keep it there, reporting events for an entry that may be freed by then. */
static void
entry_unwatch_close(struct entry *e, int fd)
{
    if (fd < 0)
        return;
    epoll_ctl(e->epfd, EPOLL_CTL_DEL, fd, NULL);
    close(fd);
}

static void
entry_close_live(struct entry *e)
{
    entry_unwatch_close(e, e->mon_pidfd);
    entry_unwatch_close(e, e->net_watch);
    if (e->netfd >= 0)
        close(e->netfd);
    ctr_cgfds_close(&e->fds);
    if (e->memstat_fd >= 0)
        close(e->memstat_fd);
    if (e->kmem_fd >= 0)
        close(e->kmem_fd);
    e->memstat_fd = e->kmem_fd = -1;
    e->mon_pidfd = e->netfd = e->net_watch = -1;
    e->fds_open = false;
    e->net_lo_only = false;
}

static void
entry_free(struct entry *e)
{
    entry_close_live(e);
    free(e->net);
    free(e->memstat);
    du_slot_put(e->du_own);
    du_slot_put(e->du_shared);
    free(e);
}

/* The slots of the storage figures; the shared layers measured once from here on. */
static void
entry_disk_slots(struct entry *e, const struct ctr_spec *s)
{
    char own[PATH_MAX], shared[8192];
    ctr_figs_disk_paths(e->name, s, own, sizeof(own), shared, sizeof(shared), e->figs.disk_base,
                        sizeof(e->figs.disk_base));
    e->du_own = own[0] ? du_slot_new(own) : NULL;
    e->du_shared = shared[0] ? du_slot_new(shared) : NULL;
    du_slot_request(e->du_shared);
}

static struct entry *
entry_new(const char *name)
{
    struct entry *e = xcalloc(1, sizeof(*e));
    ctr_fmt(e->name, sizeof(e->name), "%s", name);
    e->mon_pidfd = e->netfd = e->net_watch = e->epfd = -1;
    e->memstat_fd = e->kmem_fd = -1;
    figs_init(&e->figs);
    ctr_cgfds_init(&e->fds);
    /* Whether it has its own network namespace: fixed for its life. */
    struct ctr_spec s;
    memset(&s, 0, sizeof(s));
    if (ctr_spec_load(name, &s, NULL) == 0) {
        e->own_net = s.ns & CTR_NS_NET;
        ctr_figs_isolation(&s, "", &e->figs);
        entry_disk_slots(e, &s);
        ctr_spec_done(&s);
    }
    return e;
}

static int
cmp_name(const void *key, const void *elem)
{
    return strcmp(key, (*(struct entry *const *)elem)->name);
}

static struct entry *
prov_find_or_add(struct prov *p, const char *name)
{
    struct entry **hit = p->n ? bsearch(name, p->v, p->n, sizeof(*p->v), cmp_name) : NULL;
    if (hit)
        return *hit;
    if (p->n == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
    }
    size_t i = 0;
    while (i < p->n && strcmp(p->v[i]->name, name) < 0)
        i++;
    memmove(p->v + i + 1, p->v + i, (p->n - i) * sizeof(*p->v));
    p->v[i] = entry_new(name);
    p->n++;
    p->rescan = true;
    return p->v[i];
}

/* Re-read the definitions directory when it changed; drop entries that are gone. */
static int
prov_scan(struct prov *p, struct err **err)
{
    char dir[PATH_MAX];
    struct stat sb;
    ctr_fmt(dir, sizeof(dir), "%s/containers", ctr_lib_dir());
    if (stat(dir, &sb) < 0)
        return errno == ENOENT ? 0 : err_set(err, errno, "stat '%s'", dir);
    if (sb.st_mtim.tv_sec == p->dir_mtime.tv_sec && sb.st_mtim.tv_nsec == p->dir_mtime.tv_nsec)
        return 0;
    p->dir_mtime = sb.st_mtim;
    cleanup_dir DIR *d = opendir(dir);
    if (!d)
        return err_set(err, errno, "open '%s'", dir);
    for (size_t i = 0; i < p->n; i++)
        p->v[i]->seen = false;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] != '.' && ctr_name_check(de->d_name, NULL) == 0)
            prov_find_or_add(p, de->d_name)->seen = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (p->v[i]->seen)
            p->v[k++] = p->v[i];
        else
            entry_free(p->v[i]);
    }
    p->n = k;
    return 0;
}

/*
 * A NETLINK_ROUTE socket in the network namespace of pid, joined to RTMGRP_LINK: the kernel
 * queues a message on it for every link added to, moved into, changed in or removed from that
 * namespace, after the link shows in /proc/<pid>/net/dev. Made by entering the namespace for the
 * time of socket() (this thread only); -1 when that is not allowed (not root).
 */
static int
net_watch_open(int self_netns, pid_t pid)
{
    char path[64];
    if (self_netns < 0)
        return -1;
    ctr_fmt(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
    cleanup_close int ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
        return -1;
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
    if (setns(self_netns, CLONE_NEWNET) < 0)
        abort(); /* cannot happen (we left it a moment ago); going on in the wrong netns would */
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

/* Empty the watch (messages, or the ENOBUFS of an overflow): what it reported is handled by the
 * read of net/dev that follows in the same refresh. */
static void
net_watch_drain(int fd)
{
    char buf[4096];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != ENOBUFS && errno != EINTR))
            return;
    }
}

/* Watch fd in the epoll set: closing fd takes it out again. */
static void
prov_watch(struct prov *p, int fd, struct entry *e, uintptr_t tag)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uintptr_t)e | tag};
    e->epfd = p->epfd;
    if (fd >= 0)
        epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* The running container's memory.stat (and v1 kmem) kept open; isolation with its manager. */
static void
entry_open_figs(struct entry *e)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];
    struct ctr_spec s;
    memset(&s, 0, sizeof(s));
    if (ctr_spec_load(e->name, &s, NULL) == 0) {
        ctr_figs_isolation(&s, e->st.cgroup_mgr, &e->figs);
        ctr_spec_done(&s);
    }
    if (!e->st.cgroup[0] ||
        !ctr_figs_memdir(e->st.cgroup_mgr, e->st.cgroup, dir, sizeof(dir), &e->mem_v2))
        return;
    ctr_fmt(path, sizeof(path), "%s/memory.stat", dir);
    e->memstat_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (!e->mem_v2) {
        ctr_fmt(path, sizeof(path), "%s/memory.kmem.usage_in_bytes", dir);
        e->kmem_fd = open(path, O_RDONLY | O_CLOEXEC);
    }
}

static void
entry_open_live(struct prov *p, struct entry *e)
{
    char path[64];
    e->cg = ctr_cgroup_by_name(e->st.cgroup_mgr);
    e->mon_pidfd = (int)syscall(SYS_pidfd_open, e->st.monitor_pid, 0);
    prov_watch(p, e->mon_pidfd, e, 0);
    if (e->cg && e->st.cgroup[0]) {
        e->cg->stats_open(e->st.cgroup, &e->fds);
        /* The limit is set at start and nothing in berth changes it while it runs: read once. */
        struct ctr_cgstats cs;
        e->cg->stats_read(&e->fds, &cs);
        e->mem_limit = cs.mem_limit;
        if (e->fds.mem_limit >= 0)
            close(e->fds.mem_limit);
        e->fds.mem_limit = -1;
    }
    entry_open_figs(e);
    if (e->own_net) {
        /* The watch first: a link that comes after the first read of net/dev then shows on it. */
        e->net_watch = net_watch_open(p->self_netns, e->st.pid);
        prov_watch(p, e->net_watch, e, EV_NET);
        ctr_fmt(path, sizeof(path), "/proc/%d/net/dev", (int)e->st.pid);
        e->netfd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC); /* see cgroup/rdbatch.h */
    }
    e->fds_open = true;
}

/* A stopped container's memory limit as defined, shown as a stopped VM shows its maximum. */
static uint64_t
entry_def_mem_limit(const char *name)
{
    char path[PATH_MAX];
    int64_t v;
    ctr_path_def(path, name, "config.json");
    cleanup_json json_object *cfg = jsonx_load_file(path, 4 << 20, NULL);
    json_object *mem =
        jsonx_get_obj(jsonx_get_obj(jsonx_get_obj(cfg, "linux"), "resources"), "memory");
    return jsonx_get_int64(mem, "limit", &v) && v > 0 ? (uint64_t)v : INST_UNKNOWN;
}

/* Reload the state when its file changed (inode or mtime); open/close the live fds. */
static void
entry_refresh(struct prov *p, struct entry *e)
{
    char path[PATH_MAX];
    struct stat sb;
    if (e->figs_pending)
        e->figs_pending = ctr_figs_start(e->name, &e->figs);
    ctr_path_run(path, e->name, "state.json");
    if (stat(path, &sb) < 0) {
        memset(&sb, 0, sizeof(sb));
    }
    if (e->have_state && sb.st_ino == e->st_ino && sb.st_mtim.tv_sec == e->state_mtime.tv_sec &&
        sb.st_mtim.tv_nsec == e->state_mtime.tv_nsec)
        return;
    entry_close_live(e);
    e->st_ino = sb.st_ino;
    e->state_mtime = sb.st_mtim;
    e->have_state = true;
    if (ctr_state_load(e->name, &e->st, NULL) < 0) {
        ctr_state_init(&e->st);
        e->st.status = CTR_STATUS_STALE;
        return;
    }
    ctr_state_check_live(&e->st);
    e->du_next_ns = 0; /* a start or a stop: the upper layer again at this sample */
    /* Only a running container's first output may still come. */
    e->figs_pending = ctr_figs_start(e->name, &e->figs) &&
                      (e->st.status == CTR_STATUS_RUNNING || e->st.status == CTR_STATUS_PAUSED);
    if (e->st.status == CTR_STATUS_RUNNING || e->st.status == CTR_STATUS_PAUSED)
        entry_open_live(p, e);
    else
        e->mem_limit = entry_def_mem_limit(e->name);
}

/*
 * Whatever the epoll set reports (nothing, when all is quiet: the cost does not grow with the
 * number of containers): an exited monitor means stale until its record lands; a net watch that
 * speaks (or overflowed) means re-read net/dev.
 */
static void
prov_check_monitors(struct prov *p)
{
    struct epoll_event ev[64];
    int n;
    do {
        n = epoll_wait(p->epfd, ev, 64, 0);
        for (int i = 0; i < n; i++) {
            struct entry *e = (struct entry *)(uintptr_t)(ev[i].data.u64 & ~(uint64_t)EV_NET);
            if (ev[i].data.u64 & EV_NET) {
                if (e->net_watch >= 0)
                    net_watch_drain(e->net_watch);
                e->net_lo_only = false;
            } else if (e->fds_open) {
                /* The monitor is gone: its exit record (if any) is reread now. */
                entry_close_live(e);
                e->have_state = false;
                entry_refresh(p, e);
            }
        }
    } while (n == 64);
}

/* Sums the non-loopback interfaces of a net/dev text; returns how many there are. */
static int
parse_net(const char *buf, uint64_t *rx, uint64_t *tx)
{
    int ifaces = 0;
    *rx = *tx = 0;
    for (const char *l = strchr(buf, '\n'); l && (l = strchr(l + 1, '\n'));) {
        const char *colon = strchr(l, ':');
        if (!colon)
            break;
        const char *name = l + 1;
        while (*name == ' ')
            name++;
        if (strncmp(name, "lo:", 3) == 0)
            continue;
        unsigned long long v[9];
        if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8]) == 9) {
            *rx += v[0];
            *tx += v[8];
            ifaces++;
        }
    }
    return ifaces;
}

/* A text that filled its buffer may have been cut: read it again whole (rare: many devices). */
static const char *
full_text(int fd, const char *text, ssize_t n, size_t size, char **big)
{
    if (n < 0)
        return NULL;
    if ((size_t)n < size - 1)
        return text;
    *big = xmalloc(65536);
    return ctr_pread1(fd, *big, 65536) >= 0 ? *big : NULL;
}

/*
 * Queue this refresh's reads of one container. Every counter is read every refresh, with one
 * exception that is exact: a network namespace that held nothing but lo at the last read, and
 * whose link watch has been quiet since, still holds nothing but lo, so its bytes (lo excluded)
 * are 0 without reading (see net_watch_open; without a watch net/dev is read every time).
 */
static void
entry_queue(struct entry *e, struct rdslot *rd, struct ctr_rdbatch *rb)
{
    e->rd = rd;
    if (!e->fds_open)
        return;
    if (e->cg && e->cg->stats_parse) {
        ctr_rdbatch_add(rb, e->fds.cpu, rd->cpu, sizeof(rd->cpu), &rd->n_cpu);
        ctr_rdbatch_add(rb, e->fds.mem, rd->mem, sizeof(rd->mem), &rd->n_mem);
        ctr_rdbatch_add(rb, e->fds.pids, rd->pids, sizeof(rd->pids), &rd->n_pids);
        ctr_rdbatch_add(rb, e->fds.io, rd->io, sizeof(rd->io), &rd->n_io);
    }
    if (e->memstat_fd >= 0) {
        if (!e->memstat)
            e->memstat = xmalloc(FIGS_STAT_BUF);
        ctr_rdbatch_add(rb, e->memstat_fd, e->memstat, FIGS_STAT_BUF, &e->n_memstat);
    }
    if (e->kmem_fd >= 0)
        ctr_rdbatch_add(rb, e->kmem_fd, e->kmem, sizeof(e->kmem), &e->n_kmem);
    if (e->netfd >= 0 && !e->net_lo_only) {
        if (!e->net)
            e->net = xmalloc(NET_BUF);
        ctr_rdbatch_add(rb, e->netfd, e->net, NET_BUF, &e->n_net);
    }
}

static void
entry_net(struct entry *e, struct inst *in)
{
    if (e->netfd < 0)
        return;
    if (e->net_lo_only) {
        in->net_rx_bytes = in->net_tx_bytes = 0;
        return;
    }
    cleanup_free char *big = NULL;
    const char *t = full_text(e->netfd, e->net, e->n_net, NET_BUF, &big);
    if (!t || !*t)
        return; /* unknown */
    e->net_lo_only = parse_net(t, &in->net_rx_bytes, &in->net_tx_bytes) == 0 && e->net_watch >= 0;
}

/* The cgroup figures from this refresh's reads. */
static void
entry_cgroup(struct entry *e, struct inst *in)
{
    struct ctr_cgstats cs;
    if (e->cg->stats_parse) {
        cleanup_free char *big = NULL, *big_cpu = NULL;
        struct ctr_cgtext t = {
            full_text(e->fds.cpu, e->rd->cpu, e->rd->n_cpu, sizeof(e->rd->cpu), &big_cpu),
            e->rd->n_mem >= 0 ? e->rd->mem : NULL,
            NULL,
            e->rd->n_pids >= 0 ? e->rd->pids : NULL,
            full_text(e->fds.io, e->rd->io, e->rd->n_io, sizeof(e->rd->io), &big),
        };
        e->cg->stats_parse(&t, &cs);
    } else {
        e->cg->stats_read(&e->fds, &cs);
    }
    in->cpu_ns = cs.cpu_ns;
    in->mem_bytes = cs.mem;
    in->mem_limit_bytes = e->mem_limit;
    in->pids = cs.pids;
    in->blk_read_bytes = cs.rd;
    in->blk_write_bytes = cs.wr;
    if (e->memstat_fd >= 0) {
        cleanup_free char *big = NULL;
        const char *st = full_text(e->memstat_fd, e->memstat, e->n_memstat, FIGS_STAT_BUF, &big);
        figs_memstat_parse(e->mem_v2, st, e->kmem_fd >= 0 && e->n_kmem >= 0 ? e->kmem : NULL, NULL,
                           &in->figs);
        in->figs.mem_total = cs.mem;
    }
}

static const enum inst_state state_map[CTR_STATUS_COUNT] = {
    [CTR_STATUS_CREATED] = INST_STATE_STOPPED, [CTR_STATUS_RUNNING] = INST_STATE_RUNNING,
    [CTR_STATUS_PAUSED] = INST_STATE_PAUSED,   [CTR_STATUS_STOPPED] = INST_STATE_STOPPED,
    [CTR_STATUS_STALE] = INST_STATE_CRASHED,   [CTR_STATUS_ORPHANED] = INST_STATE_CRASHED,
};

static void
entry_row(struct entry *e, struct inst_list *out, int64_t now)
{
    struct inst *in = inst_list_add(out, INST_KIND_CONTAINER, "local", e->name, e->name);
    in->state = state_map[e->st.status];
    char reason[32];
    if (e->st.status == CTR_STATUS_STALE)
        inst_set_reason(in, "stale");
    else if (e->st.status == CTR_STATUS_CREATED)
        inst_set_reason(in, "created");
    else if (e->st.status == CTR_STATUS_STOPPED && e->st.oom_killed)
        inst_set_reason(in, "oom-killed");
    else if (e->st.status == CTR_STATUS_STOPPED) {
        ctr_fmt(reason, sizeof(reason), "exited %d", e->st.exit_code);
        inst_set_reason(in, reason);
    }
    if (e->st.status == CTR_STATUS_RUNNING && e->st.restarting)
        inst_set_reason(in, "restarting");
    in->restarts = e->st.restarts;
    in->mono_ns = now;
    if (e->du_own && now >= e->du_next_ns) {
        du_slot_request(e->du_own);
        e->du_next_ns = e->fds_open ? now + DU_EVERY_NS : INT64_MAX;
    }
    e->figs.disk_own = du_slot_bytes(e->du_own);
    e->figs.disk_shared = du_slot_bytes(e->du_shared);
    in->figs = e->figs;
    if (e->st.status == CTR_STATUS_RUNNING || e->st.status == CTR_STATUS_PAUSED) {
        ctr_fmt(in->ip, sizeof(in->ip), "%s", e->st.ip);
        ctr_fmt(in->ports, sizeof(in->ports), "%s", e->st.ports);
    }
    if (!e->fds_open) {
        in->mem_limit_bytes = e->mem_limit;
        return;
    }
    if (e->cg)
        entry_cgroup(e, in);
    entry_net(e, in);
    in->start_time = e->st.started_ns / 1000000000;
}

static int
prov_sample(void *self, struct inst_list *out, struct err **err)
{
    struct prov *p = self;
    if (prov_scan(p, err) < 0)
        return -1;
    /* State files are looked at only when some state changed (one stat for all). */
    if (ctr_state_changes(&p->changes) || p->rescan) {
        for (size_t i = 0; i < p->n; i++)
            entry_refresh(p, p->v[i]);
        p->rescan = false;
    }
    prov_check_monitors(p);
    if (p->slots_cap < p->n) {
        p->slots_cap = p->n;
        p->slots = xreallocarray(p->slots, p->slots_cap, sizeof(*p->slots));
    }
    for (size_t i = 0; i < p->n; i++)
        entry_queue(p->v[i], &p->slots[i], p->rb);
    ctr_rdbatch_run(p->rb);
    int64_t now = mono_now_ns();
    for (size_t i = 0; i < p->n; i++)
        entry_row(p->v[i], out, now);
    return 0;
}

static int
prov_act(void *self, const char *id, enum inst_action a, struct err **err)
{
    (void)self;
    switch (a) {
    case INST_ACTION_START:
        return ctr_start(id, false, false, err);
    case INST_ACTION_SHUTDOWN:
        return ctr_stop(id, 10, err);
    case INST_ACTION_KILL:
        return ctr_kill(id, SIGKILL, err);
    case INST_ACTION_PAUSE:
        return ctr_pause(id, err);
    case INST_ACTION_RESUME:
        return ctr_resume(id, err);
    case INST_ACTION_REBOOT:
        return ctr_restart(id, 10, err);
    case INST_ACTION_REMOVE:
        return ctr_remove(id, false, err);
    default:
        return err_set(err, 0, "unknown action %d", (int)a);
    }
}

static int
prov_attach(void *self, const char *id, struct err **err)
{
    (void)self;
    static char sh[] = "/bin/sh";
    char *const argv[] = {sh, NULL};
    int status;
    return ctr_exec(id, argv, true, &status, err);
}

static void
prov_close(void *self)
{
    struct prov *p = self;
    for (size_t i = 0; i < p->n; i++)
        entry_free(p->v[i]);
    free(p->v);
    if (p->epfd >= 0)
        close(p->epfd);
    ctr_rdbatch_free(p->rb);
    free(p->slots);
    if (p->self_netns >= 0)
        close(p->self_netns);
    free(p);
}

static const struct provider_ops ctr_provider_ops = {
    .name = "containers",
    .sample = prov_sample,
    .act = prov_act,
    .attach = prov_attach,
    .conns = NULL,
    .close = prov_close,
};

int
ctr_provider_new(struct provider *out, struct err **err)
{
    /* Up to 8 fds per running container stay open: raise the soft limit to the hard one. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct prov *p = xcalloc(1, sizeof(*p));
    p->dir_mtime.tv_sec = -1;
    p->rb = ctr_rdbatch_new();
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (p->epfd < 0) {
        int saved = errno;
        ctr_rdbatch_free(p->rb);
        free(p);
        return err_set(err, saved, "epoll_create1");
    }
    p->self_netns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    out->ops = &ctr_provider_ops;
    out->self = p;
    return 0;
}
