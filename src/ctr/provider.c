/* SPDX-License-Identifier: MIT */
/*
 * The containers provider: every container as a row of the model. Built for 1000 containers per
 * refresh: state files are re-parsed only when they change (stat), monitors are checked with one
 * poll() over their pidfds, cgroup stat files and /proc/<init>/net/dev stay open and are pread.
 */
#include "ctr/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fileio.h"
#include "common/json.h"
#include "common/model.h"

struct entry {
    char name[CTR_NAME_MAX + 1];
    bool seen;
    bool own_net;
    struct timespec state_mtime;
    ino_t st_ino;
    bool have_state;
    struct ctr_state st;
    int mon_pidfd; /* while running/paused */
    bool fds_open;
    const struct cgroup_ops *cg;
    struct ctr_cgfds fds;
    int netfd;
    bool net_lo_only; /* last read found only lo */
    unsigned net_skip;
    uint64_t mem_limit;
    bool have_io; /* last_rd/last_wr hold a reading */
    uint64_t last_cpu, last_rd, last_wr;
};

struct prov {
    struct entry **v; /* sorted by name */
    size_t n, cap;
    struct timespec dir_mtime;
    struct pollfd *pfd;
    size_t pfd_cap;
    struct ctr_changes changes;
    bool rescan; /* an entry was added: refresh states even without a change */
};

static void
entry_close_live(struct entry *e)
{
    if (e->mon_pidfd >= 0)
        close(e->mon_pidfd);
    if (e->netfd >= 0)
        close(e->netfd);
    ctr_cgfds_close(&e->fds);
    e->mon_pidfd = e->netfd = -1;
    e->fds_open = false;
    e->net_lo_only = false;
    e->have_io = false;
}

static void
entry_free(struct entry *e)
{
    entry_close_live(e);
    free(e);
}

static struct entry *
entry_new(const char *name)
{
    struct entry *e = calloc(1, sizeof(*e));
    if (!e)
        abort();
    ctr_fmt(e->name, sizeof(e->name), "%s", name);
    e->mon_pidfd = e->netfd = -1;
    ctr_cgfds_init(&e->fds);
    /* Whether it has its own network namespace: fixed for its life. */
    struct ctr_spec s;
    memset(&s, 0, sizeof(s));
    if (ctr_spec_load(name, &s, NULL) == 0) {
        e->own_net = s.ns & CTR_NS_NET;
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
        p->v = realloc(p->v, p->cap * sizeof(*p->v));
        if (!p->v)
            abort();
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

static void
entry_open_live(struct entry *e)
{
    char path[64];
    e->cg = ctr_cgroup_by_name(e->st.cgroup_mgr);
    e->mon_pidfd = (int)syscall(SYS_pidfd_open, e->st.monitor_pid, 0);
    if (e->cg && e->st.cgroup[0]) {
        e->cg->stats_open(e->st.cgroup, &e->fds);
        /* The limit is fixed while it runs: read once, not every refresh. */
        struct ctr_cgstats cs;
        e->cg->stats_read(&e->fds, &cs);
        e->mem_limit = cs.mem_limit;
        if (e->fds.mem_limit >= 0)
            close(e->fds.mem_limit);
        e->fds.mem_limit = -1;
    }
    if (e->own_net) {
        ctr_fmt(path, sizeof(path), "/proc/%d/net/dev", (int)e->st.pid);
        e->netfd = open(path, O_RDONLY | O_CLOEXEC);
    }
    e->fds_open = true;
}

/* Reload the state when its file changed (inode or mtime); open/close the live fds. */
static void
entry_refresh(struct entry *e)
{
    char path[PATH_MAX];
    struct stat sb;
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
    if (e->st.status == CTR_STATUS_RUNNING || e->st.status == CTR_STATUS_PAUSED)
        entry_open_live(e);
}

/* One poll() over every live monitor: an exited one means stale until its record lands. */
static void
prov_check_monitors(struct prov *p)
{
    if (p->pfd_cap < p->n) {
        p->pfd_cap = p->n;
        p->pfd = realloc(p->pfd, p->pfd_cap * sizeof(*p->pfd));
        if (!p->pfd)
            abort();
    }
    for (size_t i = 0; i < p->n; i++)
        p->pfd[i] = (struct pollfd){p->v[i]->fds_open ? p->v[i]->mon_pidfd : -1, POLLIN, 0};
    if (poll(p->pfd, p->n, 0) <= 0)
        return;
    for (size_t i = 0; i < p->n; i++) {
        if (p->pfd[i].revents) {
            /* The monitor is gone: its exit record (if any) is reread next time. */
            entry_close_live(p->v[i]);
            p->v[i]->have_state = false;
            entry_refresh(p->v[i]);
        }
    }
}

/* Sums the non-loopback interfaces; returns how many there are (-1 when unreadable). */
static int
read_net(int fd, uint64_t *rx, uint64_t *tx)
{
    char buf[8192];
    int ifaces = 0;
    *rx = *tx = 0;
    if (ctr_pread1(fd, buf, sizeof(buf)) <= 0) {
        *rx = *tx = INST_UNKNOWN;
        return -1;
    }
    for (char *l = strchr(buf, '\n'); l && (l = strchr(l + 1, '\n'));) {
        char *colon = strchr(l, ':');
        if (!colon)
            break;
        char *name = l + 1;
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

/*
 * Network bytes of the container's netns (lo excluded). A netns holding nothing but lo (what
 * --net none gives) has 0 bytes by definition; it is re-read every NET_RECHECK refreshes to
 * notice an interface added from inside, and every refresh once it has one.
 */
#define NET_RECHECK 16

static void
entry_net(struct entry *e, struct inst *in)
{
    if (e->netfd < 0)
        return;
    if (e->net_lo_only && ++e->net_skip < NET_RECHECK) {
        in->net_rx_bytes = in->net_tx_bytes = 0;
        return;
    }
    e->net_skip = 0;
    e->net_lo_only = read_net(e->netfd, &in->net_rx_bytes, &in->net_tx_bytes) == 0;
}

/* cgroup figures; block bytes re-read only when they can have changed (io_needs_cpu). */
static void
entry_cgroup(struct entry *e, struct inst *in)
{
    struct ctr_cgstats cs;
    struct ctr_cgfds f = e->fds;
    f.io = -1;
    e->cg->stats_read(&f, &cs);
    in->cpu_ns = cs.cpu_ns;
    in->mem_bytes = cs.mem;
    in->mem_limit_bytes = e->mem_limit;
    in->pids = cs.pids;
    bool same_cpu = e->have_io && cs.cpu_ns != INST_UNKNOWN && cs.cpu_ns == e->last_cpu;
    if (!(e->cg->io_needs_cpu && same_cpu)) {
        e->cg->io_read(e->fds.io, &e->last_rd, &e->last_wr);
        e->have_io = true;
    }
    e->last_cpu = cs.cpu_ns;
    in->blk_read_bytes = e->last_rd;
    in->blk_write_bytes = e->last_wr;
}

static const enum inst_state state_map[CTR_STATUS_COUNT] = {
    [CTR_STATUS_CREATED] = INST_STATE_STOPPED, [CTR_STATUS_RUNNING] = INST_STATE_RUNNING,
    [CTR_STATUS_PAUSED] = INST_STATE_PAUSED,   [CTR_STATUS_STOPPED] = INST_STATE_STOPPED,
    [CTR_STATUS_STALE] = INST_STATE_CRASHED,
};

static void
entry_row(struct entry *e, struct inst_list *out)
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
    in->mono_ns = mono_now_ns();
    if (!e->fds_open)
        return;
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
            entry_refresh(p->v[i]);
        p->rescan = false;
    }
    prov_check_monitors(p);
    for (size_t i = 0; i < p->n; i++)
        entry_row(p->v[i], out);
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
    free(p->pfd);
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
    (void)err;
    /* Up to 7 fds per running container stay open: raise the soft limit to the hard one. */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    struct prov *p = calloc(1, sizeof(*p));
    if (!p)
        abort();
    p->dir_mtime.tv_sec = -1;
    out->ops = &ctr_provider_ops;
    out->self = p;
    return 0;
}
